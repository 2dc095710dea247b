"""The server's GRANTs are exactly the role table: table by table, and as each login's work needs.

The expected rights are written out here from the role table (README "Roles", issue 16), not
computed by crimedesk.auth.server, so a grant that drifts from the table fails.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.exc import ProgrammingError

from crimedesk.auth.roles import Role
from crimedesk.auth.session import GROUP_ROLES, acting_user
from crimedesk.auth.user import PermissionDenied, User
from crimedesk.ingest.mappings import load_mappings, save_mapping
from crimedesk.regions.store import import_boundary_layer
from crimedesk.storage.schema import feed_runs, feeds, import_mappings, imports, incidents
from tests.auth.server_users import Logins, psql
from tests.generic_csv import MAPPING

pytestmark = pytest.mark.postgres

S, SI, SIU, SIUD = (
    {"SELECT"},
    {"SELECT", "INSERT"},
    {"SELECT", "INSERT", "UPDATE"},
    {"SELECT", "INSERT", "UPDATE", "DELETE"},
)
# Tables an analyst's work writes (import, boundaries, mappings, feeds, models); of these only an
# admin deletes history (imports and their rows), boundary layers and experiments.
ANALYST_WRITES = {"ucr_counts", "feeds", "feed_runs", "sensor_events", "import_mappings"}
ADMIN_DELETES = {
    *("imports", "incidents", "rejected_rows", "rejected_blocks"),
    *("boundary_layers", "boundaries", "experiments"),
}
EXPECTED: dict[str, dict[Role, set[str]]] = {
    **{t: {Role.VIEWER: S, Role.ANALYST: SIU, Role.ADMIN: SIU} for t in ANALYST_WRITES},
    **{t: {Role.VIEWER: S, Role.ANALYST: SIU, Role.ADMIN: SIUD} for t in ADMIN_DELETES},
    # the join of incidents to regions is derived: an updated incident's rows are replaced
    "incident_regions": {Role.VIEWER: S, Role.ANALYST: SIUD, Role.ADMIN: SIUD},
    # everyone may make a report, and its history row with it; nobody changes one
    "report_history": {Role.VIEWER: SI, Role.ANALYST: SI, Role.ADMIN: SI},
    "audit": {Role.VIEWER: {"INSERT"}, Role.ANALYST: {"INSERT"}, Role.ADMIN: SI},
    # store-wide settings: everyone reads the store's rules, only admins change them
    "store_settings": {Role.VIEWER: S, Role.ANALYST: S, Role.ADMIN: SIU},
    **{
        t: {Role.VIEWER: S, Role.ANALYST: S, Role.ADMIN: S}
        for t in ("offline_slices", "user_profiles", "store_info", "alembic_version")
    },
}


def test_every_group_has_exactly_its_rights_on_every_table(pg_engine: Engine) -> None:
    query = text(
        "SELECT table_name, grantee, privilege_type FROM information_schema.role_table_grants"
        " WHERE table_schema = 'public' AND grantee = ANY(:groups)"
    )
    granted: dict[str, dict[Role, set[str]]] = {}
    role_of = {group: role for role, group in GROUP_ROLES.items()}
    with pg_engine.connect() as conn:
        tables = set(
            conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars()
        )
        for table, grantee, privilege in conn.execute(query, {"groups": list(role_of)}):
            granted.setdefault(table, {}).setdefault(role_of[grantee], set()).add(privilege)
    assert tables == set(EXPECTED)  # a new table must be placed in the role table first
    assert granted == EXPECTED


@pytest.mark.parametrize(
    "table", ["boundaries", "boundary_layers", "import_mappings", "incidents", "imports"]
)
def test_psql_as_an_analyst_may_not_delete_and_an_admin_only_history(users: Logins, table: str) -> None:
    refused = psql(users, Role.ANALYST, f"DELETE FROM {table} WHERE false")
    assert refused.returncode != 0 and "permission denied" in refused.stderr
    as_admin = psql(users, Role.ADMIN, f"DELETE FROM {table} WHERE false")
    assert (as_admin.returncode == 0) is (table in ADMIN_DELETES), as_admin.stderr


def test_psql_a_viewer_records_a_report_that_no_one_may_change(users: Logins) -> None:
    made = psql(
        users,
        Role.VIEWER,
        "INSERT INTO report_history (made_at_utc, username, template, filters_json, options_json,"
        " file_name, pages) VALUES (0, current_user, 'compstat', '{}', '{}', 'r.pdf', 1)",
    )
    assert made.returncode == 0, made.stderr
    for role in Role:
        for statement in ("UPDATE report_history SET pages = 2", "DELETE FROM report_history"):
            assert "permission denied" in psql(users, role, statement).stderr


def test_an_analyst_saves_a_mapping_again_but_replaces_no_boundary_layer(
    as_role: dict[Role, Engine], data_dir: Path
) -> None:
    analyst, admin = as_role[Role.ANALYST], as_role[Role.ADMIN]
    save_mapping(analyst, MAPPING)
    changed = dataclasses.replace(MAPPING, offense_type="Crime Type")
    save_mapping(analyst, changed)  # in place: the server refuses analysts' DELETE
    with admin.connect() as conn:
        assert conn.execute(select(func.count()).select_from(import_mappings)).scalar_one() == 1
        assert [m.offense_type for m in load_mappings(conn)] == ["Crime Type"]
    districts = data_dir / "chicago_police_districts_2012.geojson"
    layer = {"layer_name": "districts", "id_field": "DIST_NUM"}
    import_boundary_layer(analyst, districts, **layer)
    with pytest.raises(PermissionDenied, match="only an admin may"):
        import_boundary_layer(analyst, districts, **layer)
    pretender = User(acting_user(analyst).name, Role.ADMIN)
    with pytest.raises(ProgrammingError, match="permission denied for table"):
        import_boundary_layer.__wrapped__(analyst, districts, **layer, user=pretender)  # type: ignore[attr-defined]
    assert import_boundary_layer(admin, districts, **layer).regions == 23


def test_a_feed_deletes_only_its_own_rows_through_the_server_function(
    as_role: dict[Role, Engine], pg_engine: Engine
) -> None:
    ids = _feed_and_file_rows(pg_engine)
    call = text("SELECT crimedesk_delete_feed_rows(:feed, :ids)")
    with as_role[Role.VIEWER].begin() as conn, pytest.raises(ProgrammingError, match="permission denied"):
        conn.execute(call, {"feed": ids["feed"], "ids": [ids["feed_row"], ids["file_row"]]})
    with as_role[Role.ANALYST].begin() as conn:
        conn.execute(call, {"feed": ids["feed"], "ids": [ids["feed_row"], ids["file_row"]]})
    with pg_engine.connect() as conn:
        assert conn.execute(select(incidents.c.id)).scalars().all() == [ids["file_row"]]


def _feed_and_file_rows(engine: Engine) -> dict[str, int]:
    """A feed with one run and one incident, and a file import with one incident (as superuser)."""
    now = datetime.now().replace(microsecond=0)
    made: dict[str, int] = {}
    with engine.begin() as conn:
        for name in ("feed", "file"):
            made[f"{name}_import"] = conn.execute(
                insert(imports).returning(imports.c.id),
                {
                    **dict.fromkeys(("rows_read", "inserted", "updated", "unchanged"), 0),
                    **dict.fromkeys(("rejected", "unmappable", "corrected"), 0),
                    **{"file_name": name, "sha256": name, "size_bytes": 1, "profile": "chicago"},
                    **{"source": "chicago", "username": "u", "started_at": now, "status": "ok"},
                },
            ).scalar_one()
            made[f"{name}_row"] = conn.execute(
                insert(incidents).returning(incidents.c.id),
                {
                    **{"source": "chicago", "source_key": name, "occurred_from": now, "category": "THEFT"},
                    **{"mappable": False, "quality_flags": 0, "import_id": made[f"{name}_import"]},
                },
            ).scalar_one()
        made["feed"] = conn.execute(
            insert(feeds).returning(feeds.c.id),
            {
                **{"name": "portal", "kind": "soda", "endpoint": "127.0.0.1", "dataset": "x"},
                **{"profile": "chicago", "created_at": now},
            },
        ).scalar_one()
        conn.execute(
            insert(feed_runs),
            {"feed_id": made["feed"], "import_id": made["feed_import"], "started_at": now, "status": "ok"},
        )
    return made
