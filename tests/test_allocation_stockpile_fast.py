"""The array-built stockpile LP (issue 10) gives the same optimum as the general PuLP model."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from prioritizer.allocation.api import allocate_data, prepare
from prioritizer.allocation.stockpile import solve_stockpile_greedy, solve_stockpile_lp, supported
from prioritizer.allocation.synthetic import make_case, random_stockpile


@pytest.mark.parametrize(("goods", "scenarios", "seed"), [(5, 3, 0), (60, 12, 1), (200, 15, 2)])
def test_fast_path_matches_general_model(goods: int, scenarios: int, seed: int) -> None:
    data, _ = prepare(random_stockpile(goods, scenarios, seed=seed))
    assert supported(data)
    general = allocate_data(data, explain=False)
    fast = solve_stockpile_lp(data)
    assert fast.status == general.status == "optimal"
    assert fast.objective == pytest.approx(general.objective, rel=1e-7, abs=1e-7)
    rows = {c["name"]: c for c in general.constraints}
    assert fast.budget_price == pytest.approx(rows["budget"]["shadow_price"], rel=1e-6, abs=1e-9)
    assert fast.storage_price == pytest.approx(rows["storage"]["shadow_price"], rel=1e-6, abs=1e-9)
    spent = float(data.stock_unit_cost @ fast.quantity)
    assert spent == pytest.approx(general.budget["spent_total"], rel=1e-6, abs=1e-6)


def test_fast_path_hand_case() -> None:
    """Same hand case as test_allocation_stockpile: q = 50/1.05, budget price 2/1.05."""
    good = {"id": "ga", "stockpilable": True, "unit_price": 1.0, "annual_demand": 365.0, "criticality": 1.0}
    scen = [{"id": "s1", "probability": 0.2, "good_id": "ga", "loss": 0.5, "months": 6}]
    pol = {"budget": {"total": 50}, "stockpile": {"target_days": 0, "damage_multiplier": 10}}
    data, _ = prepare(make_case([good], scenarios=scen, policy=pol))
    r = solve_stockpile_lp(data)
    assert r.quantity == pytest.approx(np.array([50 / 1.05]))
    assert r.budget_price == pytest.approx(2 / 1.05)
    assert r.objective == pytest.approx(-2 * (91.25 - 50 / 1.05))


@pytest.mark.parametrize("storage_factor", [None, 0.3])
@pytest.mark.parametrize(("goods", "scenarios", "seed"), [(5, 3, 0), (80, 15, 4), (200, 20, 5)])
def test_priced_coupling_row_matches_general_lp(goods, scenarios, seed, storage_factor) -> None:
    """Segment-greedy with the Lagrangian price of the coupling row = the general PuLP/HiGHS LP."""
    data, _ = prepare(random_stockpile(goods, scenarios, seed=seed))
    if storage_factor is not None:  # make storage, not budget, the binding row
        data = dataclasses.replace(data, storage_total=data.storage_total * storage_factor)
    general = allocate_data(data, explain=False)
    greedy = solve_stockpile_greedy(data)
    assert greedy.objective == pytest.approx(general.objective, rel=1e-9, abs=1e-9)
    rows = {c["name"]: c for c in general.constraints}
    assert greedy.budget_price == pytest.approx(rows["budget"]["shadow_price"], rel=1e-6, abs=1e-9)
    assert greedy.storage_price == pytest.approx(rows["storage"]["shadow_price"], rel=1e-6, abs=1e-9)


def test_priced_coupling_row_with_hard_target() -> None:
    good = {"id": "ga", "stockpilable": True, "unit_price": 1.0, "annual_demand": 365.0, "criticality": 1.0}
    scen = [{"id": "s1", "probability": 0.2, "good_id": "ga", "loss": 0.5, "months": 6}]
    pol = {
        "budget": {"total": 50},
        "stockpile": {"target_days": 20, "target_mode": "hard", "damage_multiplier": 10},
    }
    data, _ = prepare(make_case([good], scenarios=scen, policy=pol))
    r = solve_stockpile_greedy(data)
    assert r.quantity == pytest.approx(np.array([50 / 1.05]))
    assert r.objective == pytest.approx(-2 * (91.25 - 50 / 1.05))
    tight = dataclasses.replace(data, budget_total=10.0)  # 20 days cost 21 > 10
    assert solve_stockpile_greedy(tight).status == "infeasible"
