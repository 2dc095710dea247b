"""The filter words every command that reads incidents spells the same way.

``--from/--to`` (inclusive days), ``--categories``, ``--offense-types``, ``--layer`` (a source region
column such as ``district``, or a boundary layer's name) with ``--regions``, ``--hours`` (``22-06``:
10 pm to 6 am, the end hour excluded), ``--weekdays`` (``sat,sun``), ``--text`` and ``--mappable-only``
become one :class:`FilterSnapshot`, as the app's filter panel makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

import typer
from sqlalchemy import Connection, Engine

from crimedesk.cli.common import fail
from crimedesk.domain.columns import SOURCE_REGION_COLUMNS
from crimedesk.domain.filters import WEEKDAY_NAMES, FilterSnapshot
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
HoursOption = Annotated[
    str | None,
    typer.Option("--hours", help="Time of day, first-end hour, the end excluded: 08-17, or 22-06 overnight."),
]
WeekdaysOption = Annotated[
    str | None, typer.Option("--weekdays", help="Comma-separated days of the week, e.g. mon,tue or sat,sun.")
]
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
    hours: str | None = None
    weekdays: str | None = None

    def snapshot_of(self, engine: Engine) -> FilterSnapshot:
        """The filters these words say in ``engine``'s store; a word that does not fit it stops the
        command with its sentence."""
        try:
            with engine.connect() as conn:
                return self.snapshot(conn)
        except ValueError as exc:
            raise fail(str(exc)) from None

    def snapshot(self, conn: Connection) -> FilterSnapshot:
        """The filters these words say; a ValueError names a word that does not fit the store."""
        if self.regions and not self.layer:
            raise ValueError("--regions needs --layer (e.g. --layer district --regions 011)")
        return FilterSnapshot(
            date_from=date.fromisoformat(self.date_from) if self.date_from else None,
            date_to=date.fromisoformat(self.date_to) if self.date_to else None,
            categories=frozenset(split_words(self.categories)),
            offense_types=frozenset(split_words(self.offense_types)),
            region_layer_id=_layer(conn, self.layer),
            region_ids=frozenset(split_words(self.regions)),
            text=self.text,
            mappable_only=self.mappable_only,
            hours=parse_hours(self.hours) if self.hours else None,
            weekdays=frozenset(parse_weekday(word) for word in split_words(self.weekdays)),
        )


def parse_hours(words: str) -> tuple[int, int]:
    """``"22-06"`` -> (22, 6); a ValueError in words for anything else."""
    first, _, end = words.partition("-")
    try:
        return int(first), int(end)
    except ValueError:
        raise ValueError(f"--hours takes first-end hours such as 08-17 or 22-06, not {words!r}") from None


def parse_weekday(word: str) -> int:
    """Monday = 0 from ``mon``, ``Monday`` or any longer start of the name."""
    for number, name in enumerate(WEEKDAY_NAMES):
        if len(word) >= 3 and name.lower().startswith(word.lower()):
            return number
    raise ValueError(f"--weekdays: {word!r} is not a day of the week (mon, tue, … sun)")


def split_words(words: str | None) -> list[str]:
    return [word.strip() for word in (words or "").split(",") if word.strip()]


def _layer(conn: Connection, name: str | None) -> int | str | None:
    if name is None or name in SOURCE_REGION_COLUMNS:
        return name
    layers = dict((layer_name, layer_id) for layer_id, layer_name in layer_names(conn))
    if name not in layers:
        known = [*SOURCE_REGION_COLUMNS, *layers]
        raise ValueError(f"no region layer {name!r}; known: {', '.join(known)}")
    return layers[name]
