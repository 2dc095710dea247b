"""Models on Chicago 2016–17, side by side with their baselines: every figure, wins and losses.

    .venv/bin/python bench/models.py

Knox near-repeat test: bench/knox.py's three sets of 20,000 real events × 999 permutations.
Hotspots (bench/hotspot_study.py): naive grid, random, retrospective KDE, prospective, SEPP
(Mohler 2015), risk_gb, risk_hunch and the rank ensembles of SEPP or risk_hunch with the naive
grid × next day / next week × all crime / burglary × city / district 011, on 90
daily origins (Jul 3 – Sep 30, 2017): mean hit rate and PAI at 5 % with 95 % intervals and the
paired p-value against the naive grid, and the peak memory of every training run. Hotspot maps
(DBSCAN, Gi*; default parameters, 56-day windows, 10 weekly origins Jul–Sep 2017) in district 011 and the whole city: hit rate and PAI at their own area next to the
naive count grid and retrospective KDE selecting an equal area, and the naive grid at 5%. Forecasts:
weekly counts of three districts, 6 rolling origins × 4 weeks ahead, MAE and MASE (vs seasonal
naive lag 52, in-sample scale). Classification: category of districts 011 + 008, Jan–Apr 2017 →
May–Jun 2017. DBSCAN: 1 M points (real coordinates repeated
with ±3 m jitter) in a child process for its own peak memory. Thread pools are capped at one
thread: on two shared cores OpenMP oversubscription made boosting 5× slower, not faster.
"""

from __future__ import annotations

import os

# One thread per pool, set before numpy, scikit-learn or TensorFlow load their pools: a
# threadpool_limits() entered before scikit-learn was imported never reached its OpenMP pool.
for _pool in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_pool] = "1"

import sys
import tempfile
import time
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pandas as pd

from bench._common import DATA, peak_rss_mb, report, run_child
from bench.hotspot_study import backtest_child, print_study

CHICAGO = DATA / "chicago_crimes_2016_2017.csv.gz"
CACHE_DIR = Path(tempfile.gettempdir()) / "crimedesk_bench"
CACHE = CACHE_DIR / "chicago_crimes_2016_2017.parquet"  # the name cached_chicago gives it


def chicago() -> pd.DataFrame:
    from tests.models.chicago_frame import cached_chicago

    CACHE_DIR.mkdir(exist_ok=True)
    return cached_chicago(CHICAGO, CACHE_DIR)


def hotspot_maps(frame: pd.DataFrame) -> None:
    """The registered hotspot kinds (default parameters) against the grid baselines at equal area."""
    from crimedesk.features.grid import Grid
    from crimedesk.models.evaluation.area_backtest import equal_area_backtest
    from crimedesk.models.evaluation.grid_backtest import rolling_backtest, summarise
    from crimedesk.models.hotspots.kind import DBSCANParams, GiStarParams, _hotspot_fit
    from crimedesk.models.hotspots.predictors import NaiveCountGrid
    from tests.models.chicago_frame import district_slice

    origins = pd.date_range("2017-07-03", periods=10, freq="7D")
    scopes = {
        "district 011": district_slice(frame, ["011"], "2016-01-01", "2017-10-01"),
        "city": frame[frame["occurred_from"] < pd.Timestamp("2017-10-01")],
    }
    for scope, events in scopes.items():
        started = time.perf_counter()
        grid = Grid.from_points(events["x"], events["y"], 150.0).masked_to_points(events["x"], events["y"])
        params = {"hotspots_dbscan": DBSCANParams(), "hotspots_gistar": GiStarParams()}
        tables = []
        for kind, chosen in params.items():
            fit = _hotspot_fit(chosen, grid)
            results = equal_area_backtest(events, grid, kind, fit, origins, chosen.train_days)
            summary = summarise(
                results, by=("method", "horizon_days"), metrics=("coverage", "hit_rate", "pai")
            )
            tables.append(summary.assign(map=kind))
        at_5 = rolling_backtest(
            events, grid, {"naive_count_56d": NaiveCountGrid(56)}, origins, (1, 7), (0.05,)
        )
        reference = summarise(at_5).assign(map="(5% of the area)")
        table = pd.concat([*tables, reference]).pivot(
            index=["map", "method"], columns="horizon_days", values=["coverage", "hit_rate", "pai"]
        )
        table.columns = [f"{m}_{'day' if h == 1 else 'week'}" for m, h in table.columns]
        table = table.drop(columns="coverage_week").rename(columns={"coverage_day": "area_share"})
        print(
            f"\n## Hotspot maps at equal area: {scope}, {grid.active.sum()} active 150 m cells, 56-day windows"
        )
        print(table.round(3).to_string())
        print(f"{len(origins)} origins, both kinds and baselines: {time.perf_counter() - started:.1f} s")


def forecasts(frame: pd.DataFrame) -> None:
    from crimedesk.models.evaluation.forecast_backtest import rolling_forecasts, score_forecasts, winner
    from crimedesk.models.forecast.forecasters import (
        ETSForecaster,
        GBForecaster,
        SarimaForecaster,
        SeasonalNaive,
    )
    from crimedesk.models.forecast.kind import count_series
    from crimedesk.models.forecast.lstm import LSTMForecaster

    models = {
        "seasonal_naive": SeasonalNaive(),
        "ets": ETSForecaster(),
        "sarima": SarimaForecaster(),
        "gb": GBForecaster(lags=(1, 2, 3, 4, 8)),
        "lstm": LSTMForecaster(window=28),
    }
    longs = []
    started = time.perf_counter()
    for district in ("011", "008", "001"):
        series = count_series(frame[frame["district"] == district], "W")
        origins = series.index[-4 - 6 + 1 :][:6]
        longs.append(rolling_forecasts(series, models, origins, 4).assign(district=district))
    long = pd.concat(longs)
    long["origin"] = long["district"] + long["origin"].astype(str)  # DM pools all forecasts
    table = score_forecasts(long, {n for n, m in models.items() if m.baseline}, 4)
    print("\n## Weekly counts, districts 011/008/001, 6 origins × 4 weeks (72 forecasts per model)")
    print(table.drop(columns=["baseline", "dm_vs"]).round(3).to_string(index=False))
    print(f"verdict: {winner(table).message}")
    print(f"forecast backtest {time.perf_counter() - started:.1f} s")


def classification(frame: pd.DataFrame) -> None:
    from crimedesk.models.classify.classifier import CrimeTypeClassifier, classification_report, time_split
    from tests.models.chicago_frame import district_slice

    train, test = time_split(district_slice(frame, ["011", "008"], "2017-01-01", "2017-07-01"), 1 / 3)
    started = time.perf_counter()
    model = CrimeTypeClassifier(random_state=0).fit(train, train["category"])
    seconds = time.perf_counter() - started
    report_ = classification_report(model, train, test, "category", seed=0)
    print(f"\n## Category classification: {len(train):,} train / {len(test):,} test incidents")
    for name in ("model", "majority", "prior_random"):
        scores = cast(dict[str, float], report_[name])
        print(f"{name:13s} accuracy {scores['accuracy']:.3f}  macro-F1 {scores['macro_f1']:.3f}")
    per_class_scores = cast(dict[str, dict[str, float]], cast(dict, report_["model"])["per_class"])
    per_class = {c: round(v["f1"], 3) for c, v in per_class_scores.items()}
    print(f"model per-class F1: {per_class}")
    print(f"verdict: {report_['verdict']}; RF 200 trees × 3 calibration folds fit in {seconds:.1f} s")


def dbscan_child() -> None:
    from crimedesk.models.hotspots.dbscan import WeightedDBSCANHotspots

    frame = pd.read_parquet(CACHE, columns=["x", "y", "offense_type"])
    reps = int(np.ceil(1_000_000 / len(frame)))
    big = pd.concat([frame] * reps, ignore_index=True).iloc[:1_000_000]
    jitter = np.random.default_rng(0).uniform(-3, 3, (len(big), 2))
    big[["x", "y"]] = big[["x", "y"]].to_numpy() + jitter
    started = time.perf_counter()
    model = WeightedDBSCANHotspots(eps=100.0, min_samples=200, round_to=10.0).fit(big)
    seconds = time.perf_counter() - started
    report(
        seconds=seconds, peak_mb=peak_rss_mb(), locations=model.n_locations_, clusters=len(model.clusters_)
    )


def knox() -> None:
    """The Knox near-repeat test on bench/knox.py's three sets of 20,000 real events (its own
    script also times the earlier counter as a baseline)."""
    from bench.knox import EVENTS, PERMUTATIONS, describe, first_call_seconds, knox_sets, timed_knox

    print(f"\n## Knox near-repeat test: {EVENTS:,} events × {PERMUTATIONS} permutations, default bands")
    print(f"first call (numba's compiled code loaded from its cache): {first_call_seconds():.1f} s")
    for name, events in knox_sets().items():
        print(describe(name, len(events), timed_knox(events)))


def main() -> None:
    started = time.perf_counter()
    frame = chicago()
    print(f"Chicago 2016–17: {len(frame):,} mappable incidents (load {time.perf_counter() - started:.1f} s)")
    # First, while this process is small: Linux carries a parent's peak RSS into a forked child.
    figures = run_child(Path(__file__), "--dbscan")
    print(
        f"\n## DBSCAN on 1,000,000 points (10 m snapping, eps 100 m): {figures['seconds']:.1f} s, "
        f"peak RSS {figures['peak_mb']:.0f} MB, {figures['locations']:,} distinct locations, "
        f"{figures['clusters']} clusters"
    )
    knox()
    print_study(Path(__file__), CACHE)
    hotspot_maps(frame)
    classification(frame)
    forecasts(frame)
    print(f"\nwhole benchmark {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    if "--dbscan" in sys.argv:
        dbscan_child()
    elif "--hotspot-backtest" in sys.argv:
        cache, scope, crime, method, out = sys.argv[2:7]
        backtest_child(Path(cache), scope, crime, method, Path(out))
    else:
        main()
