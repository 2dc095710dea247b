"""Filters that exercise every kind of WHERE clause the store and its mirror must answer alike."""

from dataclasses import replace

from crimedesk.domain.filters import FilterSnapshot


def filter_variants(base: FilterSnapshot, layer: int) -> list[FilterSnapshot]:
    """``base`` and, on top of it: categories, regions of boundary ``layer``, a source district
    code, text with mappable only, and a bounding box."""
    return [
        base,
        replace(base, categories=frozenset({"violent", "drug"})),
        replace(base, region_layer_id=layer, region_ids=frozenset({"1", "11"})),
        replace(base, region_layer_id="district", region_ids=frozenset({"011"})),
        replace(base, text="madison", mappable_only=True),
        replace(base, bbox=(-87.7, 41.85, -87.6, 41.95)),
    ]
