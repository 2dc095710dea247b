"""Shared fixtures: isolated user dirs, real data paths, and stores on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.memkeyring.MemoryKeyring")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keyring
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = Path(os.environ.get("CRIMEDESK_SHARED_DATA", ROOT.parent / "shared" / "data"))

import crimedesk.config.secrets as secrets  # noqa: E402
from tests.memkeyring import MemoryKeyring  # noqa: E402

pytest_plugins = ["tests.stores"]


@pytest.fixture(autouse=True, scope="session")
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Never touch the real user's data, config or cache directories."""
    home = tmp_path_factory.mktemp("xdg")
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    os.environ["XDG_CACHE_HOME"] = str(home / "cache")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.fail(f"shared data not found at {DATA} (set CRIMEDESK_SHARED_DATA)")
    return DATA


@pytest.fixture(scope="session")
def chicago_sample(data_dir: Path) -> Path:
    return data_dir / "chicago_crimes_sample_2017-01-01_to_03.csv"


@pytest.fixture
def bad_chicago(tmp_path: Path, chicago_sample: Path) -> Path:
    """The first 30 sample rows with two broken ones: a bad date (line 3) and a short row (line 5)."""
    lines = chicago_sample.read_text(encoding="utf-8").splitlines()[:31]
    fields = lines[2].split(",")
    fields[2] = "31/31/2017 25:99"
    lines[2] = ",".join(fields)
    lines[4] = "1,2,3"
    path = tmp_path / "chicago_broken.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def chicago_full(data_dir: Path) -> Path:
    return data_dir / "chicago_crimes_2016_2017.csv.gz"


@pytest.fixture(scope="session")
def nypd_sample(data_dir: Path) -> Path:
    return data_dir / "nypd_complaints_historic_sample_10k.csv.gz"


@pytest.fixture(scope="session")
def ucr_table(data_dir: Path) -> Path:
    return data_dir / "fbi_ucr_estimated_crimes_1979_2019.csv"


@pytest.fixture
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A settings file of the test's own (CRIMEDESK_SETTINGS, so the CLI's too), an empty keyring
    and no session passwords, so no test sees another's secrets."""
    path = tmp_path / "config" / "settings.json"
    monkeypatch.setenv("CRIMEDESK_SETTINGS", str(path))
    monkeypatch.delenv("CRIMEDESK_DB", raising=False)
    monkeypatch.setattr(secrets, "_session", {})
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield path
    keyring.set_keyring(previous)


# Tests that talk to the shared Mosquitto broker (topics such as city/#) or start a Kafka broker run
# one after another in one worker when the suite runs in parallel (pytest -n 2 --dist loadgroup).
BROKER_DIRS = ("tests/feeds/", "tests/ui/panes/feeds/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        where = Path(str(item.path)).relative_to(ROOT).as_posix()
        if where.startswith(BROKER_DIRS):
            item.add_marker(pytest.mark.xdist_group("brokers"))
