"""Who is asking: the caller of every door action, established once per command or page.

Command line (:func:`cli_caller`):

* a store **without accounts** (one person): the OS user with every right, recorded as
  "sign-in off";
* a store **with accounts**: the account of the session opened with ``prioritizer login``
  (a token file, mode 0600, at ``$PRIORITIZER_SESSION`` or in the user's config folder),
  checked against the store at every command, so ``logout``, ``users disable`` and
  ``users reset`` end it at once; without a valid session, the OS user as a viewer of public
  rows, recorded as "no session". ``--auth none`` / ``PRIORITIZER_AUTH=none`` is refused there.

``--actor`` is a free note kept beside the identity; it never names an account.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prioritizer.auth.errors import Forbidden
from prioritizer.auth.identity import Identity, no_session, sign_in_off

SESSION_ENV = "PRIORITIZER_SESSION"
SIGN_IN_HINT = "sign in with `prioritizer login USER --password-stdin` (see `prioritizer whoami`)"


@dataclass(frozen=True)
class Caller:
    """Who acts, through which store; ``store`` is None only for a store that does not exist yet."""

    identity: Identity
    store: Any
    #: ``session`` | ``no session`` | ``sign-in off`` | ``app``
    established: str
    #: why a session file was not honoured (expired, ended by an administrator …), for the message
    session_problem: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.established in ("session", "sign-in off", "app")


class SignInRequired(Forbidden):
    """A write without a session on a store that has accounts."""

    def __init__(self, action: str, message: str) -> None:
        super().__init__(action, "viewer", message)
        self.msg = {"kind": "auth.sign_in_required"}


def session_file() -> Path:
    env = os.environ.get(SESSION_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME", "").strip() or str(Path.home() / ".config")
    return Path(base) / "prioritizer" / "session"


def write_session_file(token: str, user: str, url: str) -> Path:
    """Write the token readable by its owner only (0600, folder 0700), replacing any older one."""
    from prioritizer.audit.store import redact

    path = session_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"token": token, "user": user, "store": redact(url)}, fh)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def read_session_file() -> dict[str, Any] | None:
    path = session_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("token"), str) else None


def store_for(db: str | None, *, create: bool) -> Any:
    """The store at ``db`` (default: ``$PRIORITIZER_DB`` or the per-user SQLite file).

    With ``create=False`` a SQLite file that does not exist yet is not made (a ``--no-audit``
    read); such a store has no accounts.
    """
    from sqlalchemy.engine import make_url

    from prioritizer.audit.store import default_db_url, normalise_url, open_store

    url = normalise_url(db or default_db_url())
    if not create and url.startswith("sqlite"):
        path = make_url(url).database
        if path in (None, "", ":memory:") or not Path(path).exists():
            return None
    return open_store(url)


def has_accounts(store: Any) -> bool:
    from prioritizer.auth.accounts import count_users

    return store is not None and count_users(store) > 0


def cli_caller(db: str | None, *, note: str = "", create: bool = True) -> Caller:
    """The caller of a command-line action (see the module docstring)."""
    from prioritizer.auth.config import auth_mode
    from prioritizer.auth.roles import record_refusal
    from prioritizer.auth.sessions import check_session
    from prioritizer.errors import AuditError

    try:
        store = store_for(db, create=create)
    except AuditError:
        if create:  # the command records: it must fail rather than claim a record
            raise
        # A throw-away read on a store that cannot be reached: whether it has accounts is
        # unknown, so the read sees public rows only (fail closed), as without a session.
        return Caller(no_session(note), None, "no session", "store unreachable")
    if not has_accounts(store):
        return Caller(sign_in_off(note), store, "sign-in off")
    try:
        mode = auth_mode()
    except ValueError as exc:
        from prioritizer.errors import InputError, Issue

        raise InputError([Issue("PRIORITIZER_AUTH", None, None, None, str(exc))]) from None
    if mode == "none":
        ident = no_session(note)
        record_refusal(store, ident, "view", "--auth none")
        raise Forbidden(
            "view",
            ident.role,
            "--auth none / PRIORITIZER_AUTH=none is honoured only by a store without accounts; "
            "this store has accounts: " + SIGN_IN_HINT,
        )
    held = read_session_file()
    problem = None
    if held is not None:
        got = check_session(store, held["token"], "cli", method="cli")
        if got.identity is not None:
            i = got.identity
            ident = Identity(
                i.user,
                i.display_name,
                i.role,
                "cli",
                i.clearance,
                os_user=no_session().os_user,
                session="session",
                note=note.strip() or None,
            )
            return Caller(ident, store, "session")
        problem = got.status
    return Caller(no_session(note), store, "no session", problem)


def app_caller(identity: Identity, store: Any) -> Caller:
    """The caller of an app page: the identity the sign-in gate established for this session."""
    return Caller(identity, store, "app")


def account_flag(store: Any, user: str, flag: str) -> bool:
    """One boolean column of an account (``must_reset``), False for an unknown account."""
    from sqlalchemy import select

    from prioritizer.audit import schema as t

    with store._read() as conn:
        row = conn.execute(select(t.users.c[flag]).where(t.users.c.user == user)).first()
    return bool(row[0]) if row is not None else False
