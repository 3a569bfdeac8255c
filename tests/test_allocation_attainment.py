"""Benefit a committee can defend and stockpile target attainment (issue 30 item 1, DESIGN §7).

Every case is small enough to solve by hand. Goods have demand 365 units / year (one unit per
day), price 1 億円 per unit and no holding cost, so one day of cover costs 1 億円; the shortfall
weight is criticality × damage multiplier (10) × price.
"""

from __future__ import annotations

import pytest

from prioritizer.allocation.api import allocate
from prioritizer.allocation.synthetic import make_case


def _good(gid: str, crit: float = 0.5) -> dict:
    return {
        "id": gid,
        "name_ja": f"物資{gid}",
        "name_en": f"Good {gid}",
        "stockpilable": True,
        "unit_price": 1.0,
        "annual_demand": 365.0,
        "criticality": crit,
    }


def _policy(budget: float, **stock: object) -> dict:
    sp = {"target_days": 10, "target_penalty": 1.0, "holding_cost_rate": 0.0, "target_mode": "soft"}
    sp.update(stock)
    return {"budget": {"total": budget}, "stockpile": sp}


def _attained(r) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {g["good_id"]: g for g in r.target_attainment["goods"]}


def test_benefit_leaves_out_the_target_penalty_and_no_shortfall_is_the_reason() -> None:
    # a: a scenario cuts all its supply for a year with probability 1 → need 365, weight 5 per
    # unit short; b: no scenario. Budget 20. A unit of a earns 5 (+1 penalty below 10 days),
    # a unit of b only the penalty 1 per day: all 20 go to a (20 days ≥ 10), b gets nothing.
    case = make_case(
        [_good("a"), _good("b")],
        scenarios=[{"id": "s", "probability": 1.0, "good_id": "a", "loss": 1.0, "months": 12}],
        policy=_policy(20),
    )
    r = allocate(case)
    assert r.budget["spent_total"] == pytest.approx(20)
    # objective − baseline = 110 = 100 avoided shortfall (5 × 20) + 10 avoided penalty (a's 10 days)
    assert r.objective - r.baseline_objective == pytest.approx(110)
    assert r.benefit == pytest.approx(100)
    assert r.benefit_breakdown == pytest.approx(
        {"project_value": 0.0, "avoided_shortfall_loss": 100.0, "avoided_target_penalty": 10.0}
    )
    assert r.benefit_per_oku == pytest.approx(100 / 20)
    att = r.target_attainment
    assert (att["met"], att["total"]) == (1, 2)
    b = _attained(r)["b"]
    assert b["reason"] == "no_shortfall"
    assert (b["target_days"], b["days"], b["days_short"]) == pytest.approx((10, 0, 10))
    # the budget's price is a's 5 per 億円; b's stock would earn its penalty 1 per 億円
    assert "1億円あたり1で、予算の限界価値5に届きません" in b["text_ja"]
    assert "no scenario leaves a shortfall" in b["text_en"]
    # English quotes money in ¥bn: 1 per 億円 is 10 per ¥1bn, and no 億円 or 日 in the sentence
    assert "earns 10 per ¥1bn, below the budget's marginal value 50" in b["text_en"]
    assert "億" not in b["text_en"] and "日" not in b["text_en"]
    assert att["penalty_share"] == pytest.approx(10 / 110)


def test_unit_price_when_a_shortfall_remains_but_the_stock_earns_less_than_the_budget() -> None:
    # two scenarios of probability 0.5: a (crit 0.5, weight 5 → 2.5 per unit expected) and
    # b (crit 0.1, weight 1 → 0.5). A unit of b earns 0.5 + 1 (penalty) = 1.5 < a's 2.5.
    case = make_case(
        [_good("a"), _good("b", crit=0.1)],
        scenarios=[
            {"id": "sa", "probability": 0.5, "good_id": "a", "loss": 1.0, "months": 12},
            {"id": "sb", "probability": 0.5, "good_id": "b", "loss": 1.0, "months": 12},
        ],
        policy=_policy(20),
    )
    r = allocate(case)
    b = _attained(r)["b"]
    assert b["reason"] == "unit_price" and b["days"] == pytest.approx(0)
    assert r.benefit == pytest.approx(2.5 * 20)


def test_budget_is_the_reason_when_the_good_is_on_the_margin() -> None:
    # one good, target 10 days, budget 4: four days bought, each earning the penalty 1 per 億円,
    # which is exactly the budget's price — more money would buy more of it
    r = allocate(make_case([_good("a")], policy=_policy(4)))
    a = _attained(r)["a"]
    assert a["reason"] == "budget"
    assert a["days"] == pytest.approx(4) and a["days_short"] == pytest.approx(6)
    assert r.benefit == pytest.approx(0)  # no project, no scenario: nothing a committee can count
    assert r.benefit_breakdown["avoided_target_penalty"] == pytest.approx(4)
    assert "予算を使い切っています" in a["text_ja"]


def test_storage_cap_is_the_reason_when_the_store_is_full() -> None:
    # storage for 3 億円 of stock value: 3 days however large the budget
    r = allocate(make_case([_good("a")], policy=_policy(100, storage_capacity=3)))
    a = _attained(r)["a"]
    assert a["reason"] == "storage_cap" and a["days"] == pytest.approx(3)
    assert r.budget["spent_total"] == pytest.approx(3)
    assert "保管容量" in a["text_ja"] and "is full" in a["text_en"]


def test_limit_is_the_reason_when_a_cap_on_stock_spend_binds() -> None:
    # a cap of 2 億円 on the instrument "stockpile" (every stock purchase): 2 days
    pol = _policy(100)
    pol["limits"] = [{"group": "instrument", "value": "stockpile", "max": 2}]
    projects = [{"id": "p", "good_id": "a", "cost": 50, "value": 1}]
    r = allocate(make_case([_good("a")], projects, policy=pol))
    a = _attained(r)["a"]
    assert a["reason"] == "limit" and a["days"] == pytest.approx(2)
    # one total spend: the project (50) and the stock (2)
    assert r.budget["spent_total"] == pytest.approx(52)
    assert r.benefit == pytest.approx(1)


def test_met_targets_are_counted_and_not_listed() -> None:
    r = allocate(make_case([_good("a")], policy=_policy(100)))
    assert r.target_attainment["met"] == 1 and r.target_attainment["goods"] == []
