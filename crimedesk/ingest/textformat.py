"""A text file's encoding and delimiter: sniffed from its first megabyte, or as the analyst says.

Encodings: UTF-8 (with or without a byte-order mark), UTF-16 (with a byte-order mark, or little-
or big-endian without one, known by its zero bytes), and otherwise Windows-1252: Latin-1 differs
from it only by control characters that no text holds, so it is used only when chosen, and the
five bytes 1252 leaves undefined reject their rows. A head that holds any valid UTF-8 multi-byte
character is UTF-8, even with a few bad bytes (those rows are rejected): a damaged UTF-8 file is
not misread as 1252.
Delimiters: comma, semicolon, tab or bar, the one the header line holds most of.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from crimedesk.domain.errors import ImportFileError

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1")
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "bar": "|", "pipe": "|"}
UTF8_BOM = b"\xef\xbb\xbf"
ZIP_MAGIC = b"PK\x03\x04"
_MULTIBYTE = re.compile("[\u0080-\udc7f\udd00-\U0010ffff]")  # decoded non-ASCII, not an escaped byte


@dataclass(frozen=True)
class TextFormat:
    encoding: str  # a name from ENCODINGS
    delimiter: str

    def describe(self) -> str:
        shown = {"\t": "tab"}.get(self.delimiter, repr(self.delimiter))
        return f"{self.encoding}, delimiter {shown}"


def chosen_encoding(name: str | None) -> str | None:
    """The codec name for what the analyst typed (``cp1252``, ``UTF-16``, ``latin1``...)."""
    if name is None:
        return None
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        canonical = ""
    aliases = {"iso8859-1": "latin-1", "utf-16le": "utf-16-le", "utf-16be": "utf-16-be"}
    canonical = aliases.get(canonical, canonical)
    if canonical not in ENCODINGS:
        raise ImportFileError(f"unknown or unsupported encoding {name!r}; use one of {', '.join(ENCODINGS)}")
    return canonical


def chosen_delimiter(text: str | None) -> str | None:
    if text is None:
        return None
    delimiter = DELIMITER_NAMES.get(text.lower(), text)
    if delimiter not in DELIMITERS:
        raise ImportFileError(f"unsupported delimiter {text!r}; use ',', ';', tab or '|'")
    return delimiter


def sniff_encoding(head: bytes) -> str:
    if head.startswith(UTF8_BOM):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:2000]
    if sample and sample[1::2].count(0) > len(sample) // 4 and not sample[0::2].count(0):
        return "utf-16-le"
    if sample and sample[0::2].count(0) > len(sample) // 4 and not sample[1::2].count(0):
        return "utf-16-be"
    decoded = head.decode("utf-8", "surrogateescape")
    return "utf-8" if head.isascii() or _MULTIBYTE.search(decoded) else "cp1252"


def decoded_head(head: bytes, encoding: str) -> str:
    """The first megabyte as text; a character cut by its end is left out, a bad byte kept escaped."""
    decoder = codecs.getincrementaldecoder(encoding)("surrogateescape" if "16" not in encoding else "replace")
    return decoder.decode(head, final=False)


def sniff_delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def is_workbook(head: bytes) -> bool:
    """An Excel workbook (.xlsx), whatever its name: a zip whose first entries name ``xl/workbook.xml``."""
    return head.startswith(ZIP_MAGIC) and b"xl/workbook.xml" in head
