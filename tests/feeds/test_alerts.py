"""Sensor alerts for the app: the notification rules against an independent spatial join."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from crimedesk.config.settings import Settings, load_settings, save_settings
from crimedesk.feeds.alerts import AlertRule, alerts_after, alerts_geojson, latest_alerts, notable
from crimedesk.feeds.catalog import add_feed
from crimedesk.feeds.feed import Feed
from crimedesk.feeds.sensors import parse_alert, store_events
from crimedesk.regions.store import layer_regions_gdf
from tests.feeds.conftest import ANALYST
from tests.feeds.test_mqtt_feed import alert
from tests.layers import import_districts

COUNT = 400


@pytest.fixture
def alerts_store(sqlite_store, data_dir):
    feed = add_feed(sqlite_store, Feed("s", "mqtt", "127.0.0.1:1883", "city/#", "chicago"), user=ANALYST)
    with sqlite_store.begin() as conn:
        store_events(conn, feed.id, [parse_alert(alert(n)) for n in range(COUNT)])
    return sqlite_store, import_districts(sqlite_store, data_dir).layer_id


def _expected(conn, layer_id: int, districts: list[str], inside: bool) -> set[str]:
    """Gunshots with confidence >= 0.5, inside (or outside) the districts, by geopandas' own join."""
    frame = pd.DataFrame(latest_alerts(conn, COUNT))
    points = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame.longitude, frame.latitude), crs=4326)
    regions = layer_regions_gdf(conn, layer_id)
    regions = regions[regions.region_id.isin(districts)]
    within = set(gpd.sjoin(points, regions, predicate="within").event_id)
    chosen = points[(points.kind == "gunshot") & (points.confidence >= 0.5)]
    return {e for e in chosen.event_id if (e in within) == inside}


@pytest.mark.parametrize("inside", [True, False])
def test_rules_pick_the_alerts_by_type_confidence_and_region(alerts_store, inside):
    engine, layer_id = alerts_store
    districts = ["10", "11", "12"]
    rule = AlertRule(("gunshot",), 0.5, layer_id, tuple(districts), inside)
    with engine.connect() as conn:
        alerts = alerts_after(conn, 0)
        picked = {a["event_id"] for a in notable(conn, alerts, [rule])}
        expected = _expected(conn, layer_id, districts, inside)
    assert len(alerts) == COUNT
    assert picked == expected and 0 < len(picked) < COUNT


def test_no_rule_notifies_nothing_and_a_plain_rule_everything(alerts_store):
    engine, _layer = alerts_store
    with engine.connect() as conn:
        alerts = alerts_after(conn, 0)
        assert notable(conn, alerts, []) == []
        assert len(notable(conn, alerts, [AlertRule()])) == COUNT
        assert [a["event_id"] for a in alerts_after(conn, alerts[-3]["id"])] == ["shot-398", "shot-399"]


def test_the_layer_is_points_with_plain_labels_and_a_legend(alerts_store):
    engine, _layer = alerts_store
    with engine.connect() as conn:
        layer = alerts_geojson(latest_alerts(conn, 50))
    assert len(layer["features"]) == 50
    first = layer["features"][0]
    assert first["geometry"]["type"] == "Point"
    assert first["properties"]["label"].startswith("gunshot at 2017-01-0")
    assert [row[1] for row in layer["legend"]["rows"]] == ["fireworks", "gunshot"]


def test_rules_live_in_the_settings_file(tmp_path):
    rule = AlertRule(("gunshot",), 0.8, 3, ("11",), False)
    save_settings(Settings(alert_rules=[rule.to_dict()]), tmp_path / "s.json")
    loaded = load_settings(tmp_path / "s.json").alert_rules
    assert [AlertRule.from_dict(r) for r in loaded] == [rule]
    with pytest.raises(ValueError, match="between 0 and 1"):
        AlertRule.from_dict({"min_confidence": 3})
