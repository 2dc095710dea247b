"""Open a CSV file for streaming: checks that name the problem, and an Arrow batch reader.

Every column is read as a string (types are the validators' job), quoted newlines are allowed,
rows with the wrong number of fields are captured with their raw text instead of aborting, and
the text passes through :class:`~crimedesk.ingest.textstream.TextStream` (bad bytes and long lines
become rejected rows; the bytes read are checked against the file's size, time and hash).
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, cast

import pyarrow as pa
import pyarrow.csv as pcsv
from isal import igzip, igzip_lib

from crimedesk.domain.errors import ImportFileError
from crimedesk.ingest.profiles.base import normalize_header
from crimedesk.ingest.stray_quotes import record_like_lines, stray_quote_reason
from crimedesk.ingest.textformat import (
    TextFormat,
    chosen_delimiter,
    chosen_encoding,
    decoded_head,
    is_workbook,
    sniff_delimiter,
    sniff_encoding,
)
from crimedesk.ingest.textstream import (
    LONG_LINE,
    MAX_LINE_BYTES,
    HashingReader,
    TextStream,
    byte_reason,
    escaped,
)
from crimedesk.ingest.workbook import open_sheet, sheet_header

SNIFF_BYTES = 1 << 20
# A block must hold a whole row. Small blocks bring the first rows sooner (the writer starts half a
# second earlier on a large file) and suit the CPU caches; a longer row makes the reader start over
# with blocks four times larger, up to the largest.
BLOCK_SIZE = 4 << 20
MAX_BLOCK_SIZE = 64 << 20
GZIP_MAGIC = b"\x1f\x8b"
# isal's stub declares ``IsalError: Exception`` (an instance); at run time it is the class raised
# for a damaged gzip stream.
IsalError = cast("type[Exception]", igzip_lib.IsalError)


@dataclass(frozen=True)
class FileFacts:
    path: Path
    size_bytes: int
    sha256: str
    header: tuple[str, ...]
    compressed: bool
    mean_line_bytes: float  # from the first megabyte, for progress estimates
    mtime_ns: int  # when the file was last changed, before it was hashed
    text_format: TextFormat
    sheet: str | None = None  # the sheet read, when the file is an Excel workbook (see workbook)


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
    stream: TextStream | None = None  # the text being parsed: its long lines and bad bytes
    delimiter: str = ","  # the text's
    _to_pass: int = 0  # bad rows that a re-read from the top reports again

    def __call__(self, row: pcsv.InvalidRow) -> str:
        if self._to_pass:
            self._to_pass -= 1
            return "skip"
        self.bad_rows.append(self._bad_row(row))
        self.received += 1
        return "skip"

    def _bad_row(self, row: pcsv.InvalidRow) -> BadRow:
        if row.text.startswith(LONG_LINE) and self.stream is not None:
            long_line = self.stream.long_lines[int(row.text[1:])]
            reason = f"line longer than {MAX_LINE_BYTES >> 20} MB ({long_line.length:,} bytes)"
            return BadRow(row.number, long_line.excerpt + "...", reason)
        reasons = [f"expected {row.expected_columns} fields, found {row.actual_columns}"]
        reasons += filter(None, [byte_reason(row.text, self.stream.encoding if self.stream else "utf-8")])
        swallowed = record_like_lines(row.text, self.delimiter, row.expected_columns)
        if swallowed:
            reasons.append(stray_quote_reason(row.text.rstrip("\r\n").count("\n"), swallowed))
        return BadRow(row.number, escaped(row.text), "; ".join(reasons))

    @property
    def bytes_replaced(self) -> bool:
        """Whether the text read so far held a NUL or a byte that is not UTF-8."""
        return self.stream is not None and self.stream.replaced

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


def _check_text(head: bytes, name: str, encoding: str) -> str:
    """The head as text in ``encoding``, or ImportFileError when it is empty or not text."""
    if not head.strip():
        raise ImportFileError(f"{name}: the file is empty")
    if is_workbook(head):
        raise ImportFileError(f"{name} is an Excel workbook, not a text CSV file")
    if "16" not in encoding and b"\x00" in head:
        raise ImportFileError(f"{name}: this is not a text CSV file (it contains binary data)")
    return decoded_head(head, encoding).removeprefix("\ufeff")


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")


def text_format(path: Path, delimiter: str | None = None, encoding: str | None = None) -> TextFormat:
    """The file's encoding and delimiter, as given or sniffed from its first megabyte (cheap: the
    file is not hashed)."""
    _require_file(path)
    head, _ = _head_bytes(path)
    chosen = chosen_encoding(encoding) or sniff_encoding(head)
    first_line = _check_text(head, path.name, chosen).partition("\n")[0]
    return TextFormat(chosen, chosen_delimiter(delimiter) or sniff_delimiter(first_line))


def inspect_file(
    path: Path, delimiter: str | None = None, encoding: str | None = None, sheet: str | None = None
) -> FileFacts:
    """Read the header and basic facts, or raise ImportFileError naming the problem.

    ``delimiter`` and ``encoding`` are sniffed when not given (see textformat); ``sheet`` is the
    sheet to read of an Excel workbook (the first when not given), known by its bytes.
    """
    _require_file(path)
    before = path.stat()
    head, compressed = _head_bytes(path)
    if is_workbook(head):
        return _inspect_workbook(path, sheet, before)
    chosen = text_format(path, delimiter, encoding)
    text = _check_text(head, path.name, chosen.encoding)
    header = tuple(next(csv.reader([text.splitlines()[0]], delimiter=chosen.delimiter)))
    _check_header(header, path.name)
    mean_line = len(head) / max(head.count(b"\n"), 1)
    sha256 = file_sha256(path)
    if _changed(path, before.st_size, before.st_mtime_ns):
        raise ImportFileError(_changed_message(path))
    return FileFacts(path, before.st_size, sha256, header, compressed, mean_line, before.st_mtime_ns, chosen)


def _inspect_workbook(path: Path, sheet: str | None, before: os.stat_result) -> FileFacts:
    chosen, header = sheet_header(path, sheet)
    _check_header(header, path.name)
    sha256 = file_sha256(path)
    if _changed(path, before.st_size, before.st_mtime_ns):
        raise ImportFileError(_changed_message(path))
    mean_row = before.st_size / max(chosen.height, 1)
    no_text = TextFormat("", "")
    return FileFacts(
        path, before.st_size, sha256, header, False, mean_row, before.st_mtime_ns, no_text, chosen.name
    )


def describe_format(path: Path, delimiter: str | None, encoding: str | None, sheet: str | None) -> str:
    """How the file will be read, for the analyst: its text format, or its sheet."""
    _require_file(path)
    head, _ = _head_bytes(path)
    if is_workbook(head):
        return f"an Excel workbook, sheet {open_sheet(path.read_bytes(), path.name, sheet).name!r}"
    return text_format(path, delimiter, encoding).describe()


def _check_header(header: tuple[str, ...], name: str) -> None:
    """Column names must be there, and distinct once normalised (``normalize_header``)."""
    if not any(h.strip() for h in header):
        raise ImportFileError(f"{name}: the first line holds no column names")
    by_name: dict[str, list[str]] = {}
    for column in header:
        by_name.setdefault(normalize_header(column), []).append(column)
    clashes = [" and ".join(repr(c) for c in columns) for columns in by_name.values() if len(columns) > 1]
    if clashes:
        raise ImportFileError(
            f"{name}: columns {'; '.join(clashes)} have the same name once normalised; rename them"
        )


def _changed(path: Path, size: int, mtime_ns: int) -> bool:
    now = path.stat()
    return (now.st_size, now.st_mtime_ns) != (size, mtime_ns)


def _changed_message(path: Path) -> str:
    return f"{path.name}: the file changed while it was read; import it again when it is complete"


def check_unchanged(facts: FileFacts, read: HashingReader) -> None:
    """Raise ImportFileError unless the bytes read are the file that was hashed, and it is unchanged."""
    if (read.size, read.digest.hexdigest()) != (facts.size_bytes, facts.sha256) or _changed(
        facts.path, facts.size_bytes, facts.mtime_ns
    ):
        raise ImportFileError(_changed_message(facts.path))


def open_batches(facts: FileFacts, sink: RowSink) -> Iterator[pa.RecordBatch]:
    """Stream record batches of string columns; header names are used as given.

    A row longer than a block makes the reader start again from the top with larger blocks; it
    then passes over the rows, good (``given``) and bad (``kept``), that it has already handed out.
    """
    block_size, given, kept = BLOCK_SIZE, 0, sink.received
    while True:
        try:
            for batch in _batches(facts, sink, block_size, skip=given):
                yield batch
                given, kept = given + batch.num_rows, sink.received
            return
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc) or block_size >= MAX_BLOCK_SIZE:
                raise ImportFileError(_unreadable(facts, exc)) from exc
            sink.read_again(kept)
            block_size *= 4
        except (EOFError, IsalError) as exc:
            raise ImportFileError(_unreadable(facts, exc, f"damaged gzip file ({exc})")) from exc
        except OSError as exc:
            raise ImportFileError(_unreadable(facts, exc)) from exc


def _opened(facts: FileFacts, read: HashingReader) -> BinaryIO:
    """The file's text: gunzipped when its first bytes said gzip (``inspect_file``), whatever its
    name says.

    ISA-L inflates about three times as fast as the zlib inside pyarrow, and inflating takes a
    fifth of the reading process's time on a gzipped export.
    """
    return igzip.open(read, "rb") if facts.compressed else read  # type: ignore[return-value]


def _batches(facts: FileFacts, sink: RowSink, block_size: int, skip: int) -> Iterator[pa.RecordBatch]:
    """The file's batches, without its first ``skip`` good rows; then the bytes read are checked."""
    read = HashingReader(facts.path.open("rb"))
    with read, _opened(facts, read) as text:
        sink.stream = TextStream(text, block_size, facts.text_format.encoding)
        sink.delimiter = facts.text_format.delimiter
        reader = pcsv.open_csv(
            sink.stream,
            read_options=pcsv.ReadOptions(block_size=block_size, use_threads=False),
            parse_options=pcsv.ParseOptions(
                delimiter=facts.text_format.delimiter, newlines_in_values=True, invalid_row_handler=sink
            ),
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
    check_unchanged(facts, read)


def _unreadable(facts: FileFacts, exc: Exception, problem: str | None = None) -> str:
    """Why reading failed: first of all, because the file changed while it was read."""
    path, text = facts.path, str(exc)
    if _changed(path, facts.size_bytes, facts.mtime_ns):
        return _changed_message(path)
    if problem:
        return f"{path.name}: {problem}"
    if "UTF8" in text or "UTF-8" in text:
        return f"{path.name}: not UTF-8 text further into the file; save it as UTF-8 and import it again"
    if "Empty CSV file" in text:  # a header with no line break after it
        return f"{path.name}: the file has a header but no data rows"
    if "straddl" in text:
        return (
            f"{path.name}: a quoted field never closes, or one row is longer than "
            f"{MAX_BLOCK_SIZE >> 20} MB; check the quotes in the file"
        )
    return f"{path.name}: the file cannot be read: {escaped(text)}"
