"""Dates with UTC offsets (%z) are stored on the source's wall clock; clock changes are flagged."""

import csv
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import select

from crimedesk.domain.errors import ImportFileError
from crimedesk.domain.quality import Quality
from crimedesk.domain.timecodec import to_seconds
from crimedesk.domain.zone_arrays import dst_gap_and_fold, local_from_utc
from crimedesk.ingest.mappings import ColumnMapping
from crimedesk.ingest.pipeline import import_file
from crimedesk.ingest.preview import preview
from crimedesk.storage.schema import incidents
from tests.ingest.helpers import rejections

BAD = Path(__file__).resolve().parents[1] / "bad_files"
ISO_WITH_OFFSET = "%Y-%m-%dT%H:%M:%S%z"
MAPPING = ColumnMapping(
    name="tz_rms",
    source="tz_rms",
    key=("case_id",),
    occurred="occurred",
    date_format=ISO_WITH_OFFSET,
    offense_type="offense",
    latitude="lat",
    longitude="lon",
    time_zone="America/Chicago",
)
ZONE_FLAGS = Quality.TIME_ZONE_CONVERTED | Quality.TIME_DST_GAP | Quality.TIME_DST_AMBIGUOUS


def _stored(store) -> dict[str, tuple[datetime, Quality]]:
    """Key -> (stored occurrence, its time-zone flags)."""
    query = select(incidents.c.source_key, incidents.c.occurred_from, incidents.c.quality_flags)
    with store.connect() as conn:
        return {key: (when, Quality(flags) & ZONE_FLAGS) for key, when, flags in conn.execute(query)}


def test_offsets_on_the_first_days_of_a_month_convert_to_local_time(store):
    result = import_file(store, BAD / "tz_offsets_days_1_to_3.csv", profile=MAPPING.to_profile())
    assert (result.counts.inserted, result.counts.rejected) == (6, 2)
    none = Quality(0)
    assert _stored(store) == {
        "TZ1": (datetime(2017, 1, 1, 0, 30), none),
        "TZ2": (datetime(2017, 3, 1, 20, 0), none),  # 2 March in UTC: still the 1st on the wall
        "TZ3": (datetime(2017, 4, 2, 23, 15), none),
        "TZ4": (datetime(2017, 5, 3, 5, 0), Quality.TIME_ZONE_CONVERTED),  # 10:00 UTC
        "TZ5": (datetime(2017, 6, 1, 1, 30), Quality.TIME_ZONE_CONVERTED),  # 12:00 in India
        "TZ7": (datetime(2017, 7, 2, 9, 0), none),  # fractional seconds dropped
    }
    assert result.counts.corrected == 2
    assert [(line, reasons) for line, reasons, _ in rejections(store, result.import_id)] == [
        (7, "occurred '2017-02-30T10:00:00-06:00' is not a real date"),
        (9, "occurred '2017-08-03 10:00' does not match YYYY-MM-DDTHH:mm:ss±hh:mm"),
    ]


def test_clock_changes_are_converted_and_flagged(store):
    result = import_file(store, BAD / "tz_dst_changes.csv", profile=MAPPING.to_profile())
    assert (result.counts.inserted, result.counts.rejected) == (7, 0)
    converted, gap, fold = Quality.TIME_ZONE_CONVERTED, Quality.TIME_DST_GAP, Quality.TIME_DST_AMBIGUOUS
    assert _stored(store) == {
        "GAP1": (datetime(2017, 3, 12, 1, 30), Quality(0)),
        "GAP2": (datetime(2017, 3, 12, 3, 30), converted | gap),  # 02:30 CST never showed on a clock
        "GAP3": (datetime(2017, 3, 12, 3, 30), Quality(0)),  # the same instant, written in CDT
        "FOLD1": (datetime(2017, 11, 5, 1, 30), fold),  # 01:30 CDT
        "FOLD2": (datetime(2017, 11, 5, 1, 30), fold),  # 01:30 CST, an hour later
        "FOLD3": (datetime(2017, 11, 5, 2, 30), Quality(0)),
        "FOLD4": (datetime(2017, 11, 5, 1, 30), converted | fold),
    }


def test_the_preview_shows_the_times_the_import_stores(store):
    frame = preview(BAD / "tz_dst_changes.csv", MAPPING)
    import_file(store, BAD / "tz_dst_changes.csv", profile=MAPPING.to_profile())
    shown = dict(zip(frame["source_key"], frame["occurred_from"].dt.to_pydatetime(), strict=True))
    assert shown == {key: when for key, (when, _flags) in _stored(store).items()}


def test_a_profile_without_offsets_flags_wall_times_at_clock_changes(store, chicago_sample, tmp_path):
    rows = list(csv.DictReader(chicago_sample.read_text(encoding="utf-8").splitlines(keepends=True)))[:4]
    dates = ("03/12/2017 02:30:00 AM", "11/05/2017 01:30:00 AM", "11/05/2017 02:30:00 AM")
    for row, date in zip(rows, dates, strict=False):
        row["Date"] = date
    path = tmp_path / "clock_changes.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    import_file(store, path)
    stored = _stored(store)
    keys = [row["ID"] for row in rows]
    assert [stored[key] for key in keys[:3]] == [
        (datetime(2017, 3, 12, 2, 30), Quality.TIME_DST_GAP),  # kept as written
        (datetime(2017, 11, 5, 1, 30), Quality.TIME_DST_AMBIGUOUS),
        (datetime(2017, 11, 5, 2, 30), Quality(0)),
    ]
    assert stored[keys[3]][1] == Quality(0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"time_zone": None}, "needs the source's time zone"),
        ({"time_zone": "Mars/Olympus_Mons"}, "'Mars/Olympus_Mons' is not an IANA time zone"),
        ({"date_format": "%z %Y-%m-%d %H:%M:%S"}, "%z \\(the UTC offset\\) must end the date format"),
    ],
)
def test_a_mapping_with_offsets_needs_a_real_time_zone(changes, message):
    with pytest.raises(ImportFileError, match=message):
        ColumnMapping(**{**MAPPING.__dict__, **changes})


def test_the_wall_clock_of_new_york():
    zone = "America/New_York"
    walls = [datetime(2018, 3, 11, 2, 0), datetime(2018, 3, 11, 3, 0), datetime(2018, 11, 4, 1, 59, 59)]
    gap, fold = dst_gap_and_fold(np.array([to_seconds(w) for w in walls]), zone)
    assert gap.tolist() == [True, False, False] and fold.tolist() == [False, False, True]
    utc = np.array([to_seconds(datetime(2018, 7, 1, 16, 0)), to_seconds(datetime(2018, 1, 1, 5, 0))])
    assert local_from_utc(utc, zone).tolist() == [
        to_seconds(datetime(2018, 7, 1, 12)),
        to_seconds(datetime(2018, 1, 1)),
    ]


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Asia/Tokyo", "America/New_York", None])
def test_the_future_is_judged_on_the_sources_clock(store, tmp_path, zone):
    """The last hours of a city ahead of this machine's clock are not "in the future"; an hour
    past that city's now is. With no zone known, only what is ahead of every clock on earth is."""
    now_utc = datetime.now(UTC).replace(tzinfo=None)
    now_there = now_utc + timedelta(hours=14) if zone is None else _wall_clock(now_utc, zone)
    times = {"past_1h": now_there - timedelta(hours=1), "ahead_1h": now_there + timedelta(hours=1)}
    path = tmp_path / "recent.csv"
    with path.open("w", newline="") as handle:
        rows = csv.writer(handle)
        rows.writerow(["case_id", "occurred", "offense", "lat", "lon"])
        for key, when in times.items():
            rows.writerow([key, f"{when:%Y-%m-%d %H:%M}", "THEFT", "41.88", "-87.63"])
    mapping = replace(MAPPING, date_format="%Y-%m-%d %H:%M", time_zone=zone)
    result = import_file(store, path, profile=mapping.to_profile())
    assert (result.counts.inserted, result.counts.rejected) == (1, 1)
    assert [(line, reasons) for line, reasons, _ in rejections(store, result.import_id)] == [
        (3, "occurred is in the future")
    ]


def _wall_clock(utc: datetime, zone: str) -> datetime:
    return utc.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
