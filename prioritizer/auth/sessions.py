"""Signed-in sessions expire: after :data:`IDLE_MINUTES` without activity and, whatever the
activity, :data:`MAX_HOURS` after sign-in (the NIST SP 800-63B §7.2 pattern of an
inactivity and an overall limit). Overridable with ``PRIORITIZER_SESSION_IDLE_MINUTES`` /
``PRIORITIZER_SESSION_MAX_HOURS``.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, replace

from prioritizer.auth.identity import Identity

IDLE_MINUTES = 30.0
MAX_HOURS = 8.0


def _limit(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


@dataclass(frozen=True)
class Session:
    identity: Identity
    started: dt.datetime
    last_seen: dt.datetime
    #: must choose a new password before anything else (first administrator)
    must_reset: bool = False

    @classmethod
    def start(cls, identity: Identity, must_reset: bool = False, now: dt.datetime | None = None) -> Session:
        now = now or dt.datetime.now(dt.UTC)
        return cls(identity, now, now, must_reset)

    def expired(self, now: dt.datetime | None = None) -> bool:
        now = now or dt.datetime.now(dt.UTC)
        idle = dt.timedelta(minutes=_limit("PRIORITIZER_SESSION_IDLE_MINUTES", IDLE_MINUTES))
        total = dt.timedelta(hours=_limit("PRIORITIZER_SESSION_MAX_HOURS", MAX_HOURS))
        return now - self.last_seen > idle or now - self.started > total

    def touch(self, now: dt.datetime | None = None) -> Session:
        return replace(self, last_seen=now or dt.datetime.now(dt.UTC))


# --------------------------------------------------------------------------- sessions in the store
#
# A session lives in the store as the SHA-256 of a random token; the token itself is held only
# by the holder (the command line's session file, the browser's server-side session state). Every
# use re-reads the row and the account, so disabling or resetting an account, or signing out,
# ends its sessions at once on every server and terminal.

ENDED_REASONS = ("logout", "disabled", "reset", "expired", "password_changed")


def _now_text(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="microseconds")


def token_hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(store: object, identity: Identity, kind: str, *, now: dt.datetime | None = None) -> str:
    """Record a new session of ``identity`` (``kind``: ``app`` | ``cli``); returns its secret token."""
    import secrets

    from prioritizer.audit import schema as t
    from prioritizer.audit.events import append_event_in

    token = secrets.token_urlsafe(32)
    at = _now_text(now)
    with store._write() as conn:  # type: ignore[attr-defined]
        conn.execute(
            t.sessions.insert().values(
                token_hash=token_hash(token), user=identity.user, kind=kind, started_at=at, last_seen=at
            )
        )
        append_event_in(
            conn, "session_opened", identity.user, identity.actor, identity.as_record(), {"kind": kind}
        )
    return token


@dataclass(frozen=True)
class Check:
    """The outcome of presenting a session token: the account's current identity, or why not."""

    identity: Identity | None
    #: ``ok`` | ``unknown`` | ``ended:<reason>`` | ``expired`` | ``inactive``
    status: str


def check_session(
    store: object, token: str, kind: str, method: str = "local", *, now: dt.datetime | None = None
) -> Check:
    """The identity behind ``token`` *now* (role and clearance as the account says today).

    Ends the session (recorded) when it has expired or its account is no longer active.
    """
    from sqlalchemy import select, update

    from prioritizer.audit import schema as t

    now = now or dt.datetime.now(dt.UTC)
    h = token_hash(token)
    with store._read() as conn:  # type: ignore[attr-defined]
        row = conn.execute(select(t.sessions).where(t.sessions.c.token_hash == h)).mappings().first()
        acct = (
            None
            if row is None
            else conn.execute(select(t.users).where(t.users.c.user == row["user"])).mappings().first()
        )
    if row is None or row["kind"] != kind:
        return Check(None, "unknown")
    if row["ended_at"] is not None:
        return Check(None, f"ended:{row['ended_reason']}")
    if acct is None or not acct["active"]:
        end_sessions(store, row["user"], "disabled")
        return Check(None, "inactive")
    started = dt.datetime.fromisoformat(row["started_at"])
    last = dt.datetime.fromisoformat(row["last_seen"])
    if Session(_identity_of(acct, method), started, last).expired(now):
        _end(store, [h], row["user"], "expired")
        return Check(None, "expired")
    with store._write() as conn:  # type: ignore[attr-defined]
        conn.execute(update(t.sessions).where(t.sessions.c.token_hash == h).values(last_seen=_now_text(now)))
    return Check(_identity_of(acct, method), "ok")


def _identity_of(acct: object, method: str) -> Identity:
    a = acct  # a row mapping of audit_users
    return Identity(
        user=a["user"],  # type: ignore[index]
        display_name=a["display_name"],  # type: ignore[index]
        role=a["role"],  # type: ignore[index]
        method=method,
        clearance=a["clearance"],  # type: ignore[index]
    )


def end_session(store: object, token: str, reason: str = "logout") -> bool:
    """End one session (sign-out); False when the token names no open session."""
    from sqlalchemy import select

    from prioritizer.audit import schema as t

    h = token_hash(token)
    with store._read() as conn:  # type: ignore[attr-defined]
        row = conn.execute(select(t.sessions).where(t.sessions.c.token_hash == h)).mappings().first()
    if row is None or row["ended_at"] is not None:
        return False
    _end(store, [h], row["user"], reason)
    return True


def _end(store: object, hashes: list[str], user: str, reason: str) -> None:
    from sqlalchemy import update

    from prioritizer.audit import schema as t
    from prioritizer.audit.events import append_event_in

    with store._write() as conn:  # type: ignore[attr-defined]
        got = conn.execute(
            update(t.sessions)
            .where(t.sessions.c.token_hash.in_(hashes), t.sessions.c.ended_at.is_(None))
            .values(ended_at=_now_text(), ended_reason=reason)
        )
        if got.rowcount:
            append_event_in(
                conn,
                "session_ended",
                user,
                "system",
                {"user": "system", "method": "system"},
                {"reason": reason, "sessions": int(got.rowcount)},
            )


def end_sessions_in(conn: object, user: str, reason: str) -> int:
    """End every open session of ``user`` inside the caller's write transaction (account changes)."""
    from sqlalchemy import update

    from prioritizer.audit import schema as t

    got = conn.execute(  # type: ignore[attr-defined]
        update(t.sessions)
        .where(t.sessions.c.user == user, t.sessions.c.ended_at.is_(None))
        .values(ended_at=_now_text(), ended_reason=reason)
    )
    return int(got.rowcount or 0)


def end_sessions(store: object, user: str, reason: str) -> int:
    """End every open session of ``user`` (a disabled or reset account); returns how many."""
    from prioritizer.audit.events import append_event_in

    with store._write() as conn:  # type: ignore[attr-defined]
        n = end_sessions_in(conn, user, reason)
        if n:
            append_event_in(
                conn,
                "session_ended",
                user,
                "system",
                {"user": "system", "method": "system"},
                {"reason": reason, "sessions": n},
            )
    return n
