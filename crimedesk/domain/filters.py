"""The analyst's filter values as one immutable snapshot (Qt-free, no state).

Every core query takes a :class:`FilterSnapshot`; the evented holder widgets write to lives in
``crimedesk.state.filters``. Snapshots are frozen, so a query can run on a worker thread while the
user keeps editing. An empty set means "no restriction" (all categories, all regions).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from crimedesk.domain.categories import CATEGORIES
from crimedesk.domain.columns import SOURCE_REGION_COLUMNS

PRESETS: tuple[str, ...] = ("last_7", "last_28", "month", "ytd", "custom")
_SET_FIELDS = ("region_ids", "categories", "offense_types")
#: Monday = 0, as ``date.weekday()`` and the stored-time SQL (analytics.sqltime.weekday_of) count.
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class FilterSnapshot:
    """One immutable set of filter values.

    ``region_layer_id`` is a boundary layer id (int, via ``incident_regions``) or the name of a
    source region column such as ``"district"``. ``bbox`` is (min_lon, min_lat, max_lon, max_lat);
    ``polygon_wkt`` a lon/lat (Multi)Polygon drawn on the map. Dates are inclusive.
    ``hours`` is a time-of-day range (first hour, end hour), the end excluded: (8, 17) is 08:00 to
    16:59, and a start after the end wraps past midnight ((22, 6) is 22:00 to 05:59). ``weekdays``
    holds Monday = 0 … Sunday = 6. ``text`` matches the block, location or case number.
    """

    date_from: date | None = None
    date_to: date | None = None
    preset: str = "custom"
    region_layer_id: int | str | None = None
    region_ids: frozenset[str] = field(default_factory=frozenset)
    categories: frozenset[str] = field(default_factory=frozenset)
    offense_types: frozenset[str] = field(default_factory=frozenset)
    text: str = ""
    mappable_only: bool = False
    bbox: tuple[float, float, float, float] | None = None
    polygon_wkt: str | None = None
    hours: tuple[int, int] | None = None
    weekdays: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for name in _SET_FIELDS:
            object.__setattr__(self, name, frozenset(str(v) for v in getattr(self, name)))
        if self.bbox is not None:
            object.__setattr__(self, "bbox", tuple(float(v) for v in self.bbox))
        if self.hours is not None:
            object.__setattr__(self, "hours", tuple(int(v) for v in self.hours))
        object.__setattr__(self, "weekdays", frozenset(int(v) for v in self.weekdays))
        self._validate()
        self._validate_times()

    def _validate(self) -> None:
        if self.preset not in PRESETS:
            raise ValueError(f"unknown preset {self.preset!r}; expected one of {PRESETS}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}")
        unknown = self.categories - set(CATEGORIES)
        if unknown:
            raise ValueError(f"unknown categories {sorted(unknown)}; expected {CATEGORIES}")
        if isinstance(self.region_layer_id, str) and self.region_layer_id not in SOURCE_REGION_COLUMNS:
            raise ValueError(f"region layer {self.region_layer_id!r} is not a layer id or region column")
        if self.region_ids and self.region_layer_id is None:
            raise ValueError("region_ids need a region_layer_id")
        if self.bbox is not None and len(self.bbox) != 4:
            raise ValueError(f"bbox needs 4 numbers (min_lon, min_lat, max_lon, max_lat), got {self.bbox}")

    def _validate_times(self) -> None:
        if self.hours is not None:
            if len(self.hours) != 2:
                raise ValueError(f"hours needs (first hour, end hour), got {self.hours}")
            start, end = self.hours
            if not (0 <= start <= 23 and 0 <= end <= 24) or start == end % 24:
                raise ValueError(
                    f"hours {start}-{end} is not a range of the day: the first hour is 0 to 23, "
                    "the end hour 0 to 24 and different from the first"
                )
        if not self.weekdays <= set(range(7)):
            raise ValueError(f"weekdays are 0 (Monday) to 6 (Sunday), got {sorted(self.weekdays)}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: ISO dates, sorted lists for sets."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, frozenset):
                value = sorted(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FilterSnapshot:
        """Inverse of :meth:`to_dict`; missing keys take defaults, unknown keys are an error."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown filter fields {sorted(unknown)}")
        values = dict(data)
        for name in ("date_from", "date_to"):
            if isinstance(values.get(name), str):
                values[name] = date.fromisoformat(values[name])
        return cls(**values)


def preset_range(name: str, latest: date) -> tuple[date, date]:
    """Inclusive date range of a preset, anchored to the latest day that has data."""
    starts = {
        "last_7": latest - timedelta(days=6),
        "last_28": latest - timedelta(days=27),
        "month": latest.replace(day=1),
        "ytd": latest.replace(month=1, day=1),
    }
    if name not in starts:
        raise ValueError(f"preset {name!r} has no fixed range; expected one of {sorted(starts)}")
    return starts[name], latest
