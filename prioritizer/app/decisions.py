"""View models of the committee's decisions (no streamlit): runs described by who, why, when and what;
the decision under review, its approval status and the last decision before it.

A *decision* is a saved ``allocate`` run (the planner's "save scenario" records the ranking and the
allocation together). The one under review is the newest; the last decision is the newest earlier
one that reached its quorum of approvals, else simply the one before.
"""

from __future__ import annotations

from typing import Any

from prioritizer.dates import jst_text


def display_names(store: Any) -> dict[str, str]:
    """account id → display name (accounts without one keep their id)."""
    from prioritizer.auth.accounts import list_users

    return {u["user"]: u.get("display_name") or u["user"] for u in list_users(store)}


def describe(run: Any, names: dict[str, str], lang: str = "ja") -> str:
    """「2026年12月4日 15:30 · 予算・備蓄配分 · 佐藤 花子 · 第3回委員会（R000012）」— when, what, who, why."""
    from prioritizer.text import vocab

    d = run if isinstance(run, dict) else vars(run)
    reason = str(d.get("reason") or "").strip() or "—"
    reason = reason if len(reason) <= 40 else reason[:39] + "…"
    who = names.get(str(d.get("actor") or ""), str(d.get("actor") or "—"))
    parts = [jst_text(d.get("created_at"), lang), vocab("command", d.get("command"), lang), who, reason]  # type: ignore[arg-type]
    rid = d.get("run_id")
    return " · ".join(parts) + (f"（{rid}）" if lang == "ja" else f" ({rid})")


def decisions(store: Any, limit: int = 50) -> list[Any]:
    """Saved allocations, newest first."""
    return list(store.runs(command="allocate", limit=limit))


def home(store: Any, policy: Any = None) -> dict[str, Any]:
    """{under_review, status, last_decision, last_status, history}: what the committee home shows.

    ``status`` is :func:`prioritizer.auth.decisions.approval_status` of the run under review.
    """
    from prioritizer.auth.decisions import approval_status

    runs = decisions(store)
    if not runs:
        return {
            "under_review": None,
            "status": None,
            "last_decision": None,
            "last_status": None,
            "history": [],
        }
    current = runs[0]
    status = approval_status(store, current.run_id, policy)
    last = last_status = None
    for r in runs[1:]:
        st = approval_status(store, r.run_id, policy)
        if st["status"] == "approved":
            last, last_status = r, st
            break
    if last is None and len(runs) > 1:
        last = runs[1]
        last_status = approval_status(store, last.run_id, policy)
    return {
        "under_review": current,
        "status": status,
        "last_decision": last,
        "last_status": last_status,
        "history": runs,
    }
