from datetime import date, datetime

from PySide6.QtCore import Qt
from sqlalchemy import text

from crimedesk.domain.timecodec import to_seconds
from crimedesk.regions.store import import_boundary_layer
from crimedesk.state.filters import FilterState
from crimedesk.ui.filter_panel import FilterPanel


def make_panel(qtbot, engine, state: FilterState) -> tuple[FilterPanel, list[frozenset[str]]]:
    panel = FilterPanel(state, engine)
    qtbot.addWidget(panel)
    panel.set_latest(date(2017, 1, 3))
    panel.load_choices()
    qtbot.waitUntil(lambda: len(panel.offenses.items()) > 10, timeout=10_000)
    changes: list[frozenset[str]] = []
    state.subscribe(lambda _snapshot, changed: changes.append(changed))
    return panel, changes


def test_state_changes_show_in_widgets(qtbot, chicago_sample_store, state):
    panel, _ = make_panel(qtbot, chicago_sample_store, state)
    state.update(
        categories={"violent", "drug"},
        offense_types={"THEFT"},
        text="STATE ST",
        mappable_only=True,
        region_layer_id="district",
        region_ids={"001"},
    )
    assert panel.categories["violent"].isChecked() and panel.categories["drug"].isChecked()
    assert not panel.categories["property"].isChecked()
    assert panel.offenses.item_for("THEFT").checkState() == Qt.CheckState.Checked
    assert panel.text.text() == "STATE ST"
    assert panel.mappable.isChecked()
    assert panel.layer.currentData() == "district"
    qtbot.waitUntil(lambda: len(panel.regions.items()) > 5, timeout=10_000)
    assert panel.regions.item_for("001").checkState() == Qt.CheckState.Checked
    assert panel.date_from.date().toPython() == date(2017, 1, 1)

    state.apply_preset("last_7", date(2017, 1, 3))
    assert panel.preset.currentData() == "last_7"
    assert panel.date_from.date().toPython() == date(2016, 12, 28)


def test_widget_edits_write_state_once_each(qtbot, chicago_sample_store, state):
    panel, changes = make_panel(qtbot, chicago_sample_store, state)

    panel.categories["violent"].click()
    assert state.categories == {"violent"}
    panel.offenses.search.setText("batt")
    visible = [i for i in range(panel.offenses.list.count()) if not panel.offenses.list.item(i).isHidden()]
    assert {panel.offenses.list.item(i).text() for i in visible} == {"BATTERY"}
    panel.offenses.item_for("BATTERY").setCheckState(Qt.CheckState.Checked)
    assert state.offense_types == {"BATTERY"}
    panel.mappable.click()
    assert state.mappable_only
    qtbot.keyClicks(panel.text, "madison")
    qtbot.waitUntil(lambda: state.text == "madison", timeout=2_000)
    panel.preset.setCurrentIndex(panel.preset.findData("last_28"))
    panel.preset.activated.emit(panel.preset.currentIndex())
    assert (state.date_from, state.date_to, state.preset) == (date(2016, 12, 7), date(2017, 1, 3), "last_28")
    panel.date_to.setDate(date(2017, 1, 2))
    assert (state.date_to, state.preset) == (date(2017, 1, 2), "custom")
    panel.date_from.setDate(date(2017, 1, 5))  # after "to": the range moves along, stays valid
    assert (state.date_from, state.date_to) == (date(2017, 1, 5), date(2017, 1, 5))

    assert changes == [
        {"categories"},
        {"offense_types"},
        {"mappable_only"},
        {"text"},
        {"preset", "date_from"},
        {"preset", "date_to"},
        {"date_from", "date_to"},
    ]
    panel.reset.click()
    assert state.categories == frozenset() and state.text == "" and state.date_from == date(2017, 1, 5)
    assert len(changes) == 8


def test_layer_choice_loads_regions_and_filters(qtbot, chicago_sample_store, state):
    panel, _ = make_panel(qtbot, chicago_sample_store, state)
    labels = [panel.layer.itemText(i) for i in range(panel.layer.count())]
    assert labels[:2] == ["No region layer", "District"]
    panel.layer.setCurrentIndex(panel.layer.findData("district"))
    panel.layer.activated.emit(panel.layer.currentIndex())
    assert state.region_layer_id == "district"
    qtbot.waitUntil(lambda: len(panel.regions.items()) > 5, timeout=10_000)
    values = [v for v, _ in panel.regions.items()]
    assert values == sorted(values, key=int)
    panel.regions.item_for(values[0]).setCheckState(Qt.CheckState.Checked)
    assert state.region_ids == {values[0]}


def sql_count(engine, where: str) -> int:
    query = text(
        "select count(*) from incidents where occurred_from >= :a and occurred_from < :b and " + where
    )
    with engine.connect() as conn:
        start, end = to_seconds(datetime(2017, 1, 1)), to_seconds(datetime(2017, 1, 4))
        return conn.execute(query, {"a": start, "b": end}).scalar_one()


def test_panel_names_codes_or_polygons_and_what_they_leave_out(qtbot, chicago_sample_store, state, data_dir):
    """A district by its code and by its polygon differ; the panel says which one is chosen."""
    layer = import_boundary_layer(
        chicago_sample_store,
        data_dir / "chicago_police_districts_2012.geojson",
        layer_name="Police districts",
        id_field="DIST_NUM",
    ).layer_id
    panel, _ = make_panel(qtbot, chicago_sample_store, state)
    assert panel.basis.isHidden()
    panel.layer.setCurrentIndex(panel.layer.findData("district"))
    panel.layer.activated.emit(panel.layer.currentIndex())  # click -> state
    assert state.region_layer_id == "district"
    no_code = sql_count(chicago_sample_store, "district is null")
    qtbot.waitUntil(lambda: "source's district codes" in panel.basis.text(), timeout=10_000)
    assert panel.basis.text().endswith(f"; {no_code:,} incidents with no code are in none of them")

    state.update(region_layer_id=layer, region_ids=frozenset())  # state -> widget
    unmappable = sql_count(chicago_sample_store, "mappable = false")
    qtbot.waitUntil(lambda: "points inside polygons" in panel.basis.text(), timeout=10_000)
    assert unmappable > 0 and panel.basis.text() == (
        "Regions: Police districts boundaries (points inside polygons);"
        f" {unmappable:,} incidents with no usable coordinates (unmappable) are in none of them"
    )
    assert not panel.basis.isHidden()
    state.update(region_layer_id=None)
    qtbot.waitUntil(panel.basis.isHidden, timeout=10_000)


def test_a_filter_on_a_layer_no_longer_in_the_store_is_cleared_and_said(
    qtbot, chicago_sample_store, state, data_dir
):
    """Restored or saved filters may name a boundary layer since replaced (a new id) or deleted:
    they once selected nothing, the layer box showed a bare id and the dashboard read 0."""
    state.update(region_layer_id=999, region_ids=frozenset({"11"}))  # last session's filters
    panel = FilterPanel(state, chicago_sample_store)
    qtbot.addWidget(panel)
    panel.show_snapshot(state.snapshot)
    cleared = "The region filter was cleared: boundary layer 999 is no longer in the store"
    with qtbot.waitSignal(panel.error, timeout=10_000, check_params_cb=lambda text: cleared in text):
        panel.load_choices()
    assert (state.region_layer_id, state.region_ids) == (None, frozenset())
    assert panel.layer.currentText() == "No region layer" and panel.layer.findData(999) < 0
    saved_set = "boundary layer 998 is no longer in the store"  # a saved filter set's layer, say
    with qtbot.waitSignal(panel.error, timeout=10_000, check_params_cb=lambda text: saved_set in text):
        state.update(region_layer_id=998, region_ids=frozenset({"11"}))
    assert (state.region_layer_id, state.region_ids) == (None, frozenset())
    panel.layer.setCurrentIndex(panel.layer.findData("district"))
    panel.layer.activated.emit(panel.layer.currentIndex())
    qtbot.waitUntil(lambda: len(panel.regions.items()) > 5, timeout=10_000)
    state.update(region_layer_id=None, region_ids=frozenset())  # "No region layer": no regions listed
    qtbot.waitUntil(lambda: panel.regions.items() == [], timeout=10_000)
