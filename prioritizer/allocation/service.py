"""``allocate`` service: params (JSON-able) -> :class:`CommandOutput` (DESIGN §5 JSON).

params: ``model``, ``model_snapshot``, ``policy_snapshot``, ``budget`` (億円, overrides the
total), ``relax``, ``time_limit`` (s), ``gap`` (relative), ``weights`` ({criterion: w}),
``ignore`` ([constraint names]), ``must`` ({project: "in" | "out" | ""}), ``scenarios``
([scenario ids]), ``frontier`` (bool: add the budget sweep), ``frontier_points`` (int).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from prioritizer.allocation.data import AllocationData
from prioritizer.case.policy import Policy
from prioritizer.case.types import Case
from prioritizer.errors import InputError
from prioritizer.runs import CommandOutput


def policy_from_params(case: Case, params: dict[str, Any]) -> Policy:
    snap = params.get("policy_snapshot")
    if snap is None:
        return case.policy or Policy()
    from prioritizer.case.policyfile import policy_issues

    try:
        return Policy.model_validate(snap)
    except ValidationError as exc:
        raise InputError(policy_issues(exc, "policy_snapshot")) from None


def _model_ref(params: dict[str, Any]) -> Any:
    return params.get("model_snapshot") or params.get("model")


def data_from_params(case: Case, params: dict[str, Any], *, criticality: Any = None) -> AllocationData:
    from prioritizer.allocation.api import prepare

    data, _ = prepare(
        case,
        policy=policy_from_params(case, params),
        model=_model_ref(params),
        weights=params.get("weights"),
        budget=params.get("budget"),
        criticality=criticality,
        must=params.get("must"),
        ignore=params.get("ignore"),
        scenarios=params.get("scenarios"),
    )
    return data


def run_allocate(case: Case, params: dict[str, Any]) -> CommandOutput:
    from prioritizer.allocation.api import allocate_data, prepare
    from prioritizer.allocation.frontier import sweep, value_for_money
    from prioritizer.allocation.solve import highs_version

    policy = policy_from_params(case, params)
    data, crit_source = prepare(
        case,
        policy=policy,
        model=_model_ref(params),
        weights=params.get("weights"),
        budget=params.get("budget"),
        must=params.get("must"),
        ignore=params.get("ignore"),
        scenarios=params.get("scenarios"),
    )
    from prioritizer.allocation.api import _check_options

    _check_options(params.get("time_limit"), params.get("gap"))
    res = allocate_data(
        data,
        relax=bool(params.get("relax", False)),
        time_limit=params.get("time_limit"),
        gap=params.get("gap"),
        explain=params.get("explain", True),
        criticality_source=crit_source,
        backend=params.get("backend", "auto"),
    )
    result = res.to_json()
    result["weights_source"] = (
        params.get("weights_source") if params.get("weights") else None
    )  # DESIGN §7: adopted weights used, or null
    result["value_for_money"] = value_for_money(data)
    if params.get("frontier"):
        result["frontier"] = sweep(
            data, points=int(params.get("frontier_points", 11)), relax=bool(params.get("relax", False))
        )
    model_snapshot = params.get("model_snapshot")
    if model_snapshot is None and crit_source == "model":
        try:
            from prioritizer.model import load_model

            model_snapshot = load_model(params.get("model") or policy.model, case.root).snapshot()
        except Exception:  # the snapshot is a record, not a requirement of the solve
            model_snapshot = None
    return CommandOutput(
        result=result,
        model=model_snapshot,
        policy=policy.model_dump(mode="json"),
        method={
            "solver": f"HiGHS {highs_version()}",
            "relax": bool(params.get("relax", False)),
            "time_limit": params.get("time_limit"),
            "gap": params.get("gap"),
            "duals_from": res.solver.get("duals_from"),
            "criticality_source": crit_source,
        },
        weights=params.get("weights"),
    )
