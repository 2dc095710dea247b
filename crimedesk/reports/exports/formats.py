"""The export format registry (it imports no format): one module per format registers one
:class:`ExportFormat` here; :mod:`.catalog` lists the built-in ones."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyarrow as pa

WGS84 = 4326


@dataclass(frozen=True)
class Target:
    """Where and how one export is written: ``path`` is the temporary file (renamed later)."""

    path: Path
    layer: str
    epsg: int = WGS84
    bom: bool = False
    geometry_type: str = "Point"


class ExportFormat(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def suffix(self) -> str: ...
    @property
    def spatial(self) -> bool:
        """A ``geometry`` WKB column is added to the batches (in ``target.epsg``) before writing."""

    @property
    def only_epsg(self) -> int | None:
        """The one coordinate system the format may be written in (None: any)."""

    def write(self, batches: Iterator[pa.RecordBatch], schema: pa.Schema, target: Target) -> None: ...


FORMATS: dict[str, ExportFormat] = {}


def register(fmt: ExportFormat) -> ExportFormat:
    if fmt.name in FORMATS:
        raise ValueError(f"export format {fmt.name!r} registered twice")
    FORMATS[fmt.name] = fmt
    return fmt
