"""The section registry (it imports no section; :mod:`crimedesk.reports.catalog` lists them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.platypus import Flowable

from crimedesk.reports.context import ReportContext

Build = Callable[[ReportContext], list[Flowable]]


@dataclass(frozen=True)
class Section:
    """``build`` reads the store through the same analytics functions as the dashboard."""

    name: str
    title: str
    build: Build


SECTIONS: dict[str, Section] = {}


def register(name: str, title: str) -> Callable[[Build], Build]:
    def add(build: Build) -> Build:
        if name in SECTIONS:
            raise ValueError(f"report section {name!r} registered twice")
        SECTIONS[name] = Section(name, title, build)
        return build

    return add
