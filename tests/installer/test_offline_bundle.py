"""The offline bundle installs and runs with no network (issue 18, CI form).

Slow: it needs the archive of installer/build_bundle.sh, named by $CRIMEDESK_BUNDLE (about a GB;
built once per release, not per test run). Everything after unpacking runs in a network namespace
of its own (`unshare -n`): only the loopback device, down.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
BUNDLE = os.environ.get("CRIMEDESK_BUNDLE", "")


def _offline(command: list[str], home: Path, timeout: int) -> subprocess.CompletedProcess[str]:
    env = {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox --disable-gpu",
        "PIP_NO_CACHE_DIR": "1",
        "PYTHON": "python3",  # the system one (Debian 12: 3.11)
    }
    return subprocess.run(
        ["unshare", "-n", *command], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.mark.skipif(
    not Path(BUNDLE).is_file(), reason="set CRIMEDESK_BUNDLE to an archive of build_bundle.sh"
)
@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare (util-linux)")
def test_the_bundle_installs_imports_and_starts_with_no_network(tmp_path: Path, nypd_sample: Path) -> None:
    probe = _offline(
        ["python3", "-c", "import socket; socket.create_connection(('pypi.org', 443), 3)"], tmp_path, 30
    )
    assert probe.returncode != 0  # the namespace really has no network
    with tarfile.open(BUNDLE) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    (unpacked,) = (tmp_path / "unpacked").iterdir()
    installed = _offline(["bash", str(unpacked / "install.sh"), str(tmp_path / "app")], tmp_path, 1800)
    assert installed.returncode == 0, installed.stderr
    bin_dir = tmp_path / ".local" / "bin"
    assert (tmp_path / ".local/share/applications/crimedesk.desktop").is_file()
    store = f"sqlite:///{tmp_path / 'store.sqlite'}"
    imported = _offline(
        [str(bin_dir / "crimedesk"), "import", str(nypd_sample), "--db", store], tmp_path, 600
    )
    assert imported.returncode == 0, imported.stderr
    assert "10,000 rows read" in imported.stdout
    started = _offline([str(bin_dir / "crimedesk-app"), "--db", store, "--report-first-paint"], tmp_path, 300)
    assert started.stdout.splitlines()[:1] == ["first paint"], started.stderr
