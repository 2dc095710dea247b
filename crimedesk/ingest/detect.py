"""Pick the profile for a file from its header, or explain what is missing."""

from __future__ import annotations

from crimedesk.domain.errors import ProfileNotFoundError
from crimedesk.ingest.profiles.base import Profile, normalize_header


def detect_profile(header: tuple[str, ...], profiles: dict[str, Profile]) -> Profile:
    """The profile whose required columns are all present, preferring the one that reads most."""
    names = {normalize_header(h) for h in header}
    fitting = [p for p in profiles.values() if not p.missing_columns(names)]
    if fitting:
        return max(fitting, key=lambda p: (len(p.known_columns() & names), p.name))
    lines = [
        f"  {p.name} ({p.title}): missing {', '.join(p.missing_columns(names))}"
        for p in sorted(profiles.values(), key=lambda p: len(p.missing_columns(names)))
    ]
    raise ProfileNotFoundError(
        "no import profile fits this file's columns "
        f"({', '.join(header[:12])}{', ...' if len(header) > 12 else ''}).\n"
        + "\n".join(lines)
        + "\nUse a generic column mapping for other layouts."
    )
