"""Textbook LPs and capital-budgeting problems with published or hand-derived optima.

Sources:
* Wyndor Glass — Hillier & Lieberman, *Introduction to Operations Research* (§3.1, §4.7, §7.2):
  z* = 36 at (2, 6); shadow prices (0, 1.5, 1); c1 ∈ [0, 7.5], c2 ∈ [2, ∞);
  b1 ∈ [2, ∞), b2 ∈ [6, 18], b3 ∈ [12, 24].
* Dorian Auto — Winston, *Operations Research: Applications and Algorithms* (§3.2, §6):
  min 50x1 + 100x2, 7x1 + 2x2 ≥ 28, 2x1 + 12x2 ≥ 24: z* = 320 at (3.6, 1.4); duals (5, 7.5)
  by solving yᵀB = c_B by hand; ranges by hand from B⁻¹ (c1 ∈ [50/3, 350], b1 ∈ [4, 84], b2 ∈ [8, 168]).
* Stockco — Winston §9.2 / §9.5: NPVs 16, 22, 12, 8, outlays 5, 7, 4, 3, budget 14:
  integer optimum 42 (investments 2, 3, 4); LP relaxation 44 (x1 = x2 = 1, x3 = 0.5).
"""

from __future__ import annotations

import itertools
import math

import pulp
import pytest

from prioritizer.allocation.api import allocate
from prioritizer.allocation.solve import solve_problem
from prioritizer.allocation.synthetic import make_case


def wyndor() -> pulp.LpProblem:
    p = pulp.LpProblem("wyndor", pulp.LpMaximize)
    x1, x2 = p.add_variable("x1", 0), p.add_variable("x2", 0)
    p += 3 * x1 + 5 * x2
    p += x1 <= 4, "plant1"
    p += 2 * x2 <= 12, "plant2"
    p += 3 * x1 + 2 * x2 <= 18, "plant3"
    return p


def test_wyndor_hillier_lieberman_optimum_duals_and_ranging() -> None:
    o = solve_problem(wyndor(), ranging=True)
    assert o.status == "optimal"
    assert o.objective == pytest.approx(36)
    assert o.values["x1"] == pytest.approx(2) and o.values["x2"] == pytest.approx(6)
    assert o.duals == pytest.approx({"plant1": 0.0, "plant2": 1.5, "plant3": 1.0})
    assert o.ranging.cost["x1"] == pytest.approx((0.0, 7.5))
    assert o.ranging.cost["x2"][0] == pytest.approx(2.0) and math.isinf(o.ranging.cost["x2"][1])
    assert o.ranging.rhs["plant1"][0] == pytest.approx(2.0) and math.isinf(o.ranging.rhs["plant1"][1])
    assert o.ranging.rhs["plant2"] == pytest.approx((6.0, 18.0))
    assert o.ranging.rhs["plant3"] == pytest.approx((12.0, 24.0))


def test_wyndor_max_dual_sign_is_inverted_from_pulp() -> None:
    """PuLP's HiGHS interface reports the duals of min −z: (0, −1.5, −1); we report (0, 1.5, 1)."""
    p = wyndor()
    p.solve(pulp.HiGHS(msg=False))
    raw = {n: c.pi for n, c in p._constraints.items()}
    assert raw["plant2"] == pytest.approx(-1.5) and raw["plant3"] == pytest.approx(-1.0)
    o = solve_problem(wyndor())
    assert o.duals["plant2"] == pytest.approx(1.5) and o.duals["plant3"] == pytest.approx(1.0)
    # and the sign means what the textbook says: one more hour in plant 2 gains 1.5
    p2 = wyndor()
    p2._constraints["plant2"].constant -= 1  # 2 x2 <= 13
    assert solve_problem(p2).objective == pytest.approx(36 + 1.5)


def test_dorian_auto_winston_minimisation() -> None:
    p = pulp.LpProblem("dorian", pulp.LpMinimize)
    x1, x2 = p.add_variable("x1", 0), p.add_variable("x2", 0)
    p += 50 * x1 + 100 * x2
    p += 7 * x1 + 2 * x2 >= 28, "women"
    p += 2 * x1 + 12 * x2 >= 24, "men"
    o = solve_problem(p, ranging=True)
    assert o.status == "optimal" and o.objective == pytest.approx(320)
    assert (o.values["x1"], o.values["x2"]) == pytest.approx((3.6, 1.4))
    assert o.duals == pytest.approx({"women": 5.0, "men": 7.5})
    assert o.ranging.cost["x1"] == pytest.approx((50 / 3, 350))
    assert o.ranging.cost["x2"] == pytest.approx((50 / 3.5, 300))
    assert o.ranging.rhs["women"] == pytest.approx((4, 84))
    assert o.ranging.rhs["men"] == pytest.approx((8, 168))


def test_infeasible_and_unbounded_lps() -> None:
    p = pulp.LpProblem("inf", pulp.LpMaximize)
    x = p.add_variable("x", 0)
    p += x
    p += x <= 1, "a"
    p += x >= 2, "b"
    assert solve_problem(p).status == "infeasible"
    q = pulp.LpProblem("unb", pulp.LpMaximize)
    y, z = q.add_variable("y", 0), q.add_variable("z", 0)
    q += y + z
    q += y - z <= 1, "c"
    o = solve_problem(q)
    assert o.status == "unbounded" and o.objective is None


STOCKCO = [(5, 16), (7, 22), (4, 12), (3, 8)]


def stockco_case(**policy):
    goods = [{"id": "g"}]
    projects = [
        {"id": f"I{i + 1}", "good_id": "g", "cost": c, "value": v} for i, (c, v) in enumerate(STOCKCO)
    ]
    return goods, projects, {"budget": {"total": 14}, **policy}


def test_stockco_winston_integer_and_lp_optima() -> None:
    g, p, pol = stockco_case()
    r = allocate(make_case(g, p, policy=pol))
    assert r.status == "optimal" and r.objective == pytest.approx(42)
    assert r.funded == {"I2": 1.0, "I3": 1.0, "I4": 1.0}
    rl = allocate(make_case(g, p, policy=pol), relax=True)
    assert rl.objective == pytest.approx(44)
    assert rl.funded == pytest.approx({"I1": 1.0, "I2": 1.0, "I3": 0.5})
    # LP relaxation: budget price = ratio of the fractional project 12/4 = 3 per 億円
    budget = next(c for c in rl.constraints if c["name"] == "budget")
    assert budget["shadow_price"] == pytest.approx(3.0) and budget["binding"]
    # I4 is non-basic at 0: reduced cost 8 − 3·3 = −1, so it enters at value 9
    i4 = next(x for x in rl.projects if x["id"] == "I4")
    assert i4["reduced_cost"] == pytest.approx(-1.0) and i4["needed_value"] == pytest.approx(9.0)


def test_stockco_forced_in_out_and_exact_entry_value() -> None:
    """Hand enumeration: best portfolio with I1 is {I1, I2} = 38, so I1 needs 16 + (42 − 38) = 20."""
    g, p, pol = stockco_case()
    r = allocate(make_case(g, p, policy=pol))
    rows = {x["id"]: x for x in r.projects}
    assert rows["I1"]["forced_in_delta"] == pytest.approx(-4.0)
    assert rows["I1"]["needed_value"] == pytest.approx(20.0)
    # without I2 the best is {I1, I3, I4} = 36: forced out costs 6, I2 leaves below value 16
    assert rows["I2"]["forced_out_delta"] == pytest.approx(-6.0)
    assert rows["I2"]["exit_value"] == pytest.approx(16.0)
    # raising I1 to its entry value makes a portfolio with I1 optimal (tie at 42)
    p2 = [dict(x) for x in p]
    p2[0]["value"] = 20.0 + 1e-6
    assert "I1" in allocate(make_case(g, p2, policy=pol), explain=False).funded


def test_stockco_with_requires_and_excludes_winston_logic() -> None:
    """Winston §9.2 logical rules: I2 requires I1, I2 excludes I4 → by enumeration {I1, I2} = 38."""
    g, p, pol = stockco_case()
    p[1]["requires"] = ["I1"]
    p[1]["excludes"] = ["I4"]
    r = allocate(make_case(g, p, policy=pol))
    assert r.objective == pytest.approx(38)
    assert r.funded == {"I1": 1.0, "I2": 1.0}


def _enumerate(costs, values, budgets):
    best = -math.inf
    for pick in itertools.product((0, 1), repeat=len(values)):
        if all(sum(c[t] * x for c, x in zip(costs, pick, strict=True)) <= b for t, b in enumerate(budgets)):
            best = max(best, sum(v * x for v, x in zip(values, pick, strict=True)))
    return best


def test_two_year_capital_budgeting_matches_enumeration() -> None:
    """Weingartner (1963)-type multi-period rationing: per-year budgets, checked by full enumeration."""
    costs = [(12, 3), (54, 7), (6, 6), (6, 2), (30, 35), (6, 6), (48, 4), (36, 3), (18, 3)]
    values = [14, 17, 17, 15, 40, 12, 14, 10, 12]
    goods = [{"id": "g"}]
    projects = [
        {"id": f"P{i + 1}", "good_id": "g", "cost_2026": c[0], "cost_2027": c[1], "value": v}
        for i, (c, v) in enumerate(zip(costs, values, strict=True))
    ]
    pol = {"budget": {"years": {2026: 50, 2027: 20}}}
    r = allocate(make_case(goods, projects, policy=pol), explain=False)
    assert r.status == "optimal"
    assert r.objective == pytest.approx(_enumerate(costs, values, (50, 20)))
    assert r.budget["spent_by_year"]["2026"] <= 50 + 1e-9
    assert r.budget["spent_by_year"]["2027"] <= 20 + 1e-9
