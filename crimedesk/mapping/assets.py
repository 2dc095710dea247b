"""Leaflet and plugin files served to the embedded map from disk, never from a CDN.

``installer/setup.sh`` fetches them with ``npm ci`` (versions pinned in resources/web/package-lock.json)
into the git-ignored ``resources/web/node_modules``; ``CRIMEDESK_WEB_ASSETS`` points elsewhere,
e.g. at a folder bundled by a packaged build.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "CRIMEDESK_WEB_ASSETS"
REPO_ASSETS = Path(__file__).resolve().parents[2] / "resources" / "web" / "node_modules"

#: Files the map pages load, relative to the assets directory.
REQUIRED_FILES: tuple[str, ...] = (
    "leaflet/dist/leaflet.js",
    "leaflet/dist/leaflet.css",
    "leaflet.markercluster/dist/leaflet.markercluster.js",
    "leaflet.markercluster/dist/MarkerCluster.css",
    "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "leaflet.heat/dist/leaflet-heat.js",
    "jquery/dist/jquery.min.js",
    "leaflet-draw/dist/leaflet.draw.js",
    "leaflet-draw/dist/leaflet.draw.css",
)


def web_assets_dir() -> Path:
    """The directory holding the npm packages (``$CRIMEDESK_WEB_ASSETS`` or the repo's node_modules)."""
    override = os.environ.get(ENV_VAR)
    return Path(override) if override else REPO_ASSETS


def missing_assets() -> list[str]:
    """Required files (relative paths) absent from :func:`web_assets_dir`; empty when all are there."""
    root = web_assets_dir()
    return [name for name in REQUIRED_FILES if not (root / name).is_file()]
