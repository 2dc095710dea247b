"""KPI cards and the CompStat table tint only significant changes and say why in their tooltips."""

from __future__ import annotations

from datetime import date

import pandas as pd
from PySide6.QtCore import Qt

from crimedesk.analytics.compstat import CITYWIDE, CompStat, compstat_periods
from crimedesk.analytics.kpis import Kpi, KpiReport
from crimedesk.analytics.significance import change_test
from crimedesk.analytics.sqltime import Period
from crimedesk.state.filters import FilterState
from crimedesk.ui.panes.dashboard.compstat_table import UP, CompStatTable
from crimedesk.ui.panes.dashboard.kpi_cards import NEUTRAL, KpiCards
from crimedesk.ui.panes.dashboard.kpi_cards import UP as CARD_UP
from crimedesk.ui.widgets.frame_model import SORT_ROLE

NOW = Period(date(2017, 12, 4), date(2017, 12, 31))


def report(**counts: tuple[int, int, int]) -> KpiReport:
    kpis = {
        name: Kpi(name, c, p, c - p, None, change_test(c, p), ly, change_test(c, ly))
        for name, (c, p, ly) in counts.items()
    }
    return KpiReport(
        NOW, Period(date(2017, 11, 6), date(2017, 12, 3)), Period(date(2016, 12, 5), date(2017, 1, 1)), kpis
    )


def test_kpi_card_tints_significant_changes_only(qtbot) -> None:
    cards = KpiCards()
    qtbot.addWidget(cards)
    cards.show_report(report(total=(1, 0, 0), violent=(10, 2, 10), drug=(25, 16, 25)))
    total, violent, drug = (cards.cards[n] for n in ("total", "violent", "drug"))
    assert total.tint == NEUTRAL and "too few incidents" in total.toolTip()  # 1 vs 0
    assert violent.tint == CARD_UP and "p = 0.039, significant" in violent.toolTip()
    assert drug.tint == NEUTRAL and "p = 0.211, not significant" in drug.toolTip()  # |z| = 2 tinted it
    assert "2016-12-05 – 2017-01-01" in violent.toolTip() and "364 days" in violent.toolTip()
    assert violent.year_ago.text() == "+0 (+0 %) vs LY (10)" and violent.change.text().endswith(" *")
    assert "364 days" in cards.period.text()
    cards.show_report(report(total=(5, 5, 5), violent=(2, 10, 10), drug=(25, 16, 25)))
    assert violent.tint != CARD_UP and violent.tint != NEUTRAL  # state -> widget, both ways


def compstat_frame() -> pd.DataFrame:
    rows = []
    for region, now, before in (("001", 12, 0), ("002", 1, 0), (None, 40, 2), (CITYWIDE, 53, 2)):
        row: dict[str, object] = {"region": region, "name": None}
        for p in ("wtd", "d28", "ytd"):
            test = None if region is None else change_test(now, before)
            row |= {p: now, f"{p}_prev": before, f"{p}_diff": now - before, f"{p}_pct": None}
            row |= {f"{p}_test": test, f"{p}_significant": test is not None and test.significant}
        rows.append(row)
    return pd.DataFrame(rows)


def test_compstat_tints_and_explains(qtbot) -> None:
    table = CompStatTable(FilterState())
    qtbot.addWidget(table)
    periods = compstat_periods(date(2017, 12, 31))
    result = CompStat(date(2017, 12, 31), periods, compstat_frame(), "<b>Beats</b> boundaries")
    table.show_result(result, "district")
    model = table.model
    p_column = next(i for i, c in enumerate(model.columns) if c[0] == "wtd_test")

    def cell(row: int, role: Qt.ItemDataRole):
        return model.data(model.index(row, p_column), role)

    assert cell(0, Qt.ItemDataRole.BackgroundRole).color() == UP  # 12 vs 0: p < 0.001
    assert cell(0, Qt.ItemDataRole.DisplayRole) == "<0.001"
    assert cell(1, Qt.ItemDataRole.BackgroundRole) is None and cell(1, Qt.ItemDataRole.DisplayRole) == "n/a"
    assert "too few incidents" in cell(1, Qt.ItemDataRole.ToolTipRole)
    sort_keys = [cell(row, SORT_ROLE) for row in range(4)]
    assert max(sort_keys[0], sort_keys[3]) < 0.001 and sort_keys[1] == sort_keys[2] == 2.0  # untested last
    assert cell(2, Qt.ItemDataRole.BackgroundRole) is None  # 40 vs 2 in no region: never tinted
    assert "never tested" in cell(2, Qt.ItemDataRole.ToolTipRole)
    assert "364 days" in table.status.text() and "(none) = incidents in no region" in table.status.text()
    assert table.title.text().startswith("CompStat by <b>Beats</b> boundaries, as of Sun 2017-12-31")
    assert table.title.textFormat() == Qt.TextFormat.PlainText  # a layer name is shown, not rendered
