"""The built-in report sections, registered by importing them, and the look-ups over them."""

from __future__ import annotations

from crimedesk.reports.sections import (  # noqa: F401 - each import registers its section
    compstat,
    cover,
    hour_grid,
    incident_list,
    kpis,
    model_card,
    offenses,
    region_map,
    region_pages,
    trend,
)
from crimedesk.reports.sections.base import SECTIONS, Section
from crimedesk.reports.templates import TEMPLATES, Template


def template(name: str) -> Template:
    if name not in TEMPLATES:
        raise ValueError(f"unknown report template {name!r}; choose one of {', '.join(TEMPLATES)}")
    return TEMPLATES[name]


def sections_of(chosen: Template, only: tuple[str, ...] = ()) -> list[Section]:
    """The template's sections in its order (only those named in ``only``, when given)."""
    unknown = set(only) - set(chosen.sections)
    if unknown:
        raise ValueError(f"the {chosen.title} has no section {', '.join(sorted(unknown))}")
    return [SECTIONS[name] for name in chosen.sections if not only or name in only]
