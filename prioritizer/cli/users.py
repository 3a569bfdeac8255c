"""``prioritizer users add|list|disable|reset`` (DESIGN §6): local accounts of the audit store.

Passwords are read from standard input (``--password-stdin``, one line) and never printed,
echoed or written anywhere but as an argon2id hash. Whoever can write the audit store
administers its accounts, so these commands act as the OS user (recorded as a ``cli``
identity on every ``user_added`` / ``user_disabled`` / ``password_reset`` event).

JSON: ``{"users": [{"user", "role", "display_name", "clearance", "active"}]}``.
"""

from __future__ import annotations

import sys
from typing import Annotated

import pandas as pd
import typer

from prioritizer.cli import app
from prioritizer.cli.common import (
    DbOpt,
    FormatOpt,
    LangOpt,
    NoAuditOpt,
    OutOpt,
    OutputFormat,
    clean_errors,
    render,
    write_text,
)
from prioritizer.errors import InputError, Issue

users_app = typer.Typer(help="Local accounts (sign-in to the app).", no_args_is_help=True)
app.add_typer(users_app, name="users")

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input (one line).")
]
COLUMNS = ["user", "role", "display_name", "clearance", "active"]


def _password() -> str:
    if sys.stdin is None:
        raise InputError([Issue("stdin", None, "password", None, "pipe the password into --password-stdin")])
    line = sys.stdin.readline()
    pw = line.rstrip("\r\n")
    if not pw:
        raise InputError([Issue("stdin", None, "password", None, "standard input held no password")])
    return pw


def _admin():  # type: ignore[no-untyped-def]
    from prioritizer.auth.identity import Identity, os_user

    who = os_user()
    return Identity(user=who, display_name=who, role="admin", method="cli", clearance="secret", os_user=who)


def _emit(users: list[dict], fmt: OutputFormat, out) -> None:  # type: ignore[no-untyped-def]
    rows = [{k: u[k] for k in COLUMNS} for u in users]
    write_text(render({"users": rows}, pd.DataFrame(rows, columns=COLUMNS), fmt), out)


def _store(db: str | None):  # type: ignore[no-untyped-def]
    from prioritizer.audit import open_store

    return open_store(db)


@users_app.command("add")
def add_cmd(
    user: Annotated[str, typer.Argument(help="Account id (an e-mail address for OIDC accounts).")],
    role: Annotated[str, typer.Option("--role", help="admin | planner | committee | viewer")],
    display_name: Annotated[str | None, typer.Option("--display-name", help="Name shown in records.")] = None,
    clearance: Annotated[str, typer.Option("--clearance", help="public | restricted | secret")] = "public",
    password_stdin: PasswordStdin = False,
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    lang: LangOpt = None,
) -> None:
    """Add an account. Without --password-stdin it can sign in only through OIDC."""
    from prioritizer.auth.accounts import add_user

    with clean_errors(fmt):
        pw = _password() if password_stdin else None
        got = add_user(
            _store(db), user, role, pw, display_name=display_name, clearance=clearance, by=_admin()
        )
        _emit([got], fmt, out)


@users_app.command("list")
def list_cmd(
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    lang: LangOpt = None,
) -> None:
    """List accounts (never their passwords)."""
    from prioritizer.auth.accounts import list_users

    with clean_errors(fmt):
        _emit(list_users(_store(db)), fmt, out)


@users_app.command("disable")
def disable_cmd(
    user: Annotated[str, typer.Argument()],
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    lang: LangOpt = None,
) -> None:
    """Disable an account: it can no longer sign in (its records keep naming it)."""
    from prioritizer.auth.accounts import disable_user

    with clean_errors(fmt):
        _emit([disable_user(_store(db), user, by=_admin())], fmt, out)


@users_app.command("reset")
def reset_cmd(
    user: Annotated[str, typer.Argument()],
    password_stdin: PasswordStdin = False,
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    lang: LangOpt = None,
) -> None:
    """Set a new password (from stdin); re-enables the account and lifts a lockout."""
    from prioritizer.auth.accounts import reset_password

    with clean_errors(fmt):
        if not password_stdin:
            raise InputError(
                [
                    Issue(
                        "options",
                        None,
                        "--password-stdin",
                        None,
                        "pipe the new password into --password-stdin",
                    )
                ]
            )
        _emit([reset_password(_store(db), user, _password(), by=_admin())], fmt, out)
