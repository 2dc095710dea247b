from datetime import datetime

import pandas as pd
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from sqlalchemy import text

from crimedesk.domain.timecodec import to_seconds
from crimedesk.ui.panes.dashboard.dashboard_pane import DashboardPane


@pytest.fixture
def dashboard(qtbot, chicago_sample_store, state) -> DashboardPane:
    pane = DashboardPane(chicago_sample_store, state)
    qtbot.addWidget(pane)
    pane.resize(1400, 850)
    pane.show()
    qtbot.waitExposed(pane)
    pane.refresh()
    qtbot.waitUntil(pane.is_current, timeout=15_000)
    return pane


def sql_count(engine, where: str, start: datetime, end: datetime) -> int:
    query = text(
        f"select count(*) from incidents where occurred_from >= :a and occurred_from < :b and {where}"
    )
    with engine.connect() as conn:
        return conn.execute(query, {"a": to_seconds(start), "b": to_seconds(end)}).scalar_one()


def sql_top_offenses(engine, where: str, start: datetime, end: datetime, n: int) -> list[tuple[str, int]]:
    """The ``n`` most frequent offense types with their counts, ties by name."""
    query = text(
        "select offense_type, count(*) from incidents"
        f" where occurred_from >= :a and occurred_from < :b and {where}"
        " group by offense_type order by count(*) desc, offense_type limit :n"
    )
    with engine.connect() as conn:
        params = {"a": to_seconds(start), "b": to_seconds(end), "n": n}
        return [(offense, count) for offense, count in conn.execute(query, params)]


def sql_offense_types(engine, where: str, start: datetime, end: datetime) -> int:
    query = text(
        "select count(distinct offense_type) from incidents"
        f" where occurred_from >= :a and occurred_from < :b and {where}"
    )
    with engine.connect() as conn:
        return conn.execute(query, {"a": to_seconds(start), "b": to_seconds(end)}).scalar_one()


def test_filter_change_updates_kpis_to_sql_counts(qtbot, dashboard, chicago_sample_store, state):
    store = chicago_sample_store
    cards = dashboard.kpis.cards
    all_days = sql_count(store, "1=1", datetime(2017, 1, 1), datetime(2017, 1, 4))
    assert cards["total"].value.text() == f"{all_days:,}"
    before = dashboard.refreshes

    state.update(date_to=datetime(2017, 1, 2).date(), categories={"property"})
    qtbot.waitUntil(dashboard.is_current, timeout=15_000)

    assert dashboard.refreshes == before + 1
    start, end = datetime(2017, 1, 1), datetime(2017, 1, 3)
    expected = sql_count(store, "category = 'property'", start, end)
    assert cards["total"].value.text() == f"{expected:,}"
    assert cards["property"].value.text() == f"{expected:,}"
    assert cards["violent"].value.text() == "0"
    shown = list(dashboard.offenses.frame[["offense_type", "count"]].itertuples(index=False, name=None))
    assert shown == sql_top_offenses(store, "category = 'property'", start, end, len(shown))
    assert len(shown) == min(10, sql_offense_types(store, "category = 'property'", start, end))
    unknown = sql_count(store, "category = 'property' and occurred_from % 86400 = 0", start, end)
    assert dashboard.hours.time_unknown == unknown > 0
    assert dashboard.hours.grid.sum() == pytest.approx(expected - unknown)
    assert f"{unknown:,} incidents with unknown time (00:00 placeholder) not shown" in (
        dashboard.hours.status.text()
    )
    assert dashboard.trend.frame["total"].sum() == expected


def test_the_trend_bucket_choice_regroups_the_counts(qtbot, dashboard):
    daily = dashboard.trend.frame
    assert len(daily) == 3  # 2017-01-01 to 03
    dashboard.trend.bucket.setCurrentText("week")  # weeks start on Monday
    qtbot.waitUntil(lambda: len(dashboard.trend.frame) == 2, timeout=15_000)
    assert list(dashboard.trend.frame.index) == [pd.Timestamp("2016-12-26"), pd.Timestamp("2017-01-02")]
    assert dashboard.trend.frame["total"].sum() == daily["total"].sum()
    dashboard.trend.bucket.setCurrentText("month")
    qtbot.waitUntil(lambda: len(dashboard.trend.frame) == 1, timeout=15_000)
    assert dashboard.trend.frame["total"].sum() == daily["total"].sum()


def test_clicking_a_bar_filters_by_offense_type(qtbot, dashboard, state):
    bars = dashboard.offenses
    top = bars.frame["offense_type"].iloc[0]
    assert bars.tooltip_at(QPointF(1, 0)).startswith(f"{top}: ")
    scene_point = bars.plot.vb.mapViewToScene(QPointF(1, 0))
    widget_point = bars.widget.mapFromScene(scene_point)
    QTest.mouseClick(bars.widget.viewport(), Qt.MouseButton.LeftButton, pos=widget_point)
    qtbot.waitUntil(lambda: state.offense_types == {top}, timeout=3000)
    qtbot.waitUntil(dashboard.is_current, timeout=15_000)
    assert dashboard.offenses.frame["offense_type"].tolist() == [top]


def test_category_card_and_line_set_category(qtbot, dashboard, state):
    QTest.mouseClick(dashboard.kpis.cards["violent"], Qt.MouseButton.LeftButton)
    assert state.categories == {"violent"}
    dashboard.trend.category_clicked("drug")
    assert state.categories == {"drug"}
    QTest.mouseClick(dashboard.kpis.cards["total"], Qt.MouseButton.LeftButton)
    assert state.categories == frozenset()


def test_tooltips_compstat_and_export(qtbot, dashboard, state, artifacts):
    assert dashboard.trend.tooltip_at(QPointF(dashboard.trend.frame.index[0].timestamp(), 0)).startswith(
        "2017-01-01: violent"
    )
    assert dashboard.hours.tooltip_at(QPointF(13.5, 6.5)).startswith("Sun 13:00–14:00: ")
    table = dashboard.compstat.model.frame
    assert table["region"].iloc[-1] == "Citywide"
    assert table["ytd"].iloc[-1] == 2426
    dashboard.compstat.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    proxy = dashboard.compstat.proxy
    first = [proxy.index(r, 1).data(Qt.ItemDataRole.UserRole) for r in range(proxy.rowCount())]
    assert first == sorted(first, reverse=True)
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data() not in ("Citywide", "(none)"))
    region = proxy.index(row, 0).data()
    dashboard.compstat.view.doubleClicked.emit(proxy.index(row, 0))
    assert (state.region_layer_id, state.region_ids) == ("district", {region})
    for chart in (dashboard.trend, dashboard.offenses, dashboard.hours):
        path = artifacts / f"chart_{type(chart).__name__}.png"
        path.unlink(missing_ok=True)
        chart.export_png(path)
        assert path.stat().st_size > 5_000
