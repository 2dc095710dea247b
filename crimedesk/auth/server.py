"""PostgreSQL enforces the roles itself: group roles, per-table GRANTs, user-management functions.

Group roles (``crimedesk_viewer``, ``crimedesk_analyst``, ``crimedesk_admin``) and the maintenance
role ``crimedesk_maintainer`` are cluster-wide; they are created once, when absent, by whoever may
(a superuser, at ``crimedesk server setup`` or when a superuser migrates a store). GRANTs and the
SECURITY DEFINER functions live in each database: the maintainer owns the functions, so an admin
manages users without being a superuser. Every step is idempotent, and creating a role that another
session created a moment before is not an error (several stores share one cluster).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from crimedesk.auth.roles import Role
from crimedesk.auth.session import GROUP_ROLES

MAINTAINER = "crimedesk_maintainer"
READ, APPEND, WRITE = ("SELECT",), ("SELECT", "INSERT"), ("SELECT", "INSERT", "UPDATE")
DELETE = ("DELETE",)

# Per table, what an analyst may do (the README's role table, action by action). A table not
# named here is written by analysts' ordinary work (WRITE). Viewers read every table (SELECT).
ANALYST_TABLES: dict[str, tuple[str, ...]] = {
    # An updated or returned incident's regions are found again: the join is derived data, so
    # analysts replace its rows (crimedesk.regions.join.delete_incident_regions).
    "incident_regions": (*WRITE, *DELETE),
    "report_history": APPEND,  # made by anyone who may report, viewers too; never changed
    "offline_slices": READ,  # written in the slice's own SQLite file, never on the server
    "user_profiles": READ,  # written only through the maintainer's functions
    "store_settings": READ,  # store-wide settings: admins change them (ADMIN_WRITES)
    "store_info": READ,  # the store's identity, written once by the migration
    "alembic_version": READ,
}
# The only DELETEs: an admin deletes an import (its incidents, their regions, its rejected rows),
# a boundary layer (its regions and joins) or an experiment. Nothing else is ever deleted.
ADMIN_DELETES = {
    *("imports", "incidents", "incident_regions", "rejected_rows", "rejected_blocks"),
    *("boundary_layers", "boundaries", "experiments"),
}
ADMIN_WRITES = {"store_settings"}
EVERYONE_APPENDS = {"report_history"}


def table_privileges(table: str, role: Role) -> tuple[str, ...]:
    """Exactly what ``role`` may do on ``table``."""
    if table == "audit":
        return ("SELECT", "INSERT") if role is Role.ADMIN else ("INSERT",)
    if role is Role.VIEWER:
        return APPEND if table in EVERYONE_APPENDS else READ
    if role is Role.ADMIN and table in ADMIN_WRITES:
        return WRITE
    rights = ANALYST_TABLES.get(table, WRITE)
    if role is Role.ADMIN and table in ADMIN_DELETES and "DELETE" not in rights:
        return (*rights, *DELETE)
    return rights


def can_create_roles(conn: Connection) -> bool:
    query = "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
    return bool(conn.execute(text(query)).scalar())


def is_superuser(conn: Connection) -> bool:
    return bool(conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar())


def groups_exist(conn: Connection) -> bool:
    names = [*GROUP_ROLES.values(), MAINTAINER]
    found = conn.execute(text("SELECT count(*) FROM pg_roles WHERE rolname = ANY(:n)"), {"n": names})
    return found.scalar_one() == len(names)


def _ignoring_races(statement: str) -> str:
    """``statement`` in a block that shrugs off another session having just done the same."""
    return (
        f"DO $$ BEGIN {statement}; EXCEPTION WHEN duplicate_object OR unique_violation"
        " OR internal_error THEN NULL; END $$"
    )


def ensure_groups(conn: Connection) -> None:
    """Create the group roles and the maintainer when absent (needs CREATEROLE)."""
    for group in GROUP_ROLES.values():
        conn.execute(text(_ignoring_races(f"CREATE ROLE {group} NOLOGIN")))
    conn.execute(text(_ignoring_races(f"CREATE ROLE {MAINTAINER} NOLOGIN CREATEROLE")))
    groups = ", ".join(GROUP_ROLES.values())
    conn.execute(text(_ignoring_races(f"GRANT {groups} TO {MAINTAINER} WITH ADMIN OPTION")))


def apply_grants(conn: Connection) -> None:
    """GRANT each group exactly its rights on every table of this database's public schema.

    Later migrations that add tables call this again (their tables get the default rights)."""
    tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars()
    for table in tables:
        for role, group in GROUP_ROLES.items():
            conn.execute(text(f'REVOKE ALL ON TABLE "{table}" FROM {group}'))
            conn.execute(
                text(f'GRANT {", ".join(table_privileges(table, role))} ON TABLE "{table}" TO {group}')
            )
    writers = f"{GROUP_ROLES[Role.ANALYST]}, {GROUP_ROLES[Role.ADMIN]}"
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {writers}"))
    viewer = GROUP_ROLES[Role.VIEWER]
    conn.execute(text(f"GRANT USAGE ON SEQUENCE audit_id_seq, report_history_id_seq TO {viewer}"))
    conn.execute(text(f"GRANT INSERT, UPDATE ON TABLE user_profiles TO {MAINTAINER}"))
    conn.execute(text(f"GRANT INSERT ON TABLE audit TO {MAINTAINER}"))
    conn.execute(text(f"GRANT USAGE ON SEQUENCE audit_id_seq TO {MAINTAINER}"))
    conn.execute(text(f"GRANT SELECT ON TABLE feed_runs TO {MAINTAINER}"))
    conn.execute(text(f"GRANT SELECT, DELETE ON TABLE incidents, incident_regions TO {MAINTAINER}"))


def prepare_database(conn: Connection) -> bool:
    """Everything this connection may set up (idempotent); True when the store is fully enforced."""
    if can_create_roles(conn):
        ensure_groups(conn)
    if not (groups_exist(conn) and is_superuser(conn)):
        return False
    apply_grants(conn)
    install_functions(conn)
    return True


def install_functions(conn: Connection) -> None:
    """The SECURITY DEFINER user-management functions, owned by the maintainer (needs a superuser)."""
    conn.execute(text(f"GRANT CREATE, USAGE ON SCHEMA public TO {MAINTAINER}"))
    for name, (arguments, body) in FUNCTIONS.items():
        conn.execute(text(_function_sql(name, arguments, body)))
        signature = f"{name}({', '.join(a.split()[1] for a in arguments)})"
        conn.execute(text(f"ALTER FUNCTION {signature} OWNER TO {MAINTAINER}"))
        conn.execute(text(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC"))
        callers = [GROUP_ROLES[role] for role in Role if role >= FUNCTION_CALLERS.get(name, Role.ADMIN)]
        conn.execute(text(f"GRANT EXECUTE ON FUNCTION {signature} TO {', '.join(callers)}"))


def _function_sql(name: str, arguments: list[str], body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}({', '.join(arguments)}) RETURNS void"
        " LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$"
        f" BEGIN {body} END $fn$"
    )


_ADMIN_ONLY = (
    "IF NOT pg_has_role(session_user, 'crimedesk_admin', 'MEMBER') THEN"
    " RAISE EXCEPTION '% is not a crimedesk admin', session_user USING ERRCODE = 'insufficient_privilege';"
    " END IF;"
)
_ANALYST_OR_ADMIN = (
    "IF NOT (pg_has_role(session_user, 'crimedesk_analyst', 'MEMBER')"
    " OR pg_has_role(session_user, 'crimedesk_admin', 'MEMBER')) THEN"
    " RAISE EXCEPTION '% may not run feeds', session_user USING ERRCODE = 'insufficient_privilege';"
    " END IF;"
)
_FEEDS_OWN = "id = ANY(p_ids) AND import_id IN (SELECT import_id FROM feed_runs WHERE feed_id = p_feed)"


def crimedesk_user_sql(name: str) -> str:
    """SQL true when the role named by the expression ``name`` is a crimedesk user of this database:
    it has a profile here (made through crimedesk), or it is a direct member of a crimedesk group
    (a login made with psql: ``CREATE ROLE ...; GRANT crimedesk_analyst TO ...``) and may connect
    here. Group roles are cluster-wide, so such a login has its group's rights in every crimedesk
    database of the server it may connect to; the maintainer (a member of every group) is no user."""
    groups = ", ".join(f"'{group}'" for group in GROUP_ROLES.values())
    return (
        f"(EXISTS (SELECT 1 FROM user_profiles WHERE username = {name})"
        " OR EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid"
        f" JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = {name} AND g.rolname IN ({groups})"
        f" AND u.rolname <> '{MAINTAINER}'"
        " AND has_database_privilege(u.oid, current_database(), 'CONNECT')))"
    )


_KNOWN_USER = (
    f"IF NOT {crimedesk_user_sql('p_name')} THEN"
    " RAISE EXCEPTION 'no crimedesk user %', p_name USING ERRCODE = 'undefined_object'; END IF;"
)
_NOT_SELF = (
    "IF p_name = session_user THEN RAISE EXCEPTION 'you may not change your own role or suspend yourself'"
    " USING ERRCODE = 'insufficient_privilege'; END IF;"
)
_CHECK_ROLE = (
    "IF p_role NOT IN ('viewer', 'analyst', 'admin') THEN"
    " RAISE EXCEPTION 'unknown role %', p_role USING ERRCODE = 'invalid_parameter_value'; END IF;"
)
_GRANT_ONLY = (
    "EXECUTE format('REVOKE crimedesk_viewer, crimedesk_analyst, crimedesk_admin FROM %I', p_name);"
    " EXECUTE format('GRANT %I TO %I', 'crimedesk_' || p_role, p_name);"
)


def _audit(action: str, details: str) -> str:
    return (
        "INSERT INTO audit (at_utc, username, host, action, object_type, object_id, details_json) VALUES"
        " (floor(extract(epoch FROM clock_timestamp() AT TIME ZONE 'UTC'))::bigint, session_user,"
        " coalesce(nullif(current_setting('crimedesk.host', true), ''), host(inet_client_addr()), 'local'),"
        f" '{action}', 'user', p_name, {details});"
    )


# Who may call each function (and every role above); admins only when not named.
FUNCTION_CALLERS = {"crimedesk_set_user_password": Role.VIEWER, "crimedesk_delete_feed_rows": Role.ANALYST}
FUNCTIONS: dict[str, tuple[list[str], str]] = {
    # A feed's run deletes the rows its portal deleted: analysts run feeds but may not DELETE
    # incidents, so the run deletes through this function, which touches only the feed's own rows.
    "crimedesk_delete_feed_rows": (
        ["p_feed integer", "p_ids bigint[]"],
        _ANALYST_OR_ADMIN
        + f"DELETE FROM incident_regions WHERE incident_id IN (SELECT id FROM incidents WHERE {_FEEDS_OWN});"
        + f"DELETE FROM incidents WHERE {_FEEDS_OWN};",
    ),
    "crimedesk_add_user": (
        ["p_name text", "p_verifier text", "p_role text", "p_full_name text", "p_department text"],
        _ADMIN_ONLY
        + _CHECK_ROLE
        + "EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', p_name, p_verifier);"
        + _GRANT_ONLY
        + "INSERT INTO user_profiles (username, full_name, department)"
        + " VALUES (p_name, p_full_name, p_department);"
        + _audit(
            "add_user",
            "json_build_object('role', p_role, 'full_name', p_full_name, 'department', p_department)::text",
        ),
    ),
    "crimedesk_set_user_role": (
        ["p_name text", "p_role text"],
        _ADMIN_ONLY
        + _CHECK_ROLE
        + _KNOWN_USER
        + _NOT_SELF
        + _GRANT_ONLY
        + _audit("change_role", "json_build_object('role', p_role)::text"),
    ),
    "crimedesk_set_user_login": (
        ["p_name text", "p_can_login boolean"],
        _ADMIN_ONLY
        + _KNOWN_USER
        + _NOT_SELF
        + "EXECUTE format('ALTER ROLE %I ' || CASE WHEN p_can_login THEN 'LOGIN' ELSE 'NOLOGIN' END, p_name);"
        + _audit("change_status", "json_build_object('can_log_in', p_can_login)::text"),
    ),
    "crimedesk_set_user_password": (
        ["p_name text", "p_verifier text"],
        "IF p_name <> session_user THEN "
        + _ADMIN_ONLY
        + " END IF;"
        + _KNOWN_USER
        + "EXECUTE format('ALTER ROLE %I PASSWORD %L', p_name, p_verifier);"
        + _audit("set_password", "'{}'"),
    ),
}
