"""The CompStat PDF says what the dashboard says: its text holds the same KPI numbers and CompStat
cells as the analytics functions the dashboard calls, for the same filters."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from crimedesk.analytics.compstat import PERIODS, compstat
from crimedesk.analytics.incident_table import TABLE_COLUMNS
from crimedesk.analytics.kpis import COUNTS, kpis
from crimedesk.analytics.mirror import AnalyticsMirror
from crimedesk.auth import audit
from crimedesk.auth.roles import Role
from crimedesk.auth.user import User
from crimedesk.domain.errors import CrimedeskError
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.reports.catalog import sections_of, template
from crimedesk.reports.context import ReportOptions
from crimedesk.reports.sections.base import SECTIONS
from crimedesk.reports.service import make_report, report_history_entries
from crimedesk.reports.style import count, p_value, pct, signed
from crimedesk.reports.templates import TEMPLATES

VIEWER = User("vera", Role.VIEWER, "desk")
FILTERS = FilterSnapshot(date_from=date(2017, 1, 2), date_to=date(2017, 1, 3))


def pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def row_pattern(cells: list[str]) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(cell) for cell in cells))


@pytest.fixture
def report_text(chicago_store: Engine, tmp_path: Path) -> str:
    out = tmp_path / "compstat.pdf"
    result = make_report(chicago_store, VIEWER, "compstat", FILTERS, out, ReportOptions(region_pages=True))
    assert result.pages >= 4
    return pdf_text(out)


def test_kpi_numbers_match_the_dashboards(chicago_store: Engine, report_text: str) -> None:
    with chicago_store.connect() as conn:
        report = kpis(conn, FILTERS)
    for name in COUNTS:
        kpi = report.kpis[name]
        cells = [count(kpi.current), count(kpi.previous), signed(kpi.change), pct(kpi.pct_change)]
        label = name.replace("_", " ").capitalize()
        assert row_pattern([label, *cells, p_value(kpi.test)]).search(report_text), name


def test_compstat_cells_match_the_dashboards(chicago_store: Engine, report_text: str) -> None:
    with chicago_store.connect() as conn:
        table = compstat(conn, FILTERS, "district", FILTERS.date_to).table
    assert len(table) > 20
    for _, row in table.iterrows():
        cells = ["(none)" if row["region"] is None else row["region"]]
        for p in PERIODS:
            cells += [count(row[p]), count(row[f"{p}_prev"]), signed(row[f"{p}_diff"]), pct(row[f"{p}_pct"])]
            cells.append(p_value(row[f"{p}_test"]))
        assert row_pattern(cells).search(report_text), cells


def test_every_page_carries_store_filters_user_and_page_n_of_n(
    chicago_store: Engine, report_text: str
) -> None:
    store = chicago_store.url.database or ""
    store = Path(store).name if chicago_store.dialect.name == "sqlite" else f"127.0.0.1/{store}"
    pages = report_text.split("\f")[:-1]
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in page
        assert f"{store} · 2017-01-02 – 2017-01-03" in page
        assert "by vera" in page
    assert "District 011" in report_text  # a page per region


def test_report_is_kept_in_history_and_audited(chicago_store: Engine, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    options = ReportOptions(sections=("cover", "kpis"))
    result = make_report(chicago_store, VIEWER, "compstat", FILTERS, out, options)
    [entry] = report_history_entries(chicago_store)
    assert (entry.username, entry.template, entry.pages) == ("vera", "compstat", result.pages)
    assert entry.filters == FILTERS.to_dict() and entry.options["sections"] == ["cover", "kpis"]
    [trail] = audit.read(chicago_store, action="report")
    assert trail.details["pages"] == result.pages and trail.details["filters"] == FILTERS.to_dict()


def test_open_period_and_unknown_names_are_sentences(chicago_store: Engine, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    with pytest.raises(CrimedeskError, match="needs a closed period"):
        make_report(chicago_store, VIEWER, "compstat", FilterSnapshot(), out)
    with pytest.raises(CrimedeskError, match="unknown report template 'weekly'"):
        make_report(chicago_store, VIEWER, "weekly", FILTERS, out)
    assert not out.exists() and report_history_entries(chicago_store) == []


def test_every_template_section_is_registered_once() -> None:
    for name, chosen in TEMPLATES.items():
        assert template(name) is chosen
        assert [s.name for s in sections_of(chosen)] == list(chosen.sections)
    assert all(section.name == name for name, section in SECTIONS.items())


def test_incident_list_shows_the_filtered_incidents(
    chicago_store: Engine, chicago_df, tmp_path: Path
) -> None:
    violent = FilterSnapshot(
        date_from=date(2017, 1, 1), date_to=date(2017, 1, 3), categories=frozenset({"violent"})
    )
    out = tmp_path / "list.pdf"
    options = ReportOptions(columns=("occurred_from", "offense_type", "block", "case_number"))
    make_report(chicago_store, VIEWER, "incidents", violent, out, options)
    text = pdf_text(out)
    want = chicago_df[chicago_df["category"] == "violent"]
    assert f"Showing all {len(want):,} incidents" in text
    for _, row in want.head(40).iterrows():
        first_word = row["offense_type"].split()[0]  # long ones wrap in their cell
        assert row_pattern([f"{row['occurred']:%Y-%m-%d %H:%M}", first_word]).search(text)
        assert row["case_number"] in text
    with pytest.raises(CrimedeskError, match="no incident column latitude"):
        make_report(chicago_store, VIEWER, "incidents", violent, out, ReportOptions(columns=("latitude",)))


@pytest.mark.parametrize("template_name", sorted(set(TEMPLATES) - {"model"}))
def test_every_template_is_made_on_the_analytics_mirror(
    chicago_store: Engine, tmp_path: Path, template_name: str
) -> None:
    """As the app and the CLI make them: the aggregates on the mirror. The incident list once
    asked the mirror for a column only the store holds, and every Incidents report failed."""
    mirror = AnalyticsMirror(chicago_store, tmp_path / "mirror")
    try:
        assert mirror.sync() and mirror.ready
        out = tmp_path / f"{template_name}.pdf"
        options = ReportOptions(columns=tuple(name for name, _ in TABLE_COLUMNS))
        result = make_report(
            chicago_store, VIEWER, template_name, FILTERS, out, options, query_engine=mirror.engine
        )
        assert result.pages >= 1 and out.stat().st_size > 0
    finally:
        mirror.close()
