"""The filter words every command that reads incidents spells the same way.

``--from/--to`` (inclusive days), ``--categories``, ``--offense-types``, ``--layer`` (a source region
column such as ``district``, or a boundary layer's name) with ``--regions``, ``--text`` and
``--mappable-only`` become one :class:`FilterSnapshot`, as the app's filter panel makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

import typer
from sqlalchemy import Connection

from crimedesk.domain.columns import SOURCE_REGION_COLUMNS
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.regions.store import layer_names

FromOption = Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")]
ToOption = Annotated[str | None, typer.Option("--to", help="Last day, included (YYYY-MM-DD).")]
CategoriesOption = Annotated[
    str | None, typer.Option("--categories", help="Comma-separated: violent, property, drug, other.")
]
OffensesOption = Annotated[str | None, typer.Option("--offense-types", help="Comma-separated offense types.")]
LayerOption = Annotated[
    str | None, typer.Option("--layer", help="Region layer: a boundary layer's name or e.g. district.")
]
RegionsOption = Annotated[str | None, typer.Option("--regions", help="Comma-separated region ids.")]
TextOption = Annotated[str, typer.Option("--text", help="Text in the block or location description.")]
MappableOption = Annotated[bool, typer.Option("--mappable-only", help="Only incidents with coordinates.")]


@dataclass(frozen=True)
class FilterWords:
    date_from: str | None = None
    date_to: str | None = None
    categories: str | None = None
    offense_types: str | None = None
    layer: str | None = None
    regions: str | None = None
    text: str = ""
    mappable_only: bool = False

    def snapshot(self, conn: Connection) -> FilterSnapshot:
        """The filters these words say; a ValueError names a word that does not fit the store."""
        if self.regions and not self.layer:
            raise ValueError("--regions needs --layer (e.g. --layer district --regions 011)")
        return FilterSnapshot(
            date_from=date.fromisoformat(self.date_from) if self.date_from else None,
            date_to=date.fromisoformat(self.date_to) if self.date_to else None,
            categories=frozenset(_split(self.categories)),
            offense_types=frozenset(_split(self.offense_types)),
            region_layer_id=_layer(conn, self.layer),
            region_ids=frozenset(_split(self.regions)),
            text=self.text,
            mappable_only=self.mappable_only,
        )


def _split(words: str | None) -> list[str]:
    return [word.strip() for word in (words or "").split(",") if word.strip()]


def _layer(conn: Connection, name: str | None) -> int | str | None:
    if name is None or name in SOURCE_REGION_COLUMNS:
        return name
    layers = dict((layer_name, layer_id) for layer_id, layer_name in layer_names(conn))
    if name not in layers:
        known = [*SOURCE_REGION_COLUMNS, *layers]
        raise ValueError(f"no region layer {name!r}; known: {', '.join(known)}")
    return layers[name]
