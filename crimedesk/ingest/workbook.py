"""Excel workbooks (.xlsx): one sheet read as a CSV file would be, through the same profiles.

The sheet is read with python-calamine (Rust, several times faster than openpyxl). Cells become
the text a CSV export would hold: numbers without a spurious ".0", booleans as true/false, and
dates in the format the profile expects of that column (``date_formats``), else ISO 8601. A row's
line number is its row number in the sheet, as Excel shows it. The workbook's bytes are read
once, hashed as they are read (a workbook that changed under the import fails like a CSV file).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from crimedesk.domain.errors import ImportFileError
from crimedesk.ingest.textstream import HashingReader, escaped

ROWS_PER_BATCH = 50_000
Cell = str | int | float | bool | date | datetime | time | timedelta | None


def open_sheet(data: bytes, name: str, sheet: str | None) -> CalamineSheet:
    """The sheet named ``sheet`` (the first when None) of the workbook ``data``."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if sheet is None:
            return book.get_sheet_by_index(0)
        if sheet not in book.sheet_names:
            raise ImportFileError(f"{name} has no sheet {sheet!r}; its sheets: {', '.join(book.sheet_names)}")
        return book.get_sheet_by_name(sheet)
    except CalamineError as exc:
        raise ImportFileError(f"{name}: the Excel workbook cannot be read ({exc})") from exc


def sheet_names(path: Path) -> tuple[str, ...]:
    """The workbook's sheets, in their order."""
    try:
        return tuple(CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes())).sheet_names)
    except CalamineError as exc:
        raise ImportFileError(f"{path.name}: the Excel workbook cannot be read ({exc})") from exc


def sheet_header(path: Path, sheet: str | None) -> tuple[CalamineSheet, tuple[str, ...]]:
    """The sheet and its first row, the column names."""
    chosen = open_sheet(path.read_bytes(), path.name, sheet)
    header = next(chosen.iter_rows(), None)
    if header is None:
        raise ImportFileError(f"{path.name}: the sheet {chosen.name!r} is empty")
    return chosen, tuple(cell_text(cell) for cell in header)


def read_sheet(path: Path, sheet: str | None) -> tuple[CalamineSheet, HashingReader]:
    """The sheet, and the reader that read (and hashed) the workbook's bytes."""
    with HashingReader(path.open("rb")) as read:
        data = read.read()
    return open_sheet(data, path.name, sheet), read


def sheet_batches(
    sheet: CalamineSheet, names: list[str], date_formats: dict[str, str]
) -> Iterator[tuple[pa.RecordBatch, np.ndarray, list[tuple[int, str, str]]]]:
    """Batches of string columns named ``names``, the rows' line numbers, and the rows with more
    cells than the header (line, raw text, reason)."""
    rows = sheet.iter_rows()
    next(rows, None)  # the header
    first_line = sheet.start[0] + 2 if sheet.start else 2  # Excel numbers rows from 1; then the header
    width = len(names)
    formats = [date_formats.get(name) for name in names]
    columns: list[list[str]] = [[] for _ in names]
    lines: list[int] = []
    bad: list[tuple[int, str, str]] = []
    for line, row in enumerate(rows, start=first_line):
        if not any(cell not in ("", None) for cell in row):
            continue  # a blank row, as a CSV reader skips a blank line
        extra = [cell for cell in row[width:] if cell not in ("", None)]
        if extra:
            text = ",".join(cell_text(cell) for cell in row)
            bad.append((line, escaped(text), f"expected {width} fields, found {width + len(extra)}"))
        else:
            for column, cell, fmt in zip(columns, row, formats, strict=False):
                column.append(cell_text(cell, fmt))
            for column in columns[len(row) :]:
                column.append("")
            lines.append(line)
        if len(lines) >= ROWS_PER_BATCH:
            yield _batch(columns, names), np.array(lines, dtype=np.int64), bad
            columns, lines, bad = [[] for _ in names], [], []
    if lines or bad:
        yield _batch(columns, names), np.array(lines, dtype=np.int64), bad


def _batch(columns: list[list[str]], names: list[str]) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays([pa.array(c, type=pa.string()) for c in columns], names=names)


def cell_text(cell: Cell, date_format: str | None = None) -> str:
    """A cell as the text a CSV export would hold."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() and abs(cell) < 1e15 else repr(cell)
    if isinstance(cell, datetime | date | time):
        if date_format:
            return cell.strftime(date_format)
        return cell.isoformat(sep=" ") if isinstance(cell, datetime) else cell.isoformat()
    return str(cell)
