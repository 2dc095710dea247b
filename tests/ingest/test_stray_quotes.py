"""A stray quote must not swallow the records after it without a word: the record it opens is
rejected, saying how many lines it swallowed, and mending the quote brings those records in.

The file is the Chicago sample without its quoted Location column, so the only quotes left are
those of the few descriptions holding a comma."""

import csv
import io

import pytest

from crimedesk.ingest.pipeline import import_file
from tests.ingest.helpers import rejections


def _sample_lines(chicago_sample) -> list[str]:
    rows = list(csv.reader(chicago_sample.read_text(encoding="utf-8").splitlines()))
    location = rows[0].index("Location")
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(row[:location] + row[location + 1 :] for row in rows)
    return text.getvalue().splitlines()


def _with_stray_quote(lines: list[str], line: int, field: int) -> list[str]:
    fields = next(csv.reader([lines[line - 1]]))
    fields[field] = '"SEE REPORT'
    return [*lines[: line - 1], ",".join(fields), *lines[line:]]  # written raw: no quote doubled


@pytest.mark.parametrize(
    ("opened_at", "field"),
    [(102, 7), (2400, -1)],
    ids=["closed by a later quoted field", "never closed, in the last field"],
)
def test_a_stray_quote_rejects_its_record_saying_what_it_swallowed(
    store, chicago_sample, tmp_path, opened_at, field
):
    lines = _sample_lines(chicago_sample)
    later_quotes = [n for n, text in enumerate(lines, start=1) if n > opened_at and '"' in text]
    last = later_quotes[0] if later_quotes else len(lines)
    swallowed = last - opened_at
    assert swallowed > 20
    path = tmp_path / "stray_quote.csv"
    path.write_text("\n".join(_with_stray_quote(lines, opened_at, field)) + "\n", encoding="utf-8")
    result = import_file(store, path)
    counts = result.counts
    assert counts.reconciles()
    assert (counts.rows_read, counts.rejected) == (len(lines) - 1 - swallowed, 1)
    [(line, reasons, raw)] = rejections(store, result.import_id)
    # the swallowed lines are all in it, to be mended (at the end of the file, its last newline too)
    assert line == opened_at and raw.rstrip('"').rstrip("\n").count("\n") == swallowed
    assert f"a quoted field in it runs over the next {swallowed:,} lines, " in reasons
    assert "a stray or unclosed quote?" in reasons
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")  # the quote mended
    again = import_file(store, path).counts
    assert (again.inserted, again.unchanged, again.rejected) == (swallowed + 1, counts.inserted, 0)


def test_a_field_holding_line_breaks_of_free_text_is_kept(store, chicago_sample, tmp_path):
    lines = _sample_lines(chicago_sample)
    fields = next(csv.reader([lines[101]]))
    fields[7] = "PARKING LOT\nNEAR THE ALLEY, BEHIND THE STORE\nWEST SIDE, BY THE GATE"
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerow(fields)
    (tmp_path / "narrative.csv").write_text(
        "\n".join([*lines[:101], text.getvalue().rstrip("\n"), *lines[102:]])
    )
    result = import_file(store, tmp_path / "narrative.csv")
    assert (result.counts.inserted, result.counts.rejected) == (len(lines) - 1, 0)
