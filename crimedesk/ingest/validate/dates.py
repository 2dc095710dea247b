"""Dates: explicit per-profile formats (one chosen per file, never per element), range checks.

Arrow's strptime is vectorised but lenient about day overflow ("02/30/2017" -> 2 March), so
parsed days are checked against the day field of the text. Rejected: unparseable, impossible,
before 1900, in the future, and windows that end before they start.

Times are stored on the wall clock of the source's time zone. A format ending in a UTC offset
(``%z``) gives instants: they are converted to that clock, flagged where the wall time written
differs from the one stored. Occurrence times in a clock change's gap or fold are flagged.
"""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crimedesk.domain.errors import ImportFileError
from crimedesk.domain.quality import Quality
from crimedesk.domain.zone_arrays import dst_gap_and_fold, local_from_utc
from crimedesk.ingest.arrowtools import is_blank
from crimedesk.ingest.batch import Batch
from crimedesk.ingest.context import EARLIEST, ImportContext
from crimedesk.ingest.profiles.base import DateSpec

MISSING = np.iinfo(np.int64).min
# fractional seconds (API exports) are dropped, before a UTC offset too
FRACTION = r"(\d{2}:\d{2}:\d{2})\.\d{1,9}(Z|[+-]\d{2}:?\d{2})?$"
OFFSET_DIRECTIVE = "%z"  # must end the format (ColumnMapping checks): the written wall time precedes it
OFFSET = r"(Z|[+-]\d{2}(:?\d{2})?)\s*$"
_DIRECTIVES = {
    "%m": r"\d{1,2}",
    "%d": r"(?P<day>\d{1,2})",
    "%Y": r"\d{4}",
    "%y": r"\d{2}",
    "%H": r"\d{1,2}",
    "%I": r"\d{1,2}",
    "%M": r"\d{1,2}",
    "%S": r"\d{1,2}",
    "%p": r"[AaPp][Mm]",
    "%b": "[A-Za-z]{3}",
    "%B": "[A-Za-z]+",
}
_PRETTY = {
    "%m": "MM",
    "%d": "DD",
    "%Y": "YYYY",
    "%y": "YY",
    "%H": "HH",
    "%I": "hh",
    "%M": "mm",
    "%S": "ss",
    "%p": "AM",
    "%b": "Mon",
    "%B": "Month",
    "%z": "±hh:mm",
}


def pretty_format(fmt: str) -> str:
    """'%m/%d/%Y %I:%M:%S %p' -> 'MM/DD/YYYY hh:mm:ss AM' for messages."""
    return re.sub(r"%[a-zA-Z]", lambda m: _PRETTY.get(m.group(), m.group()), fmt)


def _day_regex(fmt: str) -> str:
    parts = re.split(r"(%[a-zA-Z])", fmt)
    body = "".join(_DIRECTIVES.get(p, re.escape(p)) if p.startswith("%") else re.escape(p) for p in parts)
    return rf"^\s*{body}"


def _joined_text(
    batch: Batch, spec: DateSpec, midnight: str = "00:00:00"
) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Date (+ time) text, the rows at '24:00:00' and those without a time (read as ``midnight``)."""
    date = pc.utf8_trim_whitespace(batch.column(spec.date))
    if spec.time is None or not batch.has(spec.time):
        return date, np.zeros(len(batch), dtype=bool), np.zeros(len(batch), dtype=bool)
    time = pc.utf8_trim_whitespace(batch.column(spec.time))
    no_time = is_blank(time)
    midnight_24 = np.asarray(pc.equal(time, "24:00:00"), dtype=bool)
    time = pc.if_else(pa.array(no_time | midnight_24), midnight, time)
    return pc.binary_join_element_wise(date, time, " "), midnight_24, no_time


def time_part(fmt: str) -> tuple[str, str]:
    """``fmt`` split into its date and its time part ('%m/%d/%Y', '%I:%M:%S %p'); no time part:
    ``(fmt, "")``. A date column and a time column are read joined by a space, as one format."""
    start = min((i for i in (fmt.find("%H"), fmt.find("%I")) if i >= 0), default=-1)
    if start < 0:
        return fmt, ""
    return fmt[:start].rstrip(), fmt[start:].replace(OFFSET_DIRECTIVE, "")


def _midnight(fmt: str) -> str:
    """00:00 written as the time part of ``fmt`` ('00' for an hourly '%Y-%m-%d %H', '12:00:00 AM'
    for '... %I:%M:%S %p'): what a row without a time is read as."""
    _, time_format = time_part(fmt)
    return datetime(2000, 1, 1).strftime(time_format) if time_format else "00:00:00"


def _choose_format(text: pa.Array, spec: DateSpec, context: ImportContext) -> str:
    """The profile format that reads most of the file's first 50 dates; kept for the whole file."""
    chosen = context.chosen_formats.get(spec.date)
    if chosen:
        return chosen
    present = pc.drop_null(pc.if_else(pc.equal(text, ""), None, text))
    if len(present) == 0:
        return spec.formats[0]  # no date in this batch: decide on a later one
    sample = _without_fractions(present[:50])
    hits = [
        pc.sum(pc.is_valid(pc.strptime(sample, format=f, unit="s", error_is_null=True))).as_py()
        for f in spec.formats
    ]
    context.chosen_formats[spec.date] = spec.formats[hits.index(max(hits))]
    return context.chosen_formats[spec.date]


def _without_fractions(text: pa.Array) -> pa.Array:
    """Fractional seconds dropped. The regex costs more than parsing the dates: it only runs when
    some text holds a '.', as exports from the SODA API do."""
    if not pc.any(pc.match_substring(text, ".")).as_py():
        return text
    return pc.replace_substring_regex(text, FRACTION, r"\1\2")


def _overflowed(text: pa.Array, parsed: pa.Array, fmt: str) -> np.ndarray:
    """Rows whose day was out of range and got rolled into the next month by strptime."""
    suspects = np.flatnonzero(np.asarray(pc.fill_null(pc.less_equal(pc.day(parsed), 3), False)))
    bad = np.zeros(len(text), dtype=bool)
    if len(suspects) == 0 or "%d" not in fmt:
        return bad
    sub = pc.take(text, pa.array(suspects))
    day_text = pc.extract_regex(sub, _day_regex(fmt)).field(0)
    typed = pc.cast(day_text, pa.int64()).to_numpy(zero_copy_only=False)
    got = pc.day(pc.take(parsed, pa.array(suspects))).to_numpy(zero_copy_only=False)
    bad[suspects[typed != got]] = True
    return bad


def parse(
    batch: Batch,
    spec: DateSpec,
    context: ImportContext,
    label: str,
    *,
    required: bool,
    occurrence: bool = False,
) -> np.ndarray:
    """Local wall-clock seconds per row (MISSING where blank or rejected); rejects and flags into
    ``batch``. ``occurrence``: flag wall times in a clock change's gap or fold."""
    text, midnight_24, no_time = _joined_text(batch, spec)
    blank = is_blank(batch.column(spec.date))
    fmt = _choose_format(text, spec, context)
    if no_time.any() and _midnight(fmt) != "00:00:00":
        text, midnight_24, no_time = _joined_text(batch, spec, _midnight(fmt))
    if "." not in fmt:
        text = _without_fractions(text)
    parsed = pc.strptime(text, format=fmt, unit="s", error_is_null=True)  # UTC when fmt has %z
    seconds = _seconds(parsed, midnight_24)
    written_text, written, written_fmt = text, parsed, fmt
    if OFFSET_DIRECTIVE in fmt:
        written_text = pc.replace_substring_regex(text, OFFSET, "")
        written_fmt = fmt.replace(OFFSET_DIRECTIVE, "")
        written = pc.strptime(written_text, format=written_fmt, unit="s", error_is_null=True)
    wall = _seconds(written, midnight_24)  # the wall time written, whatever its offset
    unparsed = ((seconds == MISSING) | (wall == MISSING)) & ~blank
    impossible = _overflowed(written_text, written, written_fmt) & ~unparsed
    raw = batch.column(spec.date)
    mismatch = _mismatch(fmt, spec)
    batch.reject(unparsed, lambda i: f"{label} '{_shown(raw, batch, spec, i)}' {mismatch}")
    batch.reject(impossible, lambda i: f"{label} '{_shown(raw, batch, spec, i)}' is not a real date")
    if required:
        batch.reject(blank, f"{label} is missing")
    seconds[unparsed | impossible | blank] = MISSING
    if context.profile.time_zone:
        zone, offsets = context.profile.time_zone, OFFSET_DIRECTIVE in fmt
        seconds = _on_wall_clock(batch, seconds, wall, zone, offsets=offsets, occurrence=occurrence)
    elif OFFSET_DIRECTIVE in fmt:
        raise ImportFileError(f"{label}: a format with a UTC offset (%z) needs the source's time zone")
    known = seconds != MISSING
    batch.reject(known & (seconds < EARLIEST), f"{label} is before 1900")
    batch.reject(known & (seconds > context.now_seconds), f"{label} is in the future")
    batch.flag(known & midnight_24, Quality.TIME_24H_CORRECTED)
    if occurrence:
        batch.flag(known & no_time, Quality.TIME_UNKNOWN)
    return seconds


def _seconds(parsed: pa.Array, midnight_24: np.ndarray) -> np.ndarray:
    """Parsed timestamps as seconds (MISSING where null); '24:00:00' moved to the next midnight."""
    seconds = pc.fill_null(pc.cast(parsed, pa.int64()), MISSING).to_numpy(zero_copy_only=False, writable=True)
    return seconds + np.where(midnight_24 & (seconds != MISSING), 86_400, 0)


def _on_wall_clock(
    batch: Batch, seconds: np.ndarray, wall: np.ndarray, zone: str, *, offsets: bool, occurrence: bool
) -> np.ndarray:
    """``seconds`` on the wall clock of ``zone``. ``offsets``: they are UTC instants, converted and
    flagged where the written wall time ``wall`` changes. ``occurrence``: wall times that a clock
    change makes nonexistent (as written) or doubled (as stored) are flagged."""
    known = np.flatnonzero(seconds != MISSING)
    local = seconds.copy()
    if offsets:
        local[known] = local_from_utc(seconds[known], zone)
        batch.flag(_at(known, len(seconds), local[known] != wall[known]), Quality.TIME_ZONE_CONVERTED)
    if occurrence:
        gap, _ = dst_gap_and_fold(wall[known], zone)
        _, fold = dst_gap_and_fold(local[known], zone)
        batch.flag(_at(known, len(seconds), gap), Quality.TIME_DST_GAP)
        batch.flag(_at(known, len(seconds), fold), Quality.TIME_DST_AMBIGUOUS)
    return local


def _at(positions: np.ndarray, size: int, chosen: np.ndarray) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[positions[chosen]] = True
    return mask


def _mismatch(fmt: str, spec: DateSpec) -> str:
    """Why a date was not read, naming every format the profile accepts (one per file)."""
    if len(spec.formats) == 1:
        return f"does not match {pretty_format(fmt)}"
    accepted = ", ".join(pretty_format(f) for f in spec.formats)
    return f"does not match {pretty_format(fmt)}, this file's format (accepted, one per file: {accepted})"


def _shown(raw: pa.Array, batch: Batch, spec: DateSpec, row: int) -> str:
    value = raw[row].as_py()
    if spec.time and batch.has(spec.time):
        value = f"{value} {batch.column(spec.time)[row].as_py()}"
    return value


def flag_placeholders(batch: Batch, occurred: np.ndarray, midnight_is_real: bool = False) -> None:
    """00:00:00 is how many agencies record an unknown time; the 1st at 00:00 an unknown date.

    Sources that record hours (``midnight_is_real``) mean midnight when they write 00:00: only a
    missing time (flagged by :func:`parse`) is unknown there, and the 1st at 00:00 a real time."""
    if midnight_is_real:
        return
    known = occurred != MISSING
    seconds_of_day = occurred % 86_400
    batch.flag(known & (seconds_of_day == 0), Quality.TIME_UNKNOWN)
    days = occurred // 86_400
    day_of_month = days.astype("datetime64[D]") - days.astype("datetime64[D]").astype("datetime64[M]")
    first = day_of_month.astype(np.int64) == 0
    batch.flag(known & (seconds_of_day == 0) & first, Quality.DATE_PLACEHOLDER)


def validate(batch: Batch, context: ImportContext) -> None:
    """Parse every date of the profile into ``batch.values`` and check windows."""
    profile = context.profile
    if profile.occurred is None:
        raise ValueError(f"profile {profile.name} reads incidents but names no occurrence date")
    occurred = parse(batch, profile.occurred, context, "occurred", required=True, occurrence=True)
    flag_placeholders(batch, occurred, profile.midnight_is_real)
    batch.values["occurred_from"] = occurred
    optional = {
        "occurred_to": (profile.occurred_to, "occurred to"),
        "reported_at": (profile.reported, "reported"),
        "source_updated_at": (profile.updated, "updated on"),
    }
    for column, (spec, label) in optional.items():
        if spec is None or not batch.has(spec.date):
            batch.values[column] = np.full(len(batch), MISSING)
            continue
        occurrence = column == "occurred_to"
        batch.values[column] = parse(batch, spec, context, label, required=False, occurrence=occurrence)
    ends = batch.values["occurred_to"]
    backwards = (ends != MISSING) & (occurred != MISSING) & (ends < occurred)
    batch.reject(backwards, "occurrence ends before it starts")
