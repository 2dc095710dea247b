"""A keyless, hourly city export with far-off geocodes: import it, then train the risk model.

    .venv/bin/python bench/keyless_risk.py [--months 8] [--every 2]

Issue 21's file: ~86k incidents over eight months, no id column, a date and an hour column,
~0.25 % of points hundreds of km away. Built from the Chicago 2016–17 export (every 2nd incident
of March–October 2016; ids dropped, time cut to the hour, exact repeats and far-off points
injected). It is imported with a keyless mapping without a bbox, then ``risk_gb`` is trained in a
child process, whose peak RSS is the figure (limit 2 GB). The baseline, in the same run: the same
training on the same file imported with a bbox (the far-off points excluded by hand).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import DATA, ROOT

LIMIT_MB = 2048
CHICAGO_BBOX = (-87.95, 41.62, -87.50, 42.05)
TRAIN = """
import sys, time
from bench._common import peak_rss_mb
from crimedesk.models.training import run_experiment
from crimedesk.storage.engine import make_engine
engine = make_engine(sys.argv[1])
started = time.perf_counter()
exp = run_experiment(engine, "risk_gb", {"backtest_origins": "4"})
peak = peak_rss_mb()
print(f"{peak:.0f} {time.perf_counter() - started:.1f} {exp.status}")
"""


def keyless_file(target: Path, months: int, every: int) -> int:
    import pandas as pd

    from tests.keyless_csv import write_keyless_csv

    raw = pd.read_csv(DATA / "chicago_crimes_2016_2017.csv.gz", dtype=str, keep_default_na=False)
    when = pd.to_datetime(raw["Date"], format="%m/%d/%Y %I:%M:%S %p")
    start = pd.Timestamp("2016-03-01")
    keep = (when >= start) & (when < start + pd.DateOffset(months=months))
    chosen = raw[keep].sort_values("Date").iloc[::every].reset_index(drop=True)
    chosen.to_csv(target.with_suffix(".src.csv"), index=False)
    written = write_keyless_csv(target.with_suffix(".src.csv"), target)
    extra = len(chosen) // 400  # about 0.25 % more far-off points, spread over the file
    lat = pd.to_numeric(written["Lat"], errors="coerce")
    spread = lat.dropna().index[:: max(len(lat.dropna()) // extra, 1)][:extra]
    written.loc[spread, "Lat"] = (lat[spread] - 3.5).map(lambda v: f"{v:.6f}")
    written.to_csv(target, index=False)
    return len(written)


def imported_store(folder: Path, csv: Path, bbox: tuple | None) -> tuple[str, str]:
    from crimedesk.ingest.mappings import save_mapping
    from crimedesk.ingest.pipeline import import_file
    from crimedesk.storage.engine import make_engine
    from tests.keyless_csv import MAPPING

    url = f"sqlite:///{folder / ('bbox' if bbox else 'plain')}.sqlite"
    engine = make_engine(url)
    save_mapping(engine, replace(MAPPING, bbox=bbox))
    result = import_file(engine, csv, profile="mapping:" + MAPPING.name)
    engine.dispose()
    return url, result.summary()


def train_in_child(url: str) -> tuple[float, float, str]:
    one_thread = dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1")
    env = {**os.environ, **one_thread, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", TRAIN, url], capture_output=True, text=True, env=env, check=True
    )
    peak, seconds, status = done.stdout.split()[-3:]
    return float(peak), float(seconds), status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=8)
    parser.add_argument("--every", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv = folder / "keyless.csv"
        rows = keyless_file(csv, args.months, args.every)
        print(f"keyless file: {rows:,} rows")
        started = time.perf_counter()
        plain, summary = imported_store(folder, csv, None)
        print(f"import without a bbox ({time.perf_counter() - started:.1f} s): {summary}")
        boxed, summary = imported_store(folder, csv, CHICAGO_BBOX)
        print(f"import with a bbox: {summary}")
        peak, seconds, status = train_in_child(plain)
        base_peak, base_seconds, base_status = train_in_child(boxed)
        print(
            f"risk_gb without a bbox: {status}, {seconds:.1f} s, peak RSS {peak:,.0f} MB (limit {LIMIT_MB:,})"
        )
        print(
            f"risk_gb with a bbox (baseline): {base_status}, {base_seconds:.1f} s, peak RSS {base_peak:,.0f} MB"
        )
        print(f"ratio of peaks: {peak / base_peak:.2f}; within 2 GB: {peak < LIMIT_MB}")


if __name__ == "__main__":
    main()
