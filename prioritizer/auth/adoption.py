"""The weights in force for a case: the committee's adopted weights reach every later computation.

The convener (planner or admin: the ``aggregate_weights`` right) adopts the weights of a recorded
``weights`` or ``weights_group`` run for a case. An adoption is a chained ``weights_adopted``
event (ref = the case key), so it is part of the audit trail and cannot be edited unseen; the
latest adoption for a case is in force until another replaces it (DESIGN §7).

A case is keyed by its name — the case folder's name (``inputs/default`` → ``default``), or a
workbook's stem — so the app, the CLI and case versions exported elsewhere agree on it.

Adopting a set whose judgements are inconsistent (Saaty's CR above 0.1 for the group or a member)
needs a stated reason, recorded with the adoption.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prioritizer.audit.events import append_event, list_events
from prioritizer.auth.identity import Identity
from prioritizer.auth.roles import authorize
from prioritizer.errors import InputError, Issue

KIND = "weights_adopted"
#: commands whose runs carry weights a committee can adopt
ADOPTABLE = ("weights", "weights_group")
CR_LIMIT = 0.1


def case_key(case: Any) -> str:
    """The name a case is known by: its folder's name, a workbook's stem, or the text given."""
    root = case if isinstance(case, str | Path) else getattr(case, "root", case)  # a Path's .root is "/"
    p = Path(str(root))
    name = p.stem if p.suffix.lower() in (".xlsx", ".xlsm") else p.name
    return name or str(root)


def inconsistencies(result: dict[str, Any]) -> list[str]:
    """Who judged inconsistently in a weights result (CR > 0.1): "group" and/or member labels."""
    out = []
    if result.get("group_consistent") is False or (result.get("group_cr") or 0.0) > CR_LIMIT:
        out.append("group")
    if result.get("consistent") is False:
        out.append("judgements")
    for m in result.get("members") or []:
        if m.get("consistent") is False or (m.get("cr") or 0.0) > CR_LIMIT:
            out.append(str(m.get("file")))
    return out


def adopt_weights(identity: Identity, run_id: str, case: Any, store: Any, reason: str = "") -> dict[str, Any]:
    """Make the weights of ``run_id`` the weights in force for ``case``; returns :func:`current`.

    Raises Forbidden (recorded) unless ``identity`` may convene, and InputError for a run that
    carries no adoptable weights, or for an inconsistent set adopted without a reason.
    """
    key = case_key(case)
    authorize(identity, "aggregate_weights", store=store, target=f"weights for {key}")
    run = store.get(store.resolve(run_id))
    if run.command not in ADOPTABLE:
        raise InputError(
            [
                Issue(
                    "weights adopt",
                    None,
                    "RUN",
                    run.run_id,
                    f"is a {run.command} run; adopt a {' or '.join(ADOPTABLE)} run (the committee's weights)",
                )
            ]
        )
    weights = run.weights or (run.result or {}).get("weights")
    if not weights:
        raise InputError([Issue("weights adopt", None, "RUN", run.run_id, "this run recorded no weights")])
    _check_criteria(weights, case, run.run_id)
    bad = inconsistencies(run.result or {})
    if bad and not reason.strip():
        raise InputError(
            [
                Issue(
                    "weights adopt",
                    None,
                    "--reason",
                    ", ".join(bad),
                    "these judgements are inconsistent (CR above 0.1): state why they are adopted anyway",
                )
            ]
        )
    append_event(
        store,
        KIND,
        key,
        identity.actor,
        identity.as_record(),
        {
            "run": run.run_id,
            "command": run.command,
            "weights": {str(k): float(v) for k, v in weights.items()},
            "model": (run.params or {}).get("model") or run.model_name,
            "topic": (run.params or {}).get("topic"),
            "reason": reason.strip(),
            "inconsistent": bad,
        },
    )
    return current(store, key)


def model_criteria(case: Any) -> list[str] | None:
    """The criterion ids of the model ``case`` ranks with (None when ``case`` is only a name)."""
    if isinstance(case, str | Path) or not hasattr(case, "root"):
        p = Path(str(case))
        if not p.exists():
            return None
        from prioritizer.case import load_case

        case = load_case(p)
    from prioritizer.model import load_model

    policy = getattr(case, "policy", None)
    return list(load_model(getattr(policy, "model", None), case.root).criterion_ids)


def _check_criteria(weights: dict[str, Any], case: Any, run_id: str) -> None:
    crit = model_criteria(case)
    if crit is None:
        return
    unknown = sorted(set(weights) - set(crit))
    if unknown:
        raise InputError(
            [
                Issue(
                    "weights adopt",
                    None,
                    "RUN",
                    run_id,
                    f"its weights name criteria the case's model does not have ({', '.join(unknown)}); "
                    f"the model's criteria are {', '.join(crit)}",
                )
            ]
        )


def in_force(store: Any, case: Any) -> dict[str, Any] | None:
    """The latest adoption for ``case`` as stored (event with detail), or None."""
    events = list_events(store, KIND, ref=case_key(case))
    return events[-1] if events else None


def current(store: Any, case: Any) -> dict[str, Any]:
    """DESIGN §7 ``weights current``: {weights, source_run, adopted_by, adopted_at} (+ display name,
    reason, model); all null when no adoption exists and the model file's weights apply."""
    e = in_force(store, case) if store is not None else None
    if e is None:
        return {
            "case": case_key(case),
            "weights": None,
            "source_run": None,
            "adopted_by": None,
            "adopted_by_name": None,
            "adopted_at": None,
            "reason": None,
            "model": None,
        }
    d = e["detail"]
    return {
        "case": case_key(case),
        "weights": d.get("weights"),
        "source_run": d.get("run"),
        "adopted_by": e["actor"],
        "adopted_by_name": (e.get("identity") or {}).get("display_name") or e["actor"],
        "adopted_at": e["at"],
        "reason": d.get("reason") or None,
        "model": d.get("model"),
        "inconsistent": d.get("inconsistent") or [],
        "seq": e["seq"],
    }


def source_of(cur: dict[str, Any] | None) -> dict[str, Any] | None:
    """The ``weights_source`` a computation's JSON carries: {run, adopted_by} or None."""
    if not cur or not cur.get("source_run"):
        return None
    return {"run": cur["source_run"], "adopted_by": cur["adopted_by"], "adopted_at": cur.get("adopted_at")}


def with_weights_in_force(params: dict[str, Any], cur: dict[str, Any] | None) -> dict[str, Any]:
    """``params`` using the weights in force unless weights or a model were given explicitly.

    Adds ``weights_source`` only when the weights in force are used; the services copy it into
    their JSON (null when absent).
    """
    out = dict(params)
    explicit = bool(out.get("weights")) or bool(out.get("model")) or bool(out.get("model_snapshot"))
    if explicit or not cur or not cur.get("weights"):
        return out
    out["weights"] = dict(cur["weights"])
    out["weights_source"] = source_of(cur)
    return out
