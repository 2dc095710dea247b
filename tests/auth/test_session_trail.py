"""A scripted session on the server leaves exactly its rows in the audit trail, with the right users."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from crimedesk.auth import accounts, audit
from crimedesk.auth.login import LoginAttempts, LoginRefused, log_in
from crimedesk.auth.roles import Role
from crimedesk.auth.session import acting_user
from crimedesk.ingest.deletion import delete_import
from crimedesk.ingest.pipeline import import_file
from crimedesk.models.experiments import delete_experiment, promote
from crimedesk.models.training import run_experiment
from tests.auth.server_users import Logins, drop_roles, logins
from tests.stores import clear_store

pytestmark = pytest.mark.postgres


@pytest.fixture
def users(pg_engine: Engine) -> Iterator[Logins]:
    clear_store(pg_engine)
    with logins(pg_engine) as made:
        yield made


def test_the_trail_of_a_session(users: Logins, chicago_sample: Path, tmp_path: Path) -> None:
    analyst_name, admin_name = users.names[Role.ANALYST], users.names[Role.ADMIN]
    newcomer = f"{users.names[Role.VIEWER]}_new"
    attempts = LoginAttempts()
    stranger = make_url(users.database_url).set(username=f"{analyst_name}_typo")
    with pytest.raises(LoginRefused, match="wrong user name or password"):
        log_in(stranger, attempts)
    analyst = log_in(users.url(Role.ANALYST), attempts)
    admin = log_in(users.url(Role.ADMIN), attempts)
    try:
        imported = import_file(analyst, chicago_sample).import_id
        experiment = run_experiment(analyst, "crime_type_rf", {"n_estimators": "10"}).id
        promote(analyst, experiment)
        boss = acting_user(admin)
        assert audit.export_csv(admin, tmp_path / "trail.csv", user=boss, username=analyst_name) == 4
        delete_experiment(admin, experiment)
        delete_import(admin, imported)
        accounts.add_user(admin, newcomer, "a new one", Role.VIEWER, user=boss)
        accounts.set_role(admin, newcomer, Role.ANALYST, user=boss)
        trail = [(e.username, e.action, e.object_id) for e in audit.read(admin)]
    finally:
        analyst.dispose()
        admin.dispose()
        drop_roles(users.database_url, [newcomer])
    created = [e for e in trail if e[0] == "postgres"]  # the test's own three logins
    assert [e[1] for e in created] == ["add_user"] * 3
    assert [e for e in trail if e[0] != "postgres"] == [
        (f"{analyst_name}_typo", "failed_login", f"{analyst_name}_typo"),
        (analyst_name, "login", analyst_name),
        (admin_name, "login", admin_name),
        (analyst_name, "import", str(imported)),
        (analyst_name, "train_model", str(experiment)),
        (analyst_name, "promote_model", str(experiment)),
        (admin_name, "export", "trail.csv"),
        (admin_name, "delete_experiment", str(experiment)),
        (admin_name, "delete_import", str(imported)),
        (admin_name, "add_user", newcomer),
        (admin_name, "change_role", newcomer),
    ]
    rows = (tmp_path / "trail.csv").read_text().splitlines()
    assert [r.split(",")[3] for r in rows[1:]] == ["login", "import", "train_model", "promote_model"]
