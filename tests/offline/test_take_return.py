"""Take a slice of a PostgreSQL store offline, import in the field, bring it back (issue 18)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from crimedesk.auth import audit
from crimedesk.auth.roles import Action, Role
from crimedesk.auth.user import User
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.ingest.pipeline import import_file
from crimedesk.models.catalog import model_spec
from crimedesk.models.experiments import list_experiments, load_experiment_model, promote
from crimedesk.models.frame import incidents_frame
from crimedesk.models.persistence import artifact_files
from crimedesk.models.training import run_experiment
from crimedesk.offline.give_back import return_offline
from crimedesk.offline.take import OfflineError, take_offline
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import boundaries, incident_regions, incidents, offline_slices
from tests.layers import import_districts

pytestmark = pytest.mark.postgres

ANALYST = User(name="field analyst", role=Role.ANALYST, host="laptop")
FILTERS = FilterSnapshot(
    date_from=date(2017, 1, 2),
    date_to=date(2017, 1, 3),
    region_layer_id="district",
    region_ids=frozenset({"011", "012"}),
)


def _sample(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _expected_keys(sample: pd.DataFrame) -> set[str]:
    """The slice computed from the file, independently of the store's SQL."""
    days = pd.to_datetime(sample["Date"], format="%m/%d/%Y %I:%M:%S %p").dt.date
    chosen = sample[
        (days >= date(2017, 1, 2)) & (days <= date(2017, 1, 3)) & sample["District"].isin({"011", "012"})
    ]
    return set(chosen["ID"])


def _keys(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(incidents.c.source_key)).scalars())


@pytest.fixture
def server(pg_store: Engine, chicago_sample: Path, data_dir: Path) -> Engine:
    import_file(pg_store, chicago_sample)
    import_districts(pg_store, data_dir)
    return pg_store


@pytest.fixture
def laptop(server: Engine, tmp_path: Path) -> Engine:
    take_offline(server, tmp_path / "slice.sqlite", FILTERS, ANALYST)
    engine = make_engine(f"sqlite:///{tmp_path / 'slice.sqlite'}")
    yield engine
    engine.dispose()


def test_slice_holds_exactly_the_filtered_incidents_regions_and_layers(
    server: Engine, laptop: Engine, chicago_sample: Path
) -> None:
    expected = _expected_keys(_sample(chicago_sample))
    assert len(expected) > 50
    assert _keys(laptop) == expected
    with server.connect() as s, laptop.connect() as lap:
        ids = select(incidents.c.id).where(incidents.c.source_key.in_(sorted(expected)))
        server_joins = set(
            s.execute(select(incident_regions).where(incident_regions.c.incident_id.in_(ids))).all()
        )
        assert set(lap.execute(select(incident_regions)).all()) == server_joins
        assert (
            len(server_joins)
            == len(expected)
            - lap.execute(select(func.count()).where(incidents.c.mappable.is_(False))).scalar_one()
        )
        assert (
            lap.execute(select(func.count()).select_from(boundaries)).scalar_one()
            == s.execute(select(func.count()).select_from(boundaries)).scalar_one()
        )
        described = lap.execute(select(offline_slices)).mappings().one()
    assert described["incidents"] == len(expected) and described["username"] == "field analyst"
    assert "crimedesk_test_" in described["source_store"]
    assert [e.action for e in audit.read(server)][-1] == Action.TAKE_OFFLINE


def test_taking_into_an_existing_file_is_refused(server: Engine, tmp_path: Path) -> None:
    (tmp_path / "taken.sqlite").write_text("mine")
    with pytest.raises(OfflineError, match="exists already"):
        take_offline(server, tmp_path / "taken.sqlite", FILTERS, ANALYST)
    assert (tmp_path / "taken.sqlite").read_text() == "mine"


def _write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def _stamp(frame: pd.DataFrame, description: str, updated: str) -> pd.DataFrame:
    return frame.assign(Description=description, **{"Updated On": updated})


def test_field_import_merges_back_and_both_sided_changes_go_by_updated_on(
    server: Engine, laptop: Engine, chicago_sample: Path, tmp_path: Path
) -> None:
    sample = _sample(chicago_sample)
    in_slice = sample[sample["ID"].isin(_keys(laptop))].sort_values("ID")
    outside = sample[~sample["ID"].isin(_expected_keys(sample)) & (sample["Latitude"] != "")].head(5)
    changed, server_newer, field_newer = in_slice.iloc[:1], in_slice.iloc[1:2], in_slice.iloc[2:3]
    new = outside.assign(ID=[f"9{k}" for k in outside["ID"]])
    field_file = pd.concat(
        [_stamp(pd.concat([changed, server_newer, field_newer]), "FIELD", "06/01/2019 10:00:00 AM"), new]
    )
    import_file(laptop, _write(field_file, tmp_path / "field.csv"))
    server_file = pd.concat(
        [
            _stamp(server_newer, "SERVER", "07/01/2019 10:00:00 AM"),
            _stamp(field_newer, "SERVER", "05/01/2019 10:00:00 AM"),
        ]
    )
    import_file(server, _write(server_file, tmp_path / "server.csv"))
    before = len(_keys(server))

    result = return_offline(laptop, server, ANALYST)

    (merged,) = result.imports
    c = merged.counts
    assert (c.rows_read, c.inserted, c.updated, c.unchanged, c.conflicts) == (8, 5, 2, 1, 0)
    assert c.reconciles()
    assert len(_keys(server)) == before + 5
    with server.connect() as conn:
        text = dict(conn.execute(select(incidents.c.source_key, incidents.c.offense_description)).all())
        new_ids = select(incidents.c.id).where(incidents.c.source_key.in_(list(new["ID"])))
        joined = conn.execute(
            select(func.count()).where(incident_regions.c.incident_id.in_(new_ids))
        ).scalar_one()
    assert text[changed["ID"].iloc[0]] == "FIELD"
    assert text[server_newer["ID"].iloc[0]] == "SERVER"
    assert text[field_newer["ID"].iloc[0]] == "FIELD"
    assert joined == 5  # the new incidents were placed in the server's districts
    listed = {(n.source_key, n.kept) for n in result.both_changed}
    assert listed == {(server_newer["ID"].iloc[0], "server"), (field_newer["ID"].iloc[0], "field")}
    assert [e.action for e in audit.read(server)][-1] == Action.RETURN_OFFLINE
    assert [e.action for e in audit.read(laptop)][-1] == Action.RETURN_OFFLINE

    again = return_offline(laptop, server, ANALYST)  # each field import comes back once
    assert again.imports == [] and len(_keys(server)) == before + 5


def test_a_promoted_model_runs_on_the_laptop_unchanged(
    server: Engine, chicago_sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("crimedesk.models.training.models_dir", lambda _engine: tmp_path / "server_models")
    trained = run_experiment(server, "crime_type_rf", {"n_estimators": "10"}, seed=3)
    promote(server, trained.id)
    take_offline(server, tmp_path / "models.sqlite", FILTERS, ANALYST)
    laptop = make_engine(f"sqlite:///{tmp_path / 'models.sqlite'}")
    (taken,) = list_experiments(laptop)
    assert taken.promoted and Path(taken.artifact_path or "").parent == tmp_path / "models.sqlite.models"
    spec = model_spec(taken.model_kind)
    with laptop.connect() as conn:
        frame = incidents_frame(conn, FilterSnapshot())
    on_server = spec.predict(load_experiment_model(trained), frame, spec.make_params(trained.params))
    for file in artifact_files(Path(trained.artifact_path or "")):
        file.unlink()  # the laptop has its own copy
    on_laptop = spec.predict(load_experiment_model(taken), frame, spec.make_params(taken.params))
    laptop.dispose()
    assert len(on_laptop) == len(_expected_keys(_sample(chicago_sample)))
    pd.testing.assert_frame_equal(on_laptop, on_server)
