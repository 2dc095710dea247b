"""The CompStat table as analysts paste and file it: CSV (Export) or tab-separated text (Copy).

Headers are words ("Year to date last year"), regions keep their code and name, numbers are plain
(no thousands separators: spreadsheets read them as numbers). Both are exports, so both take the
acting user and leave one audit row.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from crimedesk.analytics.compstat import PERIODS, CompStat
from crimedesk.analytics.significance import ChangeTest
from crimedesk.auth.audit import record
from crimedesk.auth.permissions import requires
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User

PERIOD_WORDS = {"wtd": "Week to date", "d28": "Last 28 days", "ytd": "Year to date"}
NO_REGION = "(no region)"


def compstat_rows(result: CompStat) -> list[list[str]]:
    """Header row, then one row per region (citywide last), as text."""
    header = ["Region", "Name"]
    for period in PERIODS:
        words = PERIOD_WORDS[period]
        header += [words, f"{words} last year", f"{words} change", f"{words} change %", f"{words} p"]
    rows = [header]
    for _, row in result.table.iterrows():
        cells = [NO_REGION if row["region"] is None else str(row["region"]), row["name"] or ""]
        for period in PERIODS:
            pct = row[f"{period}_pct"]
            cells += [
                str(int(row[period])),
                str(int(row[f"{period}_prev"])),
                str(int(row[f"{period}_diff"])),
                "" if pct is None or pd.isna(pct) else f"{pct:.1f}",
                _p(row[f"{period}_test"]),
            ]
        rows.append(cells)
    return rows


def _p(test: ChangeTest | None) -> str:
    return "" if test is None or not test.testable else f"{test.p_value:.4g}"


def _text(rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


@requires(Action.EXPORT)
def export_compstat_csv(engine: Engine, user: User, result: CompStat, layer: str, path: Path) -> int:
    """Write the table to ``path`` (UTF-8 CSV); the number of region rows written."""
    rows = compstat_rows(result)
    path.write_text(_text(rows, ","), encoding="utf-8")
    _audit(engine, user, "csv", layer, result, str(path))
    return len(rows) - 1


@requires(Action.EXPORT)
def copy_compstat(engine: Engine, user: User, result: CompStat, layer: str) -> str:
    """The table as tab-separated text for the clipboard."""
    text = _text(compstat_rows(result), "\t")
    _audit(engine, user, "clipboard", layer, result, "")
    return text


def _audit(engine: Engine, user: User, to: str, layer: str, result: CompStat, path: str) -> None:
    details = {"to": to, "as_of": result.as_of.isoformat(), "rows": len(result.table), "path": path}
    with engine.begin() as conn:
        record(conn, user, Action.EXPORT, "compstat", layer, details)
