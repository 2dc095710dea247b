"""What every section of a report reads: the open connection, the filters and the report's options."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection

from crimedesk.domain.filters import FilterSnapshot
from crimedesk.regions.store import layer_names


@dataclass(frozen=True)
class ReportOptions:
    """``layer``: a source region column or a boundary layer id (CompStat rows, map, region pages);
    ``region_pages``: one page per region; ``sections``: only these (empty: the template's all);
    ``columns``: the incident list's columns (empty: its defaults); ``basemap``: the offline MBTiles
    file drawn under the map page (None: no basemap)."""

    layer: str | int = "district"
    region_pages: bool = False
    sections: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    experiment_id: int | None = None
    basemap: str | None = None


@dataclass
class ReportContext:
    """``conn`` runs the aggregates (the analytics mirror or the store); ``store_conn`` reads what
    only the store holds (boundary geometries)."""

    conn: Connection
    store_conn: Connection
    filters: FilterSnapshot
    options: ReportOptions
    store: str
    user: str
    generated: datetime
    words: str = ""
    cache: dict[str, object] = field(default_factory=dict)

    @property
    def as_of(self) -> date:
        """The day CompStat periods end on: the filter's last day."""
        if self.filters.date_to is None:
            raise ValueError("a report needs a closed period: set both the first and the last day")
        return self.filters.date_to


def filters_in_words(conn: Connection, f: FilterSnapshot) -> str:
    """The filters as one line for every page, e.g. ``2017-01-01 – 2017-01-31 · violent · district 011``."""
    parts = [f"{f.date_from or 'start'} – {f.date_to or 'end'}"]
    if f.categories:
        parts.append("categories " + ", ".join(sorted(f.categories)))
    if f.offense_types:
        parts.append("offenses " + ", ".join(sorted(f.offense_types)))
    if f.region_ids and f.region_layer_id is not None:
        parts.append(f"{layer_name(conn, f.region_layer_id)} " + ", ".join(sorted(f.region_ids)))
    if f.text.strip():
        parts.append(f"text “{f.text.strip()}”")
    if f.mappable_only:
        parts.append("mappable only")
    if f.bbox is not None or f.polygon_wkt:
        parts.append("drawn area")
    return " · ".join(parts)


def layer_name(conn: Connection, layer: str | int) -> str:
    """A source region column as it is (``district``), a boundary layer by its name."""
    if isinstance(layer, str):
        return layer.replace("_", " ")
    return dict(layer_names(conn)).get(layer, f"layer {layer}")
