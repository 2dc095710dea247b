"""The words and measures of a presentable map export: the filters in words and the scale bar.

Pure (no Qt); crimedesk/ui/panes/map/map_export.py draws them around the rendered map.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

from crimedesk.domain.filters import FilterSnapshot

EARTH_CIRCUMFERENCE_M = 40_075_016.686  # Web Mercator's, at the equator
_NICE = (1, 2, 5)
FOOT_M = 0.3048
#: Distance units: (small unit, large unit, metres per small unit, small units per large unit).
UNITS: dict[str, tuple[str, str, float, float]] = {
    "m": ("m", "km", 1.0, 1000.0),
    "ft": ("ft", "mi", FOOT_M, 5280.0),
}


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def period_words(f: FilterSnapshot) -> str:
    if f.date_from and f.date_to:
        return _day(f.date_from) if f.date_from == f.date_to else f"{_day(f.date_from)} – {_day(f.date_to)}"
    if f.date_from:
        return f"from {_day(f.date_from)}"
    if f.date_to:
        return f"up to {_day(f.date_to)}"
    return "all dates"


def _listed(values: frozenset[str], limit: int = 6) -> str:
    shown = sorted(values)
    more = len(shown) - limit
    return ", ".join(shown[:limit]) + (f" and {more:,} more" if more > 0 else "")


def filter_words(f: FilterSnapshot, layer_names: Mapping[Any, str] | None = None) -> str:
    """The filter as a sentence of parts, e.g. "1 Jan 2017 – 3 Jan 2017 · violent · districts 1, 7"."""
    parts = [period_words(f)]
    parts.append(f"categories {_listed(f.categories)}" if f.categories else "all categories")
    if f.offense_types:
        parts.append(f"offense types {_listed(f.offense_types)}")
    if f.region_ids and f.region_layer_id is not None:
        layer = (layer_names or {}).get(f.region_layer_id, str(f.region_layer_id))
        parts.append(f"{layer}: {_listed(f.region_ids)}")
    if f.text:
        parts.append(f"text contains “{f.text}”")
    if f.bbox is not None or f.polygon_wkt:
        parts.append("inside the drawn area")
    if f.mappable_only:
        parts.append("mappable incidents only")
    return " · ".join(parts)


def metres_per_pixel(latitude: float, zoom: float) -> float:
    """Ground metres per CSS pixel of a Web Mercator map (256-pixel tiles) at ``latitude``."""
    return EARTH_CIRCUMFERENCE_M * math.cos(math.radians(latitude)) / (256 * 2**zoom)


def scale_bar(metres_per_px: float, longest_px: float, units: str = "m") -> tuple[float, str]:
    """The longest round distance (1, 2 or 5 × 10ⁿ) whose bar fits ``longest_px``: its length in
    pixels and its label, in metres and kilometres ("500 m", "2 km") or, for ``units`` "ft", in
    feet and miles ("500 ft", "2 mi")."""
    if units not in UNITS:
        raise ValueError(f"unknown units {units!r}; expected one of {sorted(UNITS)}")
    small, large, small_m, per_large = UNITS[units]
    most = metres_per_px * longest_px
    count, unit, metres_each = (
        (most / (small_m * per_large), large, small_m * per_large)
        if most >= small_m * per_large
        else (most / small_m, small, small_m)
    )
    power = 10 ** math.floor(math.log10(count))
    nice = max(n * power for n in _NICE if n * power <= count)
    return nice * metres_each / metres_per_px, f"{nice:,g} {unit}"
