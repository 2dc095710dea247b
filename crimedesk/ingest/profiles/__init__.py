"""Import profiles: how a source's columns map onto the canonical incident record.

Profiles register themselves in :data:`crimedesk.ingest.profiles.base.REGISTRY` when their module
is imported; :func:`all_profiles` imports the built-in ones explicitly (no import-time magic).
"""

from crimedesk.ingest.profiles.base import REGISTRY, Profile, normalize_header

__all__ = ["REGISTRY", "Profile", "all_profiles", "normalize_header"]


def all_profiles() -> dict[str, Profile]:
    """The built-in profiles by name (saved generic mappings come from the store)."""
    from crimedesk.ingest.profiles import chicago, nypd, ucr  # noqa: F401 - registers them

    return dict(REGISTRY)
