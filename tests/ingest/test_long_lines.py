"""A line longer than textstream.MAX_LINE_BYTES is rejected at its line, unread: memory stays
bounded however long it is (the parser needed about 14 times a field's size)."""

import subprocess
import sys
from pathlib import Path

from crimedesk.ingest.pipeline import import_file
from crimedesk.ingest.textstream import MAX_LINE_BYTES
from crimedesk.storage.schema import incidents
from tests.ingest.helpers import count, rejections

ROOT = Path(__file__).resolve().parents[2]


def with_long_field(sample: Path, path: Path, length: int, at: int = 2) -> Path:
    """Four sample rows, the one on line ``at`` with a Description of ``length`` characters."""
    header, *rows = sample.read_text().splitlines()[:5]
    fields = rows[at - 2].split(",")
    fields[6] = "X" * length
    rows[at - 2] = ",".join(fields)
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_a_line_past_the_limit_is_rejected_at_its_line_with_its_start(store, tmp_path, chicago_sample):
    path = with_long_field(chicago_sample, tmp_path / "long.csv", 3 << 20, at=3)
    line = path.read_bytes().splitlines()[2]
    result = import_file(store, path)
    assert (result.counts.rows_read, result.counts.inserted, result.counts.rejected) == (4, 3, 1)
    assert rejections(store, result.import_id) == [
        (3, f"line longer than 1 MB ({len(line):,} bytes)", line[:200].decode() + "...")
    ]
    assert count(store, incidents) == 3


def test_a_line_just_within_the_limit_is_read(store, tmp_path, chicago_sample):
    path = with_long_field(chicago_sample, tmp_path / "within.csv", 1000, at=4)
    short = len(path.read_bytes().splitlines()[3])
    path = with_long_field(chicago_sample, tmp_path / "within.csv", 1000 + MAX_LINE_BYTES - short, at=4)
    assert len(path.read_bytes().splitlines()[3]) == MAX_LINE_BYTES
    result = import_file(store, path)
    assert (result.counts.rows_read, result.counts.rejected) == (4, 1)
    [(line, reasons, _)] = rejections(store, result.import_id)
    assert (line, reasons) == (
        4,
        f"offense_description is {MAX_LINE_BYTES - short + 1000:,} characters (limit 200)",
    )


def test_a_long_last_line_without_a_newline_is_rejected(store, tmp_path, chicago_sample):
    path = with_long_field(chicago_sample, tmp_path / "last.csv", 2 << 20, at=5)
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    result = import_file(store, path)
    assert (result.counts.rows_read, result.counts.inserted, result.counts.rejected) == (4, 3, 1)
    last = path.read_bytes().splitlines()[-1]
    assert [r[:2] for r in rejections(store, result.import_id)] == [
        (5, f"line longer than 1 MB ({len(last):,} bytes)")
    ]


MEASURE = """
import sys
from pathlib import Path
from bench._common import peak_rss_mb
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.engine import make_engine
engine = make_engine(sys.argv[2])
import_file(engine, Path(sys.argv[1]).with_name("small.csv"))  # everything imported and warmed up
before = peak_rss_mb()
result = import_file(engine, sys.argv[1], again=True)
after = peak_rss_mb()
print(result.counts.rejected, int(after - before))
"""


def test_a_100_mb_field_costs_a_bounded_amount_of_memory(tmp_path, chicago_sample):
    path = with_long_field(chicago_sample, tmp_path / "huge.csv", 100 << 20)
    with_long_field(chicago_sample, tmp_path / "small.csv", 10)
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), url], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rejected, grown_mb = map(int, done.stdout.split())
    assert rejected == 1
    assert grown_mb < 100, f"peak memory grew by {grown_mb} MB for a 100 MB field"
