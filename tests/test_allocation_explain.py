"""Explanations: conflicts in words, ignore switch, must overrides, status honesty, service JSON."""

from __future__ import annotations

import json

import pytest

from prioritizer.allocation.api import allocate
from prioritizer.allocation.service import run_allocate
from prioritizer.allocation.synthetic import make_case, random_projects

GOODS = [{"id": "g"}]
# Winston's Stockco data (§9.2) with domains for floors
PROJECTS = [
    {"id": f"I{i + 1}", "good_id": "g", "cost": c, "value": v, "domain": d}
    for i, (c, v, d) in enumerate(
        [(5, 16, "dependence"), (7, 22, "dependence"), (4, 12, "advantage"), (3, 8, "advantage")]
    )
]


def impossible_case():
    projects = [dict(p) for p in PROJECTS]
    projects[3]["must"] = "in"
    pol = {"budget": {"total": 14}, "limits": [{"group": "domain", "value": "dependence", "min": 12}]}
    return make_case(GOODS, projects, policy=pol)


def test_conflict_named_in_words_with_amounts() -> None:
    """Floor 12 + must-fund I4 (3) = 15 > budget 14: exactly these three rules conflict."""
    r = allocate(impossible_case())
    assert r.status == "infeasible"
    c = r.explanations["conflict"]
    assert set(c["constraints"]) == {"budget", "limit_min_domain_dependence", "must_in_I4"}
    assert "15億円" in c["text_ja"] and "総予算（14億円）" in c["text_ja"]
    assert "exceed the total budget" in c["text_en"] and c["text_en"][0].isupper()
    assert r.explanations["lines"][0]["type"] == "conflict"


def test_ignore_switch_and_must_override_resolve_the_conflict() -> None:
    r = allocate(impossible_case(), ignore=["must_in_I4"])
    assert r.status == "optimal"
    assert any(c["name"] == "must_in_I4" and c["ignored"] for c in r.constraints)
    r2 = allocate(impossible_case(), must={"I4": ""})
    assert r2.status == "optimal"
    # floor 12 forces I1 + I2 (12): the remaining 2 buys nothing → 38
    assert r2.objective == pytest.approx(38)
    r3 = allocate(impossible_case(), ignore=["limit_min_domain_dependence"])
    assert r3.objective == pytest.approx(42)


def test_integer_conflict_found_by_deletion_filter() -> None:
    """LP relaxation feasible, integers not: floor 6 on 'advantage' with I3 excluded needs I4 twice."""
    projects = [dict(p) for p in PROJECTS]
    projects[2]["must"] = "out"
    pol = {
        "budget": {"total": 14},
        "limits": [{"group": "domain", "value": "advantage", "min": 2, "max": 2.5}],
    }
    # advantage spend must be in [2, 2.5]: only I4 (3) and I3 (out) → integer-infeasible, LP feasible
    r = allocate(make_case(GOODS, projects, policy=pol))
    assert r.status == "infeasible"
    assert r.explanations["conflict"]["method"] == "deletion_filter"
    assert set(r.explanations["conflict"]["constraints"]) >= {"limit_min_domain_advantage"}


def test_time_limit_is_reported_as_such_not_optimal() -> None:
    case = random_projects(3000, seed=1, years=3)
    r = allocate(case, time_limit=0.05, explain=False)
    assert r.status == "time_limit"
    assert r.solver["highs_model_status"] != "Optimal"
    if r.objective is not None:
        assert r.solver["gap"] is None or r.solver["gap"] > 0
        assert r.solver["verified"]


def test_service_json_shape_design_section5() -> None:
    out = run_allocate(
        make_case(GOODS, PROJECTS, policy={"budget": {"total": 14}}), {"frontier": True, "frontier_points": 3}
    )
    res = json.loads(json.dumps(out.result))
    assert {"status", "objective", "projects", "stockpiles", "constraints"} <= set(res)
    for p in res["projects"]:
        assert {"id", "funded_fraction", "cost", "reduced_cost"} <= set(p)
    for c in res["constraints"]:
        assert {"name", "shadow_price", "slack", "binding"} <= set(c)
    # sweep up to max(1.5 × 14, Σ cost = 19) = 21 in 3 steps; optima by enumeration: 22, 42, 58
    assert [p["budget"] for p in res["frontier"]] == pytest.approx([7, 14, 21])
    assert [p["objective"] for p in res["frontier"]] == pytest.approx([22, 42, 58])
    assert res["value_for_money"][0]["id"] == "I1"  # 16/5 = 3.2 is the best ratio
    assert out.method["solver"].startswith("HiGHS")


def test_must_out_project_cannot_enter_at_any_value() -> None:
    projects = [dict(p) for p in PROJECTS]
    projects[0]["must"] = "out"
    r = allocate(make_case(GOODS, projects, policy={"budget": {"total": 14}}))
    i1 = next(p for p in r.projects if p["id"] == "I1")
    assert i1["funded_fraction"] == 0 and i1["needed_value"] is None
    assert i1["needed_value_method"] == "cannot_enter" and i1["forced_status"] == "infeasible"


def test_needed_value_is_enough_to_enter() -> None:
    """Semantic check of every reported entry value: raising an unfunded project to it brings it in."""
    projects = [dict(p) for p in PROJECTS] + [
        {"id": "D", "good_id": "g", "cost": 6, "value": 10, "divisible": True, "min_fraction": 0.5}
    ]
    case = make_case(GOODS, projects, policy={"budget": {"total": 14}})
    r = allocate(case)
    unfunded = [p for p in r.projects if p["funded_fraction"] == 0]
    assert {p["id"] for p in unfunded} >= {"I1", "D"}
    for p in unfunded:
        bumped = [dict(x) for x in projects]
        i = next(k for k, x in enumerate(bumped) if x["id"] == p["id"])
        bumped[i]["value"] = p["needed_value"] + 1e-4  # above HiGHS' absolute MIP gap (1e-6)
        # gap 0: the bump is far below the default relative MIP gap (1e-4) a solver may stop at
        r2 = allocate(make_case(GOODS, bumped, policy={"budget": {"total": 14}}), explain=False, gap=0.0)
        assert p["id"] in r2.funded, p
