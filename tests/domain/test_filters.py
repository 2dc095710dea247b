"""FilterSnapshot: immutable values, presets anchored to the data, JSON round trip, validation."""

from __future__ import annotations

import json
from datetime import date

import pytest

from crimedesk.domain.filters import FilterSnapshot, preset_range


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
    assert preset_range(name, date(2017, 2, 2)) == (start, date(2017, 2, 2))


def test_custom_preset_has_no_range() -> None:
    with pytest.raises(ValueError, match="no fixed range"):
        preset_range("custom", date(2017, 2, 2))


def test_snapshot_is_immutable_and_normalises_sets() -> None:
    snapshot = FilterSnapshot(categories=["drug"], region_layer_id="district", region_ids=[7])  # type: ignore[arg-type]
    assert snapshot.categories == frozenset({"drug"}) and snapshot.region_ids == frozenset({"7"})
    with pytest.raises(AttributeError):
        snapshot.text = "x"  # type: ignore[misc]


def test_json_round_trip() -> None:
    snapshot = FilterSnapshot(
        date_from=date(2017, 1, 1),
        date_to=date(2017, 1, 3),
        region_layer_id=4,
        region_ids=frozenset({"11", "7"}),
        categories=frozenset({"violent"}),
        offense_types=frozenset({"ROBBERY", "BATTERY"}),
        text="park",
        mappable_only=True,
        bbox=(-87.7, 41.8, -87.6, 41.9),
        polygon_wkt="POLYGON ((0 0, 1 0, 1 1, 0 0))",
        hours=(22, 6),
        weekdays=frozenset({5, 6}),
    )
    data = json.loads(json.dumps(snapshot.to_dict()))
    assert data["region_ids"] == ["11", "7"] and data["date_from"] == "2017-01-01"
    assert FilterSnapshot.from_dict(data) == snapshot


@pytest.mark.parametrize(
    "bad",
    [
        {"preset": "last_year"},
        {"date_from": "2017-02-01", "date_to": "2017-01-01"},
        {"categories": ["violent", "traffic"]},
        {"region_ids": ["1"]},
        {"region_layer_id": "zipcode", "region_ids": ["1"]},
        {"colour": "red"},
        {"hours": [5, 5]},
        {"hours": [0, 25]},
        {"hours": [24, 3]},
        {"hours": [3]},
        {"weekdays": [7]},
    ],
)
def test_invalid_values_are_rejected(bad: dict) -> None:
    with pytest.raises(ValueError):
        FilterSnapshot.from_dict(bad)
