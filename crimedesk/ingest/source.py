"""Open a CSV file for streaming: checks that name the problem, and an Arrow batch reader.

Every column is read as a string (types are the validators' job), quoted newlines are allowed,
rows with the wrong number of fields are captured with their raw text instead of aborting.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv

from crimedesk.domain.errors import ImportFileError
from crimedesk.ingest.profiles.base import normalize_header

SNIFF_BYTES = 1 << 20
BLOCK_SIZE = 16 << 20  # must exceed the longest row; a 10 MB field still fits
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class FileFacts:
    path: Path
    size_bytes: int
    sha256: str
    header: tuple[str, ...]
    compressed: bool
    mean_line_bytes: float  # from the first megabyte, for progress estimates


@dataclass
class BadRow:
    line_number: int | None
    text: str
    reason: str


@dataclass
class RowSink:
    """Collects rows the CSV parser could not split into the expected number of fields."""

    bad_rows: list[BadRow] = field(default_factory=list)

    def __call__(self, row: pcsv.InvalidRow) -> str:
        reason = f"expected {row.expected_columns} fields, found {row.actual_columns}"
        self.bad_rows.append(BadRow(row.number, row.text, reason))
        return "skip"

    def take(self) -> list[BadRow]:
        rows, self.bad_rows = self.bad_rows, []
        return rows


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _head_bytes(path: Path) -> tuple[bytes, bool]:
    with path.open("rb") as handle:
        magic = handle.read(2)
    if magic == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as handle:
                return handle.read(SNIFF_BYTES), True
        except (OSError, EOFError) as exc:
            raise ImportFileError(f"{path.name}: damaged gzip file ({exc})") from exc
    with path.open("rb") as handle:
        return handle.read(SNIFF_BYTES), False


def _check_text(head: bytes, name: str) -> str:
    if not head.strip():
        raise ImportFileError(f"{name}: the file is empty")
    if b"\x00" in head:
        raise ImportFileError(f"{name}: this is not a text CSV file (it contains binary data)")
    head = head.removeprefix(UTF8_BOM)
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a multi-byte character cut by the sniff window
            return head[: exc.start].decode("utf-8")
        line = head[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"{name}: not UTF-8 text (byte 0x{head[exc.start]:02x} on line {line}); "
            "save the file as UTF-8 and import it again"
        ) from exc


def inspect_file(path: Path) -> FileFacts:
    """Read the header and basic facts, or raise ImportFileError naming the problem."""
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")
    head, compressed = _head_bytes(path)
    text = _check_text(head, path.name)
    header = tuple(next(csv.reader([text.splitlines()[0]])))
    if not any(h.strip() for h in header):
        raise ImportFileError(f"{path.name}: the first line holds no column names")
    seen = [normalize_header(h) for h in header]
    twice = sorted({h for h in seen if seen.count(h) > 1})
    if twice:
        raise ImportFileError(f"{path.name}: several columns are named {', '.join(twice)}")
    mean_line = len(head) / max(head.count(b"\n"), 1)
    return FileFacts(path, path.stat().st_size, file_sha256(path), header, compressed, mean_line)


def open_batches(path: Path, header: tuple[str, ...], sink: RowSink) -> Iterator[pa.RecordBatch]:
    """Stream record batches of string columns; header names are used as given."""
    try:
        reader = pcsv.open_csv(
            path,
            read_options=pcsv.ReadOptions(block_size=BLOCK_SIZE, use_threads=False),
            parse_options=pcsv.ParseOptions(newlines_in_values=True, invalid_row_handler=sink),
            convert_options=pcsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            yield batch
    except (pa.ArrowInvalid, OSError) as exc:
        raise ImportFileError(_unreadable(path, exc)) from exc


def _unreadable(path: Path, exc: Exception) -> str:
    text = str(exc)
    if "UTF8" in text or "UTF-8" in text:
        return f"{path.name}: not UTF-8 text further into the file; save it as UTF-8 and import it again"
    if "straddl" in text:
        return (
            f"{path.name}: a quoted field never closes, or one row is longer than "
            f"{BLOCK_SIZE >> 20} MB; check the quotes in the file"
        )
    return f"{path.name}: the file cannot be read: {text}"
