"""Filters that exercise every kind of WHERE clause the store and its mirror must answer alike."""

from dataclasses import replace

from crimedesk.domain.filters import FilterSnapshot


def filter_variants(base: FilterSnapshot, layer: int) -> list[FilterSnapshot]:
    """``base`` and, on top of it: categories, regions of boundary ``layer``, a source district
    code, text with mappable only, a bounding box, night hours on weekdays and a case number."""
    return [
        base,
        replace(base, categories=frozenset({"violent", "drug"})),
        replace(base, region_layer_id=layer, region_ids=frozenset({"1", "11"})),
        replace(base, region_layer_id="district", region_ids=frozenset({"011"})),
        replace(base, text="madison", mappable_only=True),
        replace(base, bbox=(-87.7, 41.85, -87.6, 41.95)),
        replace(base, hours=(22, 6), weekdays=frozenset({0, 1, 2, 3, 4})),
        replace(base, hours=(9, 17), weekdays=frozenset({5})),
        replace(base, text="jb1"),
    ]
