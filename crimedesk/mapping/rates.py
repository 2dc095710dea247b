"""What the choropleth shows per region: incident counts, or rates per 100,000 residents or per km².

Pure (no SQL): the counts come from crimedesk.mapping.data, each region's residents and area from
crimedesk.regions.sizes. A region without the denominator (no population in the layer) has no
rate; it is drawn uncoloured and the legend says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from crimedesk.mapping.classes import fmt

if TYPE_CHECKING:
    from crimedesk.regions.sizes import RegionSize

#: The choices of the symbology form, by key.
MEASURES: dict[str, str] = {
    "count": "Counts",
    "per_100k": "Per 100,000 residents",
    "per_km2": "Per km²",
}
#: The unit a region's value is in, for tooltips and the legend.
UNITS: dict[str, str] = {
    "count": "incidents",
    "per_100k": "incidents per 100,000 residents",
    "per_km2": "incidents per km²",
}
MISSING: dict[str, str] = {
    "count": "",
    "per_100k": "no population",
    "per_km2": "no area",
}


def region_rate(count: int, size: RegionSize | None, measure: str) -> float | None:
    """``count`` as ``measure`` for a region of ``size`` (None when the denominator is unknown or 0)."""
    if measure == "count":
        return float(count)
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; expected one of {sorted(MEASURES)}")
    denominator = None if size is None else size.population if measure == "per_100k" else size.area_km2
    if not denominator:
        return None
    return count * 100_000 / denominator if measure == "per_100k" else count / denominator


def rate_values(
    counts: Mapping[str, int], sizes: Mapping[str, RegionSize], measure: str
) -> dict[str, float | None]:
    """Each region's value (every region of ``sizes``; one without incidents counts 0)."""
    return {r: region_rate(counts.get(r, 0), size, measure) for r, size in sizes.items()}


def value_text(value: float | None, measure: str) -> str:
    """A region's value in words, e.g. ``"1,234 incidents"``, ``"56 incidents per km²"``."""
    if value is None:
        return MISSING[measure]
    return f"{fmt(value)} {UNITS[measure]}"
