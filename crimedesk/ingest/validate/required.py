"""Required fields: the source key and an offense (code or name)."""

from __future__ import annotations

from crimedesk.ingest.arrowtools import is_blank
from crimedesk.ingest.batch import Batch
from crimedesk.ingest.context import ImportContext


def validate(batch: Batch, context: ImportContext) -> None:
    profile = context.profile
    for name in profile.key:
        batch.reject(is_blank(batch.column(name)), f"{name} (the record's id) is missing")
    values = batch.values
    no_offense = is_blank(values["offense_type"]) & is_blank(values["offense_code"])
    batch.reject(no_offense, "no offense type or code")
