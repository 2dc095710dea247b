"""A report rendered to PDF: sections in order, every page headed by the store and filters and
footed by the time generated, the user and ``page n of N``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from crimedesk.domain.progress import CancelFn, ProgressFn, check_cancel
from crimedesk.reports.context import ReportContext
from crimedesk.reports.sections.base import Section
from crimedesk.reports.style import MARGIN, PAGE


def render(
    path: Path,
    ctx: ReportContext,
    title: str,
    sections: Sequence[Section],
    progress: ProgressFn,
    cancel: CancelFn,
) -> int:
    """Build every section (cancellable between them), write the PDF, return its page count."""
    story: list[Flowable] = []
    for i, section in enumerate(sections):
        check_cancel(cancel)
        progress(i / (len(sections) + 1), f"{section.title}…")
        story += section.build(ctx)
    check_cancel(cancel)
    progress(len(sections) / (len(sections) + 1), "writing the PDF…")
    head = f"{ctx.store} · {ctx.words}"
    foot = f"{title} · generated {ctx.generated:%Y-%m-%d %H:%M} by {ctx.user}"
    pages: list[int] = []

    def make_canvas(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        return _NumberedCanvas(head, foot, pages, *args, **kwargs)

    doc = SimpleDocTemplate(
        str(path),
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 6,
        bottomMargin=MARGIN + 6,
        title=title,
        author=ctx.user,
        creator="crimedesk",
    )
    doc.build(story, canvasmaker=make_canvas)
    return pages[-1]


class _NumberedCanvas(Canvas):
    """Holds each page until the end, when N is known, then draws the header and footer on each."""

    def __init__(self, head: str, foot: str, counts: list[int], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head, self._foot, self._counts = head, foot, counts
        self._saved: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        self._counts.append(len(self._saved))
        for number, state in enumerate(self._saved, start=1):
            self.__dict__.update(state)
            self._decorate(number)
            super().showPage()
        super().save()

    def _decorate(self, number: int) -> None:
        width, height = PAGE
        self.setFont("Helvetica", 7)
        self.setFillColor(colors.grey)
        self.drawString(MARGIN, height - MARGIN, _fit(self._head, 150))
        self.drawString(MARGIN, MARGIN - 4, _fit(self._foot, 120))
        self.drawRightString(width - MARGIN, MARGIN - 4, f"page {number} of {len(self._saved)}")


def _fit(line: str, chars: int) -> str:
    return line if len(line) <= chars else line[: chars - 1] + "…"
