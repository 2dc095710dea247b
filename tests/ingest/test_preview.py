"""preview(): the first rows as the import stages parse them, rejections with their reasons."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select

from crimedesk.domain.categories import CATEGORIES
from crimedesk.domain.errors import ImportFileError
from crimedesk.ingest.mappings import ColumnMapping
from crimedesk.ingest.pipeline import import_file
from crimedesk.ingest.preview import REASON, preview, shown_columns
from crimedesk.ingest.profiles import all_profiles
from crimedesk.ingest.rows import TIME_COLUMNS
from crimedesk.ingest.source import inspect_file
from crimedesk.storage.schema import incidents
from tests.generic_csv import BAD_LINE, MAPPING, write_generic_csv
from tests.ingest.helpers import count, rejections


@pytest.fixture
def generic_csv(tmp_path, chicago_sample):
    return write_generic_csv(chicago_sample, tmp_path / "generic.csv")


def test_preview_parses_rows_and_names_the_rejected_one(generic_csv):
    frame = preview(generic_csv, MAPPING, rows=20)
    assert list(frame["line"]) == list(range(2, 22))
    bad = frame[frame["line"] == BAD_LINE].iloc[0]
    assert bad[REASON] == "occurred '32.01.2017 10:00' does not match DD.MM.YYYY HH:mm"
    good = frame[frame[REASON] == ""]
    assert len(good) == 19
    first = good.iloc[0]
    assert first["source_key"] == "11227508" and first["offense_type"] == "OFFENSE INVOLVING CHILDREN"
    assert first["occurred_from"] == pd.Timestamp("2017-01-01 00:01")
    assert set(good["category"]) <= set(CATEGORIES)
    assert {"line", "occurred_from", "block", "latitude", REASON} <= set(shown_columns(frame))
    assert "district" not in shown_columns(frame)  # not mapped


def test_preview_matches_the_import(generic_csv, store):
    """Every row the preview parses is the row the import stores; its rejection is the import's."""
    frame = preview(generic_csv, MAPPING, rows=3000)
    result = import_file(store, generic_csv, profile=MAPPING.to_profile())
    assert (result.counts.rows_read, result.counts.inserted, result.counts.rejected) == (2426, 2425, 1)
    assert count(store) == 2425
    assert len(frame) == 2426
    refused = frame[frame[REASON] != ""]
    assert [(line, reason) for line, reason, _raw in rejections(store, result.import_id)] == list(
        zip(refused["line"], refused[REASON], strict=True)
    )
    previewed = frame[frame[REASON] == ""].drop(columns=["line", REASON])
    assert len(previewed) == 2425
    with store.connect() as conn:
        stored = pd.read_sql(select(*(incidents.c[c] for c in previewed.columns)), conn)
    for name in TIME_COLUMNS:
        stored[name] = pd.to_datetime(stored[name])
    assert _records(previewed) == _records(stored)


def _records(frame: pd.DataFrame) -> list[tuple]:
    """Rows as tuples sorted by key, every missing value as None (pandas spells them several ways)."""
    plain = frame.astype(object).where(frame.notna(), None)
    return sorted(plain.itertuples(index=False, name=None), key=lambda row: row[0])


def test_preview_of_a_built_in_profile_and_a_wrong_mapping(chicago_sample, generic_csv):
    frame = preview(inspect_file(chicago_sample), all_profiles()["chicago"], rows=5)
    assert len(frame) == 5 and (frame[REASON] == "").all()
    wrong = ColumnMapping(
        "w", "w", key=("Nope",), occurred="Tatzeit", date_format="%Y", offense_type="Delikt"
    )
    with pytest.raises(ImportFileError, match="no column nope"):
        preview(generic_csv, wrong)
