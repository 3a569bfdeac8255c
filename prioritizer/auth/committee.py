"""Committee weighting: members' drafts and submissions, the convener's adoption.

* a member (committee, planner or admin: ``submit_judgement``) keeps a **draft** of pairwise
  judgements per topic (``audit_drafts``, not chained: a draft is not a decision) and
  **submits** it: a chained ``judgement_submitted`` event holding the matrix;
* the convener (planner or admin: ``aggregate_weights``) aggregates the latest submission of
  each member (:func:`prioritizer.weights_group.group_ahp`) and **adopts** the result: a Run of
  the ``weights_group`` service, recorded with the convener's identity, whose weights become
  the model's weight history and whose params name every submission event it used.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from sqlalchemy import delete, select

from prioritizer.audit import schema as t
from prioritizer.audit.events import append_event, list_events, now_text
from prioritizer.auth.identity import Identity
from prioritizer.auth.roles import authorize
from prioritizer.errors import InputError, Issue


def _check(ids: list[str], matrix: list[list[float]], who: str) -> np.ndarray:
    from prioritizer.weights import ahp_matrix_issues

    a = np.asarray(matrix, dtype=float)
    if a.shape != (len(ids), len(ids)):
        raise InputError([Issue(who, None, None, str(a.shape), f"need a {len(ids)}×{len(ids)} matrix")])
    bad = ahp_matrix_issues(a, ids, who, "judgements")
    if bad:
        raise InputError(bad, "the judgements are not a positive reciprocal matrix")
    return a


def save_draft(identity: Identity, topic: str, ids: list[str], matrix: list[list[float]], store: Any) -> None:
    authorize(identity, "submit_judgement", store=store, target=topic)
    _check(ids, matrix, identity.actor)
    payload = json.dumps({"ids": ids, "matrix": matrix}, ensure_ascii=False)
    with store._write() as conn:
        conn.execute(delete(t.drafts).where(t.drafts.c.user == identity.user, t.drafts.c.topic == topic))
        conn.execute(
            t.drafts.insert().values(user=identity.user, topic=topic, payload=payload, updated_at=now_text())
        )


def get_draft(identity: Identity, topic: str, store: Any) -> dict[str, Any] | None:
    with store._read() as conn:
        text = conn.execute(
            select(t.drafts.c.payload).where(t.drafts.c.user == identity.user, t.drafts.c.topic == topic)
        ).scalar()
    return None if text is None else json.loads(text)


def submit(identity: Identity, topic: str, ids: list[str], matrix: list[list[float]], store: Any) -> int:
    """Submit judgements (chained event); the member's draft is removed. Returns the event seq."""
    from prioritizer.weights import ahp

    authorize(identity, "submit_judgement", store=store, target=topic)
    a = _check(ids, matrix, identity.actor)
    res = ahp(a, ids)
    seq = append_event(
        store,
        "judgement_submitted",
        topic,
        identity.actor,
        identity.as_record(),
        {
            "method": "ahp",
            "ids": list(ids),
            "matrix": a.tolist(),
            "weights": {c: float(v) for c, v in zip(ids, res.weights, strict=True)},
            "cr": None if res.cr is None else float(res.cr),
        },
    )
    with store._write() as conn:
        conn.execute(delete(t.drafts).where(t.drafts.c.user == identity.user, t.drafts.c.topic == topic))
    return seq


def submissions(store: Any, topic: str) -> list[dict[str, Any]]:
    """The latest submission of each member on ``topic`` (oldest member first)."""
    latest: dict[str, dict[str, Any]] = {}
    for e in list_events(store, "judgement_submitted", ref=topic):
        latest[e["actor"]] = e
    return sorted(latest.values(), key=lambda e: e["seq"])


def judgements(subs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "member": s["actor"],
            "ids": s["detail"]["ids"],
            "matrix": s["detail"]["matrix"],
            "submission": s["seq"],
        }
        for s in subs
    ]


def aggregate(store: Any, topic: str, method: str = "aij", member_weights: Any = None) -> dict[str, Any]:
    from prioritizer.weights_group import Member, group_ahp

    subs = submissions(store, topic)
    members = [Member(j["member"], j["ids"], np.asarray(j["matrix"])) for j in judgements(subs)]
    return group_ahp(members, method, member_weights)


def adopt(
    identity: Identity,
    topic: str,
    case: Any,
    store: Any,
    *,
    method: str = "aij",
    member_weights: Any = None,
    model: str = "default",
    reason: str = "",
) -> str:
    """Record the group weights as a model version (a ``weights_group`` Run); returns its run id."""
    from prioritizer.auth.services import save_run
    from prioritizer.runs import execute

    authorize(identity, "aggregate_weights", store=store, target=topic)
    subs = submissions(store, topic)
    if len(subs) < 2:
        raise InputError(
            [Issue("committee", None, "submissions", len(subs), "at least two members must submit")]
        )
    params = {
        "topic": topic,
        "model": model,
        "method": method,
        "member_weights": member_weights,
        "judgements": judgements(subs),
    }
    run = execute("weights_group", case, params)
    return save_run(identity, run, reason or f"group weights adopted for {topic}", store)
