"""What About says: crimedesk's version and the versions and licences of what it is built on.

Python packages are read from their installed metadata; the map's JavaScript libraries from the
``package.json`` of each npm package the map serves (crimedesk.mapping.assets).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import crimedesk
from crimedesk.mapping.assets import web_assets_dir

PYTHON_PACKAGES = ("PySide6", "SQLAlchemy", "pandas", "DuckDB", "pyproj", "shapely", "scikit-learn")
WEB_PACKAGES = ("leaflet", "leaflet.markercluster", "leaflet.heat", "leaflet-draw", "jquery")
UNKNOWN = "not installed"


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str


def components(web: Path | None = None) -> list[Component]:
    """The Python packages, then the map's libraries, each with its version and licence."""
    return [*(_python(name) for name in PYTHON_PACKAGES), *(_web(web, name) for name in WEB_PACKAGES)]


def about_text(web: Path | None = None) -> str:
    lines = [f"crimedesk {crimedesk.__version__}", "", "Built on:"]
    lines += [f"  {c.name} {c.version} — {c.licence}" for c in components(web)]
    lines += ["", "Map data © OpenStreetMap contributors (ODbL), when OpenStreetMap tiles are used."]
    return "\n".join(lines)


def _python(name: str) -> Component:
    try:
        meta = metadata.metadata(name)
    except metadata.PackageNotFoundError:
        return Component(name, UNKNOWN, "")
    licence = _field(meta, "License-Expression") or _classifier_licence(meta) or _field(meta, "License")
    return Component(name, _field(meta, "Version"), _short(licence))


def _field(meta: metadata.PackageMetadata, name: str) -> str:
    values = meta.get_all(name) or []
    return str(values[0]) if values else ""


def _classifier_licence(meta: metadata.PackageMetadata) -> str:
    names = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return ", ".join(names)


def _short(licence: str) -> str:
    """A licence's name, not its full text (some packages put the whole text in License)."""
    first = licence.strip().splitlines()[0] if licence.strip() else "licence not stated"
    return first if len(first) <= 80 else first[:77] + "…"


def _web(directory: Path | None, name: str) -> Component:
    folder = (directory or web_assets_dir()) / name
    try:
        package = json.loads((folder / "package.json").read_text("utf-8"))
    except (OSError, ValueError):
        return Component(name, UNKNOWN, "")
    licence = package.get("license") or _licence_file(folder)
    return Component(name, str(package.get("version", "?")), _short(str(licence)))


def _licence_file(folder: Path) -> str:
    """The first line of the package's LICENSE file, when its package.json names no licence."""
    try:
        return f"{(folder / 'LICENSE').read_text('utf-8').strip().splitlines()[0]} (see its LICENSE file)"
    except (OSError, IndexError):
        return "licence not stated"
