"""Bad input is reported as one InputError listing every problem, before any solve (issue 5)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from prioritizer.allocation.api import allocate
from prioritizer.allocation.synthetic import make_case
from prioritizer.errors import InputError

GOODS = [{"id": "g", "domain": "dependence"}]


def proj(**kw):
    base = {"id": "A", "good_id": "g", "cost": 10, "value": 5}
    base.update(kw)
    return base


def messages(exc: InputError) -> str:
    return "\n".join(f"{i.column}: {i.message}" for i in exc.issues)


def test_budget_override_not_positive() -> None:
    case = make_case(GOODS, [proj()], policy={"budget": {"total": 100}})
    with pytest.raises(InputError) as e:
        allocate(case, budget=0)
    assert "positive" in messages(e.value)
    with pytest.raises(InputError):
        allocate(case, budget=-5)


def test_missing_budget_and_missing_year_costs_reported_together() -> None:
    case = make_case(GOODS, [proj(cost_2026=5)], policy={"budget": {"years": {2026: 50, 2027: 40}}})
    with pytest.raises(InputError) as e:
        allocate(case)
    cols = [i.column for i in e.value.issues]
    assert "cost_2027" in cols
    case2 = make_case(GOODS, [proj()], policy={})
    with pytest.raises(InputError) as e2:
        allocate(case2)
    assert "no budget" in messages(e2.value)


def test_floor_above_cap_across_two_limits() -> None:
    limits = [
        {"group": "domain", "value": "dependence", "min": 80},
        {"group": "domain", "value": "dependence", "max": 50},
    ]
    # the policy itself refuses it, before any case or solver is involved
    with pytest.raises(ValidationError) as e:
        make_case(GOODS, [proj()], policy={"budget": {"total": 100}, "limits": limits})
    text = str(e.value)
    assert "limits[0] (floor 80億円)" in text and "limits[1] (cap 50億円)" in text


def test_requires_pointing_at_an_excludes_transitively() -> None:
    projects = [proj(id="A", requires=["B"]), proj(id="B", requires=["C"]), proj(id="C", excludes=["A"])]
    case = make_case(GOODS, projects, policy={"budget": {"total": 100}})
    with pytest.raises(InputError) as e:
        allocate(case)
    assert "could never be funded" in messages(e.value)


def test_scenarios_with_unknown_goods_and_bad_numbers() -> None:
    goods = [{"id": "g", "stockpilable": True, "unit_price": 1, "annual_demand": 10, "criticality": 0.5}]
    scen = [
        {"id": "s1", "probability": 0.1, "good_id": "nope", "loss": 0.5, "months": 3},
        {"id": "s2", "probability": 1.5, "good_id": "g", "loss": 2, "months": 0},
    ]
    case = make_case(goods, scenarios=scen, policy={"budget": {"total": 100}})
    with pytest.raises(InputError) as e:
        allocate(case)
    got = {(i.file, i.row, i.column) for i in e.value.issues}
    assert ("scenarios.csv", 2, "good_id") in got
    assert {("scenarios.csv", 3, c) for c in ("probability", "loss", "months")} <= got


def test_unknown_ignore_and_must_names() -> None:
    case = make_case(GOODS, [proj()], policy={"budget": {"total": 100}})
    with pytest.raises(InputError) as e:
        allocate(case, must={"ZZ": "in"})
    assert "unknown project" in messages(e.value)
    with pytest.raises(InputError) as e2:
        allocate(case, ignore=["limit_max_domain_nothing"])
    assert "no constraint has this name" in messages(e2.value)


def test_value_needs_value_or_effect_and_bad_solver_options() -> None:
    case = make_case(GOODS, [proj(value=float("nan"))], policy={"budget": {"total": 100}})
    with pytest.raises(InputError) as e:
        allocate(case, criticality={"g": 0.5})
    assert "neither a value nor an effect" in messages(e.value)
    ok = make_case(GOODS, [proj()], policy={"budget": {"total": 100}})
    with pytest.raises(InputError):
        allocate(ok, time_limit=0)
    with pytest.raises(InputError):
        allocate(ok, gap=1.5)


def test_value_from_criticality_times_effect_times_demand_value() -> None:
    goods = [{"id": "g", "annual_demand": 100.0, "unit_price": 2.0}]
    case = make_case(goods, [proj(value=float("nan"), effect=0.5)], policy={"budget": {"total": 100}})
    r = allocate(case, criticality={"g": 0.4})
    assert r.projects[0]["value"] == pytest.approx(0.4 * 0.5 * 100 * 2.0)
    assert r.projects[0]["value_source"] == "criticality×effect×scale"
