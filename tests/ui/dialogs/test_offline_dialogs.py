"""File ▸ Take offline… and File ▸ Bring back… on the real PostgreSQL store (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import Engine

from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.engine import make_engine
from crimedesk.ui.dialogs.offline_dialog import BringBackDialog, TakeOfflineDialog
from crimedesk.ui.workspace import Workspace
from tests.offline.test_take_return import FILTERS, _expected_keys, _keys, _sample

pytestmark = pytest.mark.postgres


def test_take_offline_then_bring_back_through_the_file_menu(
    qtbot, pg_store: Engine, chicago_sample: Path, tmp_path: Path, monkeypatch, artifacts
) -> None:
    import_file(pg_store, chicago_sample)
    workspace = Workspace(pg_store, tmp_path / "settings.json")
    qtbot.addWidget(workspace.window)
    workspace.state.update(
        date_from=FILTERS.date_from,
        date_to=FILTERS.date_to,
        region_layer_id="district",
        region_ids=FILTERS.region_ids,
    )
    out = tmp_path / "field.sqlite"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))

    workspace.window.take_offline_action.trigger()
    (take,) = workspace.window.findChildren(TakeOfflineDialog)
    assert take.isVisible() and take.path.text() == str(out)
    assert take.filters == workspace.state.snapshot
    with qtbot.waitSignal(take.completed, timeout=30_000):
        take.start.click()
    expected = _expected_keys(_sample(chicago_sample))
    assert f"{len(expected):,} incidents" in take.message.text()
    laptop = make_engine(f"sqlite:///{out}")
    assert _keys(laptop) == expected
    take.grab().save(str(artifacts / "take_offline_dialog.png"))

    new = _sample(chicago_sample).head(3)
    new = new.assign(ID=[f"8{k}" for k in new["ID"]])
    new.to_csv(tmp_path / "field.csv", index=False)
    import_file(laptop, tmp_path / "field.csv")
    laptop.dispose()
    workspace.window.bring_back_action.trigger()
    (back,) = workspace.window.findChildren(BringBackDialog)
    with qtbot.waitSignal(back.completed, timeout=30_000):
        back.start.click()
    assert "3 rows read = 3 inserted" in back.message.text()
    assert set(new["ID"]) <= _keys(pg_store)
    back.grab().save(str(artifacts / "bring_back_dialog.png"))


def test_bringing_back_a_missing_file_says_so(qtbot, pg_store: Engine, tmp_path: Path) -> None:
    dialog = BringBackDialog(pg_store)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "gone.sqlite"))
    dialog.start.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=10_000)
    assert dialog.message.text().startswith("⚠") and "is not a file" in dialog.message.text()
