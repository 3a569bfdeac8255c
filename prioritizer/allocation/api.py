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
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pulp

from prioritizer.allocation import explain as ex
from prioritizer.allocation.build import Built, build_problem
from prioritizer.allocation.data import AllocationData, build_data
from prioritizer.allocation.pooldata import baseline_shortfall, pool_lines, pool_rows
from prioritizer.allocation.pooldata import spent as pool_spent
from prioritizer.allocation.progress import stage
from prioritizer.allocation.solve import SolveOutcome, highs_version, solve_problem
from prioritizer.case.policy import Policy
from prioritizer.case.types import Case
from prioritizer.errors import InputError, Issue
from prioritizer.text import render, vocabulary


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
    #: joint stock pools (DESIGN §7): our contribution, expected draw, value_per_oku
    pools: list[dict[str, Any]] = field(default_factory=list)
    assumptions: dict[str, Any] = field(default_factory=dict)
    baseline_objective: float | None = None
    benefit: float | None = None
    benefit_breakdown: dict[str, float] | None = None
    benefit_per_oku: float | None = None
    #: {met, total, goods: [...], penalty_share} (prioritizer/allocation/attainment.py)
    target_attainment: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``allocate`` payload of DESIGN §5/§6 (without ``run_id``), plus explanation fields."""
        return {
            "status": self.status,
            "objective": self.objective,
            "baseline_objective": self.baseline_objective,
            "benefit": self.benefit,
            "benefit_breakdown": self.benefit_breakdown,
            "benefit_per_oku": self.benefit_per_oku,
            "target_attainment": self.target_attainment,
            "projects": self.projects,
            "stockpiles": self.stockpiles,
            "constraints": self.constraints,
            "explanations": self.explanations,
            "solver": self.solver,
            "budget": self.budget,
            "objective_terms": self.objective_terms,
            "assumptions": self.assumptions,
            "pools": self.pools,
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
    key = _criticality_key(m, weights)

    def score() -> pd.Series:
        return criticality(case, m, weights=dict(weights) if weights else None)

    # kept on the case (one entry: the what-ifs of one case rarely go back to an older weighting)
    crit = score() if key is None else case.kept("criticality", key, score)
    return crit.copy(), "model"


def _criticality_key(model: Any, weights: Mapping[str, float] | None) -> Any:
    """What the model's criticality depends on besides the case, or None when that cannot be
    told cheaply.

    A budget or rule what-if re-solves the allocation but not the scoring (0.1 s of the 0.2 s
    on the default case); :meth:`Case.kept` holds the case's parts (an edit makes new frames),
    the key is the model as given and the weights.
    """
    from prioritizer.audit.chain import canonical

    if not (model is None or isinstance(model, str | Path | dict)):
        return None
    w = None if not weights else tuple(sorted((str(k), float(v)) for k, v in weights.items()))
    return canonical(model) if isinstance(model, dict) else str(model), w


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
    stage("prepare")
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
    backend: str = "auto",
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
        backend=backend,
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
BACKENDS = ("auto", "pulp", "arrays", "structured")
#: above this many projects the arrays path gives LP entry values instead of one MILP re-solve per project
MAX_RESOLVE_PROJECTS = 400
#: model size (shortfall entries + projects + goods) from which ``auto`` builds from arrays
ARRAY_THRESHOLD = 5_000


def choose_backend(data: AllocationData, backend: str) -> str:
    """Which backend runs: both build the same model (tests/test_allocation_arrays.py)."""
    if backend not in BACKENDS:
        raise InputError(
            [Issue("options", None, "backend", backend, f"backend must be one of {', '.join(BACKENDS)}")]
        )
    if backend != "auto":
        return backend
    size = sum(len(s.affected) for s in data.scenarios) + data.n_projects + len(data.good_ids)
    if size < ARRAY_THRESHOLD:
        return "pulp"
    # a MILP with stock: the structured solve (tests/test_allocation_joint.py proves it equal);
    # the structured solve does not take joint pools, so a case with pools builds from arrays
    return "structured" if data.n_projects and len(data.stock_goods) and not data.pools else "arrays"


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
    backend: str = "auto",
) -> AllocationResult:
    """``backend``: ``"pulp"`` (the reference model), ``"arrays"`` (the same model built from
    arrays straight into highspy) or ``"auto"`` (arrays from :data:`ARRAY_THRESHOLD` columns on).

    ``explain``: ``True``/``"full"`` = prices, ranges, entry values and forced in/out
    re-solves; ``"prices"`` = everything from the fixed LP and the LP relaxation but no
    re-solves (fast enough for interactive what-ifs); ``False`` = the solution only.
    """
    level = explain_level(explain)
    path = choose_backend(data, backend)
    stage("build", backend=path)
    joint = None
    if path == "structured":
        from prioritizer.allocation.arrays import as_built, build_arrays
        from prioritizer.allocation.curves import supported
        from prioritizer.allocation.highs_arrays import solve_arrays
        from prioritizer.allocation.joint import solve_joint

        model = build_arrays(data, relax=relax)
        is_mip = bool(model.integer.any())
        n_vars = len(model.col_names)
        if is_mip and supported(model) and not data.pools:
            # the row descriptors do not depend on the answer: built while HiGHS solves the
            # master (0.8 s of the national case)
            joint = solve_joint(
                model,
                time_limit=time_limit,
                gap=gap,
                relaxation=level != "none",
                beside=lambda: as_built(model),
            )
        built = joint.beside if joint is not None else as_built(model)
        if joint is not None:
            outcome = joint.outcome
        else:  # LP, or a master with no answer (e.g. infeasible): the general model explains it
            path = "arrays"
            stage("solve", columns=n_vars, rows=model.n_rows)
            outcome = solve_arrays(model, time_limit=time_limit, gap=gap, mip=True, ranging=not is_mip)
    elif path == "arrays":
        from prioritizer.allocation.arrays import as_built, build_arrays
        from prioritizer.allocation.highs_arrays import solve_arrays

        model = build_arrays(data, relax=relax)
        built: Any = as_built(model)
        is_mip = bool(model.integer.any())
        n_vars = len(model.col_names)
        stage("solve", columns=n_vars, rows=model.n_rows)
        outcome = solve_arrays(model, time_limit=time_limit, gap=gap, mip=True, ranging=not is_mip)
    else:
        built = build_problem(data, relax=relax)
        is_mip = any(v.cat == pulp.LpInteger for v in built.prob.variables())
        n_vars = len(built.prob.variables())
        stage("solve", columns=n_vars, rows=len(built.rows))
        outcome = solve_problem(built.prob, time_limit=time_limit, gap=gap, mip=True, ranging=not is_mip)
    stage("explain")
    lines: list[dict[str, Any]] = []
    conflict_info = None
    dual_src: SolveOutcome | None = None
    relaxation: SolveOutcome | None = None
    duals_from = None
    if outcome.status == "infeasible":
        conflict_info = ex.conflict(built, outcome, mip=is_mip, time_limit=time_limit)
        lines.append(
            _line({**conflict_info["message"], "type": "conflict", "group": "status", "impact": None})
        )
    elif outcome.status == "unbounded":
        lines.append(
            _line({"kind": "alloc.line.unbounded", "type": "unbounded", "group": "status", "impact": None})
        )
    if outcome.has_solution:
        if not is_mip:
            dual_src, duals_from = outcome, "lp"
            relaxation = outcome
        elif level != "none" and joint is not None:
            # the polish LP is the fixed LP of the full model (docs/methodology/allocation.md §8)
            dual_src, duals_from = joint.fixed, "fixed_lp"
            relaxation = joint.relaxation
        elif level != "none":
            dual_src, duals_from = ex.fixed_lp(built, outcome), "fixed_lp"
            relaxation = ex.lp_relaxation(built)
            if not (dual_src.has_solution and dual_src.duals):
                dual_src, duals_from = relaxation, "relaxation"
        if outcome.status == "time_limit":
            kind = "alloc.line.time_limit_gap" if outcome.mip_gap is not None else "alloc.line.time_limit"
            lines.append(
                _line(
                    {
                        "kind": kind,
                        "type": "time_limit",
                        "gap": outcome.mip_gap,
                        "group": "status",
                        "impact": None,
                    }
                )
            )
    elif outcome.status == "time_limit":
        lines.append(
            _line(
                {
                    "kind": "alloc.line.time_limit_none",
                    "type": "time_limit",
                    "group": "status",
                    "impact": None,
                }
            )
        )

    projects: list[dict[str, Any]] = []
    stock: list[dict[str, Any]] = []
    if outcome.has_solution:
        # A forced in/out re-solve per project is a MILP as large as the main one: at national
        # scale (arrays path, hundreds of projects) entry values come from the LP relaxation
        # instead, and each project row says which method gave its value (needed_value_method).
        resolve = level == "full" and not (
            path in ("arrays", "structured") and is_mip and data.n_projects > MAX_RESOLVE_PROJECTS
        )
        projects = ex.project_rows(
            built,
            outcome,
            relaxation,
            resolve=resolve,
            mip=is_mip,
            time_limit=time_limit,
            gap=gap,
            max_resolves=resolve_limit,
        )
        stock = ex.stockpile_rows(built, outcome)
    constraints = (
        ex.constraint_rows(built, outcome, dual_src, relaxation, price_from=duals_from)
        if outcome.has_solution
        else _bare_rows(built)
    )
    pools = pool_rows(built, outcome)
    if outcome.has_solution:
        lines += explanation_lines(built, constraints, projects)
        if pools:  # one line per pool, in the rules group, ordered with the rest by |impact|
            lines += [_line(m) for m in pool_lines(built, pools)]
            order = {g: i for i, g in enumerate(GROUPS)}
            lines.sort(
                key=lambda m: (order[m["group"]], -abs(m["impact"]) if m["impact"] is not None else math.inf)
            )
    funded = {p["id"]: p["funded_fraction"] for p in projects if p["funded_fraction"] > 1e-9}
    solver = {
        "name": "HiGHS",
        "version": highs_version(),
        "interface": f"PuLP {pulp.__version__}" if path == "pulp" else f"highspy arrays {highs_version()}",
        "backend": path,
        # which algorithm ran: the general model in one solve, or the structured master + polish
        "path": (
            "structured: project master with exact stock curves, then the fixed-LP polish"
            if joint is not None
            else ("general LP" if not is_mip else "general MILP")
        )
        + (
            " (structured requested: it does not take joint pools, so the general model ran from arrays)"
            if backend == "structured" and data.pools
            else ""
        ),
        "structure": ({k: v for k, v in vars(joint.structure).items()} if joint is not None else None),
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
        "variables": n_vars,
        "rows": len(built.rows),
    }
    stage(
        "done",
        status_ja=vocabulary("status").get(outcome.status, (outcome.status,) * 2)[0],
        status_en=vocabulary("status").get(outcome.status, (outcome.status,) * 2)[1],
    )
    terms = _objective_terms(built, outcome)
    budget_summary = _budget_summary(built, outcome)
    base = baseline_terms(data)
    benefit = breakdown = per_oku = None
    if outcome.objective is not None and terms:
        breakdown = {
            "project_value": terms["project_value"],
            "avoided_shortfall_loss": base["expected_shortfall_loss"] - terms["expected_shortfall_loss"],
            "avoided_target_penalty": base["target_penalty"] - terms["target_penalty"],
        }
        # what a committee can defend: funded projects' value and expected shortfall loss
        # avoided; the avoided target penalty is reported beside it (DESIGN §7), not in it
        benefit = float(breakdown["project_value"] + breakdown["avoided_shortfall_loss"])
        spent = budget_summary.get("spent_total") or 0.0
        per_oku = benefit / spent if spent > 1e-9 else None
    attainment = None
    if outcome.has_solution:
        from prioritizer.allocation.attainment import penalty_share, shortfall_value, target_attainment

        fv = {key: outcome.values.get(v.name, 0.0) for key, v in built.f.items()}
        attainment = target_attainment(data, stock, constraints, shortfall_value(data, fv))
        attainment["penalty_share"] = penalty_share(breakdown)
    return AllocationResult(
        status=outcome.status,
        objective=outcome.objective,
        baseline_objective=base["objective"],
        benefit=benefit,
        benefit_breakdown=breakdown,
        benefit_per_oku=per_oku,
        target_attainment=attainment,
        funded=funded,
        projects=projects,
        stockpiles=stock,
        constraints=constraints,
        explanations={"lines": lines, "conflict": conflict_info},
        solver=solver,
        budget=budget_summary,
        objective_terms=terms,
        pools=pools,
        assumptions={
            "money_unit": "億円",
            "objective_unit": "criticality-weighted 億円 (重要度加重億円)",
            "benefit_unit": "criticality-weighted 億円 (重要度加重億円)",
            "benefit_reference": "no action: nothing funded, nothing stocked, same scenarios and weights",
            "benefit_terms": "project_value + avoided_shortfall_loss; the avoided target penalty is "
            "counted by the optimisation (targets are policy) but not in the benefit",
            "criticality_source": criticality_source,
            "damage_multiplier": data.damage_multiplier,
            "holding_factor": data.holding_factor,
            "target_mode": data.target_mode,
            **(
                {"pools_reference": "no action contributes nothing; the allies' holdings are still drawn on"}
                if data.pools
                else {}
            ),
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
            "relax_gain": None,
            "rhs_range": None,
            "price_from": None,
            "unit": m.unit,
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
            "sense": m.sense,
            "rhs": m.rhs,
            "relax_gain": None,
            "rhs_range": None,
            "price_from": None,
            "unit": m.unit,
            "ignored": True,
            "description_ja": m.description_ja,
            "description_en": m.description_en,
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
    spent_j, spent_j_years = pool_spent(built, o) if d.pools else (0.0, [0.0] * len(d.years))
    by_year = {
        str(yr): float(
            d.cost_by_year[:, j] @ x + (d.stock_year_cost[:, j] @ q if len(q) else 0.0) + spent_j_years[j]
        )
        for j, yr in enumerate(d.years)
    }
    out = {
        "total": d.budget_total,
        "years": {str(y): v for y, v in d.budget_years.items()},
        "spent_projects": spent_p,
        "spent_stockpiles": spent_s,
        "spent_total": spent_p + spent_s + spent_j,
        "spent_by_year": by_year,
    }
    if d.pools:  # our contributions to joint pools: in spent_total, apart from our own stock
        out["spent_pools"] = spent_j
    return out


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


def baseline_terms(data: AllocationData) -> dict[str, float]:
    """The no-action world: nothing funded, nothing stocked, same scenarios and weights.

    Every shortfall is then the whole need ``ℓ_s A_gs M_s/12`` and every soft target is missed
    by all its days, so the objective is ``−Σ_s π_s Σ_g w_g need_gs − Σ_k ρ_k T_k`` (hard
    targets carry no penalty term). No solve is needed: the point is fixed. With joint pools
    nothing is contributed either, but the allies' holdings are still drawn on
    (:func:`.pooldata.baseline_shortfall`).
    """
    short = 0.0
    for sc in data.scenarios:
        for g, a in sc.affected.items():
            short += sc.probability * float(data.shortfall_weight[g]) * sc.loss * a * sc.months / 12.0
    if data.pools:  # the allies' holdings are drawn on whatever we contribute
        short = baseline_shortfall(data)
    pen = 0.0
    if data.target_mode == "soft":
        on = data.target_days > 0
        pen = float(data.target_penalty[on] @ data.target_days[on]) if on.any() else 0.0
    # plain floats: the audit's canonical JSON writes a plain result without a normalising walk
    return {"objective": float(-short - pen), "expected_shortfall_loss": float(short), "target_penalty": pen}


#: order of the explanation groups (issue 13 §3): solver status, then rules, targets, projects
GROUPS = ("status", "rules", "targets", "projects")


def _line(msg: dict[str, Any]) -> dict[str, Any]:
    """A structured line (``kind`` = its template, ``type`` = what it is) with its text in both languages."""
    return {**msg, "text_ja": render(msg, "ja"), "text_en": render(msg, "en")}


def _valid(kind_unit: str, rng: list[float | None] | None) -> dict[str, Any]:
    lo, hi = (rng or [None, None])[0], (rng or [None, None])[1]
    if lo is not None and hi is not None:
        return {"kind": f"alloc.valid.range_{kind_unit}", "lo": lo, "hi": hi}
    if lo is not None:
        return {"kind": f"alloc.valid.from_{kind_unit}", "lo": lo}
    if hi is not None:
        return {"kind": f"alloc.valid.upto_{kind_unit}", "hi": hi}
    return {"kind": "alloc.valid.none"}


def _entry_digits(value: float, needed: float) -> int:
    """Decimals that make the value and the value needed print differently."""
    gap = abs(needed - value)
    if gap <= 0:
        return 1
    return int(min(6, max(1, math.ceil(-math.log10(gap)) + 1)))


def explanation_lines(
    built: Built, constraints: list[dict[str, Any]], projects: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Structured explanation lines with ``impact``, ``group`` and rendered text, largest first.

    Rules and targets: ``impact = relax_gain × 1`` (one 億円, one day, or the whole logical
    rule). Unfunded projects: the objective change of entering, ``−(needed_value − value)``.
    """
    lines: list[dict[str, Any]] = []
    for c in constraints:
        meta = built.rows.get(c["name"])
        if meta is None or not meta.user or c.get("ignored") or not c.get("binding"):
            continue
        gain = c.get("relax_gain")
        if gain is None or abs(gain) < 1e-9:
            continue
        step = 1.0
        impact = gain * step
        if meta.kind == "target":
            kind, vunit, group = "alloc.line.lower_days", "days", "targets"
        elif meta.unit == "億円":
            kind = "alloc.line.raise_oku" if meta.sense == "<=" else "alloc.line.lower_oku"
            vunit, group = "oku", "rules"
        else:
            kind, vunit, group = "alloc.line.drop_rule", "", "rules"
        valid = _valid(vunit, c.get("rhs_range")) if vunit else {"kind": "alloc.valid.none"}
        msg = {
            "kind": kind,
            "type": "price",
            "group": group,
            "ids": [c["name"]],
            "constraint": c["name"],
            "impact": impact,
            "step": step,
            "gain": abs(impact),
            "sign": "+" if impact >= 0 else "−",
            "what_ja": meta.what_text("ja"),
            "what_en": meta.what_text("en"),
            "valid_ja": render(valid, "ja"),
            "valid_en": render(valid, "en"),
            "price_from": c.get("price_from"),
        }
        lines.append(_line(msg))
    for p in projects:
        if p["funded_fraction"] > 1e-9:
            continue
        name = {"name_ja": p.get("name_ja") or p["id"], "name_en": p.get("name_en") or p["id"]}
        if p.get("needed_value_method") == "cannot_enter":
            lines.append(
                _line(
                    {
                        "kind": "alloc.line.cannot_enter",
                        "type": "cannot_enter",
                        "group": "projects",
                        "ids": [p["id"]],
                        "project": p["id"],
                        "impact": None,
                        **name,
                    }
                )
            )
            continue
        needed = p.get("needed_value")
        if needed is None:
            continue
        value = float(p["value"])
        gap_abs = max(0.0, float(needed) - value)
        rel = gap_abs / abs(value) if abs(value) > 1e-12 else math.inf
        msg = {
            "type": "needed_value",
            "group": "projects",
            "ids": [p["id"]],
            "project": p["id"],
            "impact": -gap_abs,
            "value": value,
            "needed": float(needed),
            "gap": rel if math.isfinite(rel) else None,
            "digits": _entry_digits(value, float(needed)),
            **name,
        }
        msg["kind"] = "alloc.line.needed_value_close" if rel < 1e-3 else "alloc.line.needed_value"
        lines.append(_line(msg))
    order = {g: i for i, g in enumerate(GROUPS)}
    lines.sort(key=lambda m: (order[m["group"]], -abs(m["impact"]) if m["impact"] is not None else math.inf))
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
