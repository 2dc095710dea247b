"""The Models pane's near-repeat (Knox) section: widgets → the test on the filtered incidents →
the table and the chains on the map; a filter change clears the table; Cancel stops a run."""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from sqlalchemy import text

from crimedesk.models.nearrepeat.knox import knox_test
from crimedesk.ui.panes.models.knox_section import CHAINS_LAYER
from crimedesk.ui.panes.models.knox_table import significance_colour
from crimedesk.ui.panes.models.models_pane import ModelsPane

BANDS = ((0, 100, 200), (0, 0.25, 0.5))  # the sample holds three days: bands of hours


def _stored(engine, where: str = "") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y, days of the mappable incidents by plain SQL, oldest first."""
    query = f"SELECT occurred_from, x, y FROM incidents WHERE mappable {where} ORDER BY occurred_from, id"
    rows = pd.read_sql(text(query), engine.connect())
    days = rows["occurred_from"].to_numpy(float) / 86_400  # LocalTime: seconds of the wall clock
    return rows["x"].to_numpy(float), rows["y"].to_numpy(float), days


def _pane(qtbot, engine, state, shown: list) -> ModelsPane:
    pane = ModelsPane(engine, state, show_on_map=lambda name, geojson: shown.append((name, geojson)))
    qtbot.addWidget(pane)
    pane.resize(1200, 900)
    pane.show()
    knox = pane.knox
    knox.distances.setText("0,100,200")
    knox.days.setText("0,0.25,0.5")
    knox.permutations.setValue(99)
    knox.distance_metric.setCurrentIndex(knox.distance_metric.findData("manhattan"))
    return pane


def _run(qtbot, knox) -> None:
    with qtbot.waitSignal(knox.finished, timeout=30_000):
        qtbot.mouseClick(knox.run_button, Qt.MouseButton.LeftButton)


def test_run_fills_the_table_and_sends_the_chains_to_the_map(qtbot, chicago_sample_store, state, artifacts):
    shown: list[tuple[str, dict]] = []
    knox = _pane(qtbot, chicago_sample_store, state, shown).knox
    assert not knox.map_button.isEnabled()
    _run(qtbot, knox)
    x, y, days = _stored(chicago_sample_store)
    expected = knox_test(x, y, days, *BANDS, permutations=99, metric="manhattan", seed=0)
    table = knox.table
    assert (table.rowCount(), table.columnCount()) == (2, 2)
    assert table.verticalHeaderItem(1).text() == "100–200 m"
    assert table.horizontalHeaderItem(0).text() == "0–0.25 days"
    for s in range(2):
        for t in range(2):
            item = table.item(s, t)
            ratio, p = expected.ratio[s, t], expected.p_values[s, t]
            assert item.text() == f"{ratio:.2f}  (p {p:.3f})"
            assert item.toolTip().startswith(f"{expected.observed[s, t]:,.0f} pairs observed")
            colour = significance_colour(ratio, p)
            assert (item.background().color().name() if colour else None) == colour
    assert significance_colour(expected.ratio[0, 0], expected.p_values[0, 0]) is not None  # repeats are real
    assert f"{len(x):,} incidents, 99 permutations" in knox.status.text()
    assert knox.map_button.isEnabled()
    knox.grab().save(str(artifacts / "knox_section.png"))
    qtbot.mouseClick(knox.map_button, Qt.MouseButton.LeftButton)
    [(name, geojson)] = shown
    # the first significant band is 0–100 m × 0–0.25 days: every pair that close, by brute force
    close = (np.abs(x[:, None] - x) + np.abs(y[:, None] - y) <= 100) & (np.abs(days[:, None] - days) <= 0.25)
    assert name == CHAINS_LAYER and len(geojson["features"]) == np.triu(close, k=1).sum() > 0
    lonlat = np.array([c for f in geojson["features"] for c in f["geometry"]["coordinates"]])
    assert f"{len(geojson['features']):,} pairs within 100 m and 0.25 days" in knox.status.text()
    assert {f["geometry"]["type"] for f in geojson["features"]} == {"LineString"}
    assert (lonlat[:, 0] > -88.0).all() and (lonlat[:, 0] < -87.5).all() and (lonlat[:, 1] > 41.6).all()


def test_a_filter_change_clears_the_table_and_the_next_run_uses_it(qtbot, chicago_sample_store, state):
    knox = _pane(qtbot, chicago_sample_store, state, []).knox
    _run(qtbot, knox)
    assert knox.table.rowCount() == 2
    state.update(categories=frozenset({"property"}))
    assert knox.table.rowCount() == 0 and not knox.map_button.isEnabled()
    assert "filters changed" in knox.status.text()
    _run(qtbot, knox)
    x, _y, _days = _stored(chicago_sample_store, "AND category = 'property'")
    assert knox.run_result is not None and knox.run_result.result.events == len(x) > 100
    assert f"{len(x):,} incidents" in knox.status.text()


def test_cancel_stops_a_long_run_and_bad_bands_are_told(qtbot, chicago_sample_store, state):
    knox = _pane(qtbot, chicago_sample_store, state, []).knox
    knox.permutations.setValue(99_999)
    qtbot.mouseClick(knox.run_button, Qt.MouseButton.LeftButton)
    assert knox.cancel_button.isVisibleTo(knox) and not knox.run_button.isEnabled()
    qtbot.mouseClick(knox.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: knox.status.text() == "Knox test cancelled.", timeout=20_000)
    assert knox.run_button.isEnabled() and not knox.cancel_button.isVisibleTo(knox)
    assert knox.table.rowCount() == 0
    knox.days.setText("0,a")
    qtbot.mouseClick(knox.run_button, Qt.MouseButton.LeftButton)
    assert "time band edges must be numbers" in knox.status.text().lower() and knox.job is None
    knox.days.setText("0,7,3")
    started = knox.run()
    told = "temporal bands need increasing edges"
    qtbot.waitUntil(lambda: told in knox.status.text().lower(), timeout=10_000)
    assert started is not None and knox.run_button.isEnabled()
