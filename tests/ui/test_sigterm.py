"""The app started as users start it: SIGTERM saves its settings and exits cleanly; a normal start
prints no migration steps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from crimedesk.config.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_sigterm_saves_the_settings_and_exits_cleanly(tmp_path):
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("CRIMEDESK_SETTINGS", None)
    settings = tmp_path / "config" / "crimedesk" / "settings.json"
    store = tmp_path / "x.sqlite"
    app = subprocess.Popen(
        [sys.executable, "main.py", "--db", f"sqlite:///{store}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 40
        while not store.is_file() and time.monotonic() < deadline:  # migrated: the window follows
            time.sleep(0.2)
        time.sleep(3)
        # the map may have saved its view already, but the window's layout is saved only on closing
        assert not settings.exists() or load_settings(settings).window.geometry is None
        app.send_signal(signal.SIGTERM)
        _out, err = app.communicate(timeout=40)
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
    assert app.returncode == 0, err
    assert load_settings(settings).window.geometry  # the layout was saved on the way out
    assert "Traceback" not in err
    assert "alembic" not in err and "Running upgrade" not in err  # no migration chatter
