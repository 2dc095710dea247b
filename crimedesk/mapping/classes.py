"""Colour classes for counts and risk: sequential colour-blind-safe palettes and three ways of
cutting values into classes (quantiles, equal intervals, Jenks natural breaks).

Pure numpy (neither mapclassify nor jenkspy is installed): Jenks is Fisher's exact dynamic
programme, which finds the breaks that minimise the squared deviations within classes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Sequential, colour-blind-safe palettes of five classes, light to dark (ColorBrewer, matplotlib).
PALETTES: dict[str, tuple[str, ...]] = {
    "YlOrRd": ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    "Blues": ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"),
    "Purples": ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"),
    "YlGnBu": ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    "Viridis": ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"),
    "Cividis": ("#fee838", "#c3b369", "#7f7c75", "#414d6b", "#00224e"),
}
PALETTE_NAMES: dict[str, str] = {
    "YlOrRd": "Yellow–orange–red",
    "Blues": "Blues",
    "Purples": "Purples",
    "YlGnBu": "Yellow–green–blue",
    "Viridis": "Viridis",
    "Cividis": "Cividis",
}
#: Distinct defaults, so grid counts, the choropleth and model overlays never look alike.
GRID_PALETTE, REGION_PALETTE, OVERLAY_PALETTE = "Viridis", "Blues", "Purples"
#: The heat map's gradient (stop: colour), YlOrRd: none of the class palettes' defaults.
HEAT_GRADIENT: dict[str, str] = {
    "0.2": "#fed976",
    "0.4": "#feb24c",
    "0.6": "#fd8d3c",
    "0.8": "#f03b20",
    "1": "#bd0026",
}

METHODS: dict[str, str] = {
    "quantile": "Quantiles (equal counts)",
    "equal": "Equal intervals",
    "jenks": "Natural breaks (Jenks)",
}


def lower_bounds(values: Sequence[float], classes: int, method: str = "quantile") -> list[float]:
    """Each class's lowest value, ascending and distinct (at most ``classes``): class ``i`` holds
    the values from its bound up to the next one, the last up to the maximum."""
    if method not in METHODS:
        raise ValueError(f"unknown classification {method!r}; expected one of {sorted(METHODS)}")
    data = np.sort(np.asarray(values, dtype=float))
    if method == "quantile":
        edges = np.quantile(data, np.linspace(0, 1, classes + 1))[:-1]
    elif method == "equal":
        edges = np.linspace(data[0], data[-1], classes + 1)[:-1]
    else:
        edges = np.asarray(jenks(data, classes))
    return [float(v) for v in np.unique(edges)]


def jenks(sorted_values: np.ndarray, classes: int) -> list[float]:
    """Fisher–Jenks classes of sorted values, as each class's lowest value.

    ``cost[k, j]`` is the least within-class sum of squares of the first ``j + 1`` values in
    ``k + 1`` classes; each row is filled from the previous one, a vector operation per value.
    """
    x = sorted_values
    n = len(x)
    classes = min(classes, len(np.unique(x)))
    if classes <= 1:
        return [float(x[0])]
    s1, s2 = np.concatenate(([0.0], np.cumsum(x))), np.concatenate(([0.0], np.cumsum(x * x)))

    def ssd(i: np.ndarray, j: int) -> np.ndarray:  # sum of squares of x[i..j] about its mean
        count = j - i + 1
        total = s1[j + 1] - s1[i]
        return s2[j + 1] - s2[i] - total * total / count

    cost = np.full((classes, n), np.inf)
    start = np.zeros((classes, n), dtype=int)  # first index of the last class
    upto = np.arange(1, n + 1)
    cost[0] = s2[1:] - s1[1:] * s1[1:] / upto  # one class: x[0..j]
    for k in range(1, classes):
        for j in range(k, n):
            i = np.arange(k, j + 1)  # the last class is x[i..j]
            candidates = cost[k - 1, i - 1] + ssd(i, j)
            best = int(np.argmin(candidates))
            cost[k, j], start[k, j] = candidates[best], i[best]
    lows, j = [], n - 1
    for k in range(classes - 1, 0, -1):
        lows.append(float(x[start[k, j]]))
        j = start[k, j] - 1
    return [float(x[0]), *reversed(lows)]


def classify(
    values: Sequence[float], palette: str | Sequence[str] = REGION_PALETTE, method: str = "quantile"
) -> tuple[list[str], list[list[str]]]:
    """A colour per value and legend rows ``[colour, "lowest – highest value of the class"]``.

    Equal values always share a class; fewer distinct values give fewer classes, spread over the palette.
    """
    colors_of = PALETTES[palette] if isinstance(palette, str) else tuple(palette)
    if not values:
        return [], []
    data = np.asarray(values, dtype=float)
    lows = np.asarray(lower_bounds(values, len(colors_of), method))
    classes = np.clip(np.searchsorted(lows, data, side="right") - 1, 0, len(lows) - 1)
    picks = np.round(np.linspace(len(colors_of) - 1 if len(lows) == 1 else 0, len(colors_of) - 1, len(lows)))
    legend = []
    for i, pick in enumerate(picks):  # a class that holds values, by its lowest and highest
        held = data[classes == i]
        if not held.size:
            continue
        lo, hi = held.min(), held.max()
        legend.append([colors_of[int(pick)], fmt(lo) if lo == hi else f"{fmt(lo)} – {fmt(hi)}"])
    return [colors_of[int(picks[c])] for c in classes], legend


def fmt(value: float) -> str:
    """A class edge as shown: thousands separators, or two significant digits below 10."""
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.2g}"
