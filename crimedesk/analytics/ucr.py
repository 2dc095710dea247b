"""FBI UCR yearly counts and rates per 100,000 residents (state "US" = the national estimate)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from crimedesk.domain.ucr import UCR_CRIMES
from crimedesk.storage.schema import ucr_counts

if TYPE_CHECKING:  # imported by the query itself: the UCR pane is built before the window paints
    import pandas as pd


def ucr_trend(conn: Connection, states: list[str], crime: str) -> pd.DataFrame:
    """Columns year, state_abbr, count, population, rate (per 100,000); sorted by state, year.

    A missing count (the FBI did not estimate it, e.g. revised rape before 2013) stays missing,
    and so does its rate.
    """
    if crime not in UCR_CRIMES:
        raise ValueError(f"unknown UCR crime {crime!r}; expected one of {UCR_CRIMES}")
    t = ucr_counts.c
    query = (
        select(t.year, t.state_abbr, t[crime].label("count"), t.population)
        .where(t.state_abbr.in_([s.upper() for s in states]))
        .order_by(t.state_abbr, t.year)
    )
    import pandas as pd

    frame = pd.DataFrame(conn.execute(query).all(), columns=["year", "state_abbr", "count", "population"])
    frame = frame.astype({"year": "int64", "count": "Int64", "population": "Int64"})
    frame["rate"] = frame["count"] * 100_000 / frame["population"]
    return frame
