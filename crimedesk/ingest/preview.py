"""Preview the first rows of a file as an import would parse them, without touching a store.

The rows go through the same :class:`Preparer` stages as a real import, so what the mapping
editor shows (values, rejections and their reasons) is what importing would store.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from crimedesk.domain.errors import ImportFileError
from crimedesk.ingest.lines import LineCounter
from crimedesk.ingest.mappings import ColumnMapping
from crimedesk.ingest.prepare import Preparer
from crimedesk.ingest.profiles.base import Profile
from crimedesk.ingest.rows import TIME_COLUMNS
from crimedesk.ingest.source import BadRow, FileFacts, RowSink, inspect_file, open_batches

REASON = "rejected because"
HIDDEN = ("source", "xy_epsg", "quality_flags")  # the same for every row of a preview


def preview(
    path: Path | FileFacts, mapping_or_profile: ColumnMapping | Profile, rows: int = 20
) -> pd.DataFrame:
    """The first ``rows`` records: "line", the canonical columns, and REASON ("" when accepted).

    Pass the file's FileFacts when previewing repeatedly: inspecting a path hashes the whole file.
    Raises ImportFileError when the file cannot be read or lacks a column the mapping names.
    """
    profile = (
        mapping_or_profile.to_profile()
        if isinstance(mapping_or_profile, ColumnMapping)
        else mapping_or_profile
    )
    facts = path if isinstance(path, FileFacts) else inspect_file(Path(path))
    preparer = Preparer(facts, profile)
    missing = profile.missing_columns(set(preparer.names))
    if missing:
        raise ImportFileError(f"{facts.path.name} has no column {', '.join(missing)}")
    head = preparer.sheet_head(rows) if facts.sheet is not None else _text_head(facts, preparer, rows)
    if head is None:
        return pd.DataFrame(columns=["line", REASON])
    raw, good_lines, placed = head
    prepared = preparer.prepare(raw, good_lines, placed)
    rejected = pd.DataFrame(
        {"line": [r[0] for r in prepared.rejected], REASON: [r[2] for r in prepared.rejected]}
    )
    accepted = _accepted(prepared.table, prepared.records)
    refused = set(rejected["line"])
    accepted.insert(0, "line", [n for n in good_lines if n not in refused])
    accepted[REASON] = ""
    frame = pd.concat([accepted, rejected], ignore_index=True) if len(rejected) else accepted
    return frame.sort_values("line", kind="stable").reset_index(drop=True)


def _text_head(
    facts: FileFacts, preparer: Preparer, rows: int
) -> tuple[pa.RecordBatch, np.ndarray, list[BadRow]] | None:
    """The first ``rows`` records of a text file: good rows, their lines, malformed ones placed."""
    sink = RowSink()
    first = next(open_batches(facts, sink), None)
    if first is None:
        return None
    bad = [row for row in sink.take() if row.line_number is not None and row.line_number <= rows + 1]
    head = first.slice(0, max(rows - len(bad), 0))
    raw = pa.RecordBatch.from_arrays(head.columns, names=preparer.names)
    counter = LineCounter()
    good_lines, placed = counter.assign(raw, bad)
    return raw, good_lines, placed + counter.flush([])


def _accepted(table: pa.Table | None, records: list[dict]) -> pd.DataFrame:
    """Accepted incidents with readable times, or accepted UCR records."""
    if table is None:
        return pd.DataFrame(records)
    frame = table.drop_columns(list(HIDDEN)).to_pandas()
    for name in TIME_COLUMNS:
        frame[name] = pd.to_datetime(frame[name], unit="s")
    return frame


def shown_columns(frame: pd.DataFrame) -> list[str]:
    """The columns worth showing: line, the reason, then every column with a value in some row."""
    filled = [c for c in frame.columns if c not in ("line", REASON) and frame[c].notna().any()]
    return ["line", REASON, *filled]
