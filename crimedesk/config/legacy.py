"""The QSettings keys crimedesk used before settings.json, turned into that file's form.

Qt itself stays in ``crimedesk/ui``, which reads the keys into a plain dict; this module only
interprets them. QSettings hands back numbers as text on some platforms, hence the conversions.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from crimedesk.config.secrets import split_password

LEGACY_KEYS = (
    "store/url",
    "window/geometry",
    "window/state",
    "filters",
    "map/lat",
    "map/lon",
    "map/zoom",
    "map/visible",
    "map/basemap",
    "map/tile_url",
    "map/tile_attribution",
    "map/mbtiles",
    "map/region_layer",
)
_MAP_NUMBERS = {"lat": float, "lon": float, "zoom": int, "region_layer": int}
_MAP_TEXTS = ("basemap", "tile_url", "tile_attribution", "mbtiles")


def legacy_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """The settings.json form of the legacy keys found in ``values`` (absent ones stay default).

    The store URL keeps any password it held; saving the settings moves it to the keyring."""
    data: dict[str, Any] = {"version": 1, "map": _map(values), "window": {}}
    if values.get("store/url"):
        split_password(str(values["store/url"]))  # raises ValueError on something that is no URL
        data["store_url"] = str(values["store/url"])
    for key in ("geometry", "state"):
        if values.get(f"window/{key}"):
            data["window"][key] = base64.b64encode(bytes(values[f"window/{key}"])).decode("ascii")
    if values.get("filters"):
        data["filters"] = json.loads(str(values["filters"]))
    return data


def _map(values: Mapping[str, Any]) -> dict[str, Any]:
    section: dict[str, Any] = {}
    for name, kind in _MAP_NUMBERS.items():
        if values.get(f"map/{name}") not in (None, ""):
            section[name] = kind(values[f"map/{name}"])
    for name in _MAP_TEXTS:
        if values.get(f"map/{name}"):
            section[name] = str(values[f"map/{name}"])
    if values.get("map/visible"):
        section["visible"] = json.loads(str(values["map/visible"]))
    return section
