"""CompStat by a named boundary layer: rows by region name; Copy and Export CSV… give the table
with word headers, the counts SQL gives, and one audit row each."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import text

from crimedesk.auth.audit import read
from crimedesk.regions.store import import_boundary_layer
from crimedesk.ui.panes.dashboard.dashboard_pane import DashboardPane


def test_compstat_names_copy_and_export(qtbot, chicago_sample_store, state, data_dir, tmp_path, monkeypatch):
    store = chicago_sample_store
    path = data_dir / "chicago_community_areas.geojson"
    layer = import_boundary_layer(
        store, path, layer_name="Community areas", id_field="area_num_1", name_field="community"
    ).layer_id
    names = {
        f["properties"]["area_num_1"]: f["properties"]["community"]
        for f in json.loads(path.read_text())["features"]
    }
    state.update(region_layer_id=layer)
    pane = DashboardPane(store, state)
    qtbot.addWidget(pane)
    pane.resize(1366, 768)
    pane.show()
    pane.refresh()
    qtbot.waitUntil(pane.is_current, timeout=15_000)
    table = pane.compstat
    assert "Community areas" in table.title.text()
    shown = [table.model.index(r, 0).data() for r in range(table.model.rowCount())]
    assert f"{names['32']} (32)" in shown and shown[-1] == "Citywide"

    # Copy: tab-separated rows whose year-to-date counts are SQL's
    assert table.export_button.isEnabled()
    table.copy_action.trigger()
    rows = list(csv.reader(io.StringIO(QGuiApplication.clipboard().text()), delimiter="\t"))
    assert rows[0][:4] == ["Region", "Name", "Week to date", "Week to date last year"]
    ytd = rows[0].index("Year to date")
    by_region = {row[0]: int(row[ytd]) for row in rows[1:]}
    with store.connect() as conn:
        sql = dict(
            conn.execute(
                text(
                    "select r.region_id, count(*) from incidents i join incident_regions r"
                    " on r.incident_id = i.id and r.layer_id = :layer group by r.region_id"
                ),
                {"layer": layer},
            ).all()
        )
        total = conn.execute(text("select count(*) from incidents")).scalar_one()
    assert {k: v for k, v in by_region.items() if k in sql} == sql
    assert by_region["Citywide"] == total == 2426
    assert {row[0]: row[1] for row in rows[1:]}["32"] == names["32"]

    # Export CSV…: the same rows in a file, the dialog opened in the documents folder
    target = tmp_path / "compstat.csv"
    asked: list[str] = []

    def save_dialog(_parent, _title, suggested, _filter):
        asked.append(suggested)
        return str(target), "CSV files (*.csv)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    table.export_action.trigger()
    assert asked[0].endswith(f"compstat_{date(2017, 1, 3):%Y-%m-%d}.csv")
    assert list(csv.reader(io.StringIO(target.read_text(encoding="utf-8")))) == rows
    assert table.status.text() == f"Saved {len(rows) - 1:,} rows to {target}"
    entries = [e for e in read(store) if e.object_type == "compstat"]
    assert [e.details["to"] for e in entries] == ["clipboard", "csv"]
    assert all(e.action == "export" and e.object_id == str(layer) for e in entries)
