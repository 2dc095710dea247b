"""Top offenses, data extent and UCR rates, against pandas on the same data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, insert

from crimedesk.analytics.extent import latest_occurrence, occurrence_extent
from crimedesk.analytics.offenses import top_offenses
from crimedesk.analytics.ucr import ucr_trend
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.storage.schema import ucr_counts
from tests.analytics.incidents_frame import insert_import


def test_top_offenses_match_pandas(chicago_store: Engine, chicago_df: pd.DataFrame) -> None:
    mask = chicago_df["district"].isin(["006", "008"])
    counts = chicago_df.loc[mask, "offense_type"].value_counts()
    expected = counts.reset_index().sort_values(["count", "offense_type"], ascending=[False, True]).head(5)
    with chicago_store.connect() as conn:
        got = top_offenses(conn, FilterSnapshot(region_layer_id="district", region_ids={"006", "008"}), n=5)
    assert list(got["offense_type"]) == list(expected["offense_type"])
    assert list(got["count"]) == list(expected["count"])
    assert got["share"].iloc[0] == pytest.approx(100 * expected["count"].iloc[0] / mask.sum())


def test_extent(chicago_store: Engine) -> None:
    with chicago_store.connect() as conn:
        assert occurrence_extent(conn) == (date(2017, 1, 1), date(2017, 1, 3))
        assert latest_occurrence(conn) == date(2017, 1, 3)


def test_extent_of_empty_store(store: Engine) -> None:
    with store.connect() as conn:
        assert latest_occurrence(conn) is None
        assert top_offenses(conn, FilterSnapshot()).empty


def test_ucr_rates_match_pandas(store: Engine, ucr_table: Path) -> None:
    raw = pd.read_csv(ucr_table, keep_default_na=False, na_values=[""])
    raw["state_abbr"] = raw["state_abbr"].fillna("US")
    raw["state_name"] = raw["state_name"].fillna("United States")
    rows = raw[raw["state_abbr"].isin(["US", "IL", "NY"])].drop(columns="caveats")
    with store.begin() as conn:
        import_id = insert_import(conn)
        records = rows.astype(object).where(rows.notna(), None).to_dict("records")
        conn.execute(insert(ucr_counts), [{**r, "import_id": import_id} for r in records])
        got = ucr_trend(conn, ["il", "US"], "robbery")
        revised = ucr_trend(conn, ["NY"], "rape_revised")
    il = rows[rows["state_abbr"] == "IL"].sort_values("year")
    assert list(got["state_abbr"].unique()) == ["IL", "US"]
    got_il = got[got["state_abbr"] == "IL"]
    assert list(got_il["year"]) == list(il["year"]) and list(got_il["count"]) == list(il["robbery"])
    expected = 100_000 * il["robbery"] / il["population"]
    assert got_il["rate"].astype(float).to_numpy() == pytest.approx(expected.to_numpy())
    assert revised.loc[revised["year"] < 2013, "rate"].isna().all()
    assert revised.loc[revised["year"] >= 2013, "rate"].notna().all()
    with pytest.raises(ValueError, match="unknown UCR crime"):
        ucr_trend(conn, ["US"], "jaywalking")
