"""Required fields: the source key and an offense (code or name).

A key of several columns is missing only when every one of them is blank: a blank part (a row
without coordinates, say) still leaves the others to tell rows apart."""

from __future__ import annotations

import numpy as np

from crimedesk.ingest.arrowtools import is_blank
from crimedesk.ingest.batch import Batch
from crimedesk.ingest.context import ImportContext


def validate(batch: Batch, context: ImportContext) -> None:
    profile = context.profile
    if profile.key:
        blank = np.logical_and.reduce([is_blank(batch.column(name)) for name in profile.key])
        batch.reject(blank, f"{' + '.join(profile.key)} (the record's id) is missing")
    values = batch.values
    no_offense = is_blank(values["offense_type"]) & is_blank(values["offense_code"])
    batch.reject(no_offense, "no offense type or code")
