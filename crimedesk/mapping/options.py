"""What a map page is built from: its URLs under the ``cdmap`` scheme, the basemap and the view.

Plain data, no folium: the UI reads and stores these on its own thread, while the page itself
(crimedesk.mapping.page, which imports folium) is rendered on a worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from crimedesk.mapping.classes import METHODS, PALETTES, REGION_PALETTE
from crimedesk.mapping.rates import MEASURES

SCHEME = "cdmap"
ORIGIN = f"{SCHEME}://app"
PAGE_URL = f"{ORIGIN}/index.html"
ASSETS_URL = f"{ORIGIN}/assets"
CLIENT_URL = f"{ORIGIN}/client/map.js"
MBTILES_URL = f"{ORIGIN}/mbtiles/{{z}}/{{x}}/{{y}}"
XYZ_CACHE_URL = f"{ORIGIN}/xyz/{{z}}/{{x}}/{{y}}"
QWEBCHANNEL_URL = f"{ORIGIN}/qwebchannel.js"

OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'

BasemapKind = Literal["none", "xyz", "mbtiles"]


@dataclass(frozen=True)
class Basemap:
    """``none`` (boundaries form the background), online ``xyz`` tiles through the on-disk cache,
    or an ``mbtiles`` file (its path is the Qt side's business; the page only sees the scheme URL)."""

    kind: BasemapKind = "none"
    url: str = OSM_URL
    attribution: str = OSM_ATTRIBUTION
    max_zoom: int = 19

    def __post_init__(self) -> None:
        if self.kind not in ("none", "xyz", "mbtiles"):
            raise ValueError(f"unknown basemap kind {self.kind!r}")
        if self.kind == "xyz" and not all(k in self.url for k in ("{z}", "{x}", "{y}")):
            raise ValueError(f"tile URL needs {{z}}, {{x}} and {{y}}: {self.url!r}")


@dataclass(frozen=True)
class PageOptions:
    center: tuple[float, float] = (41.84, -87.68)  # (lat, lon)
    zoom: int = 11
    basemap: Basemap = field(default_factory=Basemap)
    visible: tuple[str, ...] = ("regions", "clusters", "aggregates")
    max_zoom: int = 19
    units: str = "m"  # the scale bar's: m (metres, km) or ft (feet, miles)


@dataclass(frozen=True)
class Symbology:
    """How the map draws: the choropleth's measure, palette and classes, the heat map's radius and blur
    (screen pixels) and intensity (per cent: 200 reaches full colour at half the density)."""

    palette: str = REGION_PALETTE
    method: str = "quantile"
    heat_radius: int = 20
    heat_blur: int = 15
    heat_intensity: int = 100
    measure: str = "count"  # what the choropleth shows (crimedesk.mapping.rates.MEASURES)

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise ValueError(f"unknown measure {self.measure!r}; expected one of {sorted(MEASURES)}")
        if self.palette not in PALETTES:
            raise ValueError(f"unknown palette {self.palette!r}; expected one of {sorted(PALETTES)}")
        if self.method not in METHODS:
            raise ValueError(f"unknown classification {self.method!r}; expected one of {sorted(METHODS)}")
        for name, low, high in HEAT_RANGES:
            if not low <= getattr(self, name) <= high:
                raise ValueError(f"{name.replace('_', ' ')} must be from {low} to {high}")

    def heat(self) -> dict[str, int]:
        """The page's heat settings (crimedesk.setHeatStyle)."""
        return {"radius": self.heat_radius, "blur": self.heat_blur, "intensity": self.heat_intensity}


#: (field, lowest, highest) of the heat controls.
HEAT_RANGES = (("heat_radius", 5, 60), ("heat_blur", 1, 40), ("heat_intensity", 10, 1000))
