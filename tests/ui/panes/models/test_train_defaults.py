"""The Train dialog's defaults fit the data the model will use (Chicago 2016-17, a few months of it)."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import QDate

from crimedesk.analytics.extent import occurrence_extent
from crimedesk.ingest.pipeline import import_file
from crimedesk.models.catalog import model_spec
from crimedesk.models.frame import incidents_frame
from crimedesk.models.hotspots.kind import backtest_origins
from crimedesk.state.filters import FilterState
from crimedesk.ui.panes.models.models_pane import ModelsPane
from crimedesk.ui.panes.models.models_train import TrainDialog, backtest_days, editor_value, fit_windows

MONTHS = ("10", "11", "12")  # October to December 2017


@pytest.fixture(scope="module")
def autumn_csv(tmp_path_factory, chicago_full: Path) -> Path:
    """The last three months of 2017 from the Chicago 2016-17 export (about 60,000 rows)."""
    path = tmp_path_factory.mktemp("autumn") / "chicago_2017_q4.csv"
    with gzip.open(chicago_full, "rt", encoding="utf-8") as source, path.open("w", encoding="utf-8") as out:
        out.write(next(source))
        for line in source:
            day = line.split(",", 3)[2]  # "MM/DD/YYYY hh:mm:ss AM"
            if day[6:10] == "2017" and day[:2] in MONTHS:
                out.write(line)
    return path


@pytest.fixture
def autumn_store(sqlite_store, autumn_csv):
    import_file(sqlite_store, autumn_csv)
    return sqlite_store


def last_28_days(engine) -> FilterState:
    state = FilterState()
    with engine.connect() as conn:
        extent = occurrence_extent(conn)
    assert extent is not None
    state.apply_preset("last_28", extent[1])
    return state


def backtest_fits(engine, dialog: TrainDialog) -> None:
    """Raises the hotspot kinds' own error when the request's data cannot hold their backtest."""
    request = dialog.request()
    with engine.connect() as conn:
        frame = incidents_frame(conn, request.filters)
    events = frame[frame["mappable"]]
    end = events["occurred_from"].max().floor("D") + pd.Timedelta(days=1)
    backtest_origins(events, model_spec(request.kind).make_params(request.params), end)


def test_the_pane_offers_the_stores_history_and_the_defaults_train(qtbot, autumn_store):
    state = last_28_days(autumn_store)
    pane = ModelsPane(autumn_store, state)
    qtbot.addWidget(pane)
    qtbot.waitUntil(lambda: pane.extent is not None, timeout=10_000)
    dialog = pane.open_train_dialog("hotspots_gistar")
    request = dialog.request()
    assert (request.filters.date_from, request.filters.date_to) == (date(2017, 10, 1), date(2017, 12, 31))
    assert request.params["train_days"] == 56 and request.params["backtest_origins"] == 4  # they fit
    backtest_fits(autumn_store, dialog)  # with the filter's 28 days: "the backtest needs ... 84 days"
    assert "92 days of incidents" in dialog.span_note.text()
    dialog.reject()


def test_shorter_dates_shrink_the_backtest_windows_to_fit(qtbot, autumn_store):
    state = last_28_days(autumn_store)
    dialog = TrainDialog(state.snapshot, "hotspots_dbscan", extent=(date(2017, 10, 1), date(2017, 12, 31)))
    qtbot.addWidget(dialog)
    dialog.date_from.setDate(QDate(2017, 11, 1))
    assert dialog.form is not None
    editors = dialog.form.editors
    assert [editor_value(editors[n]) for n in ("train_days", "backtest_origins")] == [33, 4]  # 61 days
    backtest_fits(autumn_store, dialog)
    dialog.date_from.setDate(QDate(2017, 8, 1))  # before the data: only its 92 days count
    assert [editor_value(editors[n]) for n in ("train_days", "backtest_origins")] == [56, 4]
    dialog.select_kind("risk_gb")  # 120 training days + 7 scored + 7 × 7 origin steps do not fit 92
    assert dialog.form is not None
    risk = dialog.form.values()
    assert (risk["train_days"], risk["backtest_origins"], backtest_days(risk)) == (35, 8, 92)
    dialog.select_kind("ets")  # no backtest windows: its defaults stay, but for a horizon that fits
    assert dialog.form is not None
    defaults = {n: getattr(model_spec("ets").params(), n) for n in dialog.form.editors}
    assert dialog.form.values() == defaults | {"horizon": 1}  # 13 weeks cannot hold 6 origins
    assert "13 weeks of counts: too few for a backtest from 6 origins" in dialog.span_note.text()
    dialog.form.editors["freq"].setCurrentText("D")  # 92 days: the weekly cycle, a longer horizon
    assert "92 days of counts, with its weekly cycle of days; horizon at most 79" in dialog.span_note.text()
    dialog.form.editors["horizon"].setValue(30)
    assert editor_value(dialog.form.editors["horizon"]) == 30


def test_fit_windows_keeps_what_fits_and_leaves_other_kinds_alone():
    hotspot = {"train_days": 56, "backtest_origins": 4, "origin_step_days": 7, "cell_size": 150.0}
    assert fit_windows(hotspot, 84) == hotspot
    assert fit_windows(hotspot, 83) == hotspot | {"train_days": 55}  # the origins stay
    assert fit_windows(hotspot, 60) == hotspot | {"train_days": 32}
    assert fit_windows(hotspot, 55) == hotspot | {"train_days": 28, "backtest_origins": 3}
    assert fit_windows(hotspot, 28) == hotspot | {"backtest_origins": 1, "train_days": 21}
    assert fit_windows({"freq": "W", "horizon": 4}, 28) == {"freq": "W", "horizon": 4}
    assert fit_windows(hotspot, 3)["train_days"] == 1  # as short as it goes; the dialog says too few


def test_too_few_days_for_any_backtest_are_said(qtbot):
    state = FilterState.from_dict({"date_from": "2017-01-01", "date_to": "2017-01-03"})
    dialog = TrainDialog(state.snapshot, "hotspots_gistar")
    qtbot.addWidget(dialog)
    assert dialog.span_note.text() == "3 days of incidents: too few, this kind's backtest needs 8 or more."
    dialog.select_kind("ets")
    assert (
        dialog.span_note.text()
        == "3 days of incidents: 0 weeks of counts: too few for a backtest from 6 origins."
    )
