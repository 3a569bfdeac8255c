"""Local accounts: argon2id hashes, users CLI, lockout after 5 failures for 15 minutes,
failures in the chain, session expiry. Real SQLite audit store in a temp folder."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import test_audit_helpers as helpers
from sqlalchemy import select
from typer.testing import CliRunner

from prioritizer.audit import open_store
from prioritizer.audit import schema as t
from prioritizer.audit.events import list_events
from prioritizer.auth import accounts
from prioritizer.auth.errors import AuthError
from prioritizer.auth.identity import Identity
from prioritizer.auth.sessions import Session
from prioritizer.cli import app
from prioritizer.errors import InputError

PW = "correct horse battery"


db_url = helpers.db_url  # every test below runs on SQLite and on PostgreSQL
pg_schema_url = helpers.pg_schema_url


@pytest.fixture
def store(db_url):
    return open_store(db_url)


def _cli(*args, stdin=None):
    return CliRunner().invoke(app, list(args), input=stdin)


def test_users_cli_adds_lists_and_never_prints_the_password(tmp_path):
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    # The first account is made by the OS user of a store without accounts; from then on an
    # admin signed in with `login` manages them (issue 25).
    r = _cli(
        "users", "add", "boss", "--role", "admin", "--password-stdin", "--db", db, stdin="boss-pass-99\n"
    )
    assert r.exit_code == 0, r.output
    r = _cli("users", "add", "x", "--role", "viewer", "--db", db)
    assert r.exit_code == 6 and "prioritizer login" in r.output
    assert _cli("login", "boss", "--password-stdin", "--db", db, stdin="boss-pass-99\n").exit_code == 0
    r = _cli(
        "users",
        "add",
        "tanaka",
        "--role",
        "planner",
        "--display-name",
        "田中 太郎",
        "--clearance",
        "restricted",
        "--password-stdin",
        "--db",
        db,
        stdin=PW + "\n",
    )
    assert r.exit_code == 0, r.output
    assert PW not in r.output
    r = _cli("users", "list", "--format", "json", "--db", db)
    assert json.loads(r.output) == {
        "users": [
            {"user": "boss", "role": "admin", "display_name": "boss", "clearance": "public", "active": True},
            {
                "user": "tanaka",
                "role": "planner",
                "display_name": "田中 太郎",
                "clearance": "restricted",
                "active": True,
            },
        ]
    }
    store = open_store(db)
    with store._read() as conn:
        stored = conn.execute(select(t.users.c.password_hash).where(t.users.c.user == "tanaka")).scalar()
        events = conn.execute(select(t.events.c.detail)).scalars().all()
        records = conn.execute(select(t.records.c.content)).scalars().all()
    assert stored.startswith("$argon2id$")
    assert all(PW not in text for text in [*events, *records])
    r = _cli("users", "disable", "tanaka", "--format", "json", "--db", db)
    assert json.loads(r.output)["users"][0]["active"] is False
    r = _cli(
        "users",
        "reset",
        "tanaka",
        "--password-stdin",
        "--format",
        "json",
        "--db",
        db,
        stdin="another pass 99\n",
    )
    assert r.exit_code == 0 and "another pass 99" not in r.output
    assert json.loads(r.output)["users"][0]["active"] is True
    assert store.verify().ok


def test_unknown_role_clearance_and_duplicate_user_are_clear_errors(tmp_path):
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    r = _cli("users", "add", "x", "--role", "boss", "--clearance", "top", "--db", db)
    assert r.exit_code == 2
    assert "boss" in r.output and "top" in r.output  # both problems at once
    assert (
        _cli(
            "users", "add", "x", "--role", "admin", "--password-stdin", "--db", db, stdin="x-pass-1234\n"
        ).exit_code
        == 0
    )
    assert _cli("login", "x", "--password-stdin", "--db", db, stdin="x-pass-1234\n").exit_code == 0
    r = _cli("users", "add", "x", "--role", "viewer", "--db", db)
    assert r.exit_code == 2 and "exists" in r.output


def test_short_password_is_refused(store):
    with pytest.raises(InputError) as e:
        accounts.add_user(store, "a", "viewer", "short")
    assert [i.column for i in e.value.issues] == ["password"]


def test_right_password_signs_in_with_the_accounts_role(store):
    accounts.add_user(store, "suzuki", "committee", PW, display_name="鈴木", clearance="restricted")
    got = accounts.authenticate(store, "suzuki", PW)
    assert got.identity == Identity("suzuki", "鈴木", "committee", "local", "restricted")
    assert not got.must_reset
    signed = list_events(store, "signed_in")
    assert [(e["ref"], e["identity"]["method"]) for e in signed] == [("suzuki", "local")]


def test_five_failures_lock_the_account_for_fifteen_minutes_and_are_recorded(store):
    accounts.add_user(store, "suzuki", "committee", PW)
    t0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    for i in range(4):
        with pytest.raises(AuthError) as e:
            accounts.authenticate(store, "suzuki", "wrong password", now=t0)
        assert e.value.reason == "bad_credentials", i
    with pytest.raises(AuthError) as e:
        accounts.authenticate(store, "suzuki", "wrong password", now=t0)
    assert e.value.reason == "locked"
    # While locked, even the right password is refused ...
    with pytest.raises(AuthError):
        accounts.authenticate(store, "suzuki", PW, now=t0 + dt.timedelta(minutes=14, seconds=59))
    # ... and after 15 minutes it works again.
    assert accounts.authenticate(store, "suzuki", PW, now=t0 + dt.timedelta(minutes=15, seconds=1))
    failed = list_events(store, "sign_in_failed", ref="suzuki")
    assert [e["detail"]["reason"] for e in failed] == ["password"] * 5 + ["locked"]
    assert [e["detail"].get("failures") for e in failed[:5]] == [1, 2, 3, 4, 5]
    locked = list_events(store, "account_locked", ref="suzuki")
    assert len(locked) == 1 and locked[0]["detail"]["minutes"] == 15
    assert store.verify().ok


def test_a_right_password_resets_the_failure_count(store):
    accounts.add_user(store, "suzuki", "committee", PW)
    for _ in range(4):
        with pytest.raises(AuthError):
            accounts.authenticate(store, "suzuki", "nope nope nope")
    accounts.authenticate(store, "suzuki", PW)
    for _ in range(4):
        with pytest.raises(AuthError):
            accounts.authenticate(store, "suzuki", "nope nope nope")
    assert accounts.authenticate(store, "suzuki", PW)  # 4 + 4 failures never reached 5 in a row


def test_unknown_and_disabled_accounts_fail_with_the_same_message(store):
    accounts.add_user(store, "old", "viewer", PW)
    accounts.disable_user(store, "old")
    msgs = []
    for user, pw in (("nobody", PW), ("old", PW), ("old", "wrong wrong wrong")):
        with pytest.raises(AuthError) as e:
            accounts.authenticate(store, user, pw)
        msgs.append(str(e.value))
    assert len(set(msgs)) == 1
    reasons = [e["detail"]["reason"] for e in list_events(store, "sign_in_failed")]
    assert reasons == ["unknown", "disabled", "disabled"]


def test_first_start_creates_one_admin_with_a_one_time_password(store):
    secret = accounts.bootstrap_admin(store)
    assert secret and len(secret) >= 16
    assert accounts.bootstrap_admin(store) is None  # only once
    got = accounts.authenticate(store, "admin", secret)
    assert got.identity.role == "admin" and got.must_reset
    accounts.reset_password(store, "admin", "my own admin password", by=got.identity)
    assert not accounts.authenticate(store, "admin", "my own admin password").must_reset
    with pytest.raises(AuthError):
        accounts.authenticate(store, "admin", secret)


def test_sessions_expire_when_idle_and_after_the_absolute_limit():
    ident = Identity("a", "a", "viewer", "local")
    t0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    s = Session.start(ident, now=t0)
    assert not s.expired(t0 + dt.timedelta(minutes=29))
    assert s.expired(t0 + dt.timedelta(minutes=31))
    # Activity every 20 minutes keeps it alive, but not past 8 hours.
    for k in range(1, 24):
        s = s.touch(t0 + dt.timedelta(minutes=20 * k))
    assert not s.expired(t0 + dt.timedelta(minutes=20 * 23 + 1))
    s = s.touch(t0 + dt.timedelta(hours=8))
    assert s.expired(t0 + dt.timedelta(hours=8, minutes=1))


def test_editing_a_recorded_event_breaks_verification(store):
    accounts.add_user(store, "a", "viewer", PW)
    with store._write() as conn:
        conn.execute(t.events.update().values(actor="someone else"))
    rep = store.verify()
    assert not rep.ok and "event row was edited" in rep.first_broken.reason
