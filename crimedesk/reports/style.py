"""The look of every report: page size, paragraph styles, table styles and number formats."""

from __future__ import annotations

from typing import Any

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from crimedesk.analytics.significance import ChangeTest

PAGE = A4
MARGIN = 15 * mm
WIDTH = PAGE[0] - 2 * MARGIN
_SHEET = getSampleStyleSheet()
TITLE = ParagraphStyle("title", parent=_SHEET["Title"], fontSize=20, leading=24)
HEADING = ParagraphStyle("heading", parent=_SHEET["Heading2"], spaceBefore=6, spaceAfter=4)
BODY = ParagraphStyle("body", parent=_SHEET["BodyText"], fontSize=9, leading=11)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7, leading=8.5, textColor=colors.grey)
UP, DOWN = colors.HexColor("#f6c6c0"), colors.HexColor("#c8e6c9")


def text(value: Any, style: ParagraphStyle = BODY) -> Paragraph:
    """Data text as plain text: markup characters are escaped, never interpreted."""
    escaped = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped, style)


def count(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{int(value):,}"


def signed(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{int(value):+,}"


def pct(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:+.1f} %"


def p_value(test: ChangeTest | None) -> str:
    """As the dashboard's CompStat table shows it."""
    if test is None:
        return "—"
    if not test.testable:
        return "n/a"
    return "<0.001" if test.p_value < 0.001 else f"{test.p_value:.3f}"


def table(rows: list[list[Any]], widths: list[float] | None = None, font_size: float = 8) -> Table:
    """A grid with a shaded header row, numbers right-aligned."""
    grid = Table(rows, colWidths=widths, repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", font_size),
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", font_size),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eaf0")),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#c0c4cc")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return grid


def tint(grid: Table, cells: list[tuple[int, int, bool]]) -> None:
    """Shade significant changes: (column, row, up) red when up, green when down."""
    grid.setStyle(TableStyle([("BACKGROUND", (c, r), (c, r), UP if up else DOWN) for c, r, up in cells]))
