"""Coordinate and time cleaning on hand-made variants of real Chicago rows."""

import csv
import io

import pytest
from sqlalchemy import select

from crimedesk.domain.quality import Quality
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.schema import incidents


def _variants(sample, edits):
    rows = list(csv.DictReader(sample.read_text(encoding="utf-8").splitlines(keepends=True)))
    with_coords = [r for r in rows if r["Latitude"]]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row, edit in zip(with_coords, edits, strict=False):
        writer.writerow({**row, **edit})
    return out.getvalue(), with_coords


@pytest.fixture
def cleaned(store, chicago_sample, tmp_path):
    edits = [
        {},  # untouched
        {"Latitude": "0", "Longitude": "0"},
        {"Latitude": "36.6", "Longitude": "-91.7"},  # outside Chicago
        "swap",
        {"Latitude": "", "Longitude": "", "Location": ""},  # X/Y stay: derive lat/lon
        {"Latitude": "n/a", "Longitude": "-87.6", "X Coordinate": "", "Y Coordinate": ""},
        {"Latitude": "", "Longitude": "", "X Coordinate": "", "Y Coordinate": ""},
        {"Date": "01/02/2017 12:00:00 AM"},
        {"Date": "02/01/2017 12:00:00 AM"},
    ]
    rows = list(csv.DictReader(chicago_sample.read_text(encoding="utf-8").splitlines(keepends=True)))
    swap_row = [r for r in rows if r["Latitude"]][3]
    edits[3] = {"Latitude": swap_row["Longitude"], "Longitude": swap_row["Latitude"]}
    text, source = _variants(chicago_sample, edits)
    path = tmp_path / "variants.csv"
    path.write_text(text)
    result = import_file(store, path)
    with store.connect() as conn:
        stored = {r.source_key: r for r in conn.execute(select(incidents))}
    return result, [stored[r["ID"]] for r in source[: len(edits)]], source


def test_unmappable_rows_are_kept_and_flagged(cleaned):
    result, rows, _ = cleaned
    assert result.counts.inserted == 9 and result.counts.rejected == 0
    assert rows[0].mappable and rows[0].quality_flags & Quality.COORDS_MISSING == 0
    assert not rows[1].mappable and rows[1].quality_flags & Quality.COORDS_ZERO
    assert not rows[2].mappable and rows[2].quality_flags & Quality.COORDS_OUTSIDE_AREA
    assert not rows[5].mappable and rows[5].quality_flags & Quality.COORDS_INVALID
    assert not rows[6].mappable and rows[6].quality_flags & Quality.COORDS_MISSING
    assert result.counts.unmappable == 4


def test_swapped_and_derived_coordinates_are_corrected_and_flagged(cleaned):
    result, rows, source = cleaned
    swapped, derived = rows[3], rows[4]
    assert swapped.mappable and swapped.quality_flags & Quality.COORDS_SWAPPED
    assert swapped.latitude == pytest.approx(float(source[3]["Latitude"]))
    assert derived.mappable and derived.quality_flags & Quality.COORDS_FROM_PROJECTED
    # the portal's own lat/lon for that row, recomputed from its X/Y, agree to about a metre
    assert derived.latitude == pytest.approx(float(source[4]["Latitude"]), abs=2e-5)
    assert derived.longitude == pytest.approx(float(source[4]["Longitude"]), abs=2e-5)
    assert result.counts.corrected == 2


def test_midnight_placeholders_are_flagged_not_changed(cleaned):
    _, rows, _ = cleaned
    assert rows[7].quality_flags & Quality.TIME_UNKNOWN
    assert not rows[7].quality_flags & Quality.DATE_PLACEHOLDER
    assert rows[8].quality_flags & Quality.DATE_PLACEHOLDER
    assert rows[8].occurred_from.isoformat() == "2017-02-01T00:00:00"
