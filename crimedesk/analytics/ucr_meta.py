"""What the UCR view needs besides the series: crime labels, states on file, caveats, definition notes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from crimedesk.domain.ucr import UCR_CRIMES
from crimedesk.storage.schema import ucr_counts

if TYPE_CHECKING:  # imported by the query itself: the UCR pane is built before the window paints
    import pandas as pd

CRIME_LABELS = {crime: crime.replace("_", " ").capitalize() for crime in UCR_CRIMES} | {
    "rape_legacy": "Rape (legacy definition)",
    "rape_revised": "Rape (revised definition)",
}
_RAPE_NOTE = (
    "Definition change: the FBI revised the definition of rape in 2013. Legacy-definition counts "
    "run to 2016, revised-definition counts start in 2013; the two series are not comparable "
    "and must never be added."
)
DEFINITION_NOTES = {"rape_legacy": _RAPE_NOTE, "rape_revised": _RAPE_NOTE}


def ucr_states(conn: Connection) -> list[tuple[str, str]]:
    """(abbreviation, "AB · Name") of every state on file, the national "US" rows first; [] when empty."""
    t = ucr_counts.c
    rows = conn.execute(select(t.state_abbr, t.state_name).distinct().order_by(t.state_abbr)).all()
    states = [(abbr, f"{abbr} · {name}") for abbr, name in rows]
    return sorted(states, key=lambda s: (s[0] != "US", s[0]))


def ucr_caveats(conn: Connection, states: list[str]) -> pd.DataFrame:
    """Columns year, state_abbr, caveats: the rows of ``states`` that carry a caveat."""
    t = ucr_counts.c
    query = (
        select(t.year, t.state_abbr, t.caveats)
        .where(t.state_abbr.in_([s.upper() for s in states]), t.caveats.is_not(None))
        .order_by(t.state_abbr, t.year)
    )
    import pandas as pd

    return pd.DataFrame(conn.execute(query).all(), columns=["year", "state_abbr", "caveats"])


def caveat_lines(caveats: pd.DataFrame, year: int | None = None) -> list[str]:
    """One line per state and caveat text, naming its years ("IL 1995–2013: …"); one year if given."""
    rows = caveats if year is None else caveats[caveats["year"] == year]
    lines = []
    for (state, text), group in rows.groupby(["state_abbr", "caveats"], sort=True):
        years = sorted(group["year"])
        span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]} ({len(years)} years)"
        lines.append(f"{state} {span}: {text}")
    return lines
