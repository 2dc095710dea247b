"""The README's screenshots in one command: ``.venv/bin/python docs/make_screenshots.py [sqlite] [postgres]``.

Every pane at 1366×768 and 1920×1080 on the Chicago sample (/work/shared/data, or
$CRIMEDESK_SHARED_DATA) with the police districts, the UCR table, a trained hotspot model, a
feed run against a local stand-in portal and a CompStat report made; the login dialog and the
Admin pane on a throwaway PostgreSQL database (127.0.0.1:5432); a CompStat PDF page through
pdftoppm. PNGs go to docs/screens/, reduced to 256 colours. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screens"
DATA = Path(os.environ.get("CRIMEDESK_SHARED_DATA", "/work/shared/data"))
SIZES = ((1366, 768), (1920, 1080))
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TMP = Path(tempfile.mkdtemp(prefix="crimedesk-shots-"))
for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):  # never the user's settings
    os.environ[name] = str(TMP / name.lower())
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
sys.path.insert(0, str(ROOT))

from PySide6 import QtWebEngineWidgets  # noqa: E402,F401  (before the QApplication)
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from crimedesk.ui.app import prepare_webengine_env  # noqa: E402
from crimedesk.ui.panes.map.map_pane import register_map_schemes  # noqa: E402

prepare_webengine_env(os.environ, is_root=os.geteuid() == 0)
register_map_schemes()
APP = QApplication([sys.argv[0]])


def wait_until(condition: Callable[[], object], what: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError(f"gave up waiting for {what}")
        QTest.qWait(25)


def save(widget: QWidget, name: str) -> None:
    QTest.qWait(300)
    path = OUT / f"{name}.png"
    assert widget.grab().save(str(path)), path
    reduce(path)


def reduce(path: Path) -> None:
    """256 colours, no dithering: UI screenshots keep their look at a third of the size."""
    from PIL import Image

    image = Image.open(path).convert("RGB")
    image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
    print(f"{path.relative_to(ROOT)}  {path.stat().st_size / 1024:.0f} KB")


def filled_store(url: str):
    """The Chicago sample with districts, UCR figures and one feed run and an offense-type model."""
    from crimedesk.auth.session import acting_user
    from crimedesk.feeds.catalog import add_feed
    from crimedesk.feeds.feed import Feed
    from crimedesk.feeds.runner import run_feed
    from crimedesk.ingest.pipeline import import_file
    from crimedesk.models.training import run_experiment
    from crimedesk.regions.store import import_boundary_layer
    from crimedesk.storage.engine import make_engine
    from tests.feeds.fake_soda import FakePortal, api_records

    engine = make_engine(url)
    sample = DATA / "chicago_crimes_sample_2017-01-01_to_03.csv"
    import_file(engine, sample)
    import_file(engine, DATA / "fbi_ucr_estimated_crimes_1979_2019.csv")
    import_boundary_layer(
        engine,
        DATA / "chicago_police_districts_2012.geojson",
        layer_name="Police districts",
        id_field="DIST_NUM",
        name_field="DIST_LABEL",
        incident_field="district",
    )
    run_experiment(engine, "crime_type_rf", {"n_estimators": "50"})  # three days: no backtest span
    portal = FakePortal(api_records(sample), page_cap=1_000)
    try:
        feed = Feed(
            name="Chicago portal", kind="soda", endpoint=portal.url, dataset="ijzp-q8t2", profile="chicago"
        )
        add_feed(engine, feed, user=acting_user(engine))
        run_feed(engine, feed.name, user=acting_user(engine))
    finally:
        portal.close()
    return engine


def open_workspace(engine, size: tuple[int, int]):
    from crimedesk.ui.workspace import Workspace

    workspace = Workspace(engine, TMP / f"settings-{uuid.uuid4().hex[:6]}.json")
    window = workspace.window
    window.resize(*size)
    window.show()
    workspace.reload()
    wait_until(lambda: workspace.facts is not None, "the store's facts")
    wait_until(workspace.dashboard.is_current, "the dashboard")
    return workspace


def panes(workspace, size: tuple[int, int]) -> None:
    """Every tab of the window at ``size``; the map on the districts' choropleth."""
    from sqlalchemy import select

    from crimedesk.storage.schema import boundary_layers

    with workspace.engine.connect() as conn:
        layer = conn.execute(select(boundary_layers.c.id)).scalar_one()
    workspace.state.update(region_layer_id=layer)
    wait_until(workspace.dashboard.is_current, "the dashboard on districts")
    window, suffix = workspace.window, f"{size[0]}x{size[1]}"
    tabs = window.tabs
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        pane = tabs.currentWidget()
        if pane is workspace.map:
            wait_until(lambda: workspace.map.page_ready, "the map page")
            wait_until(lambda: "on the map" in workspace.map.status.text(), "the map's layers")
            QTest.qWait(1500)
        if pane is workspace.data:
            wait_until(lambda: 0 in workspace.data.model.pages, "the data page")
            workspace.data.table.selectRow(0)
            QTest.qWait(500)
        if pane is workspace.models:
            wait_until(lambda: workspace.models.extent is not None, "the models' extent")
        if pane is workspace.feeds:
            workspace.feeds.refresh()  # the app lists feeds when it starts them, after the first paint
            wait_until(lambda: workspace.feeds.table.rowCount() == 1, "the feed")
            workspace.feeds.table.selectRow(0)
            wait_until(lambda: workspace.feeds.history.rowCount() == 1, "the feed's run")
        if pane is workspace.reports and workspace.reports.result is None:
            workspace.reports.region_pages.setChecked(True)
            workspace.reports.make()
            wait_until(lambda: workspace.reports.result is not None, "the report", 120)
        QTest.qWait(700)
        save(window, f"{tabs.tabText(index).lower().replace('&', '')}_{suffix}")


def sqlite_shots() -> None:
    engine = filled_store(f"sqlite:///{TMP / 'store.sqlite'}")
    for size in SIZES:
        workspace = open_workspace(engine, size)
        panes(workspace, size)
        workspace.window.close()
        workspace.shutdown()
    compstat_page(engine)
    engine.dispose()


def compstat_page(engine) -> None:
    from crimedesk.auth.session import acting_user
    from crimedesk.domain.filters import FilterSnapshot
    from crimedesk.reports.context import ReportOptions
    from crimedesk.reports.service import make_report

    pdf = TMP / "compstat.pdf"
    filters = FilterSnapshot(date_from=date(2017, 1, 1), date_to=date(2017, 1, 3))
    make_report(engine, acting_user(engine), "compstat", filters, pdf, ReportOptions(region_pages=True))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "3", str(pdf), str(TMP / "page")], check=True
    )
    for number in (1, 3):
        target = OUT / f"compstat_page{number}.png"
        next(TMP.glob(f"page-*{number}.png")).replace(target)
        reduce(target)


def postgres_shots() -> None:
    """The login dialog refusing a wrong password, and the Admin pane, on a throwaway database."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from crimedesk.auth import accounts
    from crimedesk.auth.roles import Role
    from crimedesk.auth.session import acting_user
    from crimedesk.auth.store_settings import IDLE_LOCK_MAX, change_store_setting
    from crimedesk.ingest.pipeline import import_file
    from crimedesk.storage.engine import make_engine
    from crimedesk.ui.dialogs.login_dialog import LoginDialog
    from crimedesk.ui.runtime import workers

    server = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    database, tag = f"crimedesk_shots_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex[:4]
    names = {"chief": Role.ADMIN, "ana": Role.ANALYST, "omar": Role.ANALYST, "vera": Role.VIEWER}
    people = {
        "chief": ("Chief Analyst", "Crime Analysis Unit"),
        "ana": ("Ana Lyst", "Robbery"),
        "omar": ("Omar Reyes", "Burglary"),
        "vera": ("Vera Stone", "Command staff"),
    }
    logins = {name: f"{name}_{tag}" for name in [*names, "dana"]}  # dana: a login made with psql
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
        # only this store's people may connect: the crimedesk groups are the whole server's
        conn.execute(text(f'REVOKE CONNECT ON DATABASE "{database}" FROM PUBLIC'))
    url = make_url(PG_SERVER).set(database=database)
    try:
        owner = make_engine(url)
        import_file(owner, DATA / "chicago_crimes_sample_2017-01-01_to_03.csv")
        me = acting_user(owner)
        for name, role in names.items():
            full, department = people[name]
            accounts.add_user(
                owner, logins[name], "pw-" + tag, role, user=me, full_name=full, department=department
            )
        with server.connect() as conn:
            conn.execute(
                text(f'CREATE ROLE "{logins["dana"]}" LOGIN; GRANT crimedesk_viewer TO "{logins["dana"]}"')
            )
            conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO {", ".join(logins.values())}'))
        chief = make_engine(url.set(username=logins["chief"], password="pw-" + tag))
        accounts.set_active(chief, logins["omar"], False, user=acting_user(chief))
        change_store_setting(chief, IDLE_LOCK_MAX, 10, user=acting_user(chief))
        # the local server trusts 127.0.0.1 (any password passes): an unknown name is refused
        dialog = LoginDialog(url.set(username="anna_" + tag))
        dialog.password_edit.setText("a password")
        dialog.show()
        dialog.try_login()
        wait_until(lambda: dialog.error_label.text(), "the refusal")
        save(dialog, "login")
        dialog.close()
        for size in SIZES:
            workspace = open_workspace(chief, size)
            workspace.window.tabs.setCurrentWidget(workspace.admin)
            wait_until(lambda w=workspace: w.admin.users_table.rowCount() > len(names), "the users")
            wait_until(lambda: workers.pending_jobs() == 0, "the audit log and store settings")
            save(workspace.window, f"admin_{size[0]}x{size[1]}")
            workspace.window.close()
            workspace.shutdown()
        chief.dispose()
        owner.dispose()
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            for name in logins.values():
                conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
        server.dispose()


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    chosen = sys.argv[1:] or ["sqlite", "postgres"]  # `postgres` alone: the login and Admin shots
    if "sqlite" in chosen:
        sqlite_shots()
    if "postgres" in chosen:
        postgres_shots()
    total = sum(p.stat().st_size for p in OUT.glob("*.png"))
    print(f"{len(list(OUT.glob('*.png')))} PNGs, {total / 1024 / 1024:.1f} MB in {OUT.relative_to(ROOT)}")
