"""The contract every registered import profile keeps (a profile added later is checked too):
it is detected from its own header, written as the profile declares it; a header with one of its
required columns missing is refused with that column named; another profile's header is not taken
for it."""

from __future__ import annotations

import pytest

from crimedesk.domain.errors import ProfileNotFoundError
from crimedesk.ingest.detect import detect_profile
from crimedesk.ingest.profiles import all_profiles

PROFILES = all_profiles()


def _header(name: str) -> tuple[str, ...]:
    """Every column the profile reads, spelled as a source would (upper case, spaces)."""
    return tuple(column.replace("_", " ").upper() for column in sorted(PROFILES[name].known_columns()))


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_a_profile_is_detected_from_its_own_header(name: str) -> None:
    assert detect_profile(_header(name), PROFILES).name == name


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_a_header_missing_a_required_column_is_refused_naming_it(name: str) -> None:
    dropped = PROFILES[name].required[0]
    header = tuple(column for column in _header(name) if column != dropped.replace("_", " ").upper())
    with pytest.raises(ProfileNotFoundError, match=rf"{name} \(.*\): missing {dropped}"):
        detect_profile(header, PROFILES)


PAIRS = [(name, foreign) for name in sorted(PROFILES) for foreign in sorted(PROFILES) if name != foreign]


@pytest.mark.parametrize(("name", "foreign"), PAIRS)
def test_a_foreign_header_is_not_taken_for_this_profile(name: str, foreign: str) -> None:
    try:
        detected = detect_profile(_header(foreign), {name: PROFILES[name]})
    except ProfileNotFoundError:
        return
    pytest.fail(f"{name} took {foreign}'s header for its own (detected {detected.name})")
