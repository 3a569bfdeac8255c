"""Chained events: everything the trail must hold that is not a Run.

An event is one ``audit_events`` row and one ``audit_records`` record of kind ``event``
(``ref`` = ``"<kind>/<ref>"``), appended in the same transaction as its row under the
store's write lock, exactly like a run (see :mod:`prioritizer.audit.store`). Kinds used:

``signed_in``, ``sign_in_failed``, ``account_locked``, ``refused`` (a role or tier refusal),
``comment``, ``approval`` (its detail names the head it was made at: ``head_seq``,
``head_hash``), ``judgement_submitted``, ``export``; and the account changes, which carry the
account's resulting state (:mod:`.accounts_chain`): ``user_added``, ``role_changed``,
``clearance_changed``, ``user_disabled``, ``user_enabled``, ``password_reset``,
``password_changed``, ``one_time_password_used``, ``account_state``.

The chained content is the row itself (kind, ref, actor, identity, at, detail), so any
edit of a stored event breaks ``audit verify``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, select, update

from prioritizer.audit import schema as t
from prioritizer.audit.chain import canonical, link_hash


def event_content(row: dict[str, Any]) -> dict[str, Any]:
    """The chained content of an ``event`` record, rebuilt from its ``audit_events`` row."""
    return {
        "kind": row["kind"],
        "ref": row["ref"],
        "actor": row["actor"],
        "identity": _loads(row["identity"]),
        "at": row["at"],
        "detail": _loads(row["detail"]),
    }


def _loads(text: str) -> Any:
    import json

    return json.loads(text)


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def head_in(conn: Connection) -> tuple[int, str]:
    """(seq, hash) of the chain's head, locked for this write transaction: what an event appended
    next in it will chain onto."""
    h = conn.execute(select(t.head.c.seq, t.head.c.hash).where(t.head.c.id == 1).with_for_update()).one()
    return int(h.seq), str(h.hash)


def append_event_in(
    conn: Connection,
    kind: str,
    ref: str,
    actor: str,
    identity: dict[str, Any] | None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Append one event inside an open write transaction ``conn``; returns its seq."""
    h = conn.execute(select(t.head.c.seq, t.head.c.hash).where(t.head.c.id == 1).with_for_update()).one()
    seq = h.seq + 1
    row = {
        "seq": seq,
        "kind": kind,
        "ref": ref,
        "actor": actor,
        "identity": canonical(identity or {}),
        "at": now_text(),
        "detail": canonical(detail or {}),
    }
    content = canonical(event_content(row))
    digest = link_hash(h.hash, content)
    conn.execute(
        t.records.insert().values(
            seq=seq, kind="event", ref=f"{kind}/{ref}", content=content, prev_hash=h.hash, hash=digest
        )
    )
    conn.execute(t.events.insert().values(**row))
    conn.execute(update(t.head).where(t.head.c.id == 1).values(seq=seq, hash=digest))
    return seq


def append_event(
    store: Any,
    kind: str,
    ref: str,
    actor: str,
    identity: dict[str, Any] | None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Append one event to ``store`` (an :class:`~prioritizer.audit.AuditStore`) in its own transaction."""
    with store._write() as conn:
        return append_event_in(conn, kind, ref, actor, identity, detail)


def list_events(
    store: Any, kind: str | tuple[str, ...] | None = None, ref: str | None = None
) -> list[dict[str, Any]]:
    """Events oldest first: ``{seq, kind, ref, actor, identity, at, detail}``."""
    c = t.events.c
    q = select(t.events).order_by(c.seq)
    if isinstance(kind, str):
        q = q.where(c.kind == kind)
    elif kind:
        q = q.where(c.kind.in_(list(kind)))
    if ref is not None:
        q = q.where(c.ref == ref)
    with store._read() as conn:
        rows = conn.execute(q).mappings().all()
    return [{**event_content(dict(r)), "seq": r["seq"]} for r in rows]
