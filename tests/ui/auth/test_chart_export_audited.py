"""A chart's Export PNG… is in the trail, as the user who made it (issue 16 item 5)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from crimedesk.auth import audit
from crimedesk.auth.roles import Role
from crimedesk.ui.widgets.chart_box import ChartBox
from tests.auth.server_users import logins
from tests.stores import clear_store

pytestmark = pytest.mark.postgres


@pytest.fixture
def viewer(pg_engine: Engine) -> Iterator[tuple[str, Engine]]:
    clear_store(pg_engine)
    with logins(pg_engine) as made:
        engine = made.engine(Role.VIEWER)
        yield made.names[Role.VIEWER], engine
        engine.dispose()


def test_a_viewers_chart_png_is_audited(
    qtbot, viewer: tuple[str, Engine], pg_engine: Engine, tmp_path: Path
) -> None:
    name, engine = viewer
    chart = ChartBox("Trend", engine=engine)
    qtbot.addWidget(chart)
    chart.resize(400, 300)
    chart.show()
    qtbot.waitExposed(chart)
    assert [a.text() for a in chart.widget.actions()] == ["Export PNG…"]
    chart.export_png(tmp_path / "trend.png")
    assert (tmp_path / "trend.png").stat().st_size > 0
    exports = audit.read(pg_engine, action="export")  # a viewer may not read the trail
    assert [(e.username, e.object_type, e.object_id, e.details["title"]) for e in exports] == [
        (name, "chart", "trend.png", "Trend")
    ]
