"""FilterState: batched notifications, presets applied in one update, JSON round trip."""

from __future__ import annotations

import json
from datetime import date

import pytest

from crimedesk.domain.filters import FilterSnapshot
from crimedesk.state.filters import FilterState


def recorder(state: FilterState) -> list[frozenset[str]]:
    calls: list[frozenset[str]] = []
    state.subscribe(lambda _snapshot, changed: calls.append(changed))
    return calls


def test_update_of_several_fields_notifies_once() -> None:
    state = FilterState()
    calls = recorder(state)
    assert state.update(categories={"violent", "drug"}, text="alley", mappable_only=True)
    assert calls == [frozenset({"categories", "text", "mappable_only"})]
    assert state.categories == frozenset({"violent", "drug"})


def test_no_notification_when_nothing_changes() -> None:
    state = FilterState(FilterSnapshot(categories=frozenset({"drug"})))
    calls = recorder(state)
    assert not state.update(categories=["drug"])
    assert not state.update()
    assert calls == []


def test_unsubscribe_stops_notifications() -> None:
    state = FilterState()
    seen: list[FilterSnapshot] = []
    unsubscribe = state.subscribe(lambda snapshot, _changed: seen.append(snapshot))
    state.update(text="a")
    unsubscribe()
    state.update(text="b")
    assert [s.text for s in seen] == ["a"]


def test_listener_errors_propagate() -> None:
    state = FilterState()
    state.subscribe(lambda *_: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        state.update(text="x")


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("last_7", date(2017, 1, 27)),
        ("last_28", date(2017, 1, 6)),
        ("month", date(2017, 2, 1)),
        ("ytd", date(2017, 1, 1)),
    ],
)
def test_presets_end_on_latest_data_day(name: str, start: date) -> None:
    latest = date(2017, 2, 2)
    state = FilterState()
    calls = recorder(state)
    assert state.apply_preset(name, latest)
    assert (state.date_from, state.date_to, state.preset) == (start, latest, name)
    assert len(calls) == 1


def test_editing_dates_switches_to_custom() -> None:
    state = FilterState()
    state.apply_preset("last_28", date(2017, 1, 3))
    state.update(date_to=date(2017, 1, 2))
    assert state.preset == "custom"
    assert state.apply_preset("custom", date(2017, 1, 3)) is False


def test_snapshot_taken_before_an_update_keeps_its_values() -> None:
    state = FilterState()
    before = state.snapshot
    state.update(text="gas station")
    assert before.text == "" and state.snapshot.text == "gas station"


def test_json_round_trip() -> None:
    state = FilterState()
    state.update(
        date_from=date(2017, 1, 1),
        date_to=date(2017, 1, 3),
        region_layer_id=4,
        region_ids={"11", "7"},
        categories={"violent"},
        offense_types={"ROBBERY", "BATTERY"},
        text="park",
        mappable_only=True,
        bbox=(-87.7, 41.8, -87.6, 41.9),
        polygon_wkt="POLYGON ((0 0, 1 0, 1 1, 0 0))",
    )
    data = json.loads(json.dumps(state.to_dict()))
    assert data["region_ids"] == ["11", "7"] and data["date_from"] == "2017-01-01"
    assert FilterState.from_dict(data).snapshot == state.snapshot


def test_update_rejects_unknown_field_without_notifying() -> None:
    state = FilterState()
    calls = recorder(state)
    with pytest.raises(TypeError):
        state.update(colour="red")
    assert calls == []
