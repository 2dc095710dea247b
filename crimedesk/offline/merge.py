"""How one field row meets the server's row of the same key: the import rules, plus a note when
both sides changed it since the slice was taken (listed, never silently overwritten)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crimedesk.ingest.dedupe import COMPARED, UPDATED, decide_version

INSERT, UPDATE, UNCHANGED, CONFLICT = "insert", "update", "unchanged", "conflict"


@dataclass(frozen=True)
class BothChanged:
    """An incident changed in the field and on the server since the slice was taken."""

    source: str
    source_key: str
    field_updated: datetime | None
    server_updated: datetime | None
    kept: str  # "field", "server" (the newer updated-on) or "server, conflict" (field has none)

    def line(self) -> str:
        return (
            f"{self.source} {self.source_key}: changed on both sides (field updated"
            f" {self.field_updated or 'never'}, server {self.server_updated or 'never'}); kept {self.kept}"
        )


def compared(row: dict[str, Any]) -> tuple:
    return tuple(row[name] for name in COMPARED)


def decide(field: dict[str, Any], server: dict[str, Any] | None) -> str:
    """INSERT when the server lacks the key, else the importer's update / unchanged / conflict."""
    return INSERT if server is None else decide_version(compared(field), compared(server))


def both_changed(
    field: dict[str, Any], server: dict[str, Any], outcome: str, last_import_id: int
) -> BothChanged | None:
    """The note for a key the server changed after the slice was taken and the field changed too
    (None when the server's row is older than the slice or equals the field's)."""
    if server["import_id"] <= last_import_id or compared(field) == compared(server):
        return None
    kept = {UPDATE: "field", UNCHANGED: "server", CONFLICT: "server, conflict"}[outcome]
    return BothChanged(
        field["source"], field["source_key"], field["source_updated_at"], server["source_updated_at"], kept
    )


def conflict_reason(field: dict[str, Any], server: dict[str, Any]) -> str:
    differing = [n for n in COMPARED if field[n] != server[n] and n != COMPARED[UPDATED]]
    return (
        "conflict: the field's record has no updated-on, so it does not replace the server's"
        f" (updated on {server['source_updated_at']}); they differ in {', '.join(differing)}"
    )
