"""The Reports tab: made in the background from the filter panel's filters, previewed page by page,
saved, kept in the history; Cancel leaves nothing."""

from __future__ import annotations

import subprocess

from PySide6.QtCore import Qt
from sqlalchemy import Engine

from crimedesk.config.settings import Settings, save_settings
from crimedesk.reports.service import report_history_entries
from crimedesk.state.filters import FilterState
from crimedesk.ui.panes.reports.reports_pane import ReportsPane


def made_pane(qtbot, engine: Engine, state: FilterState) -> ReportsPane:
    pane = ReportsPane(engine, state)
    qtbot.addWidget(pane)
    pane.resize(1400, 900)
    pane.show()
    return pane


def test_make_preview_save_and_history(qtbot, chicago_sample_store, state, tmp_path, artifacts) -> None:
    pane = made_pane(qtbot, chicago_sample_store, state)
    state.update(date_from=state.snapshot.date_from.replace(day=2))  # state -> the report's period
    with qtbot.waitSignal(pane.made, timeout=60_000):
        qtbot.mouseClick(pane.make_button, Qt.MouseButton.LeftButton)
    pages = pane.preview.document.pageCount()
    assert pages == pane.result.pages >= 2 and pane.preview.count.text() == f"of {pages}"
    assert not pane.preview.image.pixmap().isNull()
    assert "2017-01-02 – 2017-01-03" in pane.status.text()
    pane.save_to(tmp_path / "saved.pdf")
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "saved.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "2017-01-02 – 2017-01-03" in text
    qtbot.waitUntil(lambda: pane.history.rowCount() == 1, timeout=10_000)
    [entry] = report_history_entries(chicago_sample_store)
    assert pane.history.item(0, 1).text() == entry.username
    assert "2017-01-02 – 2017-01-03" in pane.history.item(0, 3).text()
    pane.preview.page.setValue(2)
    qtbot.wait(50)
    assert pane.grab().save(str(artifacts / "reports.png"))


def test_unticked_sections_are_left_out(qtbot, chicago_sample_store, state) -> None:
    pane = made_pane(qtbot, chicago_sample_store, state)
    for row in range(pane.sections.count()):
        item = pane.sections.item(row)
        if item.data(Qt.ItemDataRole.UserRole) not in ("cover", "kpis"):
            item.setCheckState(Qt.CheckState.Unchecked)
    assert pane.options().sections == ("cover", "kpis")
    pane.region_pages.setChecked(True)
    assert pane.options().sections == ("cover", "kpis", "region_pages") and pane.options().region_pages
    pane.region_pages.setChecked(False)
    with qtbot.waitSignal(pane.made, timeout=60_000):
        pane.make()
    assert pane.result.pages == 1


def test_cancel_makes_nothing(qtbot, chicago_sample_store, state) -> None:
    pane = made_pane(qtbot, chicago_sample_store, state)
    pane.region_pages.setChecked(True)
    pane.make()
    assert not pane.make_button.isEnabled() and pane.cancel_button.isEnabled()
    pane.cancel()
    qtbot.waitUntil(lambda: pane.make_button.isEnabled(), timeout=30_000)
    assert pane.status.text() == "Cancelled; no report made."
    assert pane.result is None and not pane.save_button.isEnabled()
    assert report_history_entries(chicago_sample_store) == []
    assert list(pane.folder.iterdir()) == []


def test_model_report_needs_a_finished_experiment(qtbot, chicago_sample_store, state) -> None:
    pane = made_pane(qtbot, chicago_sample_store, state)
    pane.template.setCurrentIndex(pane.template.findData("model"))
    assert [pane.sections.item(i).text() for i in range(pane.sections.count())] == ["Model card"]
    assert pane.experiment.isEnabled() and not pane.region_pages.isEnabled()
    assert pane.options().experiment_id is None
    pane.make()
    assert "Train a model first" in pane.status.text() and pane.make_button.isEnabled()


def test_the_report_draws_the_maps_offline_basemap_only(qtbot, sqlite_store, state, tmp_path) -> None:
    settings_file = tmp_path / "settings.json"
    settings = Settings()
    settings.map.basemap, settings.map.mbtiles = "mbtiles", str(tmp_path / "city.mbtiles")
    save_settings(settings, settings_file)
    pane = ReportsPane(sqlite_store, state, settings_file=settings_file)
    qtbot.addWidget(pane)
    pane.show()
    assert pane.options().basemap == str(tmp_path / "city.mbtiles")
    settings.map.basemap = "xyz"  # the online basemap is not fetched for a report
    save_settings(settings, settings_file)
    assert pane.options().basemap is None
    assert made_pane(qtbot, sqlite_store, state).options().basemap is None  # no settings file


def test_a_failed_report_leaves_nothing_to_save_and_the_next_one_recovers(
    qtbot, chicago_sample_store, state
) -> None:
    """After a failure, Save and Print once handed over the previous report as if it were the new
    one, and the raw error stayed."""
    pane = made_pane(qtbot, chicago_sample_store, state)
    with qtbot.waitSignal(pane.made, timeout=60_000):
        pane.make()
    assert pane.save_button.isEnabled()
    period = (state.snapshot.date_from, state.snapshot.date_to)
    state.update(date_to=None)  # an open period: no report can be made of it
    with qtbot.waitSignal(pane.error, timeout=60_000) as failed:
        pane.make()
    qtbot.waitUntil(lambda: pane.make_button.isEnabled())
    assert failed.args[0].startswith("The report could not be made: A report needs a closed period")
    assert pane.status.text() == failed.args[0]
    assert pane.result is None and not pane.save_button.isEnabled() and not pane.print_button.isEnabled()
    assert pane.preview.document.pageCount() == 0
    state.update(date_from=period[0], date_to=period[1])
    with qtbot.waitSignals([pane.made, pane.recovered], timeout=60_000):
        pane.make()
    assert pane.save_button.isEnabled()
