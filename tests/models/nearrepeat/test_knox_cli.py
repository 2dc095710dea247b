"""`crimedesk models knox`: the filter words select the incidents, the table is the Knox test's."""

from __future__ import annotations

import numpy as np
from typer.testing import CliRunner

from crimedesk.cli import app
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.ingest.pipeline import import_file
from crimedesk.models.frame import incidents_frame
from crimedesk.models.nearrepeat.knox import knox_test


def test_knox_command_prints_the_table_of_the_filtered_incidents(sqlite_store, chicago_sample):
    import_file(sqlite_store, chicago_sample)
    args = ["models", "knox", "--db", str(sqlite_store.url), "--layer", "district", "--regions", "011,008"]
    args += ["--days", "0,1,2", "--distances", "0,200,400", "--permutations", "99", "--seed", "3"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    snapshot = FilterSnapshot(region_layer_id="district", region_ids={"011", "008"}, mappable_only=True)
    with sqlite_store.connect() as conn:
        frame = incidents_frame(conn, snapshot, columns=("occurred_from", "x", "y", "mappable"))
    days = frame["occurred_from"].to_numpy("datetime64[s]").astype(np.int64) / 86_400
    expected = knox_test(frame["x"], frame["y"], days, (0, 200, 400), (0, 1, 2), 99, seed=3)
    assert f"{len(frame):,} incidents, 99 permutations" in result.output
    first = f"{expected.ratio[0, 0]:.2f} (p {expected.p_values[0, 0]:.3f})"
    assert first in result.output and "0–200 m" in result.output and "200–400 m" in result.output


def test_knox_command_explains_bad_filter_words(sqlite_store, chicago_sample):
    import_file(sqlite_store, chicago_sample)
    runner, db = CliRunner(), ["--db", str(sqlite_store.url)]
    result = runner.invoke(app, ["models", "knox", *db, "--regions", "011"])
    assert result.exit_code == 1 and "--regions needs --layer" in result.output
    result = runner.invoke(app, ["models", "knox", *db, "--layer", "beats_2012", "--regions", "1"])
    assert result.exit_code == 1 and "no region layer 'beats_2012'" in result.output
    result = runner.invoke(app, ["models", "knox", *db, "--days", "0,a"])
    assert result.exit_code == 1 and "band edges must be numbers" in result.output


def test_knox_command_takes_hours_and_weekdays(sqlite_store, chicago_sample):
    """``--hours 22-06 --weekdays sun,mon`` keeps the incidents pandas finds in the file itself."""
    import pandas as pd

    import_file(sqlite_store, chicago_sample)
    raw = pd.read_csv(chicago_sample, dtype=str)
    when = pd.to_datetime(raw["Date"], format="%m/%d/%Y %I:%M:%S %p")
    night = (when.dt.hour >= 22) | (when.dt.hour < 6)
    mask = night & when.dt.day_of_week.isin([6, 0]) & raw["Latitude"].notna()
    args = ["models", "knox", "--db", str(sqlite_store.url), "--hours", "22-06", "--weekdays", "sun,Monday"]
    result = CliRunner().invoke(app, [*args, "--days", "0,1", "--distances", "0,500", "--permutations", "9"])
    assert result.exit_code == 0, result.output
    assert mask.sum() > 0 and f"{mask.sum():,} incidents, 9 permutations" in result.output


def test_knox_command_explains_bad_time_words(sqlite_store, chicago_sample):
    import_file(sqlite_store, chicago_sample)
    runner, db = CliRunner(), ["models", "knox", "--db", str(sqlite_store.url)]
    result = runner.invoke(app, [*db, "--hours", "night"])
    assert result.exit_code == 1 and "--hours takes first-end hours" in result.output
    result = runner.invoke(app, [*db, "--hours", "6-6"])
    assert result.exit_code == 1 and "not a range of the day" in result.output
    result = runner.invoke(app, [*db, "--weekdays", "fri,xyz"])
    assert result.exit_code == 1 and "'xyz' is not a day of the week" in result.output
