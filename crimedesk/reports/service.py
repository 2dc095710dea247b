"""Report services: a template rendered to PDF for the filters, checked, audited and kept in history."""

from __future__ import annotations

import json
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from crimedesk.auth import audit
from crimedesk.auth.permissions import requires
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.domain.errors import CrimedeskError
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.domain.progress import CancelFn, ProgressFn, never_cancel, no_progress
from crimedesk.reports.catalog import sections_of, template
from crimedesk.reports.context import ReportContext, ReportOptions, filters_in_words
from crimedesk.reports.document import render
from crimedesk.reports.exports.files import written_atomically
from crimedesk.storage.schema import report_history


class ReportError(CrimedeskError):
    """A report that cannot be made as asked (the sentence says why)."""


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pages: int
    filters: FilterSnapshot  # what the report covers (a model report: its experiment's data)


@dataclass(frozen=True)
class HistoryEntry:
    made_at_utc: datetime
    username: str
    template: str
    filters: dict
    options: dict
    file_name: str
    pages: int


@requires(Action.REPORT)
def make_report(
    engine: Engine,
    user: User,
    template_name: str,
    filters: FilterSnapshot,
    out: Path,
    options: ReportOptions | None = None,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelFn = never_cancel,
    query_engine: Engine | None = None,
) -> ReportResult:
    """Render ``template_name`` for ``filters`` to ``out`` (a PDF, replaced only when complete).

    ``query_engine`` is where the sections' aggregates run: the dashboard's analytics mirror when
    there is one (the same queries, so the same numbers), else the store.
    """
    options = options or ReportOptions()
    try:
        chosen = template(template_name)
        sections = sections_of(chosen, options.sections)
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    pages = 0
    with ExitStack() as stack:
        store_conn = stack.enter_context(engine.connect())
        conn = store_conn if query_engine is None else stack.enter_context(query_engine.connect())
        ctx = ReportContext(
            conn, store_conn, filters, options, _store_name(engine), user.name, datetime.now()
        )
        ctx.words = filters_in_words(conn, filters)
        ctx.cache["title"] = chosen.title

        def write(path: Path) -> None:
            nonlocal pages
            try:
                pages = render(path, ctx, chosen.title, sections, progress, cancel)
            except ValueError as exc:
                raise ReportError(str(exc)) from None

        written_atomically(out, write)
    _remember(engine, user, template_name, filters, options, out, pages)
    progress(1.0, f"{pages} pages written")
    return ReportResult(out, pages, filters)


def _store_name(engine: Engine) -> str:
    url = engine.url
    return (
        Path(url.database or "").name if url.get_backend_name() == "sqlite" else f"{url.host}/{url.database}"
    )


def _remember(
    engine: Engine,
    user: User,
    name: str,
    filters: FilterSnapshot,
    options: ReportOptions,
    out: Path,
    pages: int,
) -> None:
    values = {
        "made_at_utc": datetime.now(UTC).replace(tzinfo=None),
        "username": user.name,
        "template": name,
        "filters_json": json.dumps(filters.to_dict(), sort_keys=True),
        "options_json": json.dumps(asdict(options), sort_keys=True),
        "file_name": str(out),
        "pages": pages,
    }
    details = {"template": name, "filters": filters.to_dict(), "pages": pages, "file": str(out)}
    with engine.begin() as conn:
        conn.execute(report_history.insert().values(**values))
        audit.record(conn, user, Action.REPORT, "report", out.name, details)


def report_history_entries(engine: Engine, limit: int = 100) -> list[HistoryEntry]:
    """The reports made, newest first."""
    query = select(report_history).order_by(report_history.c.id.desc()).limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        HistoryEntry(
            r.made_at_utc,
            r.username,
            r.template,
            json.loads(r.filters_json),
            json.loads(r.options_json),
            r.file_name,
            r.pages,
        )
        for r in rows
    ]
