"""Each bad file gives a clear error or clean rejections, never a crash or a partial import."""

import gzip
from pathlib import Path

import pytest

from crimedesk.domain.errors import ImportFileError, ProfileNotFoundError
from crimedesk.ingest import source
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.schema import imports, incidents
from tests.ingest.helpers import count, rejected_count, rejections

BAD = Path(__file__).resolve().parents[1] / "bad_files"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "the file is empty"),
        ("header_only.csv", "header but no data rows"),
        ("binary_garbage.csv", "not a text CSV file"),
    ],
)
def test_unreadable_files_name_the_problem_and_change_nothing(store, name, message):
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_file(store, BAD / name)
    assert count(store, incidents) == 0
    assert rejected_count(store) == 0


def test_a_header_without_a_line_break_is_a_header_without_data(store, tmp_path, chicago_sample):
    path = tmp_path / "header_only_no_newline.csv"
    path.write_text(chicago_sample.read_text().partition("\n")[0])
    with pytest.raises(ImportFileError, match="the file has a header but no data rows"):
        import_file(store, path)
    assert count(store, incidents) == 0


def test_missing_columns_are_named(store):
    with pytest.raises(ProfileNotFoundError) as error:
        import_file(store, BAD / "missing_columns.csv")
    assert "chicago (Chicago Data Portal crimes export): missing date, primary_type" in str(error.value)
    assert count(store, imports) == 0


def test_bom_is_ignored(store):
    result = import_file(store, BAD / "bom_utf8.csv")
    assert (result.profile, result.counts.inserted, result.counts.rejected) == ("chicago", 20, 0)


def test_truncated_last_line_is_rejected_with_its_text(store):
    result = import_file(store, BAD / "truncated_last_line.csv")
    assert (result.counts.rows_read, result.counts.inserted, result.counts.rejected) == (20, 19, 1)
    [(line, reasons, raw)] = rejections(store, result.import_id)
    last = (BAD / "truncated_last_line.csv").read_text().splitlines()[-1]
    assert (line, reasons, raw) == (21, "expected 22 fields, found 9", last)


def test_quoted_newlines_are_kept_and_lines_counted_physically(store):
    result = import_file(store, BAD / "embedded_newlines.csv")
    assert result.counts.reconciles() and result.counts.inserted == 20
    assert rejections(store, result.import_id) == [(16, "expected 22 fields, found 3", "too,few,fields")]
    assert count(store, incidents, incidents.c.block == "012XX W\nMADISON\nST") == 1


def test_unquoted_newline_rejects_the_pieces_at_their_lines(store):
    result = import_file(store, BAD / "unquoted_newline.csv")
    assert (result.counts.rows_read, result.counts.inserted, result.counts.rejected) == (21, 19, 2)
    assert [r[0] for r in rejections(store, result.import_id)] == [5, 6]


def test_mixed_date_formats_are_rejected_row_by_row(store):
    result = import_file(store, BAD / "mixed_date_formats.csv")
    assert (result.counts.inserted, result.counts.rejected) == (13, 7)
    reasons = [r[1] for r in rejections(store, result.import_id)]
    mismatch = "does not match MM/DD/YYYY hh:mm:ss AM, this file's format (accepted, one per file: "
    mismatch += "MM/DD/YYYY hh:mm:ss AM, YYYY-MM-DDTHH:mm:ss)"
    assert reasons == [
        f"occurred '2017-01-01 10:00:00' {mismatch}",
        f"occurred '1/2/17 3:15 PM' {mismatch}",
        "occurred '02/30/2017 10:00:00 AM' is not a real date",
        f"occurred '01/02/2017 10:00' {mismatch}",
        "occurred is missing",
        "occurred is before 1900",
        "occurred is in the future",
    ]


def test_a_10_mb_field_is_rejected_at_its_line_not_crashed(store, tmp_path, chicago_sample):
    lines = chicago_sample.read_text().splitlines()
    fields = lines[1].split(",")
    fields[6] = "X" * (10 * 1024 * 1024)  # Description
    path = tmp_path / "huge_field.csv"
    path.write_text("\n".join([lines[0], lines[2], ",".join(fields), lines[3]]) + "\n")
    result = import_file(store, path)
    assert (result.counts.rows_read, result.counts.inserted, result.counts.rejected) == (3, 2, 1)
    [(line, reasons, _)] = rejections(store, result.import_id)
    assert (line, reasons) == (3, f"line longer than 1 MB ({len(','.join(fields)):,} bytes)")


def test_rejected_rows_keep_their_lines_when_the_parser_reports_a_malformed_record_early(
    store, tmp_path, chicago_sample, monkeypatch
):
    """The parser reports a block's malformed records while the previous block is still being
    handed out; the good rows of that block must not be numbered as if they came after them."""
    monkeypatch.setattr(source, "BLOCK_SIZE", 8192)  # about 30 rows a block
    header, *rows = chicago_sample.read_text().splitlines()[:301]
    rows[50] += ",extra"  # line 52, in the second block
    undated = rows[58].split(",")
    undated[2] = "not a date"  # line 60, a good record of the same block
    rows[58] = ",".join(undated)
    path = tmp_path / "early_report.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    result = import_file(store, path)
    assert (result.counts.rows_read, result.counts.rejected) == (300, 2)
    assert [r[0] for r in rejections(store, result.import_id)] == [52, 60]


def test_a_long_row_deep_in_the_file_makes_the_reader_start_over_without_losing_or_repeating_rows(
    store, tmp_path, chicago_sample, monkeypatch
):
    monkeypatch.setattr(source, "BLOCK_SIZE", 8192)  # about 30 rows a block; 100 KB needs 128 KB blocks
    header, *rows = chicago_sample.read_text().splitlines()[:301]
    long_row = rows[200].split(",")
    long_row[6] = "X" * 100_000  # Description, longer than its column allows: rejected, on line 202
    rows[200] = ",".join(long_row)
    rows[50] += ",extra"  # malformed rows before (line 52) and after (line 252) the long one
    rows[250] += ",extra"
    path = tmp_path / "long_row.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    result = import_file(store, path)
    assert (result.counts.rows_read, result.counts.unchanged, result.counts.rejected) == (300, 0, 3)
    assert [r[0] for r in rejections(store, result.import_id)] == [52, 202, 252]
    assert count(store, incidents) == result.counts.inserted == 297


def test_a_row_longer_than_the_largest_block_is_an_error_and_changes_nothing(
    store, tmp_path, chicago_sample, monkeypatch
):
    monkeypatch.setattr(source, "BLOCK_SIZE", 256 << 10)
    monkeypatch.setattr(source, "MAX_BLOCK_SIZE", 1 << 20)
    header, *rows = chicago_sample.read_text().splitlines()[:4]
    long_row = rows[1].split(",")
    long_row[6] = '"' + ("X" * 1000 + "\n") * 2100 + '"'  # 2 MB over lines of 1 KB each
    path = tmp_path / "too_long.csv"
    path.write_text("\n".join([header, rows[0], ",".join(long_row), rows[2]]) + "\n")
    with pytest.raises(ImportFileError, match="a quoted field never closes, or one row is longer than 1 MB"):
        import_file(store, path)
    assert count(store, incidents) == 0


def test_a_damaged_gzip_is_an_error_and_changes_nothing(store, tmp_path, chicago_full):
    damaged = tmp_path / "cut.csv.gz"
    damaged.write_bytes(chicago_full.read_bytes()[:300_000])
    with pytest.raises(
        ImportFileError,
        match=r"cut\.csv\.gz: damaged gzip file \(Compressed file ended before the end-of-stream marker",
    ):
        import_file(store, damaged)
    assert count(store, incidents) == 0


def test_gzip_is_known_by_its_content_not_its_name(store, tmp_path, chicago_sample):
    plain = import_file(store, chicago_sample).counts
    gzipped = tmp_path / "export.csv"  # compressed, named as plain text
    gzipped.write_bytes(gzip.compress(chicago_sample.read_bytes()))
    named_gz = tmp_path / "export.csv.gz"  # plain text, named as compressed
    named_gz.write_bytes(chicago_sample.read_bytes())
    for path in (gzipped, named_gz):
        counts = import_file(store, path, again=True).counts  # the same rows again: every one unchanged
        assert (counts.rows_read, counts.unchanged) == (plain.rows_read, plain.inserted)
    assert count(store, incidents) == plain.inserted


def test_a_quote_that_never_closes_swallows_into_one_rejected_record(store, tmp_path, chicago_sample):
    lines = chicago_sample.read_text().splitlines()
    broken = lines[2].replace(",", ',"', 3)  # an opening quote in the Block field, never closed
    path = tmp_path / "unclosed.csv"
    path.write_text("\n".join([lines[0], lines[1], broken, lines[3]]) + "\n")
    result = import_file(store, path)
    assert result.counts.reconciles() and result.counts.inserted == 1 and result.counts.rejected == 1
    [(line, reasons, raw)] = rejections(store, result.import_id)
    assert line == 3 and reasons.startswith("expected 22 fields") and lines[3][:20] in raw
