"""Committee weighting: members' drafts and submissions, the convener's adoption.

* a member (committee, planner or admin: ``submit_judgement``) keeps a **draft** of pairwise
  judgements per topic (``audit_drafts``, not chained: a draft is not a decision) and
  **submits** it: a chained ``judgement_submitted`` event holding the matrix;
* the convener (planner or admin: ``aggregate_weights``) aggregates the latest submission of
  each member (:func:`prioritizer.weights_group.group_ahp`) and **adopts** the result: a Run of
  the ``weights_group`` service, recorded with the convener's identity, whose weights become
  the model's weight history and whose params name every submission event it used; adopting
  also makes those weights the case's weights in force (:mod:`prioritizer.auth.adoption`);
* the convener may **open** and **close** a round for a topic (chained ``round_opened`` /
  ``round_closed`` events): while a round is open each member sees only their own submission
  (:func:`visible_submissions`), and no adoption is made; a submission's CR above 0.1 is
  recorded and warned (:func:`check_judgements`).
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
            "consistent": bool(res.consistent),
        },
    )
    with store._write() as conn:
        conn.execute(delete(t.drafts).where(t.drafts.c.user == identity.user, t.drafts.c.topic == topic))
    return seq


def check_judgements(ids: list[str], matrix: list[list[float]]) -> dict[str, Any]:
    """Saaty's consistency of a member's judgements before (or after) submitting them:
    {weights, cr, consistent, suggestion}; CR above 0.1 is to be warned, not refused."""
    from prioritizer.weights import ahp

    res = ahp(np.asarray(matrix, dtype=float), ids).as_dict()
    return {k: res.get(k) for k in ("weights", "cr", "consistent", "suggestion", "most_inconsistent")}


def open_round(identity: Identity, topic: str, store: Any) -> int:
    """Open a round of judgements on ``topic`` (convener); submissions stay hidden until it closes."""
    authorize(identity, "aggregate_weights", store=store, target=f"round {topic}")
    if round_state(store, topic)["open"]:
        raise InputError([Issue("committee", None, "round", topic, "a round is already open for this topic")])
    return append_event(store, "round_opened", topic, identity.actor, identity.as_record(), {})


def close_round(identity: Identity, topic: str, store: Any) -> int:
    """Close the open round on ``topic`` (convener): every submission becomes visible."""
    authorize(identity, "aggregate_weights", store=store, target=f"round {topic}")
    if not round_state(store, topic)["open"]:
        raise InputError([Issue("committee", None, "round", topic, "no round is open for this topic")])
    n = len(submissions(store, topic))
    return append_event(
        store, "round_closed", topic, identity.actor, identity.as_record(), {"submissions": n}
    )


def round_state(store: Any, topic: str) -> dict[str, Any]:
    """{topic, open, opened_at, opened_by, closed_at, rounds}: the latest round on ``topic``."""
    events = list_events(store, ("round_opened", "round_closed"), ref=topic)
    last_open = next((e for e in reversed(events) if e["kind"] == "round_opened"), None)
    is_open = bool(events) and events[-1]["kind"] == "round_opened"
    closed = events[-1] if events and events[-1]["kind"] == "round_closed" else None
    return {
        "topic": topic,
        "open": is_open,
        "opened_at": last_open["at"] if last_open else None,
        "opened_by": last_open["actor"] if last_open else None,
        "closed_at": closed["at"] if closed else None,
        "rounds": sum(1 for e in events if e["kind"] == "round_opened"),
    }


def visible_submissions(identity: Identity, store: Any, topic: str) -> tuple[list[dict[str, Any]], int]:
    """(submissions ``identity`` may see, how many there are): only their own while a round is open."""
    subs = submissions(store, topic)
    if round_state(store, topic)["open"]:
        return [s for s in subs if s["actor"] == identity.actor], len(subs)
    return subs, len(subs)


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
    if round_state(store, topic)["open"]:
        raise InputError([Issue("committee", None, "round", topic, "close the round before adopting")])
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
    from prioritizer.auth.adoption import adopt_weights, inconsistencies

    run = execute("weights_group", case, params)
    bad = inconsistencies(run.output.result)
    if bad and not reason.strip():  # checked before anything is recorded
        raise InputError(
            [
                Issue(
                    "committee",
                    None,
                    "reason",
                    ", ".join(bad),
                    "these judgements are inconsistent (CR above 0.1): state why they are adopted anyway",
                )
            ]
        )
    rid = save_run(identity, run, reason or f"group weights adopted for {topic}", store)
    # the group weights of the case's own model are its weights in force from now on; weights
    # recorded as a version of another model wait for an explicit `weights adopt`
    if case is not None and model == getattr(getattr(case, "policy", None), "model", "default"):
        adopt_weights(identity, rid, case, store, reason)
    return rid
