"""Records that a stray quote swallowed: a quoted field running over lines that hold whole records.

A quote opened by mistake (``,"see report`` and no closing quote) makes the CSV parser read every
following line as part of that one field, up to the next quote or the end of the file. The records
on those lines never reach validation: the import held fewer rows than the file, with nothing said
when the field count still came out right, and a puzzling "expected 22 fields, found 9" when not.
A record whose embedded lines split into a whole record's fields is taken for such a run: it is
rejected with a reason saying so, so the rows inside are accounted for and the analyst can mend
the quote and import the file again (the rest comes back unchanged).
"""

from __future__ import annotations

import csv

MIN_FIELDS = 3  # with one or two columns, any line of free text could pass for a record


def record_like_lines(text: str, delimiter: str, fields: int) -> int:
    """How many lines of ``text`` after its first split into at least ``fields`` fields."""
    if fields < MIN_FIELDS or "\n" not in text:
        return 0
    following = text.split("\n")[1:]
    return sum(len(parsed) >= fields for parsed in csv.reader(following, delimiter=delimiter))


def stray_quote_reason(newlines: int, record_like: int) -> str:
    return (
        f"a quoted field in it runs over the next {newlines:,} lines, {record_like:,} of which look"
        " like records of their own: a stray or unclosed quote? None of them was imported; mend the"
        " quote and import the file again"
    )
