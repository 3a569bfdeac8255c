"""Accounts in the chain: every change to an account's security state is a chained event.

``audit_users`` is a mutable table — its lockout counters change with every wrong password —
so its rows are not chained one by one. Instead every event that changes an account's
*security state* carries, in its chained detail, the state the account has after it::

    {"role", "clearance", "active", "display_name", "must_reset", "password_sha256"}

``password_sha256`` is the SHA-256 of the stored argon2id hash text (``null`` when the account
has no password): the chain shows that the hash changed and pins which hash is valid, but never
holds the hash itself, which anyone who can read the chain could otherwise attack offline.

Not security state, so not compared: ``failures`` and ``locked_until`` (the lockout counters;
every failure and lock is still a chained ``sign_in_failed`` / ``account_locked`` event),
``created_at`` and ``updated_at``.

:func:`check_accounts` (called by ``audit verify``) rebuilds each account's state from its row
and compares it with the state in the account's newest chained event. An edited role,
clearance, active flag, display name, must-reset flag or a swapped password hash fails; so do
an account row with no chained state (inserted behind the product's back) and chained state
whose row is gone (deleted).

Stores made before schema revision 0004 have account events without state; migration 0004
appends one ``account_state`` event per existing account (the *baseline*), so they verify from
then on. The baseline vouches for the rows as they were at the upgrade: an edit made before it
is not detectable (the old chain did not cover accounts).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select

from prioritizer.audit import schema as t
from prioritizer.audit.events import append_event_in

#: event kinds that carry an account's resulting state (``ref`` = account id)
STATE_KINDS: tuple[str, ...] = (
    "user_added",
    "role_changed",
    "clearance_changed",
    "user_disabled",
    "user_enabled",
    "password_reset",
    "password_changed",
    "one_time_password_used",
    "account_state",
)
#: the fields of the state, in the order verify names them
STATE_FIELDS: tuple[str, ...] = (
    "role",
    "clearance",
    "active",
    "display_name",
    "must_reset",
    "password_sha256",
)


def password_digest(password_hash: str | None) -> str | None:
    """SHA-256 of the stored hash text (``None`` without a password)."""
    return None if password_hash is None else hashlib.sha256(password_hash.encode("utf-8")).hexdigest()


def account_state(row: Mapping[str, Any]) -> dict[str, Any]:
    """The security state of an ``audit_users`` row (see the module docstring)."""
    return {
        "role": row["role"],
        "clearance": row["clearance"],
        "active": bool(row["active"]),
        "display_name": row["display_name"],
        "must_reset": bool(row["must_reset"]),
        "password_sha256": password_digest(row["password_hash"]),
    }


def append_account_event_in(
    conn: Connection,
    kind: str,
    user: str,
    actor: str,
    identity: dict[str, Any] | None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Append ``kind`` for ``user`` with the account's state as it now is in this transaction.

    Call it after the row was written, inside the same write transaction, so the chained state
    is exactly what was committed. Every write to a security field of ``audit_users`` must go
    through here, or ``audit verify`` reports the account as edited.
    """
    if kind not in STATE_KINDS:
        raise ValueError(f"{kind!r} is not an account event; known: {', '.join(STATE_KINDS)}")
    row = conn.execute(select(t.users).where(t.users.c.user == user)).mappings().one()
    return append_event_in(conn, kind, user, actor, identity, {**(detail or {}), "state": account_state(row)})


def _label(field: str) -> str:
    return "password hash" if field == "password_sha256" else field


def check_accounts(
    chained: Mapping[str, tuple[int, dict[str, Any]]], rows: Iterable[Mapping[str, Any]], after_seq: int
) -> list[tuple[int, str, str]]:
    """Problems ``(seq, account, reason)`` between each account row and its newest chained state.

    ``chained``: account → (seq, state) of its newest chained account event that has a state;
    ``after_seq``: the seq to report rows with no chained state at (one past the last record).
    """
    out: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for row in rows:
        user = row["user"]
        seen.add(user)
        got = chained.get(user)
        if got is None:
            out.append(
                (after_seq, user, "an account row without a chained record (inserted into audit_users)")
            )
            continue
        seq, want = got
        have = account_state(row)
        # Only the fields the record holds: a state written by an older version with fewer
        # fields is still checked on those it has.
        diff = [f for f in STATE_FIELDS if f in want and have[f] != want[f]]
        if not diff:
            continue
        shown = [
            _label(f)
            if f == "password_sha256"
            else f"{f} ({want[f]!r} in the chain, {have[f]!r} in the table)"
            for f in diff
        ]
        out.append(
            (
                seq,
                user,
                f"the account row was edited after this record: {', '.join(shown)} "
                + ("differs" if len(diff) == 1 else "differ"),
            )
        )
    for user, (seq, _state) in chained.items():
        if user not in seen:
            out.append((seq, user, "the account row was deleted from audit_users"))
    return out
