"""The hotspot study of issue 19: every method × horizon × crime × scope on 90 daily origins.

Run by ``bench/models.py``. Each (scope, crime, method) backtest runs in its own child process, two
at a time (the machine has two cores), so its peak memory is its own: the data plus every training
run of that method there. The parent pairs every method with the naive grid origin by origin.
"""

from __future__ import annotations

import math
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from bench._common import peak_rss_mb, report, run_child

ORIGINS = pd.date_range("2017-07-03", periods=90, freq="D")  # Jul 3 – Sep 30, 2017
HORIZONS = (1, 7)
COVERAGE = 0.05
CELL = 150.0
REFIT_DAYS = 30  # learned models (SEPP, risk_gb, risk_hunch) are refitted at origins 1, 31 and 61
BASELINE = "naive_grid"
METHODS = (
    "naive_grid",
    "random",
    "retrospective_kde",
    "prospective",
    "sepp",
    "risk_gb",
    "risk_hunch",
    "ens_sepp_naive",
    "ens_hunch_naive",
)
SCOPES = {"city": None, "011": "011"}
CRIMES = {"all": None, "burglary": "BURGLARY"}
# the longest jobs start first so the two workers finish together
SLOW_FIRST = ("risk_gb", "risk_hunch", "ens_hunch_naive", "ens_sepp_naive", "sepp")


def scope_events(frame: pd.DataFrame, scope: str, crime: str) -> pd.DataFrame:
    """The incidents of a scope (city or a district) and crime, up to the last scored day."""
    keep = frame["occurred_from"] < ORIGINS[-1] + pd.Timedelta(days=max(HORIZONS))
    if SCOPES[scope] is not None:
        keep &= frame["district"] == SCOPES[scope]
    if CRIMES[crime] is not None:
        keep &= frame["offense_type"] == CRIMES[crime]
    return frame[keep]


def backtest_child(cache: Path, scope: str, crime: str, method: str, out: Path) -> None:
    """One method's rolling backtest in this (child) process; results to ``out``, figures to stdout."""
    from crimedesk.features.grid import Grid
    from crimedesk.models.evaluation.grid_backtest import rolling_backtest
    from crimedesk.models.hotspots.predictors import (
        NaiveCountGrid,
        ProspectiveHotspot,
        RandomBaseline,
        RetrospectiveKDE,
    )
    from crimedesk.models.hotspots.sepp import GridSEPP
    from crimedesk.models.hunch.ensemble import RankEnsemble
    from crimedesk.models.hunch.scorer import HunchScorer
    from crimedesk.models.risk.scorer import RiskScorer

    events = scope_events(
        pd.read_parquet(cache, columns=["occurred_from", "x", "y", "district", "offense_type"]), scope, crime
    )
    grid = Grid.from_points(events["x"], events["y"], CELL).masked_to_points(events["x"], events["y"])
    models = {
        "naive_grid": lambda: NaiveCountGrid(),
        "random": lambda: RandomBaseline(),
        "retrospective_kde": lambda: RetrospectiveKDE(),
        "prospective": lambda: ProspectiveHotspot(),
        "sepp": lambda: GridSEPP(grid=grid),
        "risk_gb": lambda: RiskScorer(grid=grid),
        "risk_hunch": lambda: HunchScorer(grid=grid),
        "ens_sepp_naive": lambda: RankEnsemble((GridSEPP(grid=grid), NaiveCountGrid())),
        "ens_hunch_naive": lambda: RankEnsemble((HunchScorer(grid=grid), NaiveCountGrid())),
    }
    loaded = peak_rss_mb()
    started = time.perf_counter()
    results = rolling_backtest(
        events, grid, {method: models[method]()}, ORIGINS, HORIZONS, (COVERAGE,), refit_days=REFIT_DAYS
    )
    seconds = time.perf_counter() - started
    results.to_parquet(out, index=False)
    report(
        seconds=seconds,
        peak_mb=peak_rss_mb(),
        loaded_mb=loaded,
        cells=int(grid.active.sum()),
        events=len(events),
    )


def run_all(script: Path, cache: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every backtest in child processes, two at a time: (per-origin results, per-job figures)."""
    jobs = [(s, c, m) for m in METHODS for s in SCOPES for c in CRIMES]
    jobs.sort(key=lambda job: (job[2] not in SLOW_FIRST, job[0] != "city"))
    with tempfile.TemporaryDirectory() as tmp:

        def one(job: tuple[str, str, str]) -> dict:
            out = Path(tmp) / ("_".join(job) + ".parquet")
            figures = run_child(script, "--hotspot-backtest", str(cache), *job, str(out))
            results = pd.read_parquet(out).assign(scope=job[0], crime=job[1])
            return figures | {"scope": job[0], "crime": job[1], "method": job[2], "results": results}

        with ThreadPoolExecutor(max_workers=2) as pool:
            done = list(pool.map(one, jobs))
    results = pd.concat([d.pop("results") for d in done], ignore_index=True)
    return results, pd.DataFrame(done)


def study_table(results: pd.DataFrame) -> pd.DataFrame:
    """One row per scope × crime × horizon × method: mean hit rate and PAI with 95 % intervals, and
    the paired Wilcoxon p-value of PAI against the naive grid over the same origins."""
    from crimedesk.models.evaluation.paired import against_baseline, mean_interval

    rows = []
    for (scope, crime, horizon), group in results.groupby(["scope", "crime", "horizon_days"], sort=False):
        paired = against_baseline(group, BASELINE, "pai", by=("horizon_days",)).set_index("method")
        for method in METHODS:
            scored = group[group["method"] == method].dropna(subset=["pai"])
            hit, hit_low, hit_high = mean_interval(scored["hit_rate"].to_numpy() * 100)
            pai, pai_low, pai_high = mean_interval(scored["pai"].to_numpy())
            row = {
                "scope": "city" if scope == "city" else f"district {scope}",
                "crime": crime,
                "horizon": "next day" if horizon == 1 else "next week",
                "method": method,
                "hit_rate_%": f"{hit:5.1f} [{hit_low:5.1f}, {hit_high:5.1f}]",
                "PAI": f"{pai:5.2f} [{pai_low:5.2f}, {pai_high:5.2f}]",
                "origins": len(scored),
            }
            if method == BASELINE:
                rows.append(row | {"p_vs_naive": "", "wins/losses": "", "verdict": "(baseline)"})
                continue
            vs = paired.loc[method]
            rows.append(
                row
                | {
                    "p_vs_naive": f"{vs['p_value']:.3g}",
                    "wins/losses": f"{int(vs['wins'])}/{int(vs['losses'])}",
                    "verdict": verdict(vs),
                }
            )
    return pd.DataFrame(rows)


def verdict(vs: pd.Series) -> str:
    if vs["p_value"] >= 0.05 or math.isnan(vs["p_value"]):
        return "no difference"
    return "beats naive" if vs["mean"] > vs["baseline_mean"] else "naive wins"


def print_study(script: Path, cache: Path) -> None:
    started = time.perf_counter()
    results, jobs = run_all(script, cache)
    print(
        f"\n## Hotspot study: {len(ORIGINS)} daily origins {ORIGINS[0]:%Y-%m-%d}..{ORIGINS[-1]:%Y-%m-%d},"
        f" {CELL:.0f} m cells, {COVERAGE:.0%} of the study area flagged"
    )
    print(
        "Rule: the top floor(5 % × cells + 0.5) cells of the study area (cells with an incident before"
        " the origin) are flagged; cells tied at the cut share the places left (expected value under a"
        " random order of ties). N counts every incident of the horizon in the grid. Next week = the 7"
        " days from each daily origin (overlapping windows). The learned models (SEPP, risk_gb,"
        " risk_hunch and the rank ensembles) refit every"
        f" {REFIT_DAYS} days on the incidents before that origin and score each origin from the"
        " incidents before it. p: two-sided Wilcoxon signed-rank of per-origin PAI against the naive"
        " grid (365-day counts); interval: 95 % t-interval over origins."
    )
    print(study_table(results).to_string(index=False))
    print("\n## Training runs (one child process per method × scope × crime; peak RSS includes the data)")
    shown = jobs[["method", "scope", "crime", "events", "cells", "seconds", "loaded_mb", "peak_mb"]]
    print(shown.round(1).to_string(index=False))
    print(
        f"largest peak {jobs['peak_mb'].max():.0f} MB; hotspot study wall time {time.perf_counter() - started:.0f} s"
    )
