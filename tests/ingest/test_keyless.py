"""Issue 21: a keyless, hourly export (built from the Chicago sample) imports with duplicates and
conflicts listed, nothing "updated" on an empty store, re-imports unchanged, and its far-off
points flagged without a bbox."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from crimedesk.domain.quality import Quality
from crimedesk.ingest import pipeline, source
from crimedesk.ingest.area import distance_km
from crimedesk.ingest.mappings import save_mapping
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.schema import incidents
from tests.ingest.helpers import rejections
from tests.keyless_csv import MAPPING, expected_repeats, write_keyless_csv

PROFILE = "mapping:" + MAPPING.name


def _listed(store, import_id: int, prefix: str) -> list[int]:
    return sorted(line for line, reason, _raw in rejections(store, import_id) if reason.startswith(prefix))


@pytest.fixture
def keyless(store, chicago_sample, tmp_path):
    save_mapping(store, MAPPING)
    path = tmp_path / "keyless.csv"
    return path, write_keyless_csv(chicago_sample, path)


@pytest.mark.parametrize("in_child", [False, True], ids=["here", "reading_process"])
def test_a_keyless_file_reconciles_with_its_duplicates_and_conflicts_listed(
    store, keyless, monkeypatch, in_child
):
    if in_child:  # many small batches: repeats are found across batches, in the reading process
        monkeypatch.setattr(pipeline, "READ_IN_PROCESS_ROWS", 0)
        monkeypatch.setattr(source, "BLOCK_SIZE", 20_000)
    path, written = keyless
    duplicates, conflicts = expected_repeats(written)
    result = import_file(store, path, profile=PROFILE)
    c = result.counts
    assert c.reconciles() and c.rows_read == len(written)
    assert (c.updated, c.unchanged, c.rejected) == (0, 0, 0)  # an empty store: nothing to update
    assert (c.duplicates, c.conflicts) == (len(duplicates), len(conflicts))
    assert c.inserted == len(written) - len(duplicates) - len(conflicts)
    assert _listed(store, result.import_id, "duplicate") == duplicates.tolist()
    assert _listed(store, result.import_id, "conflict") == conflicts.tolist()
    assert len(duplicates) >= 5 and len(conflicts) == 2  # at least the injected ones
    assert f"{c.duplicates:,} duplicates + {c.conflicts:,} conflicts" in result.summary()


def test_re_importing_and_a_later_export_change_nothing(store, keyless, tmp_path):
    path, written = keyless
    first = import_file(store, path, profile=PROFILE).counts
    again = import_file(store, path, profile=PROFILE, again=True).counts
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, first.inserted)
    later = tmp_path / "later.csv"
    part = written.iloc[600:1500]  # some of the same rows, exported again
    part.to_csv(later, index=False)
    counts = import_file(store, later, profile=PROFILE).counts
    assert (counts.inserted, counts.updated) == (0, 0)
    assert counts.unchanged + counts.duplicates + counts.conflicts == len(part)


def test_far_off_points_are_flagged_without_a_bbox(store, keyless):
    path, written = keyless
    assert MAPPING.bbox is None
    result = import_file(store, path, profile=PROFILE)
    lat = pd.to_numeric(written["Lat"], errors="coerce").to_numpy()
    lon = pd.to_numeric(written["Lon"], errors="coerce").to_numpy()
    located = np.isfinite(lat)
    far = located.copy()  # independently: more than 200 km from the median point
    far[located] = (
        distance_km(lon[located], lat[located], np.median(lon[located]), np.median(lat[located])) > 200
    )
    duplicates, conflicts = expected_repeats(written)
    far_lines = sorted(set((np.flatnonzero(far) + 2).tolist()) - set(duplicates) - set(conflicts))
    assert result.counts.far_off == len(far_lines) == 3
    assert _listed(store, result.import_id, "kept as unmappable: suspect geocode") == far_lines
    flag = int(Quality.COORDS_FAR_OFF)
    query = select(incidents.c.mappable).where(incidents.c.quality_flags.op("&")(flag) != 0)
    with store.connect() as conn:
        assert [row.mappable for row in conn.execute(query)] == [False] * 3


def test_an_hourly_source_keeps_midnight_as_a_real_hour(store, keyless):
    path, written = keyless
    import_file(store, path, profile=PROFILE)
    flag = int(Quality.TIME_UNKNOWN)
    unknown = select(incidents.c.id).where(incidents.c.quality_flags.op("&")(flag) != 0)
    with store.connect() as conn:
        assert conn.execute(unknown).all() == []
    assert (written["Hour"] == "0").sum() > 100  # midnight incidents there are


def test_identical_rows_may_be_separate_incidents(store, keyless):
    """ "repeated_rows": "incidents": each repeat is stored under its occurrence in the file, and
    importing the file again still changes nothing."""
    path, written = keyless
    save_mapping(store, replace(MAPPING, name="repeats", source="repeats_pd", repeated_rows="incidents"))
    duplicates, conflicts = expected_repeats(written)
    first = import_file(store, path, profile="mapping:repeats").counts
    assert (first.duplicates, first.conflicts, first.inserted) == (0, 0, len(written))
    with store.connect() as conn:
        keys = conn.execute(select(incidents.c.source_key).where(incidents.c.source_key.like("row:%#%")))
        assert len(keys.all()) == len(duplicates) + len(conflicts)  # every repeat: its occurrence
    again = import_file(store, path, profile="mapping:repeats", again=True).counts
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, first.inserted)


@pytest.mark.parametrize(
    ("date_format", "hour_of"),
    [("%Y-%m-%d %H", str), ("%Y-%m-%d %H:%M", lambda h: f"{h}:00"), ("%Y-%m-%d %I %p", None)],
    ids=["hour", "hour and minute", "12-hour clock"],
)
def test_a_blank_time_is_stored_as_time_unknown_in_any_time_format(
    store, chicago_sample, tmp_path, date_format, hour_of
):
    """Only '%H:%M:%S' times read a blank as midnight before: others rejected the row."""
    written = write_keyless_csv(chicago_sample, tmp_path / "hourly.csv")
    hours = written["Hour"].astype(int)
    if hour_of is None:
        written["Hour"] = [f"{(h - 1) % 12 + 1} {'AM' if h < 12 else 'PM'}" for h in hours]
    else:
        written["Hour"] = [hour_of(h) for h in hours]
    blanked = written.index[::100]
    written.loc[blanked, "Hour"] = ""
    written.to_csv(tmp_path / "hourly.csv", index=False)
    mapping = replace(MAPPING, name="blank_hours", date_format=date_format, time_resolution="minute")
    result = import_file(store, tmp_path / "hourly.csv", profile=mapping.to_profile())
    assert result.counts.rejected == 0
    flag = int(Quality.TIME_UNKNOWN)
    unknown = select(func.count()).where(incidents.c.quality_flags.op("&")(flag) != 0)
    with store.connect() as conn:
        assert conn.execute(unknown).scalar_one() >= len(blanked) - result.counts.duplicates


def test_without_a_bbox_a_swap_is_judged_against_the_datas_area(store, chicago_sample, tmp_path):
    """Latitude and longitude the wrong way round are put right; a latitude past 90 is not a swap
    (turning it round would invent a point), it is outside the valid range."""
    path = tmp_path / "swaps.csv"
    written = write_keyless_csv(chicago_sample, path)
    located = written.index[written["Lat"] != ""]
    swap, beyond = located[40], located[41]
    lat, lon = written.loc[swap, "Lat"], written.loc[swap, "Lon"]
    written.loc[swap, ["Lat", "Lon"]] = [lon, lat]
    written.loc[beyond, "Lat"] = "91.5"
    written.to_csv(path, index=False)
    result = import_file(store, path, profile=MAPPING.to_profile())
    query = select(
        incidents.c.latitude, incidents.c.longitude, incidents.c.quality_flags, incidents.c.mappable
    )
    with store.connect() as conn:
        rows = {
            (round(r.latitude, 6), round(r.longitude, 6)): (Quality(r.quality_flags), r.mappable)
            for r in conn.execute(query.where(incidents.c.latitude.is_not(None)))
        }
    swapped_flags, swapped_mappable = rows[(round(float(lat), 6), round(float(lon), 6))]
    assert Quality.COORDS_SWAPPED in swapped_flags and swapped_mappable
    beyond_flags, beyond_mappable = rows[(91.5, round(float(written.loc[beyond, "Lon"]), 6))]
    assert Quality.COORDS_OUTSIDE_AREA in beyond_flags and Quality.COORDS_SWAPPED not in beyond_flags
    assert not beyond_mappable and result.counts.corrected == 1
