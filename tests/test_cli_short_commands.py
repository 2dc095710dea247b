"""Short commands load only their own module: `stats` and `imports` stay under 100 MB (issue 20).

Each runs in its own process, which reports its own peak (VmHWM) and whether anything of the
import pipeline, pandas or the GIS stack was loaded.
"""

import json
import subprocess
import sys

import pytest

from crimedesk.ingest.pipeline import import_file

LIMIT_MB = 100
HEAVY = ("pandas", "pyproj", "shapely", "geopandas", "crimedesk.ingest.pipeline", "sklearn", "reportlab")
RUN = """
import atexit, json, sys
from bench._common import peak_rss_mb

def report():
    heavy = [name for name in {heavy!r} if name in sys.modules]
    print(json.dumps({{"peak_mb": peak_rss_mb(), "heavy": heavy}}), file=sys.stderr)

atexit.register(report)
sys.argv = ["crimedesk", *{argv!r}]
from crimedesk.cli import app
app()
"""


def _run(argv: list[str]) -> tuple[str, dict]:
    done = subprocess.run(
        [sys.executable, "-c", RUN.format(heavy=HEAVY, argv=argv)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.slow
def test_stats_and_imports_of_the_full_chicago_file_stay_under_100_mb(store, chicago_full):
    result = import_file(store, chicago_full)
    url = store.url.render_as_string(hide_password=False)
    stats_out, stats = _run(["stats", "--db", url])
    imports_out, imports = _run(["imports", "--db", url])
    print(f"stats {stats['peak_mb']:.0f} MB, imports {imports['peak_mb']:.0f} MB")
    assert f"incidents: {result.counts.inserted:,}" in stats_out
    assert f"{result.counts.rows_read:,} read" in imports_out
    assert stats["heavy"] == [] and imports["heavy"] == []
    assert stats["peak_mb"] < LIMIT_MB and imports["peak_mb"] < LIMIT_MB


def test_every_command_loads_and_lists_its_help():
    from typer.testing import CliRunner

    from crimedesk.cli import _Commands, app

    assert app.registered_groups == [] and app.registered_commands == []  # every command is lazy
    runner = CliRunner()
    listed = runner.invoke(app, ["--help"], env={"COLUMNS": "200"}, prog_name="crimedesk")
    assert listed.exit_code == 0, listed.output
    for name in _Commands.LAZY:
        assert name in listed.output
        shown = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"}, prog_name="crimedesk")
        assert shown.exit_code == 0, (name, shown.output)
        assert f"crimedesk {name}" in shown.output
