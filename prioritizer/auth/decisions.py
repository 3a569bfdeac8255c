"""Whether a recorded decision is approved: approvals counted against a quorum (DESIGN §7, issue 30).

``policy.yaml`` may set ``committee: {quorum: N}``; by default the quorum is a majority of the
active committee accounts (⌊n/2⌋ + 1, at least 1). Each approver counts once, with their latest
decision on the run (a later rejection withdraws an approval). A run is

* ``approved`` when the approvals reach the quorum,
* ``rejected`` when the rejections reach it,
* ``pending`` otherwise — one approval is not approval.
"""

from __future__ import annotations

from typing import Any

from prioritizer.errors import InputError, Issue


def policy_quorum(policy: Any) -> int | None:
    """``committee.quorum`` from a policy (a :class:`~prioritizer.case.policy.Policy` or dict), if set."""
    if policy is None:
        return None
    extra = (
        policy.get("committee")
        if isinstance(policy, dict)
        else (getattr(policy, "model_extra", None) or {}).get("committee")
    )
    if extra is None:
        return None
    q = extra.get("quorum") if isinstance(extra, dict) else None
    if q is None:
        return None
    if isinstance(q, bool) or not isinstance(q, int) or q < 1:
        raise InputError(
            [Issue("policy.yaml", None, "committee.quorum", q, "a whole number of approvals ≥ 1")]
        )
    return q


def default_quorum(store: Any) -> int:
    """A majority of the active committee accounts (at least 1)."""
    from prioritizer.auth.accounts import list_users

    n = sum(1 for u in list_users(store) if u.get("role") == "committee" and u.get("active"))
    return n // 2 + 1


def approval_status(store: Any, run_id: str, policy: Any = None) -> dict[str, Any]:
    """{run_id, status, quorum, quorum_source, approvals, rejections, comments} of a recorded run.

    ``approvals`` / ``rejections``: [{user, display_name, role, at, note}], one per person (latest).
    """
    from prioritizer.auth.services import discussion

    q = policy_quorum(policy)
    source = "policy" if q is not None else "majority"
    if q is None:
        q = default_quorum(store)
    latest: dict[str, dict[str, Any]] = {}
    comments = []
    for e in discussion(store, run_id):
        ident = e.get("identity") or {}
        who = {
            "user": e["actor"],
            "display_name": ident.get("display_name") or e["actor"],
            "role": ident.get("role"),
            "at": e["at"],
        }
        if e["kind"] == "approval":
            latest[e["actor"]] = {
                **who,
                "decision": e["detail"].get("decision"),
                "note": e["detail"].get("note", ""),
            }
        else:
            comments.append({**who, "text": e["detail"].get("text", "")})
    approvals = [v for v in latest.values() if v["decision"] == "approve"]
    rejections = [v for v in latest.values() if v["decision"] == "reject"]
    status = "approved" if len(approvals) >= q else "rejected" if len(rejections) >= q else "pending"
    return {
        "run_id": run_id,
        "status": status,
        "quorum": q,
        "quorum_source": source,
        "approvals": approvals,
        "rejections": rejections,
        "comments": comments,
    }
