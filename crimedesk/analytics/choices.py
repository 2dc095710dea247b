"""Values the filter widgets offer: offense types and the regions of a region layer."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from crimedesk.domain.columns import SOURCE_REGION_COLUMNS
from crimedesk.storage.schema import boundaries, boundary_layers, incidents


def offense_types(conn: Connection) -> list[str]:
    """Every offense type in the store, most frequent first."""
    count = func.count().label("n")
    query = (
        select(incidents.c.offense_type, count)
        .where(incidents.c.offense_type.is_not(None))
        .group_by(incidents.c.offense_type)
        .order_by(count.desc(), incidents.c.offense_type)
    )
    return [row[0] for row in conn.execute(query)]


def region_layers(conn: Connection) -> list[tuple[int | str, str]]:
    """(layer, label): source region columns that hold values, then loaded boundary layers."""
    present = select(*(func.count(incidents.c[name]).label(name) for name in SOURCE_REGION_COLUMNS))
    counts = conn.execute(present).mappings().one()
    columns: list[tuple[int | str, str]] = [
        (name, name.replace("_", " ").title()) for name in SOURCE_REGION_COLUMNS if counts[name]
    ]
    layers = conn.execute(
        select(boundary_layers.c.id, boundary_layers.c.name).order_by(boundary_layers.c.name)
    )
    return columns + [(layer_id, f"{name} (boundaries)") for layer_id, name in layers]


def regions(conn: Connection, layer: int | str) -> list[tuple[str, str]]:
    """(region id, label) of a layer, sorted naturally (district "2" before "10")."""
    if isinstance(layer, str):
        if layer not in SOURCE_REGION_COLUMNS:
            raise ValueError(f"unknown region column {layer!r}")
        column = incidents.c[layer]
        values = conn.scalars(select(column).where(column.is_not(None)).distinct())
        return [(v, v) for v in sorted(values, key=_natural)]
    rows = conn.execute(
        select(boundaries.c.region_id, boundaries.c.name).where(boundaries.c.layer_id == layer)
    )
    return [
        (rid, f"{rid} {name}" if name and name != rid else rid)
        for rid, name in sorted(rows, key=lambda r: _natural(r[0]))
    ]


def _natural(value: str) -> tuple[int, int | str]:
    stripped = value.strip()
    return (0, int(stripped)) if stripped.isdigit() else (1, stripped)


def region_names(conn: Connection, layer: int | str) -> dict[str, str]:
    """Region id -> name for a boundary layer's regions that have a name other than their id
    (empty for source region columns: their values are codes with no names)."""
    if isinstance(layer, str):
        return {}
    rows = conn.execute(
        select(boundaries.c.region_id, boundaries.c.name).where(boundaries.c.layer_id == layer)
    )
    return {rid: name for rid, name in rows if name and name != rid}
