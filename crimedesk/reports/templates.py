"""The report templates: a title and the sections it is made of (by registered name)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    sections: tuple[str, ...]


TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template(
            "compstat",
            "CompStat report",
            ("cover", "kpis", "trend", "hour_grid", "compstat", "offenses", "map", "region_pages"),
        ),
        Template("incidents", "Incident list", ("cover", "incident_list")),
        Template("model", "Model report", ("model_card",)),
    )
}
