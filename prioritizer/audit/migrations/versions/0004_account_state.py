"""Accounts in the chain: a baseline ``account_state`` event for every existing account.

From this revision on every change to an account carries the account's resulting security
state in its chained detail, and ``audit verify`` holds each ``audit_users`` row to its newest
chained state (see ``prioritizer/audit/accounts_chain.py``). Account events written before it
carry no state, so this revision appends, once, one chained ``account_state`` event per
existing account with the state its row has now: the baseline the later checks start from.
It vouches for the rows as they are at the upgrade; an edit made to them before it cannot be
detected (the chain did not cover accounts then). No table changes.

The event is written here with the content rules of ``prioritizer.audit.events`` as they are
at this revision (kept in this file, so a later change to that module cannot change what
this migration wrote).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa
from alembic import op

from prioritizer.audit.chain import canonical, link_hash

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_users = sa.table(
    "audit_users",
    sa.column("user", sa.String),
    sa.column("display_name", sa.String),
    sa.column("role", sa.String),
    sa.column("clearance", sa.String),
    sa.column("active", sa.Boolean),
    sa.column("password_hash", sa.Text),
    sa.column("must_reset", sa.Boolean),
)
_head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("seq", sa.Integer), sa.column("hash"))
_records = sa.table(
    "audit_records",
    sa.column("seq", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("ref", sa.String),
    sa.column("content", sa.Text),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)
_events = sa.table(
    "audit_events",
    sa.column("seq", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("ref", sa.String),
    sa.column("actor", sa.String),
    sa.column("identity", sa.Text),
    sa.column("at", sa.String),
    sa.column("detail", sa.Text),
)


def _state(row: sa.RowMapping) -> dict[str, object]:
    pw = row["password_hash"]
    return {
        "role": row["role"],
        "clearance": row["clearance"],
        "active": bool(row["active"]),
        "display_name": row["display_name"],
        "must_reset": bool(row["must_reset"]),
        "password_sha256": None if pw is None else hashlib.sha256(pw.encode("utf-8")).hexdigest(),
    }


def upgrade() -> None:
    conn = op.get_bind()
    accounts = conn.execute(sa.select(_users).order_by(_users.c.user)).mappings().all()
    if not accounts:
        return
    # the head row's lock: writers that opened the store before this upgrade queue behind it
    h = conn.execute(sa.select(_head.c.seq, _head.c.hash).where(_head.c.id == 1).with_for_update()).one()
    seq, prev = h.seq, h.hash
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    identity = {"user": "system", "method": "system"}
    for row in accounts:
        seq += 1
        detail = {"baseline": "0004", "state": _state(row)}
        ev = {
            "seq": seq,
            "kind": "account_state",
            "ref": row["user"],
            "actor": "system",
            "identity": canonical(identity),
            "at": at,
            "detail": canonical(detail),
        }
        content = canonical(
            {
                "kind": ev["kind"],
                "ref": ev["ref"],
                "actor": ev["actor"],
                "identity": identity,
                "at": at,
                "detail": detail,
            }
        )
        digest = link_hash(prev, content)
        conn.execute(
            _records.insert().values(
                seq=seq,
                kind="event",
                ref=f"account_state/{row['user']}",
                content=content,
                prev_hash=prev,
                hash=digest,
            )
        )
        conn.execute(_events.insert().values(**ev))
        prev = digest
    conn.execute(_head.update().where(_head.c.id == 1).values(seq=seq, hash=prev))


def downgrade() -> None:
    # The baseline events are part of the chain: removing them would break it. Nothing to undo.
    pass
