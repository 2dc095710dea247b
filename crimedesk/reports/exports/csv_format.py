"""CSV, UTF-8 (with a byte-order mark on request, which Excel needs to read UTF-8)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.csv as pacsv

from crimedesk.reports.exports.formats import Target, register

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class CsvFormat:
    name: str = "csv"
    suffix: str = ".csv"
    spatial: bool = False
    only_epsg: int | None = None

    def write(self, batches: Iterator[pa.RecordBatch], schema: pa.Schema, target: Target) -> None:
        with target.path.open("wb") as sink:
            if target.bom:
                sink.write(BOM)
            with pacsv.CSVWriter(sink, schema) as writer:
                for batch in batches:
                    writer.write_batch(batch)


CSV = register(CsvFormat())
