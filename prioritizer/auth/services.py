"""Services that change the record, each checking the actor's rights first.

The app and the CLI call these, never the store directly, so a role's limits hold
whatever the page shows. Every refusal is appended to the chain (``refused`` event).

* :func:`save_run`        record a computed Run with the signed-in author (planner, admin)
* :func:`comment_run`     a comment on a recorded run (committee, planner, admin)
* :func:`approve_run`     approve or reject a recorded run (committee, admin); the approval names
                          the chain head it was made at (``head_seq``, ``head_hash``)
* :func:`discussion`      comments and approvals of a run, oldest first
* :func:`check_export`    refuse (and record) an export above the reader's clearance
"""

from __future__ import annotations

from typing import Any

from prioritizer.audit.events import append_event, append_event_in, head_in, list_events
from prioritizer.auth.identity import Identity
from prioritizer.auth.roles import authorize
from prioritizer.errors import InputError, Issue

DECISIONS: tuple[str, ...] = ("approve", "reject")


def save_run(identity: Identity, run: Any, reason: str, store: Any) -> str:
    """Record ``run`` authored by ``identity`` (its author cannot be typed in); returns the run id."""
    authorize(identity, "save_run", store=store, target=run.command)
    if not reason.strip():
        raise InputError([Issue("scenario", None, "reason", None, "say why this is recorded")])
    tier = (run.output.result or {}).get("tier") if run.output is not None else None
    if tier is not None:
        authorize(identity, "save_run", store=store, target=run.command, tier=tier)
    run.actor = identity.actor
    run.identity = identity.as_record()
    run.reason = reason.strip()
    return store.record(run)


def _known_run(store: Any, run_id: str) -> None:
    store.get(run_id)  # UnknownRunError (an InputError) names the missing id


def comment_run(identity: Identity, run_id: str, text: str, store: Any) -> int:
    authorize(identity, "comment", store=store, target=run_id)
    if not text.strip():
        raise InputError([Issue("comment", None, "text", None, "write the comment")])
    _known_run(store, run_id)
    return append_event(
        store, "comment", run_id, identity.actor, identity.as_record(), {"text": text.strip()}
    )


def approve_run(identity: Identity, run_id: str, decision: str, note: str, store: Any) -> int:
    authorize(identity, "approve", store=store, target=run_id)
    if decision not in DECISIONS:
        raise InputError(
            [Issue("approval", None, "decision", decision, f"use one of {', '.join(DECISIONS)}")]
        )
    _known_run(store, run_id)
    # The head the approver approved against, read under the same lock the approval is
    # appended with: publishing an approval publishes an anchor (`audit verify --anchor S:H`).
    with store._write() as conn:
        seq, digest = head_in(conn)
        return append_event_in(
            conn,
            "approval",
            run_id,
            identity.actor,
            identity.as_record(),
            {"decision": decision, "note": note.strip(), "head_seq": seq, "head_hash": digest},
        )


def discussion(store: Any, run_id: str | None = None) -> list[dict[str, Any]]:
    """Comments and approvals (of ``run_id`` if given), oldest first."""
    return list_events(store, ("comment", "approval"), ref=run_id)


def check_export(identity: Identity, what: str, tier: str, store: Any) -> None:
    """Allow an export of material of ``tier`` or raise Forbidden and record the refusal."""
    authorize(identity, "export", store=store, target=what, tier=tier)
