"""Every data-changing service function and CLI command, as each role, on the real server.

The core refuses what a role may not do (PermissionDenied); and when the core's check is skipped
(the undecorated function), the server refuses it too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from typer.testing import CliRunner

from crimedesk.auth.roles import Role
from crimedesk.auth.session import acting_user
from crimedesk.auth.user import PermissionDenied, User
from crimedesk.cli import app
from crimedesk.ingest.deletion import delete_import
from crimedesk.ingest.mappings import save_mapping
from crimedesk.ingest.pipeline import import_file
from crimedesk.models.experiments import delete_experiment, promote
from crimedesk.models.training import run_experiment
from crimedesk.regions.store import delete_layer, import_boundary_layer
from crimedesk.storage.schema import experiments, imports
from tests.auth.server_users import Logins, drop_roles
from tests.generic_csv import MAPPING

pytestmark = pytest.mark.postgres
FAST_RF = {"n_estimators": "10"}


def _trained(engine: Engine) -> int:
    return run_experiment(engine, "crime_type_rf", FAST_RF).id


def test_service_functions_follow_the_role_table(
    as_role: dict[Role, Engine], chicago_sample: Path, data_dir: Path, tmp_path: Path
) -> None:
    viewer, analyst, admin = as_role[Role.VIEWER], as_role[Role.ANALYST], as_role[Role.ADMIN]
    districts = data_dir / "chicago_police_districts_2012.geojson"
    with pytest.raises(PermissionDenied, match="viewer may not import"):
        import_file(viewer, chicago_sample)
    imported = import_file(analyst, chicago_sample)
    assert imported.status == "ok"
    layer = {"layer_name": "districts", "id_field": "DIST_NUM"}
    with pytest.raises(PermissionDenied, match="may not load boundaries"):
        import_boundary_layer(viewer, districts, **layer)
    import_boundary_layer(analyst, districts, **layer)
    with pytest.raises(PermissionDenied, match="may not save mapping"):
        save_mapping(viewer, MAPPING)
    save_mapping(analyst, MAPPING)
    with pytest.raises(PermissionDenied, match="may not train model"):
        _trained(viewer)
    experiment = _trained(analyst)
    with pytest.raises(PermissionDenied, match="may not promote model"):
        promote(viewer, experiment)
    assert promote(analyst, experiment).promoted
    for engine in (viewer, analyst):
        with pytest.raises(PermissionDenied, match="may not delete experiment"):
            delete_experiment(engine, experiment)
        with pytest.raises(PermissionDenied, match="may not delete boundaries"):
            delete_layer(engine, "districts")
    delete_experiment(admin, experiment)
    assert delete_layer(admin, "districts")
    with admin.connect() as conn:
        assert conn.execute(select(imports.c.username)).scalars().all() == [acting_user(analyst).name]
    for engine in (viewer, analyst):
        with pytest.raises(PermissionDenied, match="may not delete import"):
            delete_import(engine, imported.import_id)
    assert delete_import(admin, imported.import_id).deleted == imported.counts.inserted


def test_the_server_refuses_when_the_core_check_is_skipped(
    as_role: dict[Role, Engine], chicago_sample: Path, tmp_path: Path
) -> None:
    """A viewer login that lies about its role still cannot write: the server has the last word."""
    viewer = as_role[Role.VIEWER]
    pretender = User(acting_user(viewer).name, Role.ADMIN)
    with pytest.raises(ProgrammingError, match="permission denied"):
        import_file.__wrapped__(viewer, chicago_sample, user=pretender)  # type: ignore[attr-defined]
    import_file(as_role[Role.ANALYST], chicago_sample)
    experiment = _trained(as_role[Role.ANALYST])
    analyst_pretending = User(acting_user(as_role[Role.ANALYST]).name, Role.ADMIN)
    with pytest.raises(ProgrammingError, match="permission denied"):
        delete_experiment.__wrapped__(as_role[Role.ANALYST], experiment, user=analyst_pretending)  # type: ignore[attr-defined]
    with as_role[Role.ADMIN].connect() as conn:
        assert conn.execute(select(experiments.c.id)).scalars().all() == [experiment]


def _cli(users: Logins, role: Role, *args: str) -> tuple[int, str]:
    url = make_url(users.database_url).set(username=users.names[role]).render_as_string()
    result = CliRunner().invoke(app, [*args, "--db", url], input="pw 1\npw 1\n")
    return result.exit_code, result.output


def test_cli_commands_follow_the_role_table(
    users: Logins, as_role: dict[Role, Engine], chicago_sample: Path, data_dir: Path, tmp_path: Path
) -> None:
    districts = str(data_dir / "chicago_police_districts_2012.geojson")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(MAPPING.to_json(), encoding="utf-8")
    feed = ["--endpoint", "127.0.0.1:9", "--dataset", "none-none"]
    changing = [
        (Role.ANALYST, ["import", str(chicago_sample)]),
        (Role.ANALYST, ["mapping", "save", str(mapping)]),
        (Role.ANALYST, ["feeds", "add", "portal", *feed]),
        (Role.ANALYST, ["feeds", "pause", "portal"]),
        (Role.ANALYST, ["feeds", "resume", "portal"]),
        (Role.ANALYST, ["boundaries", "import", districts, "--layer", "d", "--id-field", "DIST_NUM"]),
        (
            Role.ANALYST,
            ["models", "train", "crime_type_rf", "--param", "n_estimators=10"],
        ),
        (Role.ANALYST, ["models", "promote", "{experiment}"]),
        (Role.ADMIN, ["models", "delete", "{experiment}"]),
        (Role.ADMIN, ["boundaries", "delete", "d"]),
        (Role.ADMIN, ["users", "add", users.names[Role.VIEWER] + "_cli", "--role", "viewer"]),
        (Role.ADMIN, ["users", "role", users.names[Role.VIEWER] + "_cli", "analyst"]),
        (Role.ADMIN, ["users", "passwd", users.names[Role.VIEWER] + "_cli"]),
        (Role.ADMIN, ["users", "suspend", users.names[Role.VIEWER] + "_cli"]),
        (Role.ADMIN, ["audit", "--export", "{export}"]),
        (Role.ADMIN, ["imports", "delete", "{import}", "--yes"]),
    ]
    experiment = imported = ""
    try:
        for least, words in changing:
            args = [
                w.replace("{experiment}", experiment)
                .replace("{export}", str(tmp_path / "a.csv"))
                .replace("{import}", imported)
                for w in words
            ]
            for role in Role:
                code, output = _cli(users, role, *args)
                if role < least:
                    assert code == 1 and "may not" in output, (role, args, output)
                else:
                    assert code == 0, (role, args, output)
                    if words[:2] == ["models", "train"] and not experiment:
                        experiment = output.split("experiment ")[1].split(":")[0]
                    if words[0] == "import":
                        imported = output.split("import ")[1].split(" ")[0]
                    break
        newcomer = users.names[Role.VIEWER] + "_cli"  # a viewer again, and let in: its own password
        assert _cli(users, Role.ADMIN, "users", "suspend", newcomer, "--reactivate")[0] == 0
        assert _cli(users, Role.ADMIN, "users", "role", newcomer, "viewer")[0] == 0
        url = make_url(users.database_url).set(username=newcomer).render_as_string()
        own = CliRunner().invoke(app, ["users", "passwd", "--db", url], input="pw 2\npw 2\n")
        assert own.exit_code == 0 and f"password of {newcomer} changed" in own.output, own.output
    finally:
        drop_roles(users.database_url, [users.names[Role.VIEWER] + "_cli"])


def test_a_viewer_opens_a_store_with_an_attempt_left_running(
    users: Logins, as_role: dict[Role, Engine]
) -> None:
    """Marking dead imports abandoned is an analyst's write: a viewer's open leaves it for later."""
    with as_role[Role.ANALYST].begin() as conn:
        conn.execute(
            imports.insert().values(
                file_name="f",
                sha256="h",
                size_bytes=1,
                profile="chicago",
                source="chicago",
                username="x",
                started_at=0,
                status="running",
                pid=2**22 + 7,
                host="gone",
            )
        )
    viewer = users.engine(Role.VIEWER)
    try:
        assert acting_user(viewer).role is Role.VIEWER
    finally:
        viewer.dispose()
    with as_role[Role.ADMIN].connect() as conn:
        assert conn.execute(select(imports.c.status)).scalars().all() == ["running"]
