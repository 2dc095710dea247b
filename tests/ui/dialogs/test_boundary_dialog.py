"""Load boundaries…: the file's attribute names offered to pick from, the load in a child process,
and the result said in a sentence whose numbers match SQL."""

import geopandas as gpd
from sqlalchemy import func, select

from crimedesk.ingest.pipeline import import_file
from crimedesk.regions.sizes import region_sizes
from crimedesk.regions.store import layer_names
from crimedesk.storage.schema import boundaries, incident_regions
from crimedesk.ui.dialogs.boundary_dialog import NONE, BoundaryDialog

DISTRICTS = "chicago_police_districts_2012.geojson"


def _items(box) -> list[str]:
    return [box.itemText(i) for i in range(box.count())]


def _sql(engine, query):
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def test_the_files_attributes_are_offered_and_the_load_is_said_in_words(
    qtbot, sqlite_store, chicago_sample, data_dir, tmp_path
):
    import_file(sqlite_store, chicago_sample)
    frame = gpd.read_file(data_dir / DISTRICTS)
    frame["Residents"] = [50_000 + int(n) for n in frame["DIST_NUM"]]
    path = tmp_path / "districts.geojson"
    frame.to_file(path, driver="GeoJSON")
    dialog = BoundaryDialog(sqlite_store)
    qtbot.addWidget(dialog)
    assert not dialog.start.isEnabled()  # nothing to load before a file is chosen
    dialog.path.setText(str(path))
    assert _items(dialog.id_field) == ["DIST_LABEL", "DIST_NUM", "Residents"]
    assert _items(dialog.name_field) == [NONE, "DIST_LABEL", "DIST_NUM", "Residents"]
    assert dialog.id_field.currentData() == "DIST_NUM"  # the likely choices are preselected
    assert dialog.name_field.currentData() == "DIST_LABEL"
    assert dialog.population_field.currentData() is None  # "Residents" has no hint of population
    dialog.population_field.setCurrentIndex(dialog.population_field.findData("Residents"))
    dialog.layer_name.setText("districts")
    dialog.incident_field.setCurrentIndex(dialog.incident_field.findData("district"))
    dialog.resize(1366 // 2, dialog.sizeHint().height())
    with qtbot.waitSignal(dialog.loaded, timeout=60_000) as blocker:
        dialog.start.click()
    dialog.show()
    qtbot.wait(100)
    dialog.grab().save("/tmp/boundary_dialog.png")
    assert dialog.message.height() >= dialog.message.heightForWidth(dialog.message.width())  # not cut off
    result = blocker.args[0]
    joined = _sql(sqlite_store, select(func.count()).select_from(incident_regions))
    regions = _sql(sqlite_store, select(func.count()).select_from(boundaries))
    assert result.regions == regions == 23 and result.incidents_joined == joined > 2000
    text = dialog.message.text()
    assert text.startswith(f"Loaded 23 regions as “districts”: {joined:,} incidents lie in a region")
    assert "Population known for 23 of 23 regions." in text and dialog.cancel.text() == "Close"
    with sqlite_store.connect() as conn:
        assert [name for _id, name in layer_names(conn)] == ["districts"]
        sizes = region_sizes(conn, result.layer_id)
    assert sizes["31"].population == 50_031  # a district in 3 parts, each carrying its total


def test_a_file_that_is_not_a_boundary_file_is_said_so(qtbot, sqlite_store, chicago_sample):
    dialog = BoundaryDialog(sqlite_store)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(chicago_sample))
    assert dialog.message.text().startswith("⚠") and "not a boundary file" in dialog.message.text()
    assert dialog.id_field.count() == 0 and not dialog.start.isEnabled()
    dialog.path.setText(str(chicago_sample.with_name("missing.geojson")))
    assert dialog.message.text() == "No such file." and not dialog.start.isEnabled()
