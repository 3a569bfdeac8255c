"""``allocate``: fund projects and size stockpiles under one budget, and explain every decision.

    allocate(case, *, policy=None, model=None, weights=None, budget=None, relax=False,
             time_limit=None, gap=None, explain=True) -> AllocationResult

Pipeline: :func:`.data.build_data` (validate, all errors at once) → :func:`.build.build_problem`
(PuLP model) → :func:`.solve.solve_problem` (HiGHS, honest status, invert step, re-check)
→ :mod:`.explain` (prices, ranges, entry values, forced in/out, conflicts in words).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pulp

from prioritizer.allocation import explain as ex
from prioritizer.allocation.build import Built, build_problem
from prioritizer.allocation.data import AllocationData, build_data
from prioritizer.allocation.solve import SolveOutcome, highs_version, solve_problem
from prioritizer.case.policy import Policy
from prioritizer.case.types import Case
from prioritizer.errors import InputError, Issue


@dataclass
class AllocationResult:
    status: str
    objective: float | None
    funded: dict[str, float]
    projects: list[dict[str, Any]]
    stockpiles: list[dict[str, Any]]
    constraints: list[dict[str, Any]]
    explanations: dict[str, Any]
    solver: dict[str, Any]
    budget: dict[str, Any] = field(default_factory=dict)
    objective_terms: dict[str, float] = field(default_factory=dict)
    assumptions: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The ``allocate`` payload of DESIGN §5 (without ``run_id``), plus explanation fields."""
        return {
            "status": self.status,
            "objective": self.objective,
            "projects": self.projects,
            "stockpiles": self.stockpiles,
            "constraints": self.constraints,
            "explanations": self.explanations,
            "solver": self.solver,
            "budget": self.budget,
            "objective_terms": self.objective_terms,
            "assumptions": self.assumptions,
        }


def _needs_criticality(case: Case, policy: Policy) -> bool:
    pr = case.projects
    if (
        pr is not None
        and len(pr)
        and ("value" not in pr.columns or pd.to_numeric(pr["value"], errors="coerce").isna().any())
    ):
        return True
    if case.scenarios is not None and len(case.scenarios):
        return True
    sp = policy.stockpile
    stockpilable = case.goods.get("stockpilable")
    return bool(
        sp.target_mode == "soft"
        and sp.target_penalty is None
        and stockpilable is not None
        and stockpilable.astype(str).str.lower().isin(["true", "1"]).any()
    )


def resolve_criticality(
    case: Case, policy: Policy, model: Any, weights: Mapping[str, float] | None
) -> tuple[pd.Series | None, str]:
    """good_id -> criticality in [0, 1] and where it came from.

    Order: a ``criticality`` column in goods.csv (explicit, wins), else the decision
    model's score (``prioritizer.scoring.api.criticality``), only when something needs it.
    """
    goods = case.goods
    if "criticality" in goods.columns:
        s = pd.to_numeric(goods["criticality"], errors="coerce")
        if s.notna().all():
            bad = [
                Issue("goods.csv", i + 2, "criticality", v, "criticality must be between 0 and 1")
                for i, v in enumerate(s)
                if not 0 <= v <= 1
            ]
            if bad:
                raise InputError(bad)
            return pd.Series(s.to_numpy(), index=goods["id"].astype(str)), "goods.csv:criticality"
    if not _needs_criticality(case, policy):
        return None, "not needed"
    try:
        from prioritizer.scoring.api import criticality
    except ImportError:
        return None, "unavailable"
    # Weights go through scoring's own override path, so an elicited model (AHP, swing)
    # can be re-weighted for a what-if and the override is recorded as such.
    m = model if model is not None else policy.model
    return criticality(case, m, weights=dict(weights) if weights else None), "model"


def prepare(
    case: Case,
    *,
    policy: Policy | None = None,
    model: Any = None,
    weights: Mapping[str, float] | None = None,
    budget: float | None = None,
    criticality: Mapping[str, float] | pd.Series | None = None,
    must: Mapping[str, str] | None = None,
    ignore: list[str] | None = None,
    scenarios: list[str] | None = None,
) -> tuple[AllocationData, str]:
    pol = policy or case.policy or Policy()
    source = "argument"
    if criticality is None:
        criticality, source = resolve_criticality(case, pol, model, weights)
    data = build_data(
        case, pol, criticality=criticality, budget=budget, must=must, ignore=ignore, scenarios=scenarios
    )
    return data, source


def allocate(
    case: Case,
    *,
    policy: Policy | None = None,
    model: Any = None,
    weights: Mapping[str, float] | None = None,
    budget: float | None = None,
    relax: bool = False,
    time_limit: float | None = None,
    gap: float | None = None,
    explain: bool | str = True,
    criticality: Mapping[str, float] | pd.Series | None = None,
    must: Mapping[str, str] | None = None,
    ignore: list[str] | None = None,
    scenarios: list[str] | None = None,
    resolve_limit: int = 400,
) -> AllocationResult:
    """Solve the allocation and explain it (see module docstring and the methodology note)."""
    _check_options(time_limit, gap)
    data, crit_source = prepare(
        case,
        policy=policy,
        model=model,
        weights=weights,
        budget=budget,
        criticality=criticality,
        must=must,
        ignore=ignore,
        scenarios=scenarios,
    )
    return allocate_data(
        data,
        relax=relax,
        time_limit=time_limit,
        gap=gap,
        explain=explain,
        resolve_limit=resolve_limit,
        criticality_source=crit_source,
    )


def _check_options(time_limit: float | None, gap: float | None) -> None:
    issues = []
    if time_limit is not None and not (math.isfinite(time_limit) and time_limit > 0):
        issues.append(
            Issue("--time-limit", None, "time_limit", time_limit, "give a positive number of seconds")
        )
    if gap is not None and not (math.isfinite(gap) and 0 <= gap < 1):
        issues.append(Issue("--gap", None, "gap", gap, "the relative gap is a fraction in [0, 1), e.g. 0.01"))
    if issues:
        raise InputError(issues)


EXPLAIN_LEVELS = ("full", "prices", "none")


def explain_level(explain: bool | str) -> str:
    """Normalise the ``explain`` option (bool or level name) to one of :data:`EXPLAIN_LEVELS`."""
    if explain is True:
        return "full"
    if explain is False or explain is None:
        return "none"
    if explain in EXPLAIN_LEVELS:
        return str(explain)
    raise InputError(
        [
            Issue(
                "options",
                None,
                "explain",
                explain,
                f"explain must be one of {', '.join(EXPLAIN_LEVELS)} or true/false",
            )
        ]
    )


def allocate_data(
    data: AllocationData,
    *,
    relax: bool = False,
    time_limit: float | None = None,
    gap: float | None = None,
    explain: bool | str = True,
    resolve_limit: int = 400,
    criticality_source: str = "argument",
) -> AllocationResult:
    """``explain``: ``True``/``"full"`` = prices, ranges, entry values and forced in/out
    re-solves; ``"prices"`` = everything from the fixed LP and the LP relaxation but no
    re-solves (fast enough for interactive what-ifs); ``False`` = the solution only.
    """
    level = explain_level(explain)
    built = build_problem(data, relax=relax)
    is_mip = any(v.cat == pulp.LpInteger for v in built.prob.variables())
    outcome = solve_problem(built.prob, time_limit=time_limit, gap=gap, mip=True, ranging=not is_mip)
    lines: list[dict[str, str]] = []
    conflict_info = None
    dual_src: SolveOutcome | None = None
    relaxation: SolveOutcome | None = None
    duals_from = None
    if outcome.status == "infeasible":
        conflict_info = ex.conflict(built, outcome, mip=is_mip, time_limit=time_limit)
        lines.append(
            {"kind": "conflict", "text_ja": conflict_info["text_ja"], "text_en": conflict_info["text_en"]}
        )
    elif outcome.status == "unbounded":
        lines.append(
            {
                "kind": "unbounded",
                "text_ja": "目的関数が有界ではありません（予算または上限の制約が無視されている可能性）。",
                "text_en": "The objective is unbounded (a budget or cap may have been ignored).",
            }
        )
    if outcome.has_solution:
        if not is_mip:
            dual_src, duals_from = outcome, "lp"
            relaxation = outcome
        elif level != "none":
            dual_src, duals_from = ex.fixed_lp(built, outcome), "fixed_lp"
            relaxation = ex.lp_relaxation(built)
        if outcome.status == "time_limit":
            lines.append(
                {
                    "kind": "time_limit",
                    "text_ja": "時間制限で停止しました。最良の暫定解を表示しています"
                    + (
                        f"（最適性ギャップ {outcome.mip_gap:.2%}）。" if outcome.mip_gap is not None else "。"
                    ),
                    "text_en": "Stopped at the time limit; showing the best solution found so far"
                    + (f" (optimality gap {outcome.mip_gap:.2%})." if outcome.mip_gap is not None else "."),
                }
            )
    elif outcome.status == "time_limit":
        lines.append(
            {
                "kind": "time_limit",
                "text_ja": "時間制限までに実行可能な配分が見つかりませんでした。時間制限を延ばしてください。",
                "text_en": "No feasible allocation was found before the time limit; allow more time.",
            }
        )

    projects: list[dict[str, Any]] = []
    stock: list[dict[str, Any]] = []
    if outcome.has_solution:
        projects = ex.project_rows(
            built,
            outcome,
            relaxation,
            resolve=level == "full",
            mip=is_mip,
            time_limit=time_limit,
            gap=gap,
            max_resolves=resolve_limit,
        )
        stock = ex.stockpile_rows(built, outcome)
        lines += _summary_lines(built, projects, dual_src)
    constraints = (
        ex.constraint_rows(built, outcome, dual_src, relaxation)
        if outcome.has_solution
        else _bare_rows(built)
    )
    funded = {p["id"]: p["funded_fraction"] for p in projects if p["funded_fraction"] > 1e-9}
    solver = {
        "name": "HiGHS",
        "version": highs_version(),
        "interface": f"PuLP {pulp.__version__}",
        "status": outcome.status,
        "highs_model_status": outcome.highs_status,
        "primal_solution_status": outcome.solution_status,
        "gap": outcome.mip_gap,
        "bound": outcome.mip_bound,
        "seconds": outcome.seconds,
        "time_limit": time_limit,
        "gap_limit": gap,
        "mip": is_mip,
        "relaxed": relax,
        "duals_from": duals_from,
        "verified": outcome.has_solution and not outcome.violations,
        "violations": outcome.violations,
        "message": outcome.message,
        "variables": len(built.prob.variables()),
        "rows": len(built.rows),
    }
    return AllocationResult(
        status=outcome.status,
        objective=outcome.objective,
        funded=funded,
        projects=projects,
        stockpiles=stock,
        constraints=constraints,
        explanations={"lines": lines, "conflict": conflict_info},
        solver=solver,
        budget=_budget_summary(built, outcome),
        objective_terms=_objective_terms(built, outcome),
        assumptions={
            "money_unit": "億円",
            "objective_unit": "criticality-weighted 億円 (重要度加重億円)",
            "criticality_source": criticality_source,
            "damage_multiplier": data.damage_multiplier,
            "holding_factor": data.holding_factor,
            "target_mode": data.target_mode,
            "ignored_constraints": [m.name for m in built.ignored],
        },
    )


def _bare_rows(built: Built) -> list[dict[str, Any]]:
    return [
        {
            "name": n,
            "kind": m.kind,
            "shadow_price": None,
            "slack": None,
            "binding": None,
            "sense": m.sense,
            "rhs": m.rhs,
            "ignored": False,
            "description_ja": m.description_ja,
            "description_en": m.description_en,
        }
        for n, m in built.rows.items()
    ] + [
        {
            "name": m.name,
            "kind": m.kind,
            "shadow_price": None,
            "slack": None,
            "binding": None,
            "ignored": True,
        }
        for m in built.ignored
    ]


def _budget_summary(built: Built, o: SolveOutcome) -> dict[str, Any]:
    d = built.data
    if not o.has_solution:
        return {"total": d.budget_total, "years": {str(y): v for y, v in d.budget_years.items()}}
    x = np.array([o.values.get(v.name, 0.0) for v in built.x])
    q = np.array([o.values.get(v.name, 0.0) for v in built.q])
    spent_p = float(d.cost @ x) if len(x) else 0.0
    spent_s = float(d.stock_unit_cost @ q) if len(q) else 0.0
    by_year = {
        str(yr): float(d.cost_by_year[:, j] @ x + (d.stock_year_cost[:, j] @ q if len(q) else 0.0))
        for j, yr in enumerate(d.years)
    }
    return {
        "total": d.budget_total,
        "years": {str(y): v for y, v in d.budget_years.items()},
        "spent_projects": spent_p,
        "spent_stockpiles": spent_s,
        "spent_total": spent_p + spent_s,
        "spent_by_year": by_year,
    }


def _objective_terms(built: Built, o: SolveOutcome) -> dict[str, float]:
    if not o.has_solution:
        return {}
    d = built.data
    val = sum(float(d.value[p]) * o.values.get(v.name, 0.0) for p, v in enumerate(built.x))
    short = sum(
        d.scenarios[s].probability * float(d.shortfall_weight[g]) * o.values.get(v.name, 0.0)
        for (g, s), v in built.f.items()
    )
    pen = sum(float(d.target_penalty[k]) * o.values.get(v.name, 0.0) for k, v in built.u.items())
    return {"project_value": val, "expected_shortfall_loss": short, "target_penalty": pen}


def _summary_lines(
    built: Built, projects: list[dict[str, Any]], dual_src: SolveOutcome | None
) -> list[dict[str, str]]:
    lines = []
    if dual_src is not None and dual_src.duals:
        for name, meta in built.rows.items():
            if not meta.user:
                continue
            y = dual_src.duals.get(built.pulp_name[name])
            if y is None or abs(y) < 1e-9:
                continue
            unit = meta.unit or "単位"
            lines.append(
                {
                    "kind": "shadow_price",
                    "constraint": name,
                    "text_ja": f"{meta.description_ja}が効いています: 1{unit}緩めると目的関数が{y:+,.3g}変化します。",
                    "text_en": f"{meta.description_en[:1].upper()}{meta.description_en[1:]} is binding: relaxing it by 1 {unit} changes the objective by {y:+,.3g}.",
                }
            )
    unf = [p for p in projects if p["funded_fraction"] <= 1e-9 and p.get("needed_value") is not None]
    unf.sort(key=lambda p: (p["needed_value"] - p["value"]) / max(abs(p["value"]), 1e-9))
    for p in unf[:5]:
        lines.append(
            {
                "kind": "needed_value",
                "project": p["id"],
                "text_ja": f"不採択の「{p['name_ja'] or p['id']}」は価値が{p['value']:,.1f}→{p['needed_value']:,.1f}になれば採択されます。",
                "text_en": f"Unfunded {p['name_en'] or p['id']} would enter if its value rose from {p['value']:,.1f} to {p['needed_value']:,.1f}.",
            }
        )
    return lines


def frontier(
    case: Case,
    *,
    params: Mapping[str, Any] | None = None,
    budgets: list[float] | None = None,
    points: int = 11,
    progress: Callable[[int, int], None] | None = None,
    criticality: Mapping[str, float] | pd.Series | None = None,
) -> list[dict[str, Any]]:
    """Objective versus total budget (see :mod:`.frontier`); ``params`` as for ``run_allocate``."""
    from prioritizer.allocation.frontier import sweep
    from prioritizer.allocation.service import data_from_params

    data = data_from_params(case, dict(params or {}), criticality=criticality)
    return sweep(
        data,
        budgets=budgets,
        points=points,
        progress=progress,
        relax=bool((params or {}).get("relax", False)),
    )
