"""The filter panel's time of day, days of week and saved filter sets, both directions, with the
Data pane's count of what the filters select checked against SQL."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QInputDialog
from sqlalchemy import func, select, text

from crimedesk.analytics.filters_sql import where_clause
from crimedesk.config.filter_sets import filter_sets
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.storage.schema import incidents
from tests.ui.test_filter_panel import make_panel, sql_count

# SQL of its own (not crimedesk's): stored local seconds -> clock hour and weekday (Monday = 0).
HOUR = "(occurred_from % 86400) / 3600"
WEEKDAY = "((occurred_from / 86400) + 3) % 7"


def filtered_count(engine, snapshot: FilterSnapshot) -> int:
    with engine.connect() as conn:
        query = select(func.count()).select_from(incidents).where(where_clause(snapshot, incidents))
        return conn.execute(query).scalar_one()


def choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))
    combo.activated.emit(combo.currentIndex())


def test_state_shows_in_the_time_widgets(qtbot, chicago_sample_store, state):
    panel, _ = make_panel(qtbot, chicago_sample_store, state)
    assert panel.time.first_hour.currentText() == "Any time" and not panel.time.end_hour.isEnabled()
    state.update(hours=(22, 6), weekdays=frozenset({5, 6}))
    assert (panel.time.first_hour.currentData(), panel.time.end_hour.currentData()) == (22, 6)
    assert panel.time.end_hour.isEnabled()
    assert [n for n, b in panel.time.days.items() if b.isChecked()] == [5, 6]
    state.update(hours=(18, 0))
    assert panel.time.end_hour.currentText() == "to 24:00"
    panel.reset.click()
    assert state.hours is None and state.weekdays == frozenset()
    assert panel.time.first_hour.currentData() is None and not panel.time.days[5].isChecked()


def test_time_clicks_write_state_once_each_and_select_what_sql_counts(qtbot, chicago_sample_store, state):
    panel, changes = make_panel(qtbot, chicago_sample_store, state)
    choose(panel.time.first_hour, 22)
    assert state.hours == (22, 24)  # until midnight until an end is chosen
    choose(panel.time.end_hour, 6)
    panel.time.days[0].click()
    panel.time.days[6].click()
    assert (state.hours, state.weekdays) == ((22, 6), {0, 6})
    assert changes == [{"hours"}, {"hours"}, {"weekdays"}, {"weekdays"}]
    choose(panel.time.end_hour, 24)
    assert state.hours == (22, 24)
    choose(panel.time.end_hour, 22)  # the same hour as the first: one hour later instead
    assert state.hours == (22, 23) and panel.time.end_hour.currentData() == 23

    choose(panel.time.end_hour, 6)
    expected = sql_count(chicago_sample_store, f"({HOUR} >= 22 or {HOUR} < 6) and {WEEKDAY} in (0, 6)")
    assert expected > 0 and filtered_count(chicago_sample_store, state.snapshot) == expected
    choose(panel.time.first_hour, None)
    assert state.hours is None and not panel.time.end_hour.isEnabled()


def test_saved_sets_save_apply_and_delete(qtbot, chicago_sample_store, state, settings_file, monkeypatch):
    panel, _ = make_panel(qtbot, chicago_sample_store, state)
    panel.saved._path = settings_file
    state.apply_preset("last_7", date(2017, 1, 3))
    state.update(hours=(22, 6), weekdays=frozenset({5}), categories=frozenset({"violent"}), text="jb1")
    saved = state.snapshot
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Weekend nights", True))
    panel.saved.save_button.click()
    assert filter_sets(settings_file) == {"Weekend nights": saved}
    assert panel.saved.combo.currentText() == "Weekend nights"

    panel.reset.click()
    state.update(date_from=date(2016, 1, 1), date_to=date(2016, 1, 2))
    assert state.snapshot != saved
    panel.set_latest(date(2017, 1, 10))  # newer data since: the preset's days move along
    choose(panel.saved.combo, "Weekend nights")
    assert state.snapshot == FilterSnapshot.from_dict(
        {**saved.to_dict(), "date_from": "2017-01-04", "date_to": "2017-01-10"}
    )
    assert panel.time.first_hour.currentData() == 22 and panel.categories["violent"].isChecked()

    panel.saved.delete_button.click()
    assert filter_sets(settings_file) == {} and panel.saved.combo.count() == 1
    assert not panel.saved.delete_button.isEnabled()


def test_text_search_finds_a_case_number(qtbot, chicago_sample_store, state):
    panel, _ = make_panel(qtbot, chicago_sample_store, state)
    with chicago_sample_store.connect() as conn:
        case = conn.execute(text("select case_number from incidents order by id limit 1")).scalar_one()
    qtbot.keyClicks(panel.text, case.lower())
    qtbot.waitUntil(lambda: state.text == case.lower(), timeout=2_000)
    assert "case number" in panel.text.placeholderText()
    expected = sql_count(chicago_sample_store, f"lower(case_number) = '{case.lower()}'")
    assert filtered_count(chicago_sample_store, state.snapshot) == expected == 1
