"""The chain covers accounts (issue 25 item 6) and the one-time admin password works once (item 5).

Every account change is a chained event carrying the account's resulting security state;
``audit verify`` holds ``audit_users`` to it. Tampering is done with plain SQL behind the
library's back, on SQLite and on PostgreSQL (``PRIORITIZER_TEST_PG_URL``).
"""

from __future__ import annotations

import hashlib
import json

import pytest
import test_audit_helpers as helpers
from sqlalchemy import text
from test_audit_helpers import raw_engine
from typer.testing import CliRunner

from prioritizer.audit import open_store
from prioritizer.audit.events import append_event_in, list_events
from prioritizer.auth import accounts
from prioritizer.auth.errors import AuthError, Forbidden
from prioritizer.auth.identity import Identity
from prioritizer.cli import app
from prioritizer.errors import InputError

PW = "correct horse battery"
PW2 = "another long pass 2"
ADMIN = Identity("boss", "Boss", "admin", "local", "secret")

db_url = helpers.db_url  # every test below runs on SQLite and on PostgreSQL
pg_schema_url = helpers.pg_schema_url


@pytest.fixture
def store(db_url):
    return open_store(db_url)


def _sql(db_url: str, stmt: str, **params) -> None:
    with raw_engine(db_url).begin() as c:
        c.execute(text(stmt), params)


def _account_problems(store) -> list[tuple[str, str]]:
    rep = store.verify()
    return [(p.ref, p.reason) for p in rep.problems if p.kind == "account"]


def _two_accounts(store) -> None:
    accounts.add_user(store, "tanaka", "planner", PW, display_name="田中", clearance="restricted", by=ADMIN)
    accounts.add_user(store, "sato", "viewer", PW2, by=ADMIN)


def test_every_account_change_is_chained_with_its_resulting_state_and_verifies(store):
    _two_accounts(store)
    accounts.set_role(store, "tanaka", "committee", by=ADMIN)
    accounts.set_clearance(store, "tanaka", "secret", by=ADMIN)
    accounts.disable_user(store, "sato", by=ADMIN)
    accounts.enable_user(store, "sato", by=ADMIN)
    accounts.reset_password(store, "sato", "reset by the admin", by=ADMIN)
    sato = Identity("sato", "sato", "viewer", "local", "public")
    accounts.reset_password(store, "sato", "chosen by sato 1", by=sato)
    with pytest.raises(AuthError):  # a failure changes the counters only: not security state
        accounts.authenticate(store, "tanaka", "wrong password")
    kinds = [
        (e["kind"], e["ref"])
        for e in list_events(store)
        if e["kind"] not in ("sign_in_failed", "signed_in", "refused")
    ]
    assert kinds == [
        ("user_added", "tanaka"),
        ("user_added", "sato"),
        ("role_changed", "tanaka"),
        ("clearance_changed", "tanaka"),
        ("user_disabled", "sato"),
        ("user_enabled", "sato"),
        ("password_reset", "sato"),
        ("password_changed", "sato"),
    ]
    tanaka = [e for e in list_events(store, ref="tanaka") if "state" in e["detail"]]
    assert tanaka[-1]["detail"]["state"] == {
        "role": "committee",
        "clearance": "secret",
        "active": True,
        "display_name": "田中",
        "must_reset": False,
        "password_sha256": hashlib.sha256(_hash(store, "tanaka").encode()).hexdigest(),
    }
    assert tanaka[-2]["detail"]["from"] == "planner" and tanaka[-2]["detail"]["to"] == "committee"
    # the chain holds digests of the hashes, never a hash (nor a password)
    with store._read() as conn:
        chained = " ".join(conn.execute(text("SELECT content FROM audit_records")).scalars())
    assert "$argon2id$" not in chained and PW not in chained
    assert store.verify().ok


def _hash(store, user: str) -> str:
    with store._read() as conn:
        return conn.execute(
            text('SELECT password_hash FROM audit_users WHERE "user" = :u'), {"u": user}
        ).scalar()


@pytest.mark.parametrize(
    ("column", "value", "named"),
    [
        ("role", "'admin'", "role ('planner' in the chain, 'admin' in the table)"),
        ("clearance", "'secret'", "clearance ('restricted' in the chain, 'secret' in the table)"),
        ("active", "false", "active (True in the chain, False in the table)"),
        ("display_name", "'someone else'", "display_name"),
        ("must_reset", "true", "must_reset"),
    ],
)
def test_a_security_field_edited_in_the_database_fails_verify_naming_account_and_field(
    store, db_url, column, value, named
):
    _two_accounts(store)
    assert store.verify().ok
    _sql(db_url, f"UPDATE audit_users SET {column} = {value} WHERE \"user\" = 'tanaka'")
    rep = store.verify()
    assert not rep.ok
    assert rep.first_broken.kind == "account" and rep.first_broken.ref == "tanaka"
    assert named in rep.first_broken.reason
    # and the CLI exits 3 saying so
    r = CliRunner().invoke(app, ["audit", "verify", "--db", db_url, "--lang", "en"])
    assert r.exit_code == 3 and "tanaka" in r.stdout and column in r.stdout


def test_a_swapped_password_hash_fails_verify(store, db_url):
    """The attacker knows sato's password and copies sato's hash onto tanaka's account."""
    _two_accounts(store)
    _sql(
        db_url,
        "UPDATE audit_users SET password_hash = (SELECT password_hash FROM audit_users WHERE \"user\" = 'sato') "
        "WHERE \"user\" = 'tanaka'",
    )
    assert accounts.authenticate(store, "tanaka", PW2).identity.user == "tanaka"  # the swap works ...
    assert _account_problems(store) == [
        ("tanaka", "the account row was edited after this record: password hash differs")
    ]  # ... and verify sees it


def test_an_inserted_or_deleted_account_fails_verify(store, db_url):
    _two_accounts(store)
    forged = _hash(store, "sato")
    _sql(
        db_url,
        'INSERT INTO audit_users ("user", display_name, role, clearance, active, password_hash, must_reset, '
        "failures, locked_until, created_at, updated_at) VALUES ('mallory', 'M', 'admin', 'secret', true, :h, "
        "false, 0, NULL, '2026-12-01', '2026-12-01')",
        h=forged,
    )
    _sql(db_url, "DELETE FROM audit_users WHERE \"user\" = 'sato'")
    got = dict(_account_problems(store))
    assert got == {
        "mallory": "an account row without a chained record (inserted into audit_users)",
        "sato": "the account row was deleted from audit_users",
    }


def test_lockout_counters_are_not_security_state(store, db_url):
    _two_accounts(store)
    _sql(db_url, "UPDATE audit_users SET failures = 4, locked_until = '2099-01-01' WHERE \"user\" = 'tanaka'")
    assert store.verify().ok


def test_role_and_clearance_changes_are_for_admins_only_and_refusals_are_recorded(store):
    _two_accounts(store)
    planner = Identity("tanaka", "田中", "planner", "local", "restricted")
    with pytest.raises(Forbidden):
        accounts.set_role(store, "tanaka", "admin", by=planner)
    with pytest.raises(Forbidden):
        accounts.set_clearance(store, "tanaka", "secret", by=planner)
    refused = [(e["actor"], e["detail"]["action"]) for e in list_events(store, "refused")]
    assert refused == [("tanaka", "manage_users"), ("tanaka", "manage_users")]
    assert accounts.get_user(store, "tanaka")["role"] == "planner"
    with pytest.raises(InputError) as e:
        accounts.set_role(store, "tanaka", "boss", by=ADMIN)
    assert [(i.column, i.value) for i in e.value.issues] == [("role", "boss")]
    with pytest.raises(InputError) as e:
        accounts.set_clearance(store, "nobody", "secret", by=ADMIN)
    assert "no such account" in e.value.issues[0].message
    n = len(list_events(store))
    accounts.set_role(store, "tanaka", "planner", by=ADMIN)  # unchanged: nothing written
    assert len(list_events(store)) == n
    assert store.verify().ok


def test_users_role_clearance_enable_cli(tmp_path):
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    cli = CliRunner()
    # the first account by the OS user (sign-in off), then an admin's session manages accounts
    pw = ["--password-stdin", "--db", db]
    assert (
        cli.invoke(app, ["users", "add", "boss", "--role", "admin", *pw], input="boss-pass-1\n").exit_code
        == 0
    )
    assert cli.invoke(app, ["login", "boss", *pw], input="boss-pass-1\n").exit_code == 0
    assert cli.invoke(app, ["users", "add", "ito", "--role", "viewer", "--db", db]).exit_code == 0
    r = cli.invoke(app, ["users", "role", "ito", "committee", "--format", "json", "--db", db])
    assert r.exit_code == 0 and json.loads(r.output)["users"][0]["role"] == "committee"
    r = cli.invoke(app, ["users", "clearance", "ito", "restricted", "--format", "json", "--db", db])
    assert r.exit_code == 0 and json.loads(r.output)["users"][0]["clearance"] == "restricted"
    assert cli.invoke(app, ["users", "disable", "ito", "--db", db]).exit_code == 0
    r = cli.invoke(app, ["users", "enable", "ito", "--format", "json", "--db", db])
    assert r.exit_code == 0 and json.loads(r.output)["users"][0]["active"] is True
    r = cli.invoke(app, ["users", "role", "ito", "boss", "--db", db])
    assert r.exit_code == 2 and "boss" in r.output
    store = open_store(db)
    assert [e["kind"] for e in list_events(store, ref="ito")] == [
        "user_added",
        "role_changed",
        "clearance_changed",
        "user_disabled",
        "user_enabled",
    ]
    assert cli.invoke(app, ["audit", "verify", "--db", db]).exit_code == 0


def test_a_store_made_before_accounts_were_chained_gets_a_baseline_and_then_catches_edits(db_url):
    """A store at revision 0003 holds accounts whose events carry no state. Opening it with this
    version appends one ``account_state`` baseline per account: it verifies, and a later edit fails."""
    from alembic import command

    from prioritizer.audit import schema as t
    from prioritizer.audit.store import _alembic_config

    cfg = _alembic_config()
    with raw_engine(db_url).begin() as c:
        cfg.attributes["connection"] = c
        command.upgrade(cfg, "0003")
    with raw_engine(db_url).begin() as c:
        for user, role in (("old_admin", "admin"), ("old_viewer", "viewer")):
            c.execute(
                t.users.insert().values(
                    user=user,
                    display_name=user,
                    role=role,
                    clearance="public",
                    active=True,
                    password_hash="$argon2id$v=19$m=65536,t=3,p=4$" + user,
                    must_reset=False,
                    failures=0,
                    locked_until=None,
                    created_at="2026-12-01",
                    updated_at="2026-12-01",
                )
            )
            # how 0003-era code recorded it: no state
            append_event_in(c, "user_added", user, "system", {"user": "system"}, {"role": role})
    store = open_store(db_url)
    base = list_events(store, "account_state")
    assert [(e["ref"], e["detail"]["state"]["role"]) for e in base] == [
        ("old_admin", "admin"),
        ("old_viewer", "viewer"),
    ]
    assert store.verify().ok
    _sql(db_url, "UPDATE audit_users SET role = 'admin' WHERE \"user\" = 'old_viewer'")
    assert _account_problems(store) == [
        (
            "old_viewer",
            "the account row was edited after this record: role ('viewer' in the chain, 'admin' in the table) "
            "differs",
        )
    ]


# --------------------------------------------------------------------------- one-time password


def test_the_one_time_admin_password_signs_in_once(store):
    secret = accounts.bootstrap_admin(store)
    got = accounts.authenticate(store, "admin", secret)
    assert got.identity.role == "admin" and got.must_reset
    # the session did not choose a password: the one-time one no longer signs in
    with pytest.raises(AuthError):
        accounts.authenticate(store, "admin", secret)
    assert [e["kind"] for e in list_events(store, ref="admin")] == [
        "user_added",
        "one_time_password_used",
        "signed_in",
        "sign_in_failed",
    ]
    assert accounts.get_user(store, "admin")["password"] is False
    assert store.verify().ok


def test_the_session_that_spent_it_chooses_a_new_password(store):
    secret = accounts.bootstrap_admin(store)
    got = accounts.authenticate(store, "admin", secret)
    accounts.reset_password(store, "admin", "my own admin password", by=got.identity)
    again = accounts.authenticate(store, "admin", "my own admin password")
    assert not again.must_reset
    assert accounts.authenticate(store, "admin", "my own admin password").identity.user == "admin"
    with pytest.raises(AuthError):
        accounts.authenticate(store, "admin", secret)
    assert store.verify().ok


def test_two_sign_ins_racing_with_the_one_time_password_let_one_in(store, monkeypatch):
    """The second sign-in is run while the first one is between checking the password and
    taking the write lock (inside its argon2 verification): the first then finds the hash spent."""
    from prioritizer.auth import passwords

    secret = accounts.bootstrap_admin(store)
    real = passwords.verify
    inner: list[accounts.SignIn] = []
    raced = []

    def racing(stored, pw):
        ok = real(stored, pw)
        if not raced:
            raced.append(True)
            inner.append(accounts.authenticate(store, "admin", secret))
        return ok

    monkeypatch.setattr(passwords, "verify", racing)
    with pytest.raises(AuthError):
        accounts.authenticate(store, "admin", secret)
    assert inner[0].must_reset
    reasons = [e["detail"].get("reason") for e in list_events(store, "sign_in_failed")]
    assert reasons == ["stale"]
    assert len(list_events(store, "signed_in")) == 1


def test_a_spent_one_time_password_is_restored_by_the_store_owner_with_users_reset(tmp_path):
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    store = open_store(db)
    secret = accounts.bootstrap_admin(store)
    accounts.authenticate(store, "admin", secret)
    r = CliRunner().invoke(
        app, ["users", "reset", "admin", "--password-stdin", "--db", db], input="a new admin pass\n"
    )
    assert r.exit_code == 0, r.output
    assert accounts.authenticate(store, "admin", "a new admin pass").identity.role == "admin"
    assert list_events(store, ref="admin")[-2]["kind"] == "password_reset"
    assert store.verify().ok


def test_a_disabled_account_cannot_re_enable_itself_by_changing_its_password(store):
    """Before: a disabled account's open session could set its own password, which re-enabled it."""
    _two_accounts(store)
    session = accounts.authenticate(store, "sato", PW2).identity
    accounts.disable_user(store, "sato", by=ADMIN)
    with pytest.raises(AuthError) as e:
        accounts.reset_password(store, "sato", "let me back in 1", by=session)
    assert e.value.reason == "disabled"
    assert accounts.get_user(store, "sato")["active"] is False
    with pytest.raises(AuthError):
        accounts.authenticate(store, "sato", "let me back in 1")
    refused = list_events(store, "refused")[-1]
    assert (refused["actor"], refused["ref"], refused["detail"]) == (
        "sato",
        "sato",
        {"action": "change_password", "reason": "disabled"},
    )
    accounts.reset_password(store, "sato", "set by the admin 1", by=ADMIN)  # an admin's reset re-enables
    assert accounts.get_user(store, "sato")["active"] is True
    assert store.verify().ok
