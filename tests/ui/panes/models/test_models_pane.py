import dataclasses
import time
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox

from crimedesk.domain.errors import ImportCancelled
from crimedesk.models.experiments import Experiment, list_experiments, run_experiment
from crimedesk.models.registry import model_spec
from crimedesk.ui.panes.models.models_compare import comparison, headline
from crimedesk.ui.panes.models.models_pane import COLUMNS, ModelsPane
from crimedesk.ui.panes.models.models_train import TrainDialog, editor_value

FAST_RF = {"n_estimators": 10, "min_frequency": 5}


def open_pane(qtbot, engine, state) -> ModelsPane:
    pane = ModelsPane(engine, state)
    qtbot.addWidget(pane)
    pane.resize(1200, 700)
    pane.show()
    qtbot.waitUntil(lambda: pane.table.rowCount() == len(list_experiments(engine)), timeout=10_000)
    return pane


def table_ids(pane: ModelsPane) -> list[int]:
    return [int(pane.table.item(r, 0).text()) for r in range(pane.table.rowCount())]


def test_train_dialog_has_an_editor_per_field_with_its_default(qtbot, state):
    dialog = TrainDialog(state.snapshot, "ets")
    qtbot.addWidget(dialog)
    for kind in ("ets", "crime_type_rf", "risk_gb", "hotspots_dbscan", "hotspots_gistar"):
        dialog.kind.setCurrentText(kind)
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
    dialog.kind.setCurrentText("ets")
    assert isinstance(dialog.form.editors["freq"], QComboBox)
    request = dialog.request()
    assert request.kind == "ets" and request.seed == 0
    assert (request.filters.date_from, request.filters.date_to) == (state.date_from, state.date_to)
    assert model_spec("ets").make_params(request.params) == model_spec("ets").params()


def test_train_through_dialog_then_compare_promote_delete(qtbot, chicago_sample_store, state, artifacts):
    engine = chicago_sample_store
    pane = open_pane(qtbot, engine, state)
    assert pane.table.rowCount() == 0 and pane.table.columnCount() == len(COLUMNS)

    dialog = pane.open_train_dialog("crime_type_rf")
    for name, value in FAST_RF.items():
        dialog.form.editors[name].setValue(value)
    dialog.seed.setValue(3)
    dialog.accept()
    assert pane.cancel_button.isVisible()
    qtbot.waitUntil(lambda: pane.training is None and pane.table.rowCount() == 1, timeout=60_000)
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
    qtbot.waitUntil(lambda: pane.selected_id() == exp.id)
    contenders = [pane.compare_table.item(r, 0).text() for r in range(pane.compare_table.rowCount())]
    assert contenders == ["model", "majority", "prior_random"]
    assert f"<b>Verdict: {exp.metrics['verdict']}</b>" in pane.verdict.text()
    assert ("A baseline wins" in pane.verdict.text()) == (not exp.metrics["beats_baselines"])

    # a second (direct) run, then promote the first and delete the second
    other = run_experiment(engine, "crime_type_rf", FAST_RF, state.snapshot, seed=4)
    pane.refresh()
    qtbot.waitUntil(lambda: table_ids(pane) == [other.id, exp.id], timeout=10_000)
    pane.select_experiment(exp.id)
    assert pane.promote_button.isEnabled()
    pane.promote_button.click()
    promoted_col = COLUMNS.index("promoted")
    qtbot.waitUntil(lambda: pane.table.item(1, promoted_col).text() != "", timeout=10_000)
    assert [e.promoted for e in list_experiments(engine)] == [False, True]
    assert not pane.promote_button.isEnabled()

    pane.select_experiment(other.id)
    pane.confirm_delete = lambda _exp: True
    qtbot.waitExposed(pane)
    qtbot.wait(50)
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

    monkeypatch.setattr("crimedesk.ui.panes.models.models_pane.run_experiment", slow_run)
    pane = open_pane(qtbot, chicago_sample_store, state)
    dialog = pane.open_train_dialog("crime_type_rf")
    dialog.accept()
    qtbot.waitUntil(lambda: pane.progress.value() == 500, timeout=10_000)
    assert pane.cancel_button.isVisible() and not pane.train_button.isEnabled()
    pane.cancel_button.click()
    qtbot.waitUntil(lambda: pane.training is None, timeout=10_000)
    assert pane.status.text() == "Training cancelled"
    assert not pane.cancel_button.isVisible() and pane.train_button.isEnabled()


def _experiment(kind, task, metrics):
    return Experiment(
        1, "x", kind, task, {}, "", {}, 0, "", datetime(2017, 1, 1), "ok", None, 1.0, metrics, None, False
    )


def test_comparison_of_forecast_and_risk_metrics_names_the_baselines():
    forecast = _experiment(
        "ets",
        "forecast",
        {
            "backtest": [
                {"model": "seasonal_naive", "baseline": True, "mase": 0.9, "mae": 3.0},
                {"model": "ets", "baseline": False, "mase": 1.1, "mae": 3.5},
            ],
            "beats_baselines": False,
            "verdict": "baseline seasonal_naive wins (MASE 0.900): no learned model beat it",
        },
    )
    result = comparison(forecast)
    assert result.baseline_wins and result.columns[:3] == ["contender", "role", "mase"]
    assert [r[:2] for r in result.rows] == [["seasonal_naive", "baseline"], ["ets", "model"]]
    assert headline(forecast) == "MASE 1.100"
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
        },
    )
    result = comparison(risk)
    assert not result.baseline_wins and [r[:2] for r in result.rows] == [
        ["risk_gb", "model"],
        ["naive_count", "baseline"],
    ]
    assert headline(risk) == "PAI 3.00"


def test_forecast_experiment_shows_actual_against_predicted(qtbot, tmp_path, chicago_full, state):
    from tests.models.store_sample import district_csv, store_with

    csv = district_csv(chicago_full, tmp_path / "d011.csv", "011", "2016-02-01", "2016-05-01")
    engine = store_with(csv, tmp_path)
    exp = run_experiment(engine, "seasonal_naive", {"freq": "D", "horizon": "7", "backtest_origins": "3"})
    pane = ModelsPane(engine, state)
    qtbot.addWidget(pane)
    pane.refresh()
    qtbot.waitUntil(lambda: pane.table.rowCount() == 1, timeout=10_000)
    pane.select_experiment(exp.id)
    assert pane.forecast_chart.isVisibleTo(pane)
    _, y = pane.forecast_chart.lines["ets"].getData()
    assert list(y) == [row["forecast"] for row in exp.metrics["series"] if row["model"] == "ets"]
    assert len(pane.forecast_chart.lines["actual"].getData()[1]) == 3


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
    pane.select_experiment(exp.id)
    return pane, exp, shown


def test_show_on_map_hands_the_flagged_cells_to_the_map(qtbot, tmp_path, chicago_full, state):
    params = {"cell_size": "500", "backtest_origins": "2", "max_iter": "30"}
    pane, exp, shown = _district_11_pane(qtbot, tmp_path, chicago_full, state, "risk_gb", params)
    assert pane.map_button.isEnabled()
    qtbot.mouseClick(pane.map_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    name, geojson = shown[0]
    assert name == f"risk {exp.id}" and geojson["features"]


def test_show_on_map_hands_hotspot_polygons_to_the_map(qtbot, tmp_path, chicago_full, state):
    pane, exp, shown = _district_11_pane(qtbot, tmp_path, chicago_full, state, "hotspots_dbscan")
    headline_text = pane.table.item(0, COLUMNS.index("headline")).text()
    assert headline_text.startswith("PAI ") and headline_text.endswith("(7-day)")
    roles = {pane.compare_table.item(r, 0).text(): pane.compare_table.item(r, 1).text() for r in range(6)}
    assert roles == {"hotspots_dbscan": "model", "naive_count": "baseline", "retrospective_kde": "baseline"}
    assert pane.map_button.isEnabled()
    qtbot.mouseClick(pane.map_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    name, geojson = shown[0]
    assert name == f"hotspots {exp.id}" and geojson["features"]
    assert {f["geometry"]["type"] for f in geojson["features"]} <= {"Polygon", "MultiPolygon"}
    assert geojson["features"][0]["properties"]["label"].startswith("DBSCAN cluster 1: ")
    assert (
        pane.status.text()
        == f"{len(geojson['features'])} hotspot polygons of experiment {exp.id} sent to the map"
    )
