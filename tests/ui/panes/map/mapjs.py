"""Helpers of the map tests: JavaScript on the real page, the offline check, SQL counts to compare."""

from __future__ import annotations

import json

from sqlalchemy import Engine, func, select

from crimedesk.storage.schema import incidents
from crimedesk.ui.panes.map.map_pane import MapPane

XSS = "<img src=x onerror=window.__xss=1>"  # an offense description that is markup
XSS_BLOCK = "<script>window.__xss=2</script>"  # and a block


def js(qtbot, pane: MapPane, script: str):
    """The JSON value of ``script`` evaluated on the pane's page."""
    out: list = []
    pane.view.page().runJavaScript(f"JSON.stringify({script})", 0, out.append)
    qtbot.waitUntil(lambda: bool(out), timeout=10_000)
    return json.loads(out[0])


def wait_js(qtbot, pane: MapPane, script: str, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: js(qtbot, pane, script) is True, timeout=timeout)


def assert_stayed_offline(pane: MapPane) -> None:
    assert pane.guard.seen, "the interceptor saw no request at all"
    assert pane.guard.blocked == []
    assert all(url.startswith(("cdmap://app/", "data:")) for url in pane.guard.seen), pane.guard.seen


def count_mappable(engine: Engine, **where) -> int:
    """Mappable incidents whose columns equal ``where``, counted in SQL."""
    with engine.connect() as conn:
        q = select(func.count()).select_from(incidents).where(incidents.c.mappable.is_(True))
        for name, value in where.items():
            q = q.where(incidents.c[name] == value)
        return conn.execute(q).scalar_one()
