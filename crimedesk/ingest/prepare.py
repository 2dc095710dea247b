"""Read and validate batches (no database access, so it can run ahead in another process)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pyarrow as pa

from crimedesk.domain.quality import CORRECTIONS, Quality
from crimedesk.ingest import ucr
from crimedesk.ingest.batch import Batch
from crimedesk.ingest.context import ImportContext
from crimedesk.ingest.lines import LineCounter, embedded_newlines
from crimedesk.ingest.profiles.base import UCR, Profile, normalize_header
from crimedesk.ingest.repeats import Repeats, RepeatTracker, text_hashes
from crimedesk.ingest.rows import (
    DISTINCT_COLUMNS,
    accepted_table,
    key_hashes,
    raw_lines,
    record_text,
    rejected_records,
)
from crimedesk.ingest.source import BadRow, FileFacts, RowSink, check_unchanged, open_batches
from crimedesk.ingest.stray_quotes import record_like_lines, stray_quote_reason
from crimedesk.ingest.textstream import byte_reason, escaped, unreadable_rows
from crimedesk.ingest.validate import clean, coords, dates, lengths, required
from crimedesk.ingest.workbook import read_sheet, sheet_batches
from crimedesk.storage.pg_binary import CopyRecords, encode_records
from crimedesk.storage.sqlite_rows import EncodedRows, encode_rows

Encoded = EncodedRows | CopyRecords
#: Encodes a batch's accepted rows ahead of the write, in the reading process (picklable: it is sent
#: there): the Arrow half of SQLite's insert, or PostgreSQL's binary COPY records.
Encoder = Callable[[pa.Table], Encoded]


def encoder_for(dialect: str, copy_types: dict[str, str] | None = None) -> Encoder:
    """The encoder for a store of ``dialect``; PostgreSQL's needs the incident table's column types."""
    if dialect == "sqlite":
        return partial(encode_rows, distinct=DISTINCT_COLUMNS)
    if copy_types is None:
        raise ValueError("PostgreSQL's records need the table's column types")
    return partial(encode_records, types=copy_types)


INCIDENT_STAGES = (clean.copy_columns, lengths.validate, required.validate, dates.validate, coords.validate)


@dataclass
class Prepared:
    """One batch, validated: what to store and what was rejected."""

    rows_read: int
    rejected: list[tuple[int | None, str, str]]
    unmappable: int = 0
    corrected: int = 0
    table: pa.Table | None = None  # accepted incidents (domain.columns.IMPORTED_COLUMNS)
    key_hashes: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint64))  # the table's keys hashed
    encoded: Encoded | None = None  # the table encoded for the store's bulk insert, when asked for
    records: list[dict] = field(default_factory=list)  # accepted UCR rows
    lines: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # the table's line numbers
    duplicates: int = 0  # exact repeats of an earlier row of the file (kept out)
    conflicts: int = 0  # rows whose key an earlier row of the file has, with other text (kept out)
    far_off: int = 0  # stored rows whose point is far outside the data's area
    listed: list[tuple[int | None, str, str]] = field(default_factory=list)  # not rejected, but listed


class Preparer:
    def __init__(
        self,
        facts: FileFacts,
        profile: Profile,
        encoder: Encoder | None = None,
        repeats_per_batch: bool = False,
    ) -> None:
        """``encoder``: also encode the accepted rows for the store's bulk insert (see :data:`Encoder`).
        ``repeats_per_batch``: look for repeated keys within each batch only, as a feed does, where a
        key seen in an earlier batch is a later version of the record (an update), not a repeat."""
        self.facts, self.profile, self.encoder = facts, profile, encoder
        self.repeats_per_batch = repeats_per_batch
        self.context = ImportContext(profile)
        self.repeats = RepeatTracker()
        self.lines = LineCounter()
        self.names = [normalize_header(h) for h in facts.header]

    def batches(self) -> Iterator[Prepared]:
        if self.facts.sheet is not None:
            yield from self._sheet_batches()
            return
        sink = RowSink()
        for raw in open_batches(self.facts, sink):
            newlines = embedded_newlines(raw)
            lines, bad = self.lines.assign(raw, sink.take(), newlines)
            if newlines.any():
                raw, lines, bad = _without_swallowing(
                    raw, lines, bad, newlines, self.facts.text_format.delimiter
                )
            if sink.bytes_replaced:
                raw, lines, bad = _without_unreadable(raw, lines, bad, self.facts.text_format.encoding)
            yield self.prepare(pa.RecordBatch.from_arrays(raw.columns, names=self.names), lines, bad)
        trailing = self.lines.flush(sink.take())  # malformed records after the last good one
        if trailing:
            empty = pa.RecordBatch.from_arrays(
                [pa.array([], pa.string())] * len(self.names), names=self.names
            )
            yield self.prepare(empty, np.empty(0, np.int64), trailing)

    def _sheet_batches(self) -> Iterator[Prepared]:
        """An Excel sheet's rows: numbered by their rows, dates written as the profile reads them."""
        sheet, read = read_sheet(self.facts.path, self.facts.sheet)
        check_unchanged(self.facts, read)
        for raw, lines, bad in sheet_batches(sheet, self.names, _date_formats(self.profile)):
            yield self.prepare(raw, lines, [BadRow(*row) for row in bad])

    def sheet_head(self, rows: int) -> tuple[pa.RecordBatch, np.ndarray, list[BadRow]] | None:
        """The first ``rows`` rows of an Excel sheet with their lines, and the malformed rows among
        them (for a preview)."""
        sheet, _ = read_sheet(self.facts.path, self.facts.sheet)
        first = next(sheet_batches(sheet, self.names, _date_formats(self.profile)), None)
        if first is None:
            return None
        raw, lines, bad = first
        last = int(lines[rows - 1]) if len(lines) >= rows else None  # the last line shown
        malformed = [BadRow(*row) for row in bad if last is None or row[0] <= last]
        return raw.slice(0, rows), lines[:rows], malformed

    def prepare(self, raw: pa.RecordBatch, lines: np.ndarray, bad: list[BadRow]) -> Prepared:
        """``raw``'s good rows on ``lines`` and the malformed records ``bad`` (lines already set)."""
        if self.repeats_per_batch:
            self.repeats = RepeatTracker()
        batch = Batch(raw, lines)
        rejected = [(r.line_number, r.text, r.reason) for r in bad]
        prepared = Prepared(len(batch) + len(bad), rejected)
        if self.profile.kind == UCR:
            prepared.records = ucr.validate(batch)
        else:
            self._incidents(batch, prepared)
        prepared.rejected += rejected_records(batch)
        return prepared

    def _incidents(self, batch: Batch, prepared: Prepared) -> None:
        for stage in INCIDENT_STAGES:
            stage(batch, self.context)
        accepted = batch.accepted_mask()
        table = accepted_table(batch, self.profile.source, self.context.metric_epsg)
        hashes = key_hashes(table)
        raw = batch.raw.filter(pa.array(accepted))
        repeats = self.repeats.split(hashes, text_hashes(raw), batch.lines[accepted])
        kept = np.flatnonzero(accepted)[~repeats.repeated]  # rows stored, as positions in the batch
        self._list_repeats(prepared, raw, batch.lines[accepted], repeats, table.column("source_key"))
        kept_mask = np.zeros(len(batch), dtype=bool)
        kept_mask[kept] = True
        prepared.unmappable = int((kept_mask & ~batch.values["mappable"]).sum())
        prepared.corrected = int((kept_mask & ((batch.flags & int(CORRECTIONS)) != 0)).sum())
        self._list_far_off(prepared, batch, kept_mask)
        stored = pa.array(~repeats.repeated)
        prepared.table = table if not repeats.repeated.any() else table.filter(stored)
        prepared.key_hashes = hashes[~repeats.repeated]
        prepared.lines = batch.lines[kept]
        if self.encoder is not None:
            prepared.encoded = self.encoder(prepared.table)

    @staticmethod
    def _list_repeats(
        prepared: Prepared, raw: pa.RecordBatch, lines: np.ndarray, repeats: Repeats, keys: pa.ChunkedArray
    ) -> None:
        """List the repeated rows with their raw text, built column by column (``raw_lines``): a
        repeat costs no more than a stored row (one by one, 143 µs each: 54k of them in the 1.1 M
        row history with 5 % repeats took 7.7 s)."""
        rows = np.flatnonzero(repeats.repeated)
        if not len(rows):
            return
        texts = raw_lines(raw, rows)
        repeated_keys = keys.take(pa.array(rows)).to_pylist()
        firsts, same = repeats.first_line[rows].tolist(), repeats.same_text[rows].tolist()
        prepared.duplicates += sum(same)
        prepared.conflicts += len(rows) - sum(same)
        for line, text, key, first, duplicate in zip(
            lines[rows].tolist(), texts, repeated_keys, firsts, same, strict=True
        ):
            reason = (
                f"duplicate: repeats line {first:,} exactly (not stored again)"
                if duplicate
                else f"conflict: line {first:,} has the same key ({key}) with other values;"
                f" line {first:,} is the one stored"
            )
            prepared.listed.append((line, text, reason))

    def _list_far_off(self, prepared: Prepared, batch: Batch, kept: np.ndarray) -> None:
        far = kept & ((batch.flags & int(Quality.COORDS_FAR_OFF)) != 0)
        prepared.far_off = int(far.sum())
        area = self.context.area
        rows = np.flatnonzero(far)
        if not len(rows):
            return
        limit = area.limit_km if area is not None else float("nan")
        distances = batch.values["far_off_km"][rows].tolist()
        for line, text, distance in zip(
            batch.lines[rows].tolist(), raw_lines(batch.raw, rows), distances, strict=True
        ):
            reason = (
                f"kept as unmappable: suspect geocode {distance:,.0f} km from the centre of the"
                f" data's points (limit {limit:,.0f} km; a bbox in the mapping overrides)"
            )
            prepared.listed.append((line, text, reason))


def _without_unreadable(
    raw: pa.RecordBatch, lines: np.ndarray, bad: list[BadRow], encoding: str
) -> tuple[pa.RecordBatch, np.ndarray, list[BadRow]]:
    """The rows that hold a NUL or a byte that is not UTF-8 moved from ``raw`` to ``bad``."""
    unreadable = unreadable_rows(raw)
    if not unreadable.any():
        return raw, lines, bad
    for row in np.flatnonzero(unreadable):
        text = record_text(raw, int(row))
        bad.append(BadRow(int(lines[row]), escaped(text), byte_reason(text, encoding) or ""))
    return raw.filter(pa.array(~unreadable)), lines[~unreadable], bad


def _without_swallowing(
    raw: pa.RecordBatch, lines: np.ndarray, bad: list[BadRow], newlines: np.ndarray, delimiter: str
) -> tuple[pa.RecordBatch, np.ndarray, list[BadRow]]:
    """The records that a stray quote made swallow the records after them (crimedesk.ingest.
    stray_quotes) moved from ``raw`` to ``bad``; only records holding line breaks (``newlines``)
    are looked at."""
    swallowing = np.zeros(raw.num_rows, dtype=bool)
    for row in np.flatnonzero(newlines):
        fields = delimiter.join(column[int(row)].as_py() or "" for column in raw.columns)
        record_like = record_like_lines(fields, delimiter, raw.num_columns)
        if record_like:
            swallowing[row] = True
            reason = stray_quote_reason(fields.rstrip("\r\n").count("\n"), record_like)  # at the
            # end of the file, the field holds the file's last newline: no line of its own
            bad.append(BadRow(int(lines[row]), escaped(record_text(raw, int(row))), reason))
    if not swallowing.any():
        return raw, lines, bad
    return raw.filter(pa.array(~swallowing)), lines[~swallowing], bad


def _date_formats(profile: Profile) -> dict[str, str]:
    """The format each date (and time) column of the profile is read with first, for date and
    time cells: with a time column of its own, the date column takes the date part only."""
    formats: dict[str, str] = {}
    for spec in (profile.occurred, profile.occurred_to, profile.reported, profile.updated):
        if spec is None:
            continue
        date_format, time_format = dates.time_part(spec.formats[0])
        if spec.time is None or not time_format:
            formats[spec.date] = spec.formats[0]
        else:
            formats[spec.date], formats[spec.time] = date_format, time_format
    return formats
