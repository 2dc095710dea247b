"""UCR pane on the real FBI table: national series, states, crimes, rates vs counts, caveats."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from crimedesk.analytics.ucr import ucr_trend
from crimedesk.ingest.pipeline import import_file
from crimedesk.ui.panes.ucr.ucr_pane import UcrPane
from crimedesk.ui.runtime import workers


@pytest.fixture
def ucr_store(sqlite_store, ucr_table):
    import_file(sqlite_store, ucr_table)
    return sqlite_store


def _pane(qtbot, engine) -> UcrPane:
    pane = UcrPane(engine)
    qtbot.addWidget(pane)
    pane.resize(1200, 720)
    pane.show()
    return pane


def _expected(engine, states, crime, measure):
    with engine.connect() as conn:
        frame = ucr_trend(conn, states, crime)
    return {
        s: (g["year"].to_numpy(float), g[measure].to_numpy(float, na_value=np.nan))
        for s, g in frame.groupby("state_abbr")
    }


def _plotted(pane):
    return {s: curve.getData() for s, curve in pane.chart.curves.items()}


def _assert_plotted(pane, expected):
    plotted = _plotted(pane)
    assert set(plotted) == set(expected)
    for state, (x, y) in expected.items():
        np.testing.assert_array_equal(plotted[state][0], x)
        np.testing.assert_allclose(plotted[state][1], y, equal_nan=True)


def test_national_violent_crime_rate_by_default(qtbot, ucr_store, artifacts):
    pane = _pane(qtbot, ucr_store)
    qtbot.waitUntil(lambda: "US" in pane.chart.curves, timeout=10_000)
    assert pane.selected_crime() == "violent_crime" and pane.rate.isChecked()
    expected = _expected(ucr_store, ["US"], "violent_crime", "rate")
    _assert_plotted(pane, expected)
    x, y = expected["US"]
    assert (x[0], x[-1], len(x)) == (1979, 2019, 41)
    assert 750 < y.max() < 760  # the early-1990s peak, per 100,000
    tip = pane.chart.tooltip_at(QPointF(2019.2, 0))
    assert tip.startswith("2019\n") and "US: 1,245,410 offenses · 379.4 per 100,000" in tip
    assert not pane.note.isVisible()
    assert pane.stack.currentIndex() == 1


def test_state_crime_and_count_choices_update_the_chart(qtbot, ucr_store, artifacts, tmp_path):
    pane = _pane(qtbot, ucr_store)
    qtbot.waitUntil(lambda: "US" in pane.chart.curves, timeout=10_000)
    pane.states.search.setText("illin")
    assert pane.states.item_for("IL").text() == "IL · Illinois" and not pane.states.item_for("IL").isHidden()
    assert pane.states.item_for("US").isHidden() and pane.states.item_for("IN").isHidden()
    pane.states.item_for("IL").setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: set(pane.chart.curves) == {"IL", "US"}, timeout=10_000)
    _assert_plotted(pane, _expected(ucr_store, ["IL", "US"], "violent_crime", "rate"))

    pane.crime.setCurrentIndex(pane.crime.findData("rape_legacy"))
    qtbot.waitUntil(lambda: pane.note.isVisible(), timeout=10_000)
    assert "Definition change" in pane.note.text() and "2013" in pane.note.text()
    _assert_plotted(pane, _expected(ucr_store, ["IL", "US"], "rape_legacy", "rate"))
    assert "IL 1995–2005 (11 years): The state UCR Program was unable" in pane.caveats.toPlainText()
    pane.chart.clicked_at(QPointF(1996.1, 0))
    assert "1996" in pane.caveats_title.text() and "IL 1996:" in pane.caveats.toPlainText()

    pane.count.setChecked(True)
    _assert_plotted(pane, _expected(ucr_store, ["IL", "US"], "rape_legacy", "count"))
    assert pane.chart.plot.getAxis("left").labelText == "offenses"
    qtbot.wait(100)
    pane.grab().save(str(artifacts / "ucr.png"))
    pane.chart.export_png(tmp_path / "ucr_chart.png")
    assert (tmp_path / "ucr_chart.png").stat().st_size > 1000

    pane.states.clear_button.click()
    qtbot.waitUntil(lambda: set(pane.chart.curves) == {"US"}, timeout=10_000)


def test_empty_store_says_how_to_import(qtbot, sqlite_store):
    pane = _pane(qtbot, sqlite_store)
    qtbot.waitUntil(lambda: workers.pending_jobs() == 0, timeout=10_000)
    assert pane.stack.currentIndex() == 0 and pane.empty.isVisible()
    assert "crimedesk import fbi_ucr_estimated_crimes_1979_2019.csv" in pane.empty.text()
