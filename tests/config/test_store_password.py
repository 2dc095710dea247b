"""A store that wants a password gets it from the keyring or asks for it, and keeps it for the
session only; the CLI opens the configured store and refuses passwords on its command line."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from crimedesk.cli import app
from crimedesk.config.secrets import get_secret, secret_account, set_secret
from crimedesk.config.settings import Settings, load_settings, save_settings
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.engine import StoreAccessError, make_engine
from crimedesk.storage.summary import store_summary
from tests.config.conftest import TEST_PASSWORD


def _asker(*answers: str | None):
    asked: list[tuple[str, str]] = []
    replies = iter(answers)

    def ask(store: str, reason: str) -> str | None:
        asked.append((store, reason))
        return next(replies)

    return ask, asked


def test_a_password_is_asked_for_when_the_server_wants_one(password_server, no_keyring):
    ask, asked = _asker("wrong", TEST_PASSWORD)
    engine = make_engine(password_server, ask_password=ask)
    assert store_summary(engine).is_empty
    engine.dispose()
    assert [reason for _store, reason in asked] == [
        "the server asks for a password",
        "the server refused the password",
    ]
    assert all(TEST_PASSWORD not in store and "wrong" not in store for store, _ in asked)
    account = secret_account(make_url(password_server))
    assert get_secret(account) == TEST_PASSWORD  # kept for this session...
    again, asked_again = _asker()
    make_engine(password_server, ask_password=again).dispose()
    assert asked_again == []  # ...so not asked twice


def test_no_password_given_is_a_clear_error(password_server, no_keyring):
    ask, _asked = _asker(None)
    with pytest.raises(StoreAccessError, match="asks for a password and none was given"):
        make_engine(password_server, ask_password=ask)
    ask, _asked = _asker("a", "b", "c")
    with pytest.raises(StoreAccessError, match="refused the password 3 times"):
        make_engine(password_server, ask_password=ask)


def test_a_keyring_password_is_not_asked_for(password_server):
    set_secret(secret_account(make_url(password_server)), TEST_PASSWORD)
    ask, asked = _asker()
    make_engine(password_server, ask_password=ask).dispose()
    assert asked == []


def test_a_trusting_server_is_not_asked_for_a_password(pg_url, no_keyring):
    ask, asked = _asker()
    make_engine(pg_url, ask_password=ask).dispose()
    assert asked == []


def test_the_cli_prompts_with_hidden_input_without_a_keyring(password_server, no_keyring):
    result = CliRunner().invoke(app, ["stats", "--db", password_server], input=f"{TEST_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "the server asks for a password" in result.output
    assert "incidents: 0" in result.output
    assert TEST_PASSWORD not in result.output  # hidden input is not echoed


def test_the_cli_opens_the_store_saved_in_the_settings(store, chicago_sample):
    import_file(store, chicago_sample)
    url = store.url.set(password=None).render_as_string(hide_password=False)
    save_settings(Settings(store_url=url))
    assert f"store: {url} (settings)" in CliRunner().invoke(app, ["store", "show"]).output
    result = CliRunner().invoke(app, ["stats"])
    assert result.exit_code == 0, result.output
    assert "incidents: 2,426" in result.output


def test_store_use_saves_the_store_for_app_and_cli(tmp_path, monkeypatch):
    target = f"sqlite:///{tmp_path / 'chosen.sqlite'}"
    result = CliRunner().invoke(app, ["store", "use", target])
    assert result.exit_code == 0, result.output
    assert load_settings().store_url == target
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(app, ["store", "use", "sqlite:///relative.sqlite"])
    assert load_settings().store_url == f"sqlite:///{tmp_path / 'relative.sqlite'}"  # the app's cwd differs


@pytest.mark.parametrize("command", [["stats", "--db"], ["store", "use"], ["store", "password", "--db"]])
def test_passwords_on_the_command_line_are_refused(command, settings_file):
    url = f"postgresql://analyst:{TEST_PASSWORD}@db.example/crimes"
    result = CliRunner().invoke(app, [*command, url])
    assert result.exit_code == 1
    assert "process list" in result.output and "crimedesk store password" in result.output
    assert TEST_PASSWORD not in result.output
    assert not settings_file.exists() or TEST_PASSWORD not in settings_file.read_text()


def test_store_password_keeps_the_password_in_the_keyring(password_server):
    result = CliRunner().invoke(
        app, ["store", "password", "--db", password_server], input=f"{TEST_PASSWORD}\n{TEST_PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert get_secret(secret_account(make_url(password_server))) == TEST_PASSWORD
    assert CliRunner().invoke(app, ["stats", "--db", password_server]).exit_code == 0  # no prompt now


def test_store_password_without_a_keyring_says_it_will_be_asked(password_server, no_keyring):
    result = CliRunner().invoke(app, ["store", "password", "--db", password_server])
    assert result.exit_code == 1 and "asks for the password when it opens the store" in result.output
