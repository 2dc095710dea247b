"""The file's bytes as the CSV parser reads them: valid UTF-8 only, lines of bounded length, and
the bytes actually read hashed, so a file that changed under the import is caught.

A few bad lines must not cost the whole file. The parser stops at the first byte that is not
UTF-8, and a NUL is kept by SQLite but refused by PostgreSQL's COPY. So each byte that is not
UTF-8, and each NUL, is handed on as a private-use character (U+F700 + the byte's value); the row
that holds one is rejected after parsing (:func:`unreadable_reasons`) and its raw text shows the
byte as ``\\xNN`` (:func:`escaped`). The common case costs two scans of each block (``isascii``
and a search for NUL) and a search for one newline per half megabyte.

A line longer than ``MAX_LINE_BYTES`` is not held in memory (the parser needs many times a field's
size): it is replaced by a one-field marker line, which the parser reports as a malformed row, and
rejected with its first characters and its length.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from collections import deque
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MAX_LINE_BYTES = 1 << 20
_WINDOW = MAX_LINE_BYTES // 2  # a longer line covers a whole window: a window without "\n" finds it
PLACEHOLDER = 0xF700  # byte b, NUL or not UTF-8, is read as chr(PLACEHOLDER + b)
LONG_LINE = "\uf6ff"  # a marker line: LONG_LINE + its number in TextStream.long_lines
EXCERPT_CHARS = 200
EXCERPT_BYTES = EXCERPT_CHARS * 4
_BAD_CHARS = re.compile("[\x00\udc80-\udcff]")
_PLACEHOLDERS = re.compile("[\uf700-\uf7ff]")
# C0 and C1 controls but tab and line ends, line and paragraph separators, bidirectional controls
CONTROL_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069\uf700-\uf7ff"
_CONTROL = re.compile(f"[{CONTROL_CHARS}]")
_PLACEHOLDER_PATTERN = "[\uf700-\uf7ff]"


@dataclass(frozen=True)
class LongLine:
    excerpt: str
    length: int


class HashingReader(io.RawIOBase):
    """Reads a binary file, keeping the count and the sha256 of the bytes read."""

    def __init__(self, raw: io.BufferedReader) -> None:
        super().__init__()
        self.raw, self.size, self.digest = raw, 0, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self._count(data)
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = self.raw.readinto(buffer)
        self._count(memoryview(buffer)[:count])
        return count

    def _count(self, data: bytes | memoryview) -> None:
        self.size += len(data)
        self.digest.update(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


class TextStream:
    """A binary stream for the CSV parser over ``text`` (the file's text, maybe gunzipped).

    Reads may be shorter than asked (Arrow gathers its blocks itself): clean lines are handed on
    as views of the bytes read, not copied.
    """

    def __init__(self, text: BinaryIO, chunk_bytes: int, encoding: str = "utf-8") -> None:
        """``encoding``: the file's (textformat.ENCODINGS); other than UTF-8 it is decoded here."""
        self.text, self.chunk_bytes = text, chunk_bytes
        self.encoding, self.decoder = encoding, _decoder(encoding)
        self.pieces: deque[bytes | memoryview] = deque()  # ready for the parser, in order
        self.carry = b""  # the start of a line whose end is not read yet
        self.skipping: bytes | None = None  # the start of a long line being passed over
        self.skipped = 0  # bytes of that long line so far
        self.long_lines: list[LongLine] = []
        self.replaced = False  # a NUL or a byte that is not UTF-8 was read
        self.done = False

    def read(self, size: int = -1) -> bytes | memoryview:
        while not self.pieces and not self.done:
            self._fill()
        if not self.pieces:
            return b""
        piece = self.pieces.popleft()
        if 0 <= size < len(piece):
            self.pieces.appendleft(memoryview(piece)[size:])
            return memoryview(piece)[:size]
        return piece

    def close(self) -> None:
        self.text.close()

    @property
    def closed(self) -> bool:
        return self.text.closed

    def _fill(self) -> None:
        """Read the next chunk after the carried start of a line, and take it."""
        data: bytes | bytearray
        if self.decoder is None:
            data, read = self._read_after_carry()
        else:
            raw = self.text.read(self.chunk_bytes)
            data, read = self.carry + _utf8(self.decoder.decode(raw, final=not raw)), bool(raw)
        self.carry = b""
        self._take(data)
        if not read:
            self._finish()

    def _read_after_carry(self) -> tuple[bytearray, bool]:
        """The carry and the next chunk in one buffer of at most a chunk (unless the carry is
        longer), read in place: not joined by a copy, and handed on whole by one ``read``."""
        kept = len(self.carry)
        buffer = bytearray(max(self.chunk_bytes, kept + (1 << 16)))
        buffer[:kept] = self.carry
        with memoryview(buffer) as view:
            count = self.text.readinto(view[kept:]) or 0  # type: ignore[attr-defined]
        del buffer[kept + count :]
        return buffer, count > 0

    def _take(self, data: bytes | bytearray) -> None:
        """The text from the carried start of a line on, as UTF-8 (bad bytes not yet replaced)."""
        start = 0
        if self.skipping is not None:
            start = data.find(b"\n") + 1
            if not start:
                self.skipped += len(data)
                return
            self._end_long_line(bytes(data[:start]))
        cut = data.rfind(b"\n") + 1
        if cut > start:
            self._emit_lines(data, start, cut)
        self.carry = bytes(data[max(cut, start) :])
        if len(self.carry) > MAX_LINE_BYTES:  # a long line has begun: its bytes are passed over
            self.skipping, self.skipped, self.carry = self.carry[:EXCERPT_BYTES], len(self.carry), b""

    def _emit_lines(self, data: bytes | bytearray, start: int, end: int) -> None:
        """``data[start:end]``, complete lines: not copied when all of ``data`` is plain ASCII
        without NUL and none of these lines is too long."""
        if data.isascii() and b"\x00" not in data and not _may_hold_long_line(data, start, end):
            self.pieces.append(memoryview(data)[start:end])
        else:
            self._emit(bytes(data[start:end]))

    def _finish(self) -> None:
        """The end of the file: the last line, if it has no newline."""
        self.done = True
        if self.skipping is not None:
            self._end_long_line(b"")
        elif self.carry:
            self._emit(self.carry)
        self.carry = b""

    def _end_long_line(self, rest: bytes) -> None:
        """The long line ends in ``rest`` (with its newline, if any): a marker stands for it."""
        start = self.skipping or b""
        excerpt = escaped(_cleaned(start)[0].decode("utf-8", "replace"))[:EXCERPT_CHARS]
        length = self.skipped + len(rest.rstrip(b"\r\n"))
        self.long_lines.append(LongLine(excerpt, length))
        self.pieces.append(f"{LONG_LINE}{len(self.long_lines) - 1}\n".encode())
        self.skipping, self.skipped = None, 0

    def _emit(self, lines: bytes) -> None:
        """Complete lines: any longer than the limit replaced by a marker, the rest cleaned."""
        if len(lines) > MAX_LINE_BYTES and _may_hold_long_line(lines, 0, len(lines)):
            for line in re.findall(b"[^\n]*\n|[^\n]+$", lines):  # lines end at "\n"
                if len(line.rstrip(b"\r\n")) > MAX_LINE_BYTES:
                    self.skipping, self.skipped = line[:EXCERPT_BYTES], 0
                    self._end_long_line(line)
                else:
                    self._append(line)
            return
        self._append(lines)

    def _append(self, lines: bytes) -> None:
        text, replaced = _cleaned(lines)
        self.replaced |= replaced
        if text:
            self.pieces.append(text)


def _decoder(encoding: str) -> codecs.IncrementalDecoder | None:
    """None for UTF-8 (Arrow skips a byte-order mark itself); a byte that a single-byte encoding
    does not define is kept as it is (then replaced like any byte that is not UTF-8)."""
    if encoding in ("utf-8", "utf-8-sig"):
        return None
    return codecs.getincrementaldecoder(encoding)("replace" if "16" in encoding else "surrogateescape")


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _may_hold_long_line(data: bytes | bytearray, start: int, end: int) -> bool:
    """Whether ``data[start:end]`` may hold a line over the limit: some window has no newline."""
    return any(data.find(b"\n", at, min(at + _WINDOW, end)) < 0 for at in range(start, end, _WINDOW))


def _cleaned(data: bytes) -> tuple[bytes, bool]:
    """``data`` as UTF-8 with each NUL and each byte that is not UTF-8 as a placeholder, and whether
    there was any."""
    if data.isascii() and b"\x00" not in data:
        return data, False
    text = data.decode("utf-8", "surrogateescape")
    if not _BAD_CHARS.search(text):
        return data, False
    return _BAD_CHARS.sub(_private_use_char, text).encode("utf-8"), True


def _private_use_char(match: re.Match[str]) -> str:
    """The private-use character standing for one undecodable byte or control character, so that
    ``escaped`` can write it back as ``\\xNN``."""
    code = ord(match.group())
    return chr(PLACEHOLDER + (code - 0xDC00 if code >= 0xDC00 else code))


def escaped(text: str) -> str:
    """``text`` with control characters and placeholders written as ``\\xNN`` (``\\uNNNN``
    beyond Latin-1), so it is safe to show on a terminal or in a table."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code >= PLACEHOLDER:
        return f"\\x{code - PLACEHOLDER:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def byte_reason(text: str, encoding: str = "utf-8") -> str | None:
    """Why a row holding a placeholder is rejected (its first one named), or None."""
    found = _PLACEHOLDERS.search(text)
    if found is None:
        return None
    byte = ord(found.group()) - PLACEHOLDER
    shown = "UTF-8" if encoding.startswith("utf-8") else encoding
    return "holds a NUL byte" if byte == 0 else f"not {shown} text (byte 0x{byte:02x})"


def unreadable_rows(raw: pa.RecordBatch) -> np.ndarray:
    """Rows of ``raw`` that hold a placeholder in any field."""
    rows = np.zeros(raw.num_rows, dtype=bool)
    for column in raw.columns:
        found = pc.match_substring_regex(column, _PLACEHOLDER_PATTERN)
        rows |= np.asarray(pc.fill_null(found, False), dtype=bool)
    return rows
