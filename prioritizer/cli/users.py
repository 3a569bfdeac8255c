"""``prioritizer users add|list|role|clearance|disable|enable|reset`` (DESIGN §6): local accounts
of the audit store.

Passwords are read from standard input (``--password-stdin``, one line) and never printed,
echoed or written anywhere but as an argon2id hash. On a store without accounts the OS user
creates the first ones (recorded as "sign-in off"); once it has accounts, only an admin signed in
with ``prioritizer login`` manages them (an account may set its own password). Disabling or
resetting an account ends its open sessions, in the app and on the command line, at once. Every
change (``user_added`` / ``role_changed`` / ``clearance_changed`` / ``user_disabled`` /
``user_enabled`` / ``password_reset``) is chained with the account's resulting state, which
``audit verify`` holds the accounts table to.

Recovery: an account without a usable password (a first administrator whose one-time password
was spent without choosing a new one) is reset by the OS user that owns the SQLite store file —
who could edit that file anyway — with ``prioritizer users reset admin --password-stdin``; the
reset is recorded as made by the store owner.

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


def _emit(users: list[dict], fmt: OutputFormat, out) -> None:  # type: ignore[no-untyped-def]
    rows = [{k: u[k] for k in COLUMNS} for u in users]
    write_text(render({"users": rows}, pd.DataFrame(rows, columns=COLUMNS), fmt), out)


def _who(db: str | None, own: str | None = None):  # type: ignore[no-untyped-def]
    """The caller, admitted to manage accounts: an admin's ``login`` session, or the OS user of a
    store without accounts (who creates the first ones). ``own``: an account may set its own
    password with its own session."""
    from prioritizer import door
    from prioritizer.cli.common import caller

    who = caller(db)
    if own is not None and who.established == "session" and who.identity.user == own:
        return who
    if own is not None and who.established == "no session" and _store_owner_may_recover(who, own):
        from dataclasses import replace

        ident = replace(who.identity, role="admin", clearance="secret", session="store owner")
        return replace(who, identity=ident, established="store owner")
    door.enter(who, "users", target=own or "accounts")
    return who


def _store_owner_may_recover(who, user: str) -> bool:  # type: ignore[no-untyped-def]
    """The OS owner of a SQLite store may reset an account that has no usable password (the only
    way back in after a spent one-time password); anyone else needs an admin's session."""
    import os
    from pathlib import Path

    from sqlalchemy.engine import make_url

    from prioritizer.auth.accounts import has_password

    url = who.store.url
    if not url.startswith("sqlite"):
        return False
    path = make_url(url).database
    try:
        owner = Path(path).stat().st_uid if path else -1
    except OSError:
        return False
    return owner == os.getuid() and not has_password(who.store, user)


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
        who = _who(db)
        pw = _password() if password_stdin else None
        got = add_user(
            who.store, user, role, pw, display_name=display_name, clearance=clearance, by=who.identity
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
        _emit(list_users(_who(db).store), fmt, out)


@users_app.command("role")
def role_cmd(
    user: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Argument(help="admin | planner | committee | viewer")],
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
) -> None:
    """Change an account's role (recorded in the chain with the account's new state)."""
    from prioritizer.auth.accounts import set_role

    with clean_errors(fmt):
        who = _who(db)
        _emit([set_role(who.store, user, role, by=who.identity)], fmt, out)


@users_app.command("clearance")
def clearance_cmd(
    user: Annotated[str, typer.Argument()],
    clearance: Annotated[str, typer.Argument(help="public | restricted | secret")],
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
) -> None:
    """Change the highest tier an account may see (recorded in the chain)."""
    from prioritizer.auth.accounts import set_clearance

    with clean_errors(fmt):
        who = _who(db)
        _emit([set_clearance(who.store, user, clearance, by=who.identity)], fmt, out)


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
        who = _who(db)
        _emit([disable_user(who.store, user, by=who.identity)], fmt, out)


@users_app.command("enable")
def enable_cmd(
    user: Annotated[str, typer.Argument()],
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
) -> None:
    """Re-enable a disabled account (its password is unchanged)."""
    from prioritizer.auth.accounts import enable_user

    with clean_errors(fmt):
        who = _who(db)
        _emit([enable_user(who.store, user, by=who.identity)], fmt, out)


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
        who = _who(db, own=user)
        _emit([reset_password(who.store, user, _password(), by=who.identity)], fmt, out)
