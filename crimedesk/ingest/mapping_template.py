"""A starter mapping from a file's header and first rows (``crimedesk mapping template``).

Columns are guessed by their names, the date format by trying common ones on the first dates;
whatever cannot be guessed is left empty for the analyst, and the mapping check then names it.
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, Any

from crimedesk.ingest.mapping_schema import NO_KEY
from crimedesk.ingest.profiles.base import normalize_header
from crimedesk.ingest.source import FileFacts

if TYPE_CHECKING:  # pandas (80 MB) loads only when a mapping is drafted, not for every CLI command
    import pandas as pd

SAMPLE_ROWS = 10_000  # enough days for one past the 12th, which tells day-first from month-first
KEY_NAMES = (
    "id", "incident_id", "event_id", "report_number", "report_no", "case_id", "cmplnt_num", "crime_id",
    "dr_no", "incident_number", "report_id", "offense_id",
)  # fmt: skip
NAME_HINTS = {
    "occurred": ("occurred", "date", "datetime", "time"),
    "offense_type": ("offense", "offence", "primary_type", "crime", "type", "class", "category"),
    "latitude": ("latitude", "lat", "y_lat"),
    "longitude": ("longitude", "lon", "lng", "long", "x_lon"),
}
TEXT_HINTS = {
    "beat": ("beat",),
    "district": ("district",),
    "block": ("block", "address", "street"),
    "location_description": ("location_description", "premise", "location_type"),
    "ward": ("ward",),
    "precinct": ("precinct",),
    "borough": ("borough",),
    "case_number": ("case_number", "case_no"),
}
HOUR_NAMES = ("hour", "hr", "time", "occurred_time", "time_of_day")
FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H",
    "%m/%d/%Y %H", "%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%d/%m/%Y",
)  # fmt: skip


def starter_mapping(facts: FileFacts, sample: pd.DataFrame) -> dict[str, Any]:
    """The mapping a file's header and ``sample`` rows (all text) suggest."""
    names = {normalize_header(h): h for h in facts.header}
    stem = normalize_header(facts.path.name.split(".")[0]) or "my_source"
    occurred = _find(names, NAME_HINTS["occurred"])
    time_column = next((names[n] for n in HOUR_NAMES if n in names and names[n] != occurred), None)
    hourly = time_column is not None and _hours(sample.get(time_column))
    mapping: dict[str, Any] = {
        "name": stem,
        "source": stem,
        "key": next((names[n] for n in KEY_NAMES if n in names), NO_KEY),
        "occurred": occurred or "",
        "occurred_time": time_column,
        "date_format": _date_format(sample, occurred, time_column),
        "offense_type": _find(names, NAME_HINTS["offense_type"], exclude={occurred}) or "",
        "latitude": _find(names, NAME_HINTS["latitude"]),
        "longitude": _find(names, NAME_HINTS["longitude"]),
        "columns": {field: col for field, hints in TEXT_HINTS.items() if (col := _find(names, hints))},
        "time_resolution": "hour" if hourly else "minute",
        "time_zone": None,
        "bbox": None,
    }
    return mapping


def _find(
    names: dict[str, str], hints: tuple[str, ...], exclude: set[str | None] | None = None
) -> str | None:
    """The column whose name is a hint, else the first whose name holds one."""
    candidates = [(n, h) for n, h in names.items() if h not in (exclude or set())]
    for hint in hints:
        exact = [h for n, h in candidates if n == hint]
        if exact:
            return exact[0]
    return next((h for hint in hints for n, h in candidates if hint in n.split("_")), None)


def _hours(values: pd.Series | None) -> bool:
    """Whether a time column holds whole hours (0..23) only."""
    if values is None:
        return False
    present = values[values.str.strip() != ""]
    return bool(len(present)) and bool(present.str.fullmatch(r"\s*([01]?\d|2[0-3])\s*").all())


def _date_format(sample: pd.DataFrame, occurred: str | None, time_column: str | None) -> str:
    """The one format reading every sampled date (with its time joined by a space), else "": when
    none does, or several (03/04: 3 April or 4 March), the analyst chooses; never a guess."""
    if occurred is None or occurred not in sample:
        return ""
    text = sample[occurred].str.strip()
    if time_column is not None and time_column in sample:
        text = text + " " + sample[time_column].str.strip()
    text = text[text.str.strip() != ""]
    import pandas as pd

    if not len(text):
        return ""
    readings = {fmt: pd.to_datetime(text, format=fmt, errors="coerce") for fmt in FORMATS}
    fitting = [fmt for fmt, dates in readings.items() if dates.notna().all()]
    return fitting[0] if len(fitting) == 1 else ""  # several: day-first or month-first, no day > 12


def sample_rows(facts: FileFacts) -> pd.DataFrame:
    """The file's first rows, as text."""
    import pandas as pd

    fmt = facts.text_format
    reader = pd.read_csv(
        facts.path,
        dtype=str,
        keep_default_na=False,
        sep=fmt.delimiter,
        encoding=fmt.encoding,
        chunksize=SAMPLE_ROWS,
    )
    with reader:
        return next(islice(reader, 1), pd.DataFrame(columns=list(facts.header)))
