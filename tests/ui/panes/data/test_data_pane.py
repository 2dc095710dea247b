import csv
from datetime import date

from PySide6.QtCore import Qt
from sqlalchemy import text

from crimedesk.ingest.pipeline import import_file
from crimedesk.state.selection import SelectionState
from crimedesk.ui.panes.data.data_pane import DataPane
from crimedesk.ui.panes.data.incident_model import LOADING, PAGE_ROWS


def make_pane(qtbot, engine, state, selection: SelectionState | None = None) -> DataPane:
    pane = DataPane(engine, state, selection=selection)
    qtbot.addWidget(pane)
    pane.resize(1300, 700)
    pane.show()
    with qtbot.waitSignal(pane.model.count_loaded, timeout=10_000):
        pane.refresh()
    return pane


def test_table_counts_pages_and_sorts_in_the_database(qtbot, chicago_sample_store, state):
    pane = make_pane(qtbot, chicago_sample_store, state)
    model = pane.model
    assert model.rowCount() == 2426
    qtbot.waitUntil(lambda: 0 in model.pages, timeout=10_000)
    assert len(model.pages) <= 2  # only what the view showed, not 2,426 rows
    first = [model.index(r, 0).data() for r in range(3)]
    assert first == sorted(first, reverse=True)

    far = PAGE_ROWS * 11 + 5
    assert model.index(far, 2).data() == LOADING
    qtbot.waitUntil(lambda: 11 in model.pages, timeout=10_000)
    assert model.index(far, 2).data() != LOADING

    pane.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # offense type
    model.index(0, 0).data()
    qtbot.waitUntil(lambda: 0 in model.pages, timeout=10_000)
    with chicago_sample_store.connect() as conn:
        smallest = conn.execute(text("select min(offense_type) from incidents")).scalar_one()
    assert model.index(0, 2).data() == smallest

    with qtbot.waitSignal(model.count_loaded, timeout=10_000):
        state.update(categories={"drug"}, date_to=date(2017, 1, 1))
    with chicago_sample_store.connect() as conn:
        drug = conn.execute(
            text("select count(*) from incidents where category = 'drug' and occurred_from < :end"),
            {"end": 17167 * 86400 + 86400},
        ).scalar_one()
    assert model.rowCount() == drug
    assert pane.count_label.text().startswith(f"{drug:,} incidents")


def case_number(engine, incident_id: int) -> str:
    with engine.connect() as conn:
        return conn.execute(
            text("select case_number from incidents where id = :id"), {"id": incident_id}
        ).scalar_one()


def test_choosing_a_row_selects_its_incident_and_shows_its_details(
    qtbot, chicago_sample_store, state, artifacts
):
    selection = SelectionState()
    pane = make_pane(qtbot, chicago_sample_store, state, selection)
    pane.resize(1366, 768)
    qtbot.waitUntil(lambda: 0 in pane.model.pages, timeout=10_000)
    row_id = pane.model.index(0, 0).data(Qt.ItemDataRole.UserRole)
    pane.table.selectRow(0)
    assert selection.ids == (row_id,)
    case = case_number(chicago_sample_store, row_id)
    qtbot.waitUntil(lambda: pane.details.toPlainText().startswith(f"Case {case}"), timeout=10_000)
    assert f"Case number\n{case}" in pane.details.toPlainText()
    pane.grab().save(str(artifacts / "data_pane_details_1366x768.png"))
    assert pane.model.index(0, 2).data() in pane.details.toPlainText()


def test_an_incident_selected_elsewhere_shows_in_the_details(qtbot, chicago_sample_store, state):
    """E.g. clicked on the map: the shared selection changes, the details follow."""
    selection = SelectionState()
    pane = make_pane(qtbot, chicago_sample_store, state, selection)
    with chicago_sample_store.connect() as conn:
        incident_id = conn.execute(text("select max(id) from incidents")).scalar_one()
    selection.select(incident_id)
    case = case_number(chicago_sample_store, incident_id)
    qtbot.waitUntil(lambda: pane.details.toPlainText().startswith(f"Case {case}"), timeout=10_000)
    selection.clear()
    qtbot.waitUntil(lambda: pane.details.toPlainText() == "", timeout=10_000)


def test_upload_history_and_rejected_rows(qtbot, chicago_sample_store, state, bad_chicago, tmp_path):
    result = import_file(chicago_sample_store, bad_chicago)
    assert result.counts.rejected == 2
    pane = make_pane(qtbot, chicago_sample_store, state)
    uploads = pane.uploads
    qtbot.waitUntil(lambda: uploads.imports.rowCount() == 2, timeout=10_000)
    assert uploads.imports.frame["file_name"].tolist() == [
        "chicago_broken.csv",
        "chicago_crimes_sample_2017-01-01_to_03.csv",
    ]
    with qtbot.waitSignal(uploads.rejected_loaded, timeout=10_000) as blocker:
        uploads.imports_view.selectRow(0)
    assert blocker.args == [2]
    assert uploads.rejected.frame["line_number"].tolist() == [3, 5]
    assert "2 rejected" in uploads.rejected_label.text()
    out = tmp_path / "rejected.csv"
    uploads.export_to(out)
    qtbot.waitUntil(lambda: "Exported 2" in uploads.rejected_label.text(), timeout=10_000)
    with out.open(newline="", encoding="utf-8") as handle:
        exported = list(csv.reader(handle))
    assert [row[0] for row in exported] == ["line_number", "3", "5"]
    assert exported[2][2] == "1,2,3"  # the short row's raw text, as read
