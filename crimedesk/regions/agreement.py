"""How often a boundary layer's region agrees with the code the source itself gave each incident.

Sources pad codes ("003") where boundary files do not ("3"), so codes compare as integers when
both sides are numeric and as case-insensitive text otherwise. Incidents without a region or
without a code are not compared. Counting runs in SQL per distinct (code, region) pair, so only
a few thousand rows come back even for millions of incidents.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from crimedesk.storage.schema import boundary_layers, incident_regions, incidents

INCIDENT_FIELDS = ("district", "beat", "ward", "community_area", "precinct", "borough")


@dataclass(frozen=True)
class Agreement:
    compared: int
    agreeing: int

    @property
    def agreement_rate(self) -> float | None:
        return self.agreeing / self.compared if self.compared else None


def codes_match(code: str, region_id: str) -> bool:
    left, right = code.strip(), region_id.strip()
    if left.isdigit() and right.isdigit():
        return int(left) == int(right)
    return left.casefold() == right.casefold()


def region_agreement(conn: Connection, layer_id: int) -> Agreement:
    """Agreement of ``layer_id``'s joined regions with its ``incident_field`` (0/0 when unset)."""
    field = conn.execute(
        select(boundary_layers.c.incident_field).where(boundary_layers.c.id == layer_id)
    ).scalar_one()
    if field is None:
        return Agreement(0, 0)
    code = incidents.c[field]
    pairs = conn.execute(
        select(code, incident_regions.c.region_id, func.count())
        .select_from(incident_regions)
        .join(incidents, incidents.c.id == incident_regions.c.incident_id)
        .where(incident_regions.c.layer_id == layer_id, code.is_not(None))
        .group_by(code, incident_regions.c.region_id)
    )
    compared = agreeing = 0
    for value, region_id, count in pairs:
        if value.strip() and region_id.strip():
            compared += count
            agreeing += count if codes_match(value, region_id) else 0
    return Agreement(compared, agreeing)
