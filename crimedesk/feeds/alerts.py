"""Sensor alerts for the app: the newest ones as a map layer, and the user's notification rules.

A rule (kept in ``Settings.alert_rules``) says which alerts deserve a notification: their types
(none listed: any), a lowest confidence, and optionally a boundary layer's regions (none listed:
any region of the layer) the alert must fall inside, or outside. An alert notifies when any rule
matches it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import shapely
from sqlalchemy import Connection, select

from crimedesk.storage.schema import sensor_events

KIND_COLOURS = {"gunshot": "#d7301f", "explosion": "#7a0177", "glass_break": "#2c7fb8"}
OTHER_COLOUR = "#636363"


@dataclass(frozen=True)
class AlertRule:
    kinds: tuple[str, ...] = ()
    min_confidence: float = 0.0
    region_layer_id: int | None = None
    region_ids: tuple[str, ...] = ()
    inside: bool = True

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AlertRule:
        """A rule from the settings file; raises ValueError with the reason."""
        try:
            rule = cls(
                kinds=tuple(str(k) for k in data.get("kinds", ())),
                min_confidence=float(data.get("min_confidence", 0.0)),
                region_layer_id=None if data.get("region_layer_id") is None else int(data["region_layer_id"]),
                region_ids=tuple(str(r) for r in data.get("region_ids", ())),
                inside=bool(data.get("inside", True)),
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"the sensor alert rule {data!r} cannot be read ({exc})") from exc
        if not 0 <= rule.min_confidence <= 1:
            raise ValueError(f"a rule's lowest confidence must be between 0 and 1, not {rule.min_confidence}")
        return rule

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "kinds": list(self.kinds), "region_ids": list(self.region_ids)}


def alerts_after(conn: Connection, after_id: int, limit: int = 5_000) -> list[dict[str, Any]]:
    """Alerts stored after row ``after_id``, oldest first (the app asks with the last id it saw)."""
    query = (
        select(sensor_events).where(sensor_events.c.id > after_id).order_by(sensor_events.c.id).limit(limit)
    )
    return [dict(r._mapping) for r in conn.execute(query)]


def latest_alerts(conn: Connection, limit: int = 2_000) -> list[dict[str, Any]]:
    """The newest ``limit`` alerts (the map layer), oldest first."""
    query = select(sensor_events).order_by(sensor_events.c.id.desc()).limit(limit)
    return [dict(r._mapping) for r in conn.execute(query)][::-1]


def alert_text(alert: dict[str, Any]) -> str:
    confidence = "" if alert["confidence"] is None else f", confidence {alert['confidence']:.0%}"
    when = alert["occurred_at"].strftime("%Y-%m-%d %H:%M:%S")
    return f"{alert['kind']} at {when}, sensor {alert['sensor_id']}{confidence}"


def alerts_geojson(alerts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The alerts as points coloured by type, each with a plain-text ``label``, and the legend."""
    features = [
        {
            "type": "Feature",
            "properties": {"color": KIND_COLOURS.get(a["kind"], OTHER_COLOUR), "label": alert_text(a)},
            "geometry": {"type": "Point", "coordinates": [a["longitude"], a["latitude"]]},
        }
        for a in alerts
    ]
    kinds = sorted({a["kind"] for a in alerts})
    rows = [[KIND_COLOURS.get(k, OTHER_COLOUR), k] for k in kinds]
    return {
        "type": "FeatureCollection",
        "features": features,
        "legend": {"title": "type", "rows": rows},
    }


def notable(
    conn: Connection, alerts: Sequence[dict[str, Any]], rules: Iterable[AlertRule]
) -> list[dict[str, Any]]:
    """The alerts that some rule matches (no rules: none notifies)."""
    from crimedesk.regions.store import layer_regions_gdf

    rules = list(rules)
    areas: dict[tuple[int, tuple[str, ...]], Any] = {}
    for rule in rules:
        if rule.region_layer_id is not None and (rule.region_layer_id, rule.region_ids) not in areas:
            regions = layer_regions_gdf(conn, rule.region_layer_id)
            if rule.region_ids:
                regions = regions[regions["region_id"].isin(rule.region_ids)]
            areas[(rule.region_layer_id, rule.region_ids)] = shapely.union_all(regions.geometry.to_numpy())
    return [a for a in alerts if any(_matches(rule, a, areas) for rule in rules)]


def _matches(rule: AlertRule, alert: dict[str, Any], areas: dict[tuple[int, tuple[str, ...]], Any]) -> bool:
    if rule.kinds and alert["kind"] not in rule.kinds:
        return False
    if (alert["confidence"] if alert["confidence"] is not None else 1.0) < rule.min_confidence:
        return False
    if rule.region_layer_id is None:
        return True
    area = areas[(rule.region_layer_id, rule.region_ids)]
    return bool(area.covers(shapely.Point(alert["longitude"], alert["latitude"]))) == rule.inside


def describe(rule: AlertRule, layer_name: str | None = None) -> str:
    """The rule in words, e.g. "gunshot · confidence ≥ 0.8 · inside districts 10, 11"."""
    parts = [", ".join(rule.kinds) or "any type", f"confidence ≥ {rule.min_confidence:g}"]
    if rule.region_layer_id is not None:
        regions = ", ".join(rule.region_ids) or "any region"
        parts.append(
            f"{'inside' if rule.inside else 'outside'} {layer_name or rule.region_layer_id} {regions}"
        )
    return " · ".join(parts)
