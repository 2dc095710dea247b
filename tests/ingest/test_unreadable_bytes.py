"""Bytes that are not text, deep in a file, cost their rows only: each is rejected at its line
with its reason and escaped text, and every good row is imported, on either store and in either
reading path (in this process, or in the reading process for large files)."""

import random
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from crimedesk.ingest import pipeline
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.schema import incidents
from tests.ingest.helpers import count, import_row, rejections

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
COPIES = 3  # the sample three times over: the damage lies past the first megabyte


def garbage_line(rng: random.Random) -> bytes:
    """200 random bytes, none a newline or a quote (a quote could join garbage lines into one)."""
    allowed = [b for b in range(256) if b not in b'\r\n"']
    return bytes(rng.choice(allowed) for _ in range(200))


def garbage_lines() -> list[bytes]:
    rng = random.Random(13)
    return [garbage_line(rng) for _ in range(10)]


def garbage_reasons(line: bytes) -> str:
    """The parser's count of fields, and the first byte that is a NUL or not UTF-8."""
    first = next(ch for ch in line.decode("utf-8", "surrogateescape") if ch == "\x00" or ch >= "\udc80")
    byte = "holds a NUL byte" if first == "\x00" else f"not UTF-8 text (byte 0x{ord(first) - 0xDC00:02x})"
    return f"expected 22 fields, found {line.count(b',') + 1}; {byte}"


def in_block(line: bytes, byte: bytes) -> bytes:
    """``line`` with ``byte`` after the first three characters of its Block field (the 4th)."""
    fields = line.split(b",", 4)
    fields[3] = fields[3][:3] + byte + fields[3][3:]
    return b",".join(fields)


def damaged_file(sample: Path, tmp_path: Path) -> tuple[Path, list[int], int]:
    """The sample repeated, a cp1252 byte and a NUL in two rows of the last copy, ten garbage lines
    at the end. Returns the path, the damaged lines and the number of good rows."""
    header, *rows = sample.read_bytes().splitlines()
    lines = [header] + rows * COPIES
    latin, nul = len(lines) - 100, len(lines) - 50  # 0-based indexes: their line numbers are one more
    lines[latin] = in_block(lines[latin], b"\xc9")
    lines[nul] = in_block(lines[nul], b"\x00")
    garbage = garbage_lines()
    path = tmp_path / "damaged.csv"
    path.write_bytes(b"\n".join(lines + garbage) + b"\n")
    assert path.read_bytes().index(b"\xc9") > 1 << 20
    damaged = [latin + 1, nul + 1, *range(len(lines) + 1, len(lines) + 11)]
    return path, damaged, len(rows) * COPIES - 2


@pytest.mark.parametrize("reading", ["inline", "child"])
def test_bad_bytes_past_the_first_megabyte_reject_their_rows_only(
    store, tmp_path, chicago_sample, monkeypatch, reading
):
    if reading == "child":
        monkeypatch.setattr(pipeline, "READ_IN_PROCESS_ROWS", 0)
    path, damaged, good = damaged_file(chicago_sample, tmp_path)
    result = import_file(store, path)
    assert import_row(store, result.import_id).status == "ok"
    assert (result.counts.rows_read, result.counts.rejected) == (good + 12, 12)
    assert (
        result.counts.inserted == count(store, incidents) == len(chicago_sample.read_text().splitlines()) - 1
    )
    listed = rejections(store, result.import_id)  # the later copies are listed as duplicates too
    rejected = [row for row in listed if not row[1].startswith("duplicate: ")]
    assert len(listed) - len(rejected) == result.counts.duplicates == good - result.counts.inserted
    assert [line for line, _, _ in rejected] == damaged
    (_, latin_reason, latin_raw), (_, nul_reason, nul_raw) = rejected[:2]
    lines = path.read_bytes().splitlines()
    assert latin_reason == "not UTF-8 text (byte 0xc9)"
    assert latin_raw == lines[damaged[0] - 1].replace(b"\xc9", b"\\xc9").decode()
    assert nul_reason == "holds a NUL byte"
    assert nul_raw == lines[damaged[1] - 1].replace(b"\x00", b"\\x00").decode()
    assert [reasons for _, reasons, _ in rejected[2:]] == [garbage_reasons(g) for g in garbage_lines()]
    for _, _, raw in rejected:
        assert not CONTROL.search(raw), raw  # no control character reaches a terminal or the store
    with store.connect() as conn:
        blocks = conn.execute(select(incidents.c.block)).scalars().all()
    assert not [block for block in blocks if re.search("[\x00\uf700-\uf7ff]", block)]  # NULs, placeholders
