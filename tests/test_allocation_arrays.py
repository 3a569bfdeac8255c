"""The array backend (arrays → highspy) against the reference PuLP model (issue 14 Deliver 2).

Two separately written builders of the same formulation — :func:`.build.build_problem` (PuLP)
and :func:`.arrays.build_arrays` (numpy → highspy) — must agree on ≥ 50 generated cases
(different seeds; capacity projects, three budget years, floors and caps that count stock
spending, soft and hard targets): the same status, the same objective (1e-6 relative for the
LP, within the MIP gap for the MILP), the same funded set or an equal objective, and the
same prices on the coupling rows wherever the price is unique (its rhs range is two-sided,
so the optimal value is differentiable in that rhs and every optimal dual agrees).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from prioritizer.allocation.api import allocate_data, prepare
from prioritizer.allocation.arrays import build_arrays
from prioritizer.allocation.build import build_problem
from prioritizer.case.policy import Policy
from prioritizer.generate import generate_frames
from tests._allocation_cases import vary_policy

COUPLING = ("budget", "limit", "storage")


def _case(seed: int):
    rng = np.random.default_rng(seed)
    sc = generate_frames(
        goods=int(rng.integers(6, 30)),
        projects=int(rng.integers(5, 40)),
        scenarios=int(rng.integers(1, 6)),
        seed=seed,
    ).to_case()
    return vary_policy(sc, seed)


def _pair(seed: int, relax: bool):
    data, _ = prepare(_case(seed))
    level = "prices" if relax else "none"
    a = allocate_data(data, relax=relax, explain=level, backend="pulp")
    b = allocate_data(data, relax=relax, explain=level, backend="arrays")
    return a, b


@pytest.mark.parametrize("seed", range(30))
def test_lp_relaxation_same_optimum_and_coupling_prices(seed: int) -> None:
    a, b = _pair(seed, relax=True)
    assert a.solver["backend"] == "pulp" and b.solver["backend"] == "arrays"
    assert a.status == b.status
    if a.status != "optimal":
        return
    assert b.objective == pytest.approx(a.objective, rel=1e-6, abs=1e-7)
    assert b.benefit == pytest.approx(a.benefit, rel=1e-6, abs=1e-7)
    ca = {c["name"]: c for c in a.constraints}
    cb = {c["name"]: c for c in b.constraints}
    assert ca.keys() == cb.keys()
    for name, c in ca.items():
        assert cb[name]["description_ja"] == c["description_ja"]
        if c["kind"] not in COUPLING or c["rhs_range"] is None:
            continue
        lo, hi = c["rhs_range"]
        unique = lo is not None and hi is not None and lo < c["rhs"] - 1e-7 and hi > c["rhs"] + 1e-7
        unique = unique or not c["binding"]
        if unique:
            assert cb[name]["relax_gain"] == pytest.approx(c["relax_gain"], rel=1e-6, abs=1e-7), name


@pytest.mark.parametrize("seed", range(30, 56))
def test_milp_same_optimum_and_funded_set(seed: int) -> None:
    a, b = _pair(seed, relax=False)
    assert a.status == b.status
    if a.status != "optimal":
        return
    gap = 1e-4 * (1 + abs(a.objective))  # HiGHS' default relative MIP gap
    assert b.objective == pytest.approx(a.objective, abs=gap)
    if a.funded.keys() != b.funded.keys():
        # a different portfolio must be worth the same (alternative optimum)
        assert math.isclose(a.objective, b.objective, rel_tol=1e-4, abs_tol=1e-6)


def test_the_two_builders_give_the_same_rows_in_the_same_order() -> None:
    data, _ = prepare(_case(7))
    built = build_problem(data)
    model = build_arrays(data)
    assert [m for m in built.rows] == [model.meta(i).name for i in range(model.n_rows)]
    assert sorted(v.name for v in built.prob.variables()) == sorted(model.col_names)


def test_arrays_backend_reports_infeasible_what_ifs_with_their_conflict() -> None:
    case = _case(2)
    pol = case.policy.model_dump()
    pol["limits"] = [{"group": "domain", "value": "dependence", "min": 10 * (pol["budget"]["total"] or 100)}]
    case.policy = Policy.model_validate(pol)
    data, _ = prepare(case)
    b = allocate_data(data, backend="arrays")
    assert b.status == "infeasible"
    assert "limit_min_domain_dependence" in b.explanations["conflict"]["constraints"]


def test_cli_backend_option_runs_the_array_model_with_the_same_benefit() -> None:
    import json
    from pathlib import Path

    from typer.testing import CliRunner

    from prioritizer.cli import app

    root = str(Path(__file__).resolve().parents[1] / "inputs" / "default")
    runs = {}
    for be in ("pulp", "arrays"):
        res = CliRunner().invoke(
            app, ["allocate", root, "--relax", "--format", "json", "--no-audit", "--backend", be]
        )
        assert res.exit_code == 0, res.output
        runs[be] = json.loads(res.stdout)
    assert runs["arrays"]["solver"]["backend"] == "arrays" and runs["pulp"]["solver"]["backend"] == "pulp"
    assert runs["arrays"]["benefit"] == pytest.approx(runs["pulp"]["benefit"], rel=1e-9)
    bad = CliRunner().invoke(app, ["allocate", root, "--format", "json", "--no-audit", "--backend", "cplex"])
    assert bad.exit_code != 0 and "backend must be one of" in bad.output


def test_bulk_shortfall_descriptions_read_as_the_pulp_models_rows() -> None:
    """as_built renders the shortfall block in bulk; every row must read exactly as the PuLP
    model's row of the same name, in both languages."""
    from prioritizer.allocation.arrays import as_built

    case = generate_frames(goods=80, projects=20, scenarios=12, partners=5, months=24, seed=3).to_case()
    data, _ = prepare(case)
    built = as_built(build_arrays(data))
    ref = build_problem(data)
    sf = [n for n, m in ref.rows.items() if m.kind == "shortfall"]
    assert len(sf) >= 50
    for name in sf:
        for lang in ("ja", "en"):
            assert built.rows[name].description(lang) == ref.rows[name].description(lang), (name, lang)
    assert "シナリオ「" in built.rows[sf[0]].description_ja
