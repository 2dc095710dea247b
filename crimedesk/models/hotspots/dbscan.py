"""Density clusters of incidents (DBSCAN) as hotspot polygons, safe at city scale.

scikit-learn's DBSCAN materialises every neighbourhood, which is what blows memory on 180k points
(REFERENCES §2.10). Crime locations are heavily duplicated (block-level anonymisation: Chicago's
532k incidents sit on 206k distinct metre-rounded points), so identical locations are merged first
and passed once with their multiplicity as ``sample_weight``: ``min_samples`` is then a weighted
incident count and memory scales with distinct locations, not incidents. Coordinates must be
projected metres, so ``eps`` is a true distance.
"""

from __future__ import annotations

from typing import Self

import numpy as np
import pandas as pd
import shapely
from sklearn.base import BaseEstimator
from sklearn.cluster import DBSCAN

CLUSTER_COLUMNS = ["cluster", "count", "share", "top_offenses", "area_m2", "wkt"]


class WeightedDBSCANHotspots(BaseEstimator):
    """DBSCAN on deduplicated projected locations; clusters become buffered convex hulls.

    Learned: ``labels_`` (cluster per incident, -1 = noise, clusters numbered by size, largest 0),
    ``n_locations_`` (distinct locations clustered) and ``clusters_`` (one row per cluster: id,
    incident count, share of all incidents, top three offense types, polygon area and WKT in the
    incidents' projected CRS).
    """

    def __init__(self, eps: float = 100.0, min_samples: float = 50, round_to: float = 1.0) -> None:
        self.eps = eps
        self.min_samples = min_samples
        self.round_to = round_to

    def fit(self, events: pd.DataFrame) -> Self:
        """Cluster incidents (columns ``x``, ``y``, ``offense_type``)."""
        xy = np.round(events[["x", "y"]].to_numpy(dtype=float) / self.round_to) * self.round_to
        sites, inverse, weights = np.unique(xy, axis=0, return_inverse=True, return_counts=True)
        raw = DBSCAN(eps=self.eps, min_samples=self.min_samples).fit(sites, sample_weight=weights).labels_
        site_labels = _by_size(raw, weights)
        self.n_locations_ = len(sites)
        self.labels_ = site_labels[inverse.ravel()]
        self.clusters_ = self._table(events, sites, site_labels)
        return self

    def _table(self, events: pd.DataFrame, sites: np.ndarray, site_labels: np.ndarray) -> pd.DataFrame:
        members = np.flatnonzero(site_labels >= 0)
        if members.size == 0:
            return pd.DataFrame(columns=CLUSTER_COLUMNS)
        members = members[np.argsort(site_labels[members], kind="stable")]
        points = shapely.multipoints(sites[members], indices=site_labels[members])
        polygons = shapely.buffer(shapely.convex_hull(points), self.eps / 2)
        counts = np.bincount(self.labels_[self.labels_ >= 0])
        return pd.DataFrame(
            {
                "cluster": np.arange(counts.size),
                "count": counts,
                "share": counts / len(events),
                "top_offenses": top_offenses(events["offense_type"], self.labels_, counts.size),
                "area_m2": shapely.area(polygons),
                "wkt": shapely.to_wkt(polygons, rounding_precision=1),
            }
        )


def _by_size(labels: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Renumber clusters by descending incident count (ties: DBSCAN's order); noise stays -1."""
    clustered = labels >= 0
    sizes = np.bincount(labels[clustered], weights=weights[clustered])
    rank = np.empty(sizes.size, dtype=np.int64)
    rank[np.lexsort((np.arange(sizes.size), -sizes))] = np.arange(sizes.size)
    return np.append(rank, -1)[labels]  # noise (-1) picks the appended -1


def top_offenses(offenses: pd.Series, labels: np.ndarray, n_clusters: int, top: int = 3) -> list[str]:
    """'A; B; C': the most frequent offense types per cluster (ties alphabetical)."""
    tally = (
        pd.DataFrame({"cluster": labels, "offense": offenses.to_numpy()})
        .loc[labels >= 0]
        .value_counts()
        .rename("n")
        .reset_index()
        .sort_values(["cluster", "n", "offense"], ascending=[True, False, True])
    )
    best = tally.groupby("cluster").head(top).groupby("cluster")["offense"].agg("; ".join)
    return best.reindex(range(n_clusters), fill_value="").tolist()
