"""``prioritizer login USER --password-stdin | logout | whoami`` (DESIGN §7): command-line identity.

``login`` checks the password against the store's accounts (argon2id, lockout, failures recorded)
and writes a session token to a file readable by its owner only (mode 0600) at
``$PRIORITIZER_SESSION`` or ``~/.config/prioritizer/session``; the store keeps only the token's
SHA-256. Later commands act as that account until ``logout``, expiry (30 min idle, 8 h at most,
as in the app) or an administrator's ``users disable`` / ``users reset`` ends the session.
An account that must choose a new password (the first administrator's one-time password)
gives it as a second line on standard input.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from prioritizer.cli import app
from prioritizer.cli.common import (
    DbOpt,
    FormatOpt,
    NoAuditOpt,
    OutOpt,
    OutputFormat,
    clean_errors,
    dumps,
    write_text,
)
from prioritizer.errors import InputError, Issue


def _line(what: str) -> str:
    line = sys.stdin.readline() if sys.stdin is not None else ""
    pw = line.rstrip("\r\n")
    if not pw:
        raise InputError([Issue("stdin", None, what, None, f"standard input held no {what}")])
    return pw


@app.command("login")
def login(
    user: Annotated[str, typer.Argument(help="Account id.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input (one line).")
    ] = False,
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
) -> None:
    """Sign in: later commands act as this account (session file, mode 0600).

    The sign-in is recorded whatever ``--no-audit`` says (accepted, as on every command)."""
    from prioritizer import door
    from prioritizer.auth.accounts import authenticate, reset_password
    from prioritizer.auth.sessions import open_session

    with clean_errors(fmt):
        if not password_stdin:
            raise InputError(
                [Issue("options", None, "--password-stdin", None, "pipe the password into --password-stdin")]
            )
        store = door.store_for(db, create=True)
        if not door.has_accounts(store):
            raise InputError(
                [
                    Issue(
                        "store",
                        None,
                        None,
                        None,
                        "this store has no accounts, so sign-in is off and commands act as the OS user; "
                        "add accounts with `prioritizer users add USER --role ROLE --password-stdin`",
                    )
                ]
            )
        password = _line("password")
        rest = sys.stdin.readline().rstrip("\r\n") if sys.stdin is not None else ""
        if not rest and _one_time(store, user):
            # A one-time password signs in once (its first use spends it), so its holder must give
            # the password it chooses in the same breath, or it would be locked out.
            raise InputError(
                [
                    Issue(
                        "stdin",
                        None,
                        "new password",
                        None,
                        "this account has a one-time password: give your new password as a second line",
                    )
                ]
            )
        got = authenticate(store, user, password)
        ident = got.identity
        if got.must_reset:
            reset_password(store, ident.user, rest, by=ident)
        token = open_session(store, ident, "cli")
        path = door.write_session_file(token, ident.user, store.url)
        payload = {
            "user": ident.user,
            "role": ident.role,
            "clearance": ident.effective_clearance,
            "established": "cli",
            "session_file": str(path),
        }
        if fmt is OutputFormat.json:
            write_text(dumps(payload), out)
        else:
            write_text(
                f"signed in as {ident.display_name} ({ident.user}; {ident.role}, cleared for "
                f"{ident.effective_clearance}); session file {path}",
                out,
            )


def _one_time(store, user: str) -> bool:  # type: ignore[no-untyped-def]
    from prioritizer.door import account_flag

    return account_flag(store, user, "must_reset")


@app.command("logout")
def logout(
    fmt: FormatOpt = OutputFormat.table, out: OutOpt = None, db: DbOpt = None, no_audit: NoAuditOpt = False
) -> None:
    """End the command-line session (recorded whatever ``--no-audit`` says) and delete its file."""
    from prioritizer import door
    from prioritizer.auth.sessions import end_session

    with clean_errors(fmt):
        held = door.read_session_file()
        ended = False
        if held is not None:
            store = door.store_for(db, create=False)
            if store is not None:
                ended = end_session(store, held["token"], "logout")
        door.session_file().unlink(missing_ok=True)
        payload = {"ended": ended, "user": (held or {}).get("user")}
        write_text(
            dumps(payload) if fmt is OutputFormat.json else ("signed out" if ended else "no open session"),
            None,
        )


@app.command("whoami")
def whoami(
    fmt: FormatOpt = OutputFormat.table, out: OutOpt = None, db: DbOpt = None, no_audit: NoAuditOpt = False
) -> None:
    """Who the next command acts as: the signed-in account, no session, or sign-in off."""
    from prioritizer.cli.common import caller

    with clean_errors(fmt):
        who = caller(db, create=False)
        i = who.identity
        payload = {
            "user": i.user,
            "display_name": i.display_name,
            "role": i.role,
            "clearance": i.effective_clearance,
            "established": i.method if who.established == "session" else "none",
            "session": who.established,
        }
        if who.session_problem:
            payload["session_problem"] = who.session_problem
        if fmt is OutputFormat.json:
            write_text(dumps(payload), out)
        else:
            text = f"{i.display_name} ({i.user}): {i.role}, cleared for {i.effective_clearance} — {who.established}"
            if who.established == "no session":
                text += " (computing sees public rows; writes need `prioritizer login USER --password-stdin`)"
            write_text(text, out)
