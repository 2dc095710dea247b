import dataclasses
import time
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox

from crimedesk.domain.errors import ImportCancelled
from crimedesk.mapping.overlays import projected_geojson
from crimedesk.models.catalog import DEFAULT_KIND, STUDY_HEADLINE, model_kinds, model_spec
from crimedesk.models.experiments import Experiment, list_experiments, load_experiment_model
from crimedesk.models.hotspots.map_polygons import hotspot_polygons
from crimedesk.models.risk.map_cells import risk_cells
from crimedesk.models.training import run_experiment
from crimedesk.state.filters import FilterState
from crimedesk.ui.panes.models.comparison_view import ComparisonView
from crimedesk.ui.panes.models.experiments_table import COLUMNS
from crimedesk.ui.panes.models.models_pane import ModelsPane
from crimedesk.ui.panes.models.models_train import TrainDialog, editor_value

FAST_RF = {"n_estimators": 10, "min_frequency": 5}


def open_pane(qtbot, engine, state, show_on_map=None) -> ModelsPane:
    pane = ModelsPane(engine, state, show_on_map)
    qtbot.addWidget(pane)
    pane.resize(1200, 700)
    pane.show()
    qtbot.waitUntil(lambda: pane.table.rowCount() == len(list_experiments(engine)), timeout=10_000)
    return pane


def table_ids(pane: ModelsPane) -> list[int]:
    """The ids as the table shows them."""
    return [int(pane.table.item(r, 0).text()) for r in range(pane.table.rowCount())]


def test_train_dialog_has_an_editor_per_field_with_its_default(qtbot):
    state = FilterState.from_dict({"date_from": "2016-01-01", "date_to": "2016-12-31"})  # every default fits
    dialog = TrainDialog(state.snapshot, "ets")
    qtbot.addWidget(dialog)
    for kind in ("ets", "crime_type_rf", "risk_gb", "hotspots_dbscan", "hotspots_gistar"):
        dialog.select_kind(kind)
        spec = model_spec(kind)
        defaults = spec.params()
        assert list(dialog.form.editors) == [f.name for f in dataclasses.fields(spec.params)]
        for name, editor in dialog.form.editors.items():
            default = getattr(defaults, name)
            expected = {bool: QCheckBox, int: QSpinBox, float: QDoubleSpinBox}.get(type(default))
            if expected:
                assert isinstance(editor, expected), name
            else:
                assert isinstance(editor, QComboBox | QLineEdit), name
            assert editor_value(editor) == default, name
    assert isinstance(dialog.form.editors["neighbourhood"], QComboBox)  # hotspots_gistar
    dialog.select_kind("ets")
    assert isinstance(dialog.form.editors["freq"], QComboBox)
    request = dialog.request()
    assert request.kind == "ets" and request.seed == 0
    assert (request.filters.date_from, request.filters.date_to) == (state.date_from, state.date_to)
    assert model_spec("ets").make_params(request.params) == model_spec("ets").params()


def test_train_dialog_lists_exactly_the_registered_kinds_by_display_name(qtbot, state):
    dialog = TrainDialog(state.snapshot)
    qtbot.addWidget(dialog)
    listed = [(dialog.kind.itemData(i), dialog.kind.itemText(i)) for i in range(dialog.kind.count())]
    assert listed == [(kind, spec.display_name) for kind, spec in model_kinds().items()]
    dialog.kind.setCurrentIndex(listed.index(("risk_gb", "Risk score (gradient boosting)")))
    assert dialog.selected_kind() == "risk_gb" and dialog.form.spec.kind == "risk_gb"
    label = dialog.form.labels["cell_size"]
    assert label.text() == "Cell size (metres)" and label.toolTip() == "Side of the grid's square cells."
    assert dialog.form.editors["cell_size"].toolTip() == label.toolTip()
    assert dialog.form.labels["max_iter"].text() == "Boosting rounds"  # no unit, no brackets
    dialog.select_kind("hotspots_gistar")
    combo = dialog.form.editors["neighbourhood"]
    assert [combo.itemText(i) for i in range(combo.count())] == ["queen", "distance"]


def test_train_through_dialog_then_compare_promote_delete(qtbot, chicago_sample_store, state, artifacts):
    engine = chicago_sample_store
    pane = open_pane(qtbot, engine, state)
    assert pane.table.rowCount() == 0 and pane.table.columnCount() == len(COLUMNS)

    dialog = pane.open_train_dialog("crime_type_rf")
    for name, value in FAST_RF.items():
        dialog.form.editors[name].setValue(value)
    dialog.seed.setValue(3)
    dialog.accept()
    assert pane.trainer.cancel_button.isVisible()
    qtbot.waitUntil(lambda: not pane.trainer.running and pane.table.rowCount() == 1, timeout=60_000)
    [exp] = list_experiments(engine)
    assert (exp.model_kind, exp.status, exp.seed, exp.params["n_estimators"]) == (
        "crime_type_rf",
        "ok",
        3,
        10,
    )
    assert exp.filters["date_from"] == "2017-01-01"
    row = [pane.table.item(0, c).text() for c in range(len(COLUMNS))]
    assert row[COLUMNS.index("status")] == "ok" and row[COLUMNS.index("id")] == str(exp.id)
    assert row[COLUMNS.index("headline")].startswith("macro-F1 ")

    # the finished run is selected: its comparison with both baselines and the verdict in bold
    qtbot.waitUntil(lambda: pane.table.selected_id() == exp.id)
    contenders = [row[0] for row in pane.details.rows()]
    assert contenders == ["Crime type (random forest)", "majority class", "prior-frequency guess"]
    headline = model_spec("crime_type_rf").headline(exp.metrics)
    assert pane.details.headline.text() == headline.sentence
    assert headline.sentence.startswith("A baseline wins") == (not exp.metrics["beats_baselines"])

    # a second (direct) run, then promote the first and delete the second
    other = run_experiment(engine, "crime_type_rf", FAST_RF, state.snapshot, seed=4)
    pane.refresh()
    qtbot.waitUntil(lambda: table_ids(pane) == [other.id, exp.id], timeout=10_000)
    pane.table.select_experiment(exp.id)
    assert pane.promote_button.isEnabled()
    pane.promote_button.click()
    promoted_col = COLUMNS.index("promoted")
    qtbot.waitUntil(lambda: pane.table.item(1, promoted_col).text() != "", timeout=10_000)
    assert [e.promoted for e in list_experiments(engine)] == [False, True]
    assert not pane.promote_button.isEnabled()

    pane.table.select_experiment(other.id)
    pane.confirm_delete = lambda _exp: True
    qtbot.waitExposed(pane)
    assert pane.grab().save(str(artifacts / "models_pane.png"))
    pane.delete_button.click()
    qtbot.waitUntil(lambda: table_ids(pane) == [exp.id], timeout=10_000)
    assert [e.id for e in list_experiments(engine)] == [exp.id]


def test_cancel_stops_training_and_refreshes(qtbot, chicago_sample_store, state, monkeypatch):
    def slow_run(engine, kind, params, filters, seed, progress, cancel):
        while not cancel():
            progress(0.5, "training")
            time.sleep(0.01)
        raise ImportCancelled("cancelled")

    monkeypatch.setattr("crimedesk.ui.panes.models.training_controller.run_experiment", slow_run)
    pane = open_pane(qtbot, chicago_sample_store, state)
    dialog = pane.open_train_dialog("crime_type_rf")
    dialog.accept()
    qtbot.waitUntil(lambda: pane.trainer.progress.value() == 500, timeout=10_000)
    assert pane.trainer.cancel_button.isVisible() and not pane.train_button.isEnabled()
    assert pane.status.text() == "Training Crime type (random forest)…"
    pane.trainer.cancel_button.click()
    qtbot.waitUntil(lambda: not pane.trainer.running, timeout=10_000)
    assert pane.status.text() == "Training cancelled"
    assert not pane.trainer.cancel_button.isVisible() and pane.train_button.isEnabled()


def _experiment(kind, task, metrics):
    return Experiment(
        1, "x", kind, task, {}, "", {}, 0, "", datetime(2017, 1, 1), "ok", None, 1.0, metrics, None, False
    )


def header_labels(table) -> list[str]:
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]


def test_comparison_view_shows_each_kind_by_its_declarations(qtbot):
    view = ComparisonView()
    qtbot.addWidget(view)
    assert view.title.text() == "Select an experiment to see how it compares with its baselines"
    forecast = _experiment(
        "ets",
        "forecast",
        {
            "backtest": [
                {"model": "seasonal_naive", "baseline": True, "mase": 0.9, "mae": 3.0},
                {"model": "ets", "baseline": True, "mase": 1.1, "mae": 3.5},
            ],
            "winner": "seasonal_naive",
            "beats_baselines": False,
            "verdict": "baseline seasonal_naive wins (MASE 0.900): no learned model beat it",
        },
    )
    view.show_experiment(forecast)
    assert header_labels(view.table) == ["contender", "role", "MASE", "mean absolute error"]
    assert view.rows() == [
        ["seasonal naive", "baseline", "0.900", "3.000"],
        ["Counts forecast (exponential smoothing)", "model", "1.100", "3.500"],
    ]
    assert view.headline.text() == (
        "A baseline wins: seasonal naive has a MASE of 0.900, against 1.100 for this model; "
        "prefer the baseline."
    )
    assert "#b00" in view.headline.styleSheet()
    assert view.note.text() == (
        "This model did not beat its best baseline: do not promote it. "
        "This run predates stored forecast series: backtest scores only."
    )
    risk = _experiment(
        "risk_gb",
        "risk",
        {
            "backtest": [
                {"method": "naive_count", "horizon_days": 1, "coverage": 0.05, "pai": 2.0},
                {"method": "risk_gb", "horizon_days": 1, "coverage": 0.05, "pai": 3.0},
            ],
            "beats_baselines": True,
            "verdict": "risk_gb beats naive_count on next-day PAI",
            "verdict_horizon_days": 1,
        },
    )
    view.show_experiment(risk)
    assert header_labels(view.table) == ["contender", "role", "horizon", "area flagged (%)", "PAI"]
    assert view.rows() == [
        ["Risk score (gradient boosting)", "model", "next day", "5.000", "3.000"],
        ["naive count grid", "baseline", "next day", "5.000", "2.000"],
    ]
    assert view.headline.text() == (
        "PAI over the next day: 3.00, against 2.00 for the naive count grid, the best baseline."
    )
    assert "#b00" not in view.headline.styleSheet() and view.note.text() == ""
    failed = dataclasses.replace(risk, status="failed", metrics=None, error="ValueError: <b>no</b> data")
    view.show_experiment(failed)
    assert view.headline.text() == "No comparison: ValueError: <b>no</b> data"
    assert view.headline.textFormat() == Qt.TextFormat.PlainText and view.table.rowCount() == 0


def test_forecast_experiment_shows_actual_against_predicted(qtbot, tmp_path, chicago_full, state):
    from tests.models.store_sample import district_csv, store_with

    csv = district_csv(chicago_full, tmp_path / "d011.csv", "011", "2016-02-01", "2016-05-01")
    engine = store_with(csv, tmp_path)
    exp = run_experiment(engine, "seasonal_naive", {"freq": "D", "horizon": "7", "backtest_origins": "3"})
    pane = ModelsPane(engine, state)
    qtbot.addWidget(pane)
    pane.refresh()
    qtbot.waitUntil(lambda: pane.table.rowCount() == 1, timeout=10_000)
    pane.table.select_experiment(exp.id)
    assert pane.details.chart.isVisibleTo(pane)
    _, y = pane.details.chart.lines["ets"].getData()
    assert list(y) == [row["forecast"] for row in exp.metrics["series"] if row["model"] == "ets"]
    assert len(pane.details.chart.lines["actual"].getData()[1]) == 3
    assert not pane.map_button.isEnabled()  # a forecast declares no map output


def _district_11_pane(qtbot, tmp_path, chicago_full, state, kind, params=None):
    """A Models pane over one experiment of ``kind`` on district 011, Feb-Apr 2016, selected;
    with the list of what it sends to the map."""
    from tests.models.store_sample import district_csv, store_with

    csv = district_csv(chicago_full, tmp_path / "d011.csv", "011", "2016-02-01", "2016-05-01")
    engine = store_with(csv, tmp_path)
    exp = run_experiment(engine, kind, params)
    shown: list[tuple[str, dict]] = []
    pane = ModelsPane(engine, state, show_on_map=lambda name, geojson: shown.append((name, geojson)))
    qtbot.addWidget(pane)
    pane.refresh()
    qtbot.waitUntil(lambda: pane.table.rowCount() == 1, timeout=10_000)
    pane.table.select_experiment(exp.id)
    return pane, exp, shown


def test_show_on_map_hands_the_flagged_cells_to_the_map(qtbot, tmp_path, chicago_full, state):
    params = {"cell_size": "500", "backtest_origins": "2", "max_iter": "30"}
    pane, exp, shown = _district_11_pane(qtbot, tmp_path, chicago_full, state, "risk_gb", params)
    assert pane.map_button.isEnabled()
    qtbot.mouseClick(pane.map_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=20_000)
    [(name, geojson)] = shown
    assert name == f"risk {exp.id}"
    assert geojson == projected_geojson(risk_cells(pane.engine, exp.id))
    flagged = model_spec("risk_gb").predict(
        load_experiment_model(exp), None, model_spec("risk_gb").make_params(exp.params)
    )
    assert len(geojson["features"]) == int(flagged["flagged"].sum()) == 4
    assert pane.status.text() == f"4 flagged cells of experiment {exp.id} sent to the map"


def test_show_on_map_hands_hotspot_polygons_to_the_map(qtbot, tmp_path, chicago_full, state):
    pane, exp, shown = _district_11_pane(qtbot, tmp_path, chicago_full, state, "hotspots_dbscan")
    headline = model_spec("hotspots_dbscan").headline(exp.metrics)
    assert pane.table.item(0, COLUMNS.index("headline")).text() == headline.score
    assert headline.score.startswith("PAI ") and headline.score.endswith(" (7-day)")
    assert pane.table.item(0, COLUMNS.index("verdict")).text() == headline.sentence
    roles = {row[0]: row[1] for row in pane.details.rows()}
    assert roles == {
        "Hotspot areas (weighted DBSCAN)": "model",
        "naive count grid": "baseline",
        "retrospective KDE": "baseline",
    }
    assert pane.map_button.isEnabled()
    qtbot.mouseClick(pane.map_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=20_000)
    [(name, geojson)] = shown
    assert name == f"hotspots {exp.id}"
    assert geojson == projected_geojson(hotspot_polygons(pane.engine, exp.id))
    assert len(geojson["features"]) == len(load_experiment_model(exp).table)
    assert {f["geometry"]["type"] for f in geojson["features"]} <= {"Polygon", "MultiPolygon"}
    assert geojson["features"][0]["properties"]["label"].startswith("DBSCAN cluster 1: ")
    assert (
        pane.status.text()
        == f"{len(geojson['features'])} hotspot polygons of experiment {exp.id} sent to the map"
    )


def test_an_experiment_of_a_kind_no_longer_registered_is_listed_without_a_comparison(
    qtbot, chicago_sample_store, state
):
    from crimedesk.storage.schema import experiments

    record = {
        "name": "old run",
        "model_kind": "retired_kind",
        "task": "risk",
        "params_json": "{}",
        "data_fingerprint": "",
        "filters_json": "{}",
        "seed": 0,
        "code_version": "0.0.1",
        "created_at": datetime(2017, 1, 5, 9, 30),
        "status": "ok",
        "metrics_json": '{"verdict": "whatever", "beats_baselines": true}',
        "promoted": False,
    }
    with chicago_sample_store.begin() as conn:
        conn.execute(experiments.insert().values(record))
    pane = open_pane(qtbot, chicago_sample_store, state, show_on_map=lambda name, geojson: None)
    [exp] = list_experiments(chicago_sample_store)
    assert pane.table.item(0, COLUMNS.index("kind")).text() == "retired_kind"
    assert pane.table.item(0, COLUMNS.index("headline")).text() == ""
    pane.table.select_experiment(exp.id)
    assert pane.details.title.text() == f"Experiment {exp.id}: old run (retired_kind, seed 0)"
    assert (
        pane.details.headline.text()
        == "No comparison: the kind 'retired_kind' is not registered in this version"
    )
    assert pane.details.table.rowCount() == 0
    assert pane.promote_button.isEnabled() and not pane.map_button.isEnabled()


def test_pane_says_what_the_study_found_and_offers_the_ensemble_first(
    qtbot, chicago_sample_store, state, tmp_path
):
    pane = open_pane(qtbot, chicago_sample_store, state)
    assert pane.study.text() == STUDY_HEADLINE and pane.study.isVisible()
    assert "beats the naive grid city-wide" in pane.study.text()
    pane.grab().save(str(tmp_path / "models_pane.png"))
    pane.table.clearSelection()
    qtbot.mouseClick(pane.train_button, Qt.MouseButton.LeftButton)
    assert pane.dialog is not None and pane.dialog.selected_kind() == DEFAULT_KIND == "risk_ensemble"
    assert pane.dialog.kind.currentText() == model_spec("risk_ensemble").display_name
    pane.dialog.reject()
