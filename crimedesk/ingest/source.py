"""Open a CSV file for streaming: checks that name the problem, and an Arrow batch reader.

Every column is read as a string (types are the validators' job), quoted newlines are allowed,
rows with the wrong number of fields are captured with their raw text instead of aborting.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
from isal import igzip
from isal.igzip_lib import IsalError

from crimedesk.domain.errors import ImportFileError
from crimedesk.ingest.profiles.base import normalize_header

SNIFF_BYTES = 1 << 20
# A block must hold a whole row. Small blocks bring the first rows sooner (the writer starts half a
# second earlier on a large file) and suit the CPU caches; a longer row makes the reader start over
# with blocks four times larger, up to the largest.
BLOCK_SIZE = 4 << 20
MAX_BLOCK_SIZE = 64 << 20
UTF8_BOM = b"\xef\xbb\xbf"
GZIP_MAGIC = b"\x1f\x8b"


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
    received: int = 0  # over the whole file, taken or not
    _to_pass: int = 0  # bad rows that a re-read from the top reports again

    def __call__(self, row: pcsv.InvalidRow) -> str:
        if self._to_pass:
            self._to_pass -= 1
            return "skip"
        reason = f"expected {row.expected_columns} fields, found {row.actual_columns}"
        self.bad_rows.append(BadRow(row.number, row.text, reason))
        self.received += 1
        return "skip"

    def take(self) -> list[BadRow]:
        rows, self.bad_rows = self.bad_rows, []
        return rows

    def read_again(self, kept: int) -> None:
        """The file is read again from the top: keep the first ``kept`` rows received, forget the
        later ones (they will come again) and pass over the kept ones when they do."""
        del self.bad_rows[len(self.bad_rows) - (self.received - kept) :]
        self.received = self._to_pass = kept


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _head_bytes(path: Path) -> tuple[bytes, bool]:
    with path.open("rb") as handle:
        gzipped = handle.read(2) == GZIP_MAGIC
    if gzipped:
        try:
            with igzip.open(path, "rb") as handle:
                return handle.read(SNIFF_BYTES), True
        except (OSError, EOFError, IsalError) as exc:
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


def open_batches(facts: FileFacts, sink: RowSink) -> Iterator[pa.RecordBatch]:
    """Stream record batches of string columns; header names are used as given.

    A row longer than a block makes the reader start again from the top with larger blocks; it
    then passes over the rows, good (``given``) and bad (``kept``), that it has already handed out.
    """
    path, block_size, given, kept = facts.path, BLOCK_SIZE, 0, sink.received
    while True:
        try:
            for batch in _batches(facts, sink, block_size, skip=given):
                yield batch
                given, kept = given + batch.num_rows, sink.received
            return
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc) or block_size >= MAX_BLOCK_SIZE:
                raise ImportFileError(_unreadable(path, exc)) from exc
            sink.read_again(kept)
            block_size *= 4
        except (EOFError, IsalError) as exc:
            raise ImportFileError(f"{path.name}: damaged gzip file ({exc})") from exc
        except OSError as exc:
            raise ImportFileError(_unreadable(path, exc)) from exc


def _opened(facts: FileFacts) -> igzip.IGzipFile | pa.NativeFile:
    """The file's text: gunzipped when its first bytes said gzip (``inspect_file``), whatever its
    name says.

    ISA-L inflates about three times as fast as the zlib inside pyarrow, and inflating takes a
    fifth of the reading process's time on a gzipped export.
    """
    path = facts.path
    return igzip.open(path, "rb") if facts.compressed else pa.input_stream(str(path), compression=None)


def _batches(facts: FileFacts, sink: RowSink, block_size: int, skip: int) -> Iterator[pa.RecordBatch]:
    """The file's batches, without its first ``skip`` good rows."""
    with _opened(facts) as text:
        reader = pcsv.open_csv(
            text,
            read_options=pcsv.ReadOptions(block_size=block_size, use_threads=False),
            parse_options=pcsv.ParseOptions(newlines_in_values=True, invalid_row_handler=sink),
            convert_options=pcsv.ConvertOptions(
                column_types={name: pa.string() for name in facts.header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        for batch in reader:
            if skip < batch.num_rows:
                yield batch.slice(skip) if skip else batch
            skip = max(skip - batch.num_rows, 0)


def _unreadable(path: Path, exc: Exception) -> str:
    text = str(exc)
    if "UTF8" in text or "UTF-8" in text:
        return f"{path.name}: not UTF-8 text further into the file; save it as UTF-8 and import it again"
    if "straddl" in text:
        return (
            f"{path.name}: a quoted field never closes, or one row is longer than "
            f"{MAX_BLOCK_SIZE >> 20} MB; check the quotes in the file"
        )
    return f"{path.name}: the file cannot be read: {text}"
