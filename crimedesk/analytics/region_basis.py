"""What a region layer's counts rest on, said in words, and the incidents it cannot place.

A source column (``"district"``) groups incidents by the code the source recorded; a boundary
layer by the polygon their coordinates fall in. The two disagree for a few per cent of incidents
(points near a boundary, re-districting), and a boundary layer cannot place an incident without
usable coordinates at all, so a district chosen by code and by polygon gives different counts.
The filter panel and CompStat name the basis and count what it leaves out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, Connection, func, select

from crimedesk.analytics.filters_sql import where_clause
from crimedesk.domain.columns import SOURCE_REGION_COLUMNS
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.storage.schema import boundary_layers, incidents


@dataclass(frozen=True)
class RegionBasis:
    """``description``: what the regions are; ``unplaced``: filtered incidents in no region of it
    for want of a code (source column) or of usable coordinates (boundary layer)."""

    layer: int | str
    description: str
    unplaced: int

    def caption(self) -> str:
        reason = "no code" if isinstance(self.layer, str) else "no usable coordinates (unmappable)"
        noun = "incident" if self.unplaced == 1 else "incidents"
        return f"Regions: {self.description}; {self.unplaced:,} {noun} with {reason} are in none of them"


def describe_layer(conn: Connection, layer: int | str) -> str:
    if isinstance(layer, str):
        if layer not in SOURCE_REGION_COLUMNS:
            raise ValueError(f"unknown region column {layer!r}; expected one of {SOURCE_REGION_COLUMNS}")
        return f"the source's {layer.replace('_', ' ')} codes"
    name = conn.execute(select(boundary_layers.c.name).where(boundary_layers.c.id == layer)).scalar()
    if name is None:
        raise ValueError(f"boundary layer {layer} does not exist (deleted?); choose another layer")
    return f"{name} boundaries (points inside polygons)"


def region_basis(conn: Connection, filters: FilterSnapshot, layer: int | str) -> RegionBasis:
    """The basis of ``layer`` and how many incidents matching ``filters`` (regions aside) it cannot place."""
    others = replace(filters, region_layer_id=None, region_ids=frozenset())
    query = select(func.count()).where(where_clause(others, incidents), _cannot_place(layer))
    return RegionBasis(layer, describe_layer(conn, layer), int(conn.execute(query).scalar_one()))


def _cannot_place(layer: int | str) -> ColumnElement[bool]:
    if isinstance(layer, str):
        return incidents.c[layer].is_(None)
    return incidents.c.mappable.is_not(True)
