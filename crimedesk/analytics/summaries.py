"""Incident counts rolled up by day or hour in the analytics mirror, counted in place of the rows.

Over all the years of a 7M-row history, each dashboard view scanned every incident of the mirror
(a grouping of 7M rows takes DuckDB 40-120 ms on two cores). Grouped by day, the columns the
dashboard's counts read and its cheap filters test hold a few ten thousand rows: Chicago's 7M
incidents make 80k rows of (day, category, arrest, domestic, mappable). A view reads a summary
when it has every column the view counts and every column the filters test, at a fine enough
grain; a count of incidents becomes the sum of the summary's ``n``. Filters by region, text,
box or drawn shape read the incidents themselves.

A summary's ``occurred_from`` is the start of its day or hour: every date filter and period starts
and ends on a day, and every hour filter on an hour, so it selects the same incidents. The mirror
builds the summaries with its copy and keeps them up to date as imports add rows
(crimedesk.analytics.mirror); only the mirror has them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Connection,
    Integer,
    MetaData,
    Table,
    cast,
    func,
    or_,
    true,
)

from crimedesk.analytics.backend_sql import count_true
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.domain.quality import Quality
from crimedesk.storage.schema import incidents

if TYPE_CHECKING:  # DuckDB itself loads with the mirror, after the window's first paint
    import duckdb

DAY, HOUR = 86_400, 3_600
_metadata = MetaData()


@dataclass(frozen=True)
class Summary:
    """Incidents counted (``n``) per start of day or hour (``grain`` seconds) and ``columns``.

    ``point_times_only``: only the incidents known to a point in time (no window), which is what
    the hour-of-week grid counts per hour. ``quality_flags`` keeps only the time-unknown bit.
    """

    name: str
    grain: int
    columns: tuple[str, ...]
    point_times_only: bool = False

    def __post_init__(self) -> None:
        """Defined here, at import, not on first use: the dashboard's views run on several worker
        threads at once, and two of them defining the same table raised "already defined"."""
        kept = [Column(name, incidents.c[name].type) for name in self.columns]
        Table(self.name, _metadata, Column("occurred_from", BigInteger), *kept, Column("n", Integer))

    @property
    def table(self) -> Table:
        return _metadata.tables[self.name]

    def select_sql(self, source: str, condition: str = "TRUE") -> str:
        """DuckDB SQL counting the rows of ``source`` (incident columns) that meet ``condition``."""
        keys = [f"occurred_from // {self.grain} * {self.grain}", *self.columns]
        if "quality_flags" in self.columns:
            keys[keys.index("quality_flags")] = f"quality_flags & {int(Quality.TIME_UNKNOWN)}"
        kept = f"({condition}) AND ({point_time_sql()})" if self.point_times_only else condition
        names = ["occurred_from", *self.columns]
        named = ", ".join(f"{key} AS {name}" for key, name in zip(keys, names, strict=True))
        return f"SELECT {named}, CAST(count(*) AS INTEGER) AS n FROM {source} WHERE {kept} GROUP BY ALL"


#: Smallest first: a view reads the first that covers it.
SUMMARIES = (
    Summary("summary_day_flags", DAY, ("category", "arrest", "domestic", "mappable")),
    Summary("summary_day_offenses", DAY, ("category", "offense_type")),
    Summary("summary_hour_points", HOUR, ("category", "quality_flags"), point_times_only=True),
)


def point_time_sql() -> str:
    return "occurred_to IS NULL OR occurred_to <= occurred_from"


def point_time(table: Table) -> ColumnElement[bool]:
    """Incidents known to a point in time: no end, or an end not after the start."""
    return or_(table.c.occurred_to.is_(None), table.c.occurred_to <= table.c.occurred_from)


@dataclass(frozen=True)
class Counted:
    """What a view counts: the incidents, or a summary whose rows stand for ``n`` incidents each.

    ``condition`` selects the rows to count (the point-time incidents, for a view that wants
    only those and reads the incidents themselves).
    """

    table: Table
    weighted: bool
    condition: ColumnElement[bool]

    def count(self) -> ColumnElement[int]:
        return self._sum(func.sum(self.table.c.n)) if self.weighted else func.count()

    def count_true(self, condition: ColumnElement[bool]) -> ColumnElement[int]:
        if self.weighted:
            return self._sum(func.sum(self.table.c.n).filter(condition))
        return count_true(condition)

    @staticmethod
    def _sum(total: ColumnElement[int]) -> ColumnElement[int]:
        """0 for no rows, and a BIGINT (DuckDB sums to a 128-bit integer, slower to fetch)."""
        return cast(func.coalesce(total, 0), BigInteger)

    def count_known(self, column_name: str) -> ColumnElement[int]:
        """Incidents where the column is not NULL."""
        column = self.table.c[column_name]
        return self.count_true(column.is_not(None)) if self.weighted else func.count(column)


def counted(
    conn: Connection,
    filters: FilterSnapshot,
    reads: Iterable[str],
    grain: int = DAY,
    point_times: bool = False,
) -> Counted:
    """The smallest source that answers a view reading ``reads`` (incident columns besides
    ``occurred_from``) at ``grain`` under ``filters``; ``point_times``: count only incidents known to
    a point in time."""
    if conn.dialect.name == "duckdb":  # the analytics mirror, the one place with summaries
        needs = _filter_needs(filters)
        if needs is not None:
            columns, filter_grain = needs
            wanted, finest = columns | set(reads), min(grain, filter_grain)
            for summary in SUMMARIES:
                fits = wanted <= set(summary.columns) and finest % summary.grain == 0
                if fits and summary.point_times_only == point_times:
                    return Counted(summary.table, True, true())
    return Counted(incidents, False, point_time(incidents) if point_times else true())


def _filter_needs(f: FilterSnapshot) -> tuple[set[str], int] | None:
    """The columns the filters test and the grain they need; None: only the incidents will do."""
    if f.region_ids or f.text.strip() or f.bbox is not None or f.polygon_wkt:
        return None
    named = {"category": f.categories, "offense_type": f.offense_types, "mappable": f.mappable_only}
    return {name for name, used in named.items() if used}, HOUR if f.hours is not None else DAY


def build_sql(summary: Summary) -> str:
    """DuckDB SQL that makes ``summary`` from the mirror's incidents."""
    return f"CREATE OR REPLACE TABLE {summary.name} AS {summary.select_sql('incidents')}"


def begin_changes(db: duckdb.DuckDBPyConnection) -> None:
    """An empty table of changes beside each summary, in the caller's transaction."""
    for summary in SUMMARIES:
        db.execute(f"CREATE OR REPLACE TEMP TABLE {_changes(summary)} AS FROM {summary.name} LIMIT 0")


def count_changes(db: duckdb.DuckDBPyConnection, replaced: str, added: str) -> None:
    """Count the incident rows of ``replaced`` out and those of ``added`` in (tables or
    parenthesised queries with the incident columns)."""
    for summary in SUMMARIES:
        for source, sign in ((replaced, -1), (added, 1)):
            counts = summary.select_sql(source)
            db.execute(f"INSERT INTO {_changes(summary)} SELECT * REPLACE (n * {sign} AS n) FROM ({counts})")


def merge_changes(db: duckdb.DuckDBPyConnection) -> None:
    """Add each table of changes to its summary (a count that reaches 0 goes), then drop it."""
    for summary in SUMMARIES:
        keys = ", ".join(["occurred_from", *summary.columns])
        both = f"SELECT * FROM {summary.name} UNION ALL SELECT * FROM {_changes(summary)}"
        merged = (
            f"SELECT {keys}, CAST(sum(n) AS INTEGER) AS n FROM ({both}) GROUP BY {keys} HAVING sum(n) <> 0"
        )
        db.execute(f"CREATE OR REPLACE TABLE {summary.name} AS {merged}")
        db.execute(f"DROP TABLE {_changes(summary)}")


def _changes(summary: Summary) -> str:
    return f"{summary.name}_changes"
