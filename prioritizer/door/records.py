"""Writes and stored case versions through the door: comments, approvals, case versions,
imports and accounts — each needs a session (when the store has accounts) and the right role;
case versions are shown and exported only up to the reader's clearance."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from prioritizer.case.tiers import TIERS, hidden_locations, tier_rank
from prioritizer.door.caller import Caller
from prioritizer.door.gate import enter, record_access


def comment(caller: Caller, run_id: str, text: str) -> int:
    from prioritizer.auth.services import comment_run
    from prioritizer.door.runs import stored_run

    enter(caller, "comment", target=run_id)
    run = stored_run(caller, run_id, "audit.show")
    return comment_run(caller.identity, run.run_id, text, caller.store)


def approve(caller: Caller, run_id: str, decision: str, note: str) -> int:
    from prioritizer.auth.services import approve_run
    from prioritizer.door.runs import stored_run

    enter(caller, "approve", target=run_id)
    run = stored_run(caller, run_id, "audit.show")
    return approve_run(caller.identity, run.run_id, decision, note, caller.store)


def discussion(caller: Caller, run_id: str | None) -> list[dict[str, Any]]:
    from prioritizer.auth.services import discussion as _discussion
    from prioritizer.door.runs import stored_run

    enter(caller, "review.show", target=run_id or "")
    if run_id is not None:
        rid = stored_run(caller, run_id, "review.show").run_id
        return _discussion(caller.store, rid)
    rows = _discussion(caller.store, None)
    limit = tier_rank(caller.identity.effective_clearance)
    # a ref that is not a run of this store (deleted, foreign) shows nothing of itself
    tiers = caller.store.tiers([str(r.get("ref")) for r in rows])
    return [r for r in rows if str(r.get("ref")) in tiers and tier_rank(tiers[str(r.get("ref"))]) <= limit]


# --------------------------------------------------------------------------- case versions

#: what a reader sees in place of text written about rows above its clearance
WITHHELD = "(withheld: above your clearance / 閲覧権限外)"


def version_tier(files: dict[str, bytes]) -> str:
    """The highest tier among a version's rows."""
    for tier in reversed(TIERS[1:]):
        below = TIERS[TIERS.index(tier) - 1]
        rows, ids = hidden_locations(files, below)
        if rows or ids:
            return tier
    return "public"


def versions(caller: Caller) -> list[Any]:
    """Case versions, oldest first. For a version holding rows above the reader's clearance the
    ids of those rows are left out of its change lists and its reason (free text a cleared
    author wrote) is withheld; the version's number, time and author stay, so the history has
    no gaps."""
    from prioritizer.audit.versions import get_files, list_versions

    enter(caller, "case.versions")
    if caller.store is None:
        return []
    out = list_versions(caller.store)
    clearance = caller.identity.effective_clearance
    if tier_rank(clearance) >= tier_rank("secret"):
        return out
    shown = []
    for v in out:
        _, ids = hidden_locations(get_files(caller.store, v.version_id), clearance)
        if not ids:
            shown.append(v)
            continue
        changes = {}
        for name, ch in v.changes.items():
            # keys are ids or "good/partner/period"-style paths of ids
            changes[name] = {
                k: [x for x in xs if x not in ids and not (set(str(x).split("/")) & ids)]
                for k, xs in ch.items()
            }
        shown.append(dataclasses.replace(v, changes=changes, reason=WITHHELD))
    return shown


def version_files(
    caller: Caller, version_id: str, action: str = "case.export"
) -> tuple[Any, dict[str, bytes]]:
    """A version and its files: for an export only if the reader is cleared for every row in it
    (refusal recorded); ``case.versions`` (restoring a version to work on) loads it whole, and the
    pages then show only what the reader may see."""
    from prioritizer.audit.versions import get_files, get_version

    v = get_version(caller.store, version_id)
    files = get_files(caller.store, v.version_id)
    enter(
        caller, action, target=v.version_id, tier=None if action == "case.versions" else version_tier(files)
    )
    return v, files


def export_version(caller: Caller, version_id: str, out_dir: Path) -> tuple[Any, Path]:
    from prioritizer.audit.versions import export_version as _export

    v, _ = version_files(caller, version_id, "case.export")
    path = _export(caller.store, v.version_id, out_dir)
    record_access(caller, "case.export", v.version_id, {"out": str(path)})
    return v, path


def save_version(
    caller: Caller,
    files: dict[str, bytes],
    *,
    reason: str,
    case_name: str,
    parent: str | None = None,
    base_files: dict[str, bytes] | None = None,
) -> Any:
    """Record ``files`` as a case version authored by the caller (never a typed name)."""
    from prioritizer.audit.versions import save_version as _save
    from prioritizer.errors import InputError, Issue

    enter(caller, "case.save", target=case_name, tier=version_tier(files))
    if not reason.strip():
        raise InputError([Issue("case version", None, "reason", None, "say why this version is saved")])
    return _save(
        caller.store,
        files,
        actor=caller.identity.actor,
        reason=reason.strip(),
        case_name=case_name,
        parent=parent,
        base_files=base_files,
    )
