"""Prices that say which way (issue 13 Deliver 2): ``relax_gain`` matches a re-solve.

For every binding constraint of an LP, the rule is relaxed by a step inside its reported
``rhs_range`` — a budget, cap or storage raised, a floor or target lowered, a logical rule
loosened — and the model is solved again from scratch. The objective must move by
``relax_gain × step`` (1 % relative tolerance). Budgets, limits, storage and targets are
relaxed where the planner would relax them (the policy figures in the data, then a fresh
build), so the test also proves the price is in the policy's own unit (億円, days).
"""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import pytest

from prioritizer.allocation.api import allocate_data, baseline_terms, prepare
from prioritizer.allocation.build import build_problem
from prioritizer.allocation.data import AllocationData
from prioritizer.allocation.solve import rows_of, solve_problem
from prioritizer.case import load_case
from prioritizer.generate import generate_frames

ROOT = Path(__file__).resolve().parents[1]


def _relaxed_data(data: AllocationData, name: str, new_rhs: float) -> AllocationData | None:
    """``data`` with the policy figure behind constraint ``name`` set to ``new_rhs`` (None: not a policy figure)."""
    if name == "budget":
        return replace(data, budget_total=new_rhs)
    if name.startswith("budget_"):
        yr = int(name.removeprefix("budget_"))
        return replace(data, budget_years={**data.budget_years, yr: new_rhs})
    if name.startswith("limit_"):
        limits = [replace(lim, rhs=new_rhs) if lim.name == name else lim for lim in data.limits]
        return replace(data, limits=limits)
    if name == "storage":
        return replace(data, storage_total=new_rhs)
    if name.startswith("target_"):
        g = data.good_ids.index(name.removeprefix("target_"))
        k = list(data.stock_goods).index(g)
        days = data.target_days.copy()
        days[k] = new_rhs
        return replace(data, target_days=days)
    return None


def _objective_with(data: AllocationData, name: str, new_rhs: float) -> float:
    changed = _relaxed_data(data, name, new_rhs)
    if changed is not None:
        built = build_problem(changed, relax=True)
    else:  # a logical or structural row: move its right-hand side in a fresh model
        built = build_problem(copy.deepcopy(data), relax=True)
        row = rows_of(built.prob)[built.pulp_name[name]]
        row.constant = -new_rhs
    out = solve_problem(built.prob, mip=False)
    assert out.status == "optimal", (name, out.status)
    return float(out.objective)


def _check_every_binding_price(data: AllocationData) -> int:
    res = allocate_data(data, relax=True, explain="prices")
    assert res.status == "optimal"
    z = float(res.objective)
    checked = 0
    for c in res.constraints:
        if not c["binding"] or c["ignored"]:
            continue
        g = c["relax_gain"]
        assert g is not None and g >= -1e-7 * (1 + abs(z)), c  # dual feasibility, textbook sign
        lo, hi = c["rhs_range"]
        rhs = c["rhs"]
        room = (
            (hi - rhs if hi is not None else 1.0)
            if c["sense"] == "<="
            else (rhs - lo if lo is not None else 1.0)
        )
        if room <= 1e-6 * (1 + abs(rhs)):
            continue  # the price holds for tightening only: nothing to step into
        step = min(1.0, 0.5 * room)
        new_rhs = rhs + step if c["sense"] == "<=" else rhs - step
        dz = _objective_with(data, c["name"], new_rhs) - z
        assert dz == pytest.approx(g * step, rel=0.01, abs=1e-7 * (1 + abs(z))), (c["name"], g, step, dz)
        checked += 1
    return checked


def test_default_case_lp_relaxation_prices_match_resolves() -> None:
    data, _ = prepare(load_case(ROOT / "inputs" / "default"))
    checked = _check_every_binding_price(data)
    # budgets, limits and all sixteen binding stock targets of the default case at least
    assert checked >= 20


def test_default_case_rare_earth_target_price_is_for_lowering_it() -> None:
    data, _ = prepare(load_case(ROOT / "inputs" / "default"))
    res = allocate_data(data, relax=True, explain="prices")
    c = next(c for c in res.constraints if c["name"] == "target_rare_earths")
    assert c["sense"] == ">=" and c["rhs"] == 180 and c["relax_gain"] > 0
    assert c["rhs_range"][0] < 180  # lowering is inside the range the price holds for
    down = _objective_with(data, "target_rare_earths", 179.0) - float(res.objective)
    assert down == pytest.approx(c["relax_gain"], rel=0.01)


@pytest.mark.parametrize("seed", range(8))
def test_generated_case_prices_match_resolves(seed: int) -> None:
    case = generate_frames(
        goods=10 + seed, projects=12 + 2 * seed, scenarios=3 + seed % 3, seed=seed
    ).to_case()
    data, _ = prepare(case)
    assert _check_every_binding_price(data) >= 5


def test_benefit_adds_up_on_the_default_case() -> None:
    data, _ = prepare(load_case(ROOT / "inputs" / "default"))
    res = allocate_data(data, relax=True, explain="prices")
    bd = res.benefit_breakdown
    assert sum(bd.values()) == pytest.approx(res.objective - res.baseline_objective)
    assert res.benefit == pytest.approx(bd["project_value"] + bd["avoided_shortfall_loss"])
    assert res.benefit_per_oku == pytest.approx(res.benefit / res.budget["spent_total"])
    # the no-action world is an allocation too: solving with nothing funded or stocked gives it
    built = build_problem(data, relax=True)
    for v in built.x + built.q:
        v.upBound = 0.0
    for v in built.y.values():
        v.upBound = 0.0
    # nor contributed to a joint pool (the allies' holdings are still drawn on: docs/allies.md)
    assert built.c, "the default case has a joint pool"
    for v in built.c.values():
        v.upBound = 0.0
    for name in list(built.rows):
        if built.rows[name].kind in ("must", "limit", "requires", "divisible"):
            rows_of(built.prob).pop(built.pulp_name[name])
    zero = solve_problem(built.prob, mip=False)
    assert zero.objective == pytest.approx(res.baseline_objective)
    assert baseline_terms(data)["objective"] == pytest.approx(res.baseline_objective)


def test_the_lp_relaxation_of_the_pulp_model_is_optimal_even_when_fractional() -> None:
    """The relaxation is an LP: its point is checked against rows and bounds, not integrality
    (it was reported as 'error' — constraint violated — whenever a binary came out fractional)."""
    from pathlib import Path

    import pulp

    from prioritizer.allocation.api import prepare
    from prioritizer.allocation.build import build_problem
    from prioritizer.allocation.explain import lp_relaxation
    from prioritizer.case import load_case

    data, _ = prepare(load_case(Path(__file__).resolve().parent.parent / "inputs" / "default"))
    built = build_problem(data)
    rel = lp_relaxation(built)
    ints = [v.name for v in built.prob.variables() if v.cat == pulp.LpInteger]
    frac = [n for n in ints if abs(rel.values[n] - round(rel.values[n])) > 1e-6]
    assert frac, "the default case's relaxation has a fractional project (else this test shows nothing)"
    assert rel.status == "optimal" and not rel.violations
    assert rel.duals
