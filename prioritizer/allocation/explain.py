"""Explanations of an allocation: prices, slacks, ranges, entry values, forced in/out, conflicts.

Where each number comes from (docs/methodology/allocation.md §4):

* **Shadow prices** ``y_i = ∂z*/∂b_i`` (textbook sign, :mod:`.solve`). For an LP they are
  the LP's duals. For a MILP there are no duals; we report those of the *fixed LP* —
  the model with every integer variable fixed at its optimal value — the convention of
  commercial solvers (e.g. CPLEX "fixed problem"): the marginal value of a rule given
  the chosen portfolio, priced through the divisible projects and stockpiles.
* **Ranging** (rhs and cost) comes from HiGHS ``getRanging`` on that same LP.
* **Reduced cost / value needed to enter (LP)**: from the LP relaxation, ``d_p = v_p − yᵀa_p``
  (≤ 0 for an unfunded project); the project enters the relaxation when its value
  reaches ``v_p − d_p`` (Hillier & Lieberman ch. 7, sensitivity of a non-basic variable).
* **Value needed to enter (exact, binary projects)**: re-solve with the project forced in;
  with ``z_in`` that objective, raising ``v_p`` by ``δ`` raises ``z_in`` by ``δ``, so the
  project enters an optimal portfolio exactly when ``v_p ≥ v_p + (z* − z_in)``.
* **Forced in / out**: ``z_forced − z*`` from a re-solve with the project's on/off fixed.
* **Infeasibility**: HiGHS' irreducible infeasible subsystem (``getIis``) of the LP, or —
  when the LP relaxation is feasible but the integer problem is not — a deletion filter
  (Chinneck & Dravnieks 1991) over the planner's rules with MILP re-solves.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import pulp

from prioritizer.allocation.build import Built, RowMeta
from prioritizer.allocation.quiet import solver_output_to_stderr
from prioritizer.allocation.solve import SolveOutcome, rows_of, solve_problem
from prioritizer.text import render

_MS = highspy.HighsModelStatus
BIND_TOL = 1e-6


def slack_of(meta: RowMeta, activity: float) -> float:
    s = meta.rhs - activity if meta.sense == "<=" else activity - meta.rhs
    return 0.0 if abs(s) <= BIND_TOL * (1 + abs(meta.rhs)) else float(s)


def relax_gain(sense: str, shadow_price: float | None) -> float | None:
    """Objective gained per unit the rule is *relaxed*: a ``<=`` rule raised, a ``>=`` rule lowered.

    With the textbook shadow price ``y = ∂z*/∂b`` of a maximisation, relaxing a ``<=`` row
    by δ moves ``b`` up (gain ``y δ``) and relaxing a ``>=`` row moves ``b`` down (gain
    ``−y δ``); at an optimum both are ≥ 0 (dual feasibility).
    """
    if shadow_price is None:
        return None
    g = shadow_price if sense == "<=" else -shadow_price if sense == ">=" else abs(shadow_price)
    return 0.0 if g == 0 else float(g)


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def constraint_rows(
    built: Built,
    outcome: SolveOutcome,
    dual_src: SolveOutcome | None,
    relaxation: SolveOutcome | None = None,
    price_from: str | None = None,
) -> list[dict[str, Any]]:
    """One dict per constraint (DESIGN §5/§6 ``constraints``), ignored ones flagged.

    ``rhs``, ``relax_gain`` and ``rhs_range`` are in the rule's own unit (億円 for budgets,
    limits and storage, days for targets: the target row is written in days).
    """
    out: list[dict[str, Any]] = []
    for name, meta in built.rows.items():
        pn = built.pulp_name[name]
        act = outcome.activity.get(pn, math.nan)
        slack = slack_of(meta, act)
        sp = dual_src.duals.get(pn) if dual_src and dual_src.duals else None
        rng = None
        rhs_range = None
        if dual_src and dual_src.ranging and pn in dual_src.ranging.rhs:
            lo, hi = dual_src.ranging.rhs[pn]
            rng = {"rhs_low": _finite(lo), "rhs_high": _finite(hi)}
            rhs_range = [_finite(lo), _finite(hi)]
        sp_rel = relaxation.duals.get(pn) if relaxation and relaxation.duals else None
        out.append(
            {
                "name": name,
                "kind": meta.kind,
                "shadow_price": sp,
                "shadow_price_relaxation": sp_rel,
                "slack": slack,
                "binding": slack == 0.0,
                "sense": meta.sense,
                "rhs": meta.rhs,
                "relax_gain": relax_gain(meta.sense, sp),
                "rhs_range": rhs_range,
                "price_from": price_from if sp is not None else None,
                "activity": act,
                "unit": meta.unit,
                "ranging": rng,
                "ignored": False,
                "description_ja": meta.description_ja,
                "description_en": meta.description_en,
            }
        )
    for meta in built.ignored:
        out.append(
            {
                "name": meta.name,
                "kind": meta.kind,
                "shadow_price": None,
                "slack": None,
                "binding": False,
                "sense": meta.sense,
                "rhs": meta.rhs,
                "relax_gain": None,
                "rhs_range": None,
                "price_from": None,
                "activity": None,
                "unit": meta.unit,
                "ranging": None,
                "ignored": True,
                "description_ja": meta.description_ja,
                "description_en": meta.description_en,
            }
        )
    return out


def _arrays(built: Built) -> Any:
    return getattr(built, "arrays", None)


def fixed_lp(built: Built, outcome: SolveOutcome) -> SolveOutcome:
    """The LP with every integer variable fixed at its value in ``outcome`` (duals + ranging)."""
    model = _arrays(built)
    if model is not None:
        from prioritizer.allocation.highs_arrays import solve_arrays

        m = model.copy()
        for j in np.flatnonzero(m.integer):
            m.col_lo[j] = m.col_hi[j] = float(round(outcome.values.get(m.col_names[j], 0.0)))
        m.integer[:] = False
        return solve_arrays(m, mip=False, ranging=True)
    saved = []
    for v in built.prob.variables():
        if v.cat == pulp.LpInteger:
            val = float(round(outcome.values.get(v.name, 0.0)))
            saved.append((v, v.lowBound, v.upBound))
            v.lowBound = v.upBound = val
    try:
        return solve_problem(built.prob, mip=False, ranging=True)
    finally:
        for v, lo, hi in saved:
            v.lowBound, v.upBound = lo, hi


def lp_relaxation(built: Built) -> SolveOutcome:
    model = _arrays(built)
    if model is not None:
        from prioritizer.allocation.highs_arrays import solve_arrays

        return solve_arrays(model, mip=False, ranging=True)
    return solve_problem(built.prob, mip=False, ranging=True)


@dataclass
class ForcedResult:
    objective: float | None
    status: str
    fraction: float | None = None


def forced(
    built: Built, p: int, direction: str, *, mip: bool, time_limit: float | None, gap: float | None
) -> ForcedResult:
    """Re-solve with project ``p`` forced in (on/off = 1) or out (x = 0)."""
    model = _arrays(built)
    if model is not None:  # a copy: re-solves never touch the shared model
        from prioritizer.allocation.highs_arrays import solve_arrays

        m = model.copy()
        col = built.onoff(p) if direction == "in" else built.x[p]
        if direction == "in":
            m.col_lo[col.index] = 1.0
        else:
            m.col_hi[col.index] = 0.0
        o = solve_arrays(m, mip=mip, time_limit=time_limit, gap=gap)
        frac = o.values.get(built.x[p].name) if o.has_solution else None
        return ForcedResult(o.objective if o.has_solution else None, o.status, frac)
    var = built.onoff(p) if direction == "in" else built.x[p]
    lo, hi = var.lowBound, var.upBound
    if direction == "in":
        var.lowBound = 1.0
    else:
        var.upBound = 0.0
    try:
        o = solve_problem(built.prob, mip=mip, time_limit=time_limit, gap=gap)
    finally:
        var.lowBound, var.upBound = lo, hi
    frac = o.values.get(built.x[p].name) if o.has_solution else None
    return ForcedResult(o.objective if o.has_solution else None, o.status, frac)


def project_rows(
    built: Built,
    outcome: SolveOutcome,
    relaxation: SolveOutcome | None,
    *,
    resolve: bool,
    mip: bool,
    time_limit: float | None,
    gap: float | None,
    max_resolves: int = 400,
    budget_seconds: float = 120.0,
) -> list[dict[str, Any]]:
    d = built.data
    zstar = outcome.objective if outcome.objective is not None else math.nan
    rows: list[dict[str, Any]] = []
    t_start = time.perf_counter()
    n_resolved = 0
    for p, pid in enumerate(d.project_ids):
        xv = built.x[p].name
        frac = outcome.values.get(xv, 0.0)
        frac = 0.0 if abs(frac) < 1e-9 else (1.0 if abs(frac - 1) < 1e-9 else frac)
        funded = frac > 1e-9
        rc = None
        if relaxation is not None and relaxation.reduced_costs is not None:
            rc = relaxation.reduced_costs.get(xv)
        vrange = None
        if relaxation is not None and relaxation.ranging is not None and xv in relaxation.ranging.cost:
            lo, hi = relaxation.ranging.cost[xv]
            vrange = {"value_low": lo, "value_high": hi}
        value = float(d.value[p])
        needed_lp = None
        if relaxation is not None and rc is not None:
            rel_frac = relaxation.values.get(xv, 0.0)
            if rel_frac < 1e-9:
                needed_lp = value - rc
        row: dict[str, Any] = {
            "id": pid,
            "name_ja": d.project_names[p][0],
            "name_en": d.project_names[p][1],
            "funded_fraction": frac,
            "cost": float(d.cost[p]),
            "spent": float(d.cost[p] * frac),
            "value": value,
            "value_source": d.value_source[p],
            "value_per_oku": float(value / d.cost[p]) if d.cost[p] > 0 else None,
            "reduced_cost": rc,
            "needed_value": None,
            "needed_value_lp": needed_lp,
            "needed_value_method": None,
            "exit_value": None,
            "forced_in_delta": 0.0 if funded else None,
            "forced_out_delta": None if funded else 0.0,
            "forced_status": None,
            "value_range": vrange,
            "must": d.must.get(p, ""),
        }
        can_resolve = (
            resolve
            and n_resolved < max_resolves
            and time.perf_counter() - t_start < budget_seconds
            and math.isfinite(zstar)
        )
        if can_resolve:
            n_resolved += 1
            direction = "out" if funded else "in"
            fr = forced(built, p, direction, mip=mip, time_limit=time_limit, gap=gap)
            row["forced_status"] = fr.status
            if fr.objective is not None:
                delta = fr.objective - zstar
                delta = 0.0 if abs(delta) < 1e-9 * (1 + abs(zstar)) else delta
                if funded:
                    row["forced_out_delta"] = delta
                    if frac >= 1 - 1e-9 and not d.divisible[p]:
                        # the project leaves when v_p drops by z* − z_out
                        row["exit_value"] = value + delta
                else:
                    row["forced_in_delta"] = delta
                    if mip and not d.divisible[p]:
                        row["needed_value"] = value - delta
                        row["needed_value_method"] = "forced_in_resolve"
                    elif mip and fr.fraction and fr.fraction > 1e-9:
                        # divisible: the forced-in portfolio gains δ·x_in when v_p rises by δ, so
                        # v_p − Δ/x_in is enough for the project to enter (an upper bound)
                        row["needed_value"] = value - delta / fr.fraction
                        row["needed_value_method"] = "forced_in_resolve_bound"
        if row["forced_status"] == "infeasible" and not funded:
            # no value can bring it in: a rule (must-out, excludes, budget) forbids it outright
            row["needed_value_method"] = "cannot_enter"
        elif not funded and row["needed_value"] is None and needed_lp is not None:
            row["needed_value"] = needed_lp
            row["needed_value_method"] = "lp_reduced_cost"
        rows.append(row)
    return rows


def stockpile_rows(built: Built, outcome: SolveOutcome) -> list[dict[str, Any]]:
    d = built.data
    out = []
    for k, g in enumerate(d.stock_goods):
        qv = outcome.values.get(built.q[k].name, 0.0)
        qv = 0.0 if abs(qv) < 1e-9 else qv
        D = float(d.annual_demand[g])
        exp_short = 0.0
        for s, sc in enumerate(d.scenarios):
            f = built.f.get((int(g), s))
            if f is not None:
                exp_short += sc.probability * outcome.values.get(f.name, 0.0)
        out.append(
            {
                "good_id": d.good_ids[g],
                "name_ja": d.good_names[g][0],
                "name_en": d.good_names[g][1],
                "quantity": qv,
                "unit": d.good_unit[g],
                "days_of_cover": qv / D * 365.0 if D > 0 else None,
                "target_days": float(d.target_days[k]) if d.target_days[k] > 0 else None,
                "cost": float(qv * d.stock_unit_cost[k]),
                "purchase_cost": float(qv * d.unit_price[g]),
                "holding_cost": float(qv * (d.stock_unit_cost[k] - d.unit_price[g])),
                "expected_shortfall": exp_short,
                "criticality": float(d.criticality[g]),
            }
        )
    return out


# --------------------------------------------------------------------------- conflicts


def _highs_iis_rows(h: highspy.Highs) -> list[int] | None:
    """Row indices of a HiGHS IIS, or None when HiGHS cannot produce one for this model."""
    with solver_output_to_stderr():
        g = highspy.Highs()
    g.setOptionValue("output_flag", False)
    g.passModel(h.getModel())
    n = g.getNumCol()
    if n:  # IIS is an LP notion: drop integrality
        g.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.zeros(n, dtype=np.uint8))
    g.setOptionValue("presolve", "off")
    with solver_output_to_stderr():
        g.run()
    if g.getModelStatus() != _MS.kInfeasible:
        return None
    # 2 = "from LP, row priority"; 0 (light) only finds trivially conflicting bounds
    for strategy in (2, 3, 4):
        try:
            g.setOptionValue("iis_strategy", strategy)
            with solver_output_to_stderr():
                st, iis = g.getIis()
        except Exception:
            continue
        if st == highspy.HighsStatus.kOk and iis.valid_ and len(iis.row_index_):
            return [int(i) for i in iis.row_index_]
    return None


def _deletion_filter(
    built: Built, candidates: list[str], *, mip: bool, time_limit: float | None
) -> list[str]:
    """Chinneck & Dravnieks (1991) deletion filter over the named rows (others always kept)."""
    model = _arrays(built)
    if model is not None:
        from prioritizer.allocation.highs_arrays import solve_arrays

        m = model.copy()
        kept_a: list[str] = []
        for n in candidates:
            i = int(built.pulp_name[n][1:])
            lo, hi = m.row_lo[i], m.row_hi[i]
            m.row_lo[i], m.row_hi[i] = -math.inf, math.inf
            if solve_arrays(m, mip=mip, time_limit=time_limit).status != "infeasible":
                m.row_lo[i], m.row_hi[i] = lo, hi
                kept_a.append(n)
        return kept_a
    cons = rows_of(built.prob)
    saved = {n: (cons[built.pulp_name[n]].sense) for n in candidates}
    kept: list[str] = []
    dropped: list[tuple[str, pulp.LpConstraint]] = []
    try:
        for n in candidates:
            pn = built.pulp_name[n]
            c = cons.pop(pn)
            o = solve_problem(built.prob, mip=mip, time_limit=time_limit)
            if o.status == "infeasible":
                dropped.append((pn, c))  # still infeasible without it: not needed
            else:
                cons[pn] = c
                kept.append(n)
    finally:
        for pn, c in dropped:
            cons[pn] = c
    del saved
    return kept


def conflict(built: Built, outcome: SolveOutcome, *, mip: bool, time_limit: float | None) -> dict[str, Any]:
    """The conflicting rules of an infeasible model, in words (ja + en)."""
    by_pulp = {pn: n for n, pn in built.pulp_name.items()}
    if _arrays(built) is not None:
        index_to_name = {int(pn[1:]): n for pn, n in by_pulp.items()}
    else:
        index_to_name = {c.index: by_pulp[pn] for pn, c in rows_of(built.prob).items() if hasattr(c, "index")}
    method = "highs_iis"
    names: list[str] = []
    rows = _highs_iis_rows(outcome.highs) if outcome.highs is not None else None
    if rows is not None:
        names = [index_to_name[i] for i in rows if i in index_to_name]
    if not names:
        method = "deletion_filter"
        candidates = [n for n, m in built.rows.items() if m.user]
        # structural rows (shortfall definitions, divisible links) are always kept
        names = _deletion_filter(built, candidates, mip=mip, time_limit=time_limit)
    metas = [built.rows[n] for n in names]
    msg = describe_conflict(metas, built)
    return {
        "method": method,
        "constraints": names,
        "user_constraints": [m.name for m in metas if m.user],
        "message": msg,
        "text_ja": render(msg, "ja"),
        "text_en": render(msg, "en"),
    }


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _joined(metas: list[RowMeta], sep_ja: str, sep_en: str) -> dict[str, str]:
    return {
        "ja": sep_ja.join(m.description_ja for m in metas),
        "en": sep_en.join(m.description_en for m in metas),
    }


def describe_conflict(metas: list[RowMeta], built: Built) -> dict[str, Any]:
    """The conflict as a structured message (templates ``alloc.conflict.*`` in allocation.yaml)."""
    user = [m for m in metas if m.user] or metas
    ids = [m.name for m in user]
    if len(user) == 1 and user[0].kind == "limit" and user[0].sense == ">=":
        m = user[0]
        lim = next((r for r in built.data.limits if r.name == m.name), None)
        reach = float(lim.project_coef.sum()) if lim is not None and not lim.stock_coef.any() else None
        if reach is not None:
            return {
                "kind": "alloc.conflict.floor_unreachable",
                "ids": ids,
                "reach": reach,
                "rule_ja": m.description_ja,
                "rule_en": m.description_en,
                "Rule_en": _cap(m.description_en),
                "Rule_ja": m.description_ja,
            }
    budgets = [m for m in user if m.kind == "budget"]
    pushes = [m for m in user if m.sense == ">=" and m.kind in ("limit", "must", "target")]
    others = [m for m in user if m not in budgets and m not in pushes]
    if len(budgets) == 1 and pushes and not others:
        total = sum(_money_of(m, built) for m in pushes)
        j = _joined(pushes, "、", " plus ")
        return {
            "kind": "alloc.conflict.over_budget",
            "ids": ids,
            "total": total,
            "pushes_ja": j["ja"],
            "pushes_en": j["en"],
            "Pushes_ja": j["ja"],
            "Pushes_en": _cap(j["en"]),
            "budget_ja": budgets[0].description_ja,
            "budget_en": budgets[0].description_en,
        }
    j = _joined(user, "／", "; ")
    return {"kind": "alloc.conflict.generic", "ids": ids, "rules_ja": j["ja"], "rules_en": j["en"]}


def _money_of(m: RowMeta, built: Built) -> float:
    d = built.data
    if m.kind == "limit":
        return m.rhs
    if m.kind == "must" and m.name.startswith("must_in_"):
        pid = m.name[len("must_in_") :]
        if pid in d.project_ids:
            p = d.project_ids.index(pid)
            mf = d.min_fraction[p] if d.divisible[p] else 1.0
            return float(d.cost[p] * mf)
    if m.kind == "target" and m.name.startswith("target_"):
        gid = m.name[len("target_") :]
        if gid in d.good_ids:
            g = d.good_ids.index(gid)
            return float(m.rhs / 365.0 * d.annual_demand[g] * d.unit_price[g])
    return 0.0
