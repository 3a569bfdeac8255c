"""Stockpile model on cases whose optimum is computed by hand (formulation: docs/methodology/allocation.md §2.4).

One good, unit price 1 億円/unit, demand 365 units/year (1 unit/day), criticality 1, damage
multiplier 10 → a unit short costs 10; holding 5 %/year for 1 year → a stocked unit costs 1.05.
Scenario: probability 0.2, loss 50 %, 6 months → need = 0.5 × 365 × 6/12 = 91.25 units.
Each stocked unit avoids 0.2 × 10 = 2 of expected loss; each 億円 buys 1/1.05 unit.
"""

from __future__ import annotations

import pytest

from prioritizer.allocation.api import allocate
from prioritizer.allocation.synthetic import make_case

GOOD = {
    "id": "ga",
    "name_en": "gallium",
    "stockpilable": True,
    "unit_price": 1.0,
    "annual_demand": 365.0,
    "criticality": 1.0,
}
SCEN = [{"id": "s1", "probability": 0.2, "good_id": "ga", "loss": 0.5, "months": 6}]


def pol(**kw):
    sp = {"target_days": 0, "holding_cost_rate": 0.05, "holding_years": 1, "damage_multiplier": 10}
    sp.update(kw.pop("stockpile", {}))
    return {"budget": {"total": 50}, "stockpile": sp, **kw}


def test_budget_limited_stock_by_hand() -> None:
    r = allocate(make_case([GOOD], scenarios=SCEN, policy=pol()))
    q = 50 / 1.05
    s = r.stockpiles[0]
    assert s["quantity"] == pytest.approx(q)
    assert s["days_of_cover"] == pytest.approx(q)  # 1 unit per day
    assert s["cost"] == pytest.approx(50)
    assert r.objective == pytest.approx(-2 * (91.25 - q))
    budget = next(c for c in r.constraints if c["name"] == "budget")
    assert budget["shadow_price"] == pytest.approx(2 / 1.05)  # textbook sign: positive


def test_storage_binds_before_budget() -> None:
    r = allocate(make_case([GOOD], scenarios=SCEN, policy=pol(stockpile={"storage_capacity": 40})))
    assert r.stockpiles[0]["quantity"] == pytest.approx(40)
    rows = {c["name"]: c for c in r.constraints}
    assert rows["storage"]["binding"] and rows["storage"]["shadow_price"] == pytest.approx(2.0)
    assert not rows["budget"]["binding"] and rows["budget"]["shadow_price"] == pytest.approx(0.0)
    assert rows["budget"]["slack"] == pytest.approx(50 - 42)


def test_stock_stops_at_the_worst_shortfall() -> None:
    r = allocate(make_case([GOOD], scenarios=SCEN, policy=pol(budget={"total": 500})))
    assert r.stockpiles[0]["quantity"] == pytest.approx(91.25)
    assert r.objective == pytest.approx(0.0)


def test_project_capacity_competes_with_stock() -> None:
    """Capacity 73 units/yr over 6 months removes 36.5 units for 30 億円 (2.43/億円 > 1.90/億円 for stock)."""
    proj = [{"id": "P", "good_id": "ga", "cost": 30, "value": 0.0, "capacity": 73}]
    r = allocate(make_case([GOOD], proj, scenarios=SCEN, policy=pol()))
    assert r.funded == {"P": 1.0}
    q = 20 / 1.05
    assert r.stockpiles[0]["quantity"] == pytest.approx(q)
    assert r.objective == pytest.approx(-2 * (91.25 - 36.5 - q))


def test_hard_target_infeasible_names_budget_and_target() -> None:
    """60 days = 60 units × 1.05 = 63 億円 > 50 億円 budget."""
    case = make_case([GOOD], scenarios=SCEN, policy=pol(stockpile={"target_days": 60, "target_mode": "hard"}))
    r = allocate(case)
    assert r.status == "infeasible" and r.objective is None
    assert set(r.explanations["conflict"]["user_constraints"]) == {"budget", "target_ga"}
    assert "gallium" in r.explanations["conflict"]["text_en"]


def test_soft_target_penalty_by_hand() -> None:
    """Penalty per day below 60 = 10 × 365/365 = 10, worth more per 億円 than shortfall: fill target first."""
    case = make_case([GOOD], scenarios=SCEN, policy=pol(stockpile={"target_days": 60, "target_mode": "soft"}))
    r = allocate(case)
    q = 50 / 1.05
    assert r.stockpiles[0]["quantity"] == pytest.approx(q)
    assert r.objective == pytest.approx(-10 * (60 - q) - 2 * (91.25 - q))


def test_partner_scenario_uses_import_share() -> None:
    """CHN supplies 75 % of imports; a full 12-month CHN cut loses 0.75 × 365 units."""
    flows = [
        {"good_id": "ga", "partner": "CHN", "period": "2025-01", "value": 75.0},
        {"good_id": "ga", "partner": "AUS", "period": "2025-01", "value": 25.0},
    ]
    scen = [{"id": "cn", "probability": 1.0, "partner": "CHN", "loss": 1.0, "months": 12}]
    r = allocate(make_case([GOOD], scenarios=scen, flows=flows, policy=pol(budget={"total": 1000})))
    assert r.stockpiles[0]["quantity"] == pytest.approx(0.75 * 365)
