"""An incident profile that leaves out a part the validators need is refused with a sentence naming
the profile and the part, not a crash on None deep in a stage."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from crimedesk.ingest.batch import Batch
from crimedesk.ingest.context import ImportContext
from crimedesk.ingest.profiles import all_profiles, normalize_header
from crimedesk.ingest.source import RowSink, inspect_file, open_batches
from crimedesk.ingest.validate import clean, coords


def _first_batch(path: Path) -> Batch:
    raw = next(open_batches(inspect_file(path), RowSink()))
    raw = raw.rename_columns([normalize_header(name) for name in raw.schema.names])
    return Batch(raw, np.arange(2, raw.num_rows + 2))


def test_a_profile_without_coordinates_is_refused_naming_it(chicago_sample: Path) -> None:
    profile = dataclasses.replace(all_profiles()["chicago"], coords=None)
    with pytest.raises(ValueError, match="profile chicago reads incidents but names no coordinate columns"):
        coords.validate(_first_batch(chicago_sample), ImportContext(profile))


def test_a_profile_without_categorize_is_refused_naming_it(chicago_sample: Path) -> None:
    profile = dataclasses.replace(all_profiles()["chicago"], categorize=None)
    with pytest.raises(ValueError, match="profile chicago reads incidents but names no way to categorize"):
        clean.copy_columns(_first_batch(chicago_sample), ImportContext(profile))


def test_the_complete_profile_passes_both_stages(chicago_sample: Path) -> None:
    batch = _first_batch(chicago_sample)
    context = ImportContext(all_profiles()["chicago"])
    clean.copy_columns(batch, context)
    coords.validate(batch, context)
    assert batch.values["category"] is not None and batch.values["mappable"].any()
