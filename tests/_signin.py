"""Command-line sign-in for tests: accounts with passwords and a `login` session per test."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner

PASSWORD = "test-password-1"


def add(store: Any, user: str, role: str, clearance: str = "public", **kw: Any) -> None:
    from prioritizer.auth import accounts

    accounts.add_user(store, user, role, PASSWORD, clearance=clearance, **kw)


def login(db: str, user: str, password: str = PASSWORD) -> None:
    """`prioritizer login USER --password-stdin` (the session file is $PRIORITIZER_SESSION)."""
    from prioritizer.cli import app

    r = CliRunner().invoke(app, ["login", user, "--password-stdin", "--db", db], input=password + "\n")
    assert r.exit_code == 0, r.output


def logout(db: str) -> None:
    from prioritizer.cli import app

    r = CliRunner().invoke(app, ["logout", "--db", db])
    assert r.exit_code == 0, r.output


def app_session(at: Any, store: Any, user: str, password: str = PASSWORD) -> None:
    """Sign ``user`` in for an AppTest session (as the sign-in form would: a session in the store)."""
    from prioritizer.auth import accounts
    from prioritizer.auth.sessions import Session, open_session

    ident = accounts.authenticate(store, user, password).identity
    at.session_state["auth_token"] = open_session(store, ident, "app")
    at.session_state["auth_session"] = Session.start(ident)
