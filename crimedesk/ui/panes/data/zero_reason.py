"""Why filters match nothing when their places do not meet: the chosen regions, the shape drawn
on the map and the location text each narrow the incidents down to a place, and together they can
leave none although each alone matches some."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Connection

from crimedesk.analytics.incident_table import count_incidents
from crimedesk.domain.filters import FilterSnapshot

# each spatial filter: what it is called, and the values that turn it off
SPATIAL: dict[str, tuple[str, dict[str, Any]]] = {
    "regions": ("the chosen regions", {"region_ids": frozenset()}),
    "shape": ("the drawn shape", {"bbox": None, "polygon_wkt": None}),
    "text": ("the location text", {"text": ""}),
}


def active_spatial(f: FilterSnapshot) -> list[str]:
    on = {"regions": bool(f.region_ids), "shape": f.bbox is not None or f.polygon_wkt is not None}
    on["text"] = bool(f.text.strip())
    return [name for name in SPATIAL if on[name]]


def zero_reason(conn: Connection, f: FilterSnapshot) -> str | None:
    """For filters that match no incident: which place filter empties them, or that two or more
    do not meet; None when fewer than two place filters are set (nothing to combine)."""
    active = active_spatial(f)
    if len(active) < 2:
        return None
    alone = {}
    for name in active:
        others: dict[str, Any] = {}
        for other in active:
            if other != name:
                others |= SPATIAL[other][1]
        alone[name] = count_incidents(conn, replace(f, **others))
    empty = [name for name in active if alone[name] == 0]
    if empty:
        return f"none is in {SPATIAL[empty[0]][0]}, even alone"
    each = " and ".join(f"{SPATIAL[name][0]} ({alone[name]:,})" for name in active)
    return f"{each} have none in common"
