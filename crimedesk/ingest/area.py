"""The data's own area, for sources without a bounding box: far-off geocodes are caught anyway.

Geocoders that miss put a few points hundreds of km away (a city of the same name, a state's
centroid). Without a ``bbox`` those would stay mappable and make grids and models size themselves
from them. The area is estimated from the first batch with enough points: its centre is the
median point (robust to a minority of misses) and its radius the 95th percentile of distances
from that centre; a point further than FAR_FACTOR radii (at least MIN_LIMIT_KM) is far off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_POINTS = 20  # fewer points than this in a batch say too little about the area
FAR_FACTOR = 4.0
MIN_LIMIT_KM = 30.0  # a town's points may all lie within a few km: do not flag its suburbs
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class DataArea:
    lon: float
    lat: float
    limit_km: float

    @classmethod
    def estimate(cls, lon: np.ndarray, lat: np.ndarray) -> DataArea | None:
        """The area of the points (finite, on Earth), or None when there are too few of them."""
        if len(lon) < MIN_POINTS:
            return None
        centre_lon, centre_lat = float(np.median(lon)), float(np.median(lat))
        distances = distance_km(lon, lat, centre_lon, centre_lat)
        radius = float(np.quantile(distances, 0.95))
        return cls(centre_lon, centre_lat, max(FAR_FACTOR * radius, MIN_LIMIT_KM))

    def distances(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return distance_km(lon, lat, self.lon, self.lat)


def distance_km(lon: np.ndarray, lat: np.ndarray, lon0: float, lat0: float) -> np.ndarray:
    """Great-circle distances (haversine) from (lon0, lat0)."""
    phi, phi0 = np.radians(lat), np.radians(lat0)
    dphi, dlam = phi - phi0, np.radians(lon - lon0)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi) * np.cos(phi0) * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
