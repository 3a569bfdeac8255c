"""STUDY.yaml: dimensions, every bad input reported at once, task expansion and seeds, weights."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from prioritizer.case import load_case
from prioritizer.errors import InputError
from prioritizer.model import load_model
from prioritizer.study.grid import parse_grid
from prioritizer.study.service import run_study
from prioritizer.study.weights import draw
from prioritizer.weights import derive

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
SCEN = ["s1", "s2", "s3"]


def test_budget_range_includes_both_ends():
    g = parse_grid({"budgets": {"from": 7000, "to": 9500, "step": 500}})
    assert g.budgets == [7000, 7500, 8000, 8500, 9000, 9500]


def test_grid_is_the_product_of_its_dimensions_in_documented_order():
    g = parse_grid(
        {
            "budgets": [100, 200],
            "weights": {"samples": 3, "seed": 1},
            "scenarios": ["all", "each"],
            "policies": {"base": {}, "tight": {"stockpile": {"storage_capacity": 10}}},
        },
        scenario_ids=SCEN,
        policy={"budget": {"total": 150}},
    )
    tasks = g.tasks()
    assert g.size == len(tasks) == 2 * 3 * (1 + 3) * 2
    combos = [(t.budget, t.weights_index, t.scenario_set, t.policy) for t in tasks]
    expected = list(itertools.product([100, 200], range(3), ["all", "s1", "s2", "s3"], ["base", "tight"]))
    assert combos == expected
    assert tasks[0].scenarios == SCEN  # "all" = every scenario of the case
    assert g.policies["tight"]["stockpile"]["storage_capacity"] == 10
    assert g.policies["tight"]["budget"]["total"] == 150  # the edit is merged into the policy


def test_task_seeds_depend_only_on_grid_seed_and_index():
    small = parse_grid({"budgets": [1, 2], "weights": {"samples": 2, "seed": 5}}).tasks()
    large = parse_grid({"budgets": [1, 2, 3, 4], "weights": {"samples": 2, "seed": 5}}).tasks()
    other = parse_grid({"budgets": [1, 2], "weights": {"samples": 2, "seed": 6}}).tasks()
    assert [t.seed for t in small] == [t.seed for t in large[: len(small)]]
    assert len({t.seed for t in large}) == len(large)
    assert [t.seed for t in small] != [t.seed for t in other]


def test_every_problem_is_reported_at_once():
    raw = {
        "budgets": [],
        "weights": {"samples": 0},
        "scenarios": ["all", "s9", {"empty": []}],
        "policies": {"bad": {"limits": [{"group": "domain", "value": "x", "min": 5, "max": 1}]}},
        "colour": "blue",
    }
    with pytest.raises(InputError) as ei:
        parse_grid(raw, file="STUDY.yaml", scenario_ids=SCEN, policy={})
    cols = {i.column for i in ei.value.issues}
    assert {"budgets", "weights.samples", "scenarios[1]", "scenarios[2].empty", "colour"} <= cols
    assert any(c and c.startswith("policies.bad.limits.0") for c in cols)
    s9 = next(i for i in ei.value.issues if i.column == "scenarios[1]")
    assert "unknown scenario 's9'" in s9.message and "s1, s2, s3" in s9.message
    assert all(i.file == "STUDY.yaml" for i in ei.value.issues)


def test_empty_range_and_bad_step_are_errors():
    with pytest.raises(InputError) as ei:
        parse_grid({"budgets": {"from": 9000, "to": 7000, "step": 500}})
    assert "empty" in ei.value.issues[0].message
    with pytest.raises(InputError) as ei:
        parse_grid({"budgets": {"from": 7000, "to": 9000, "step": 0}})
    assert ei.value.issues[0].column == "budgets.step"


def test_more_tasks_than_the_maximum_is_refused_before_any_work(tmp_path):
    case = load_case(ROOT / "inputs" / "default")
    grid = {"budgets": {"from": 5000, "to": 9500, "step": 500}, "weights": {"samples": 50, "seed": 0}}
    sdir = tmp_path / "study"
    with pytest.raises(InputError) as ei:
        run_study(case, {"grid": grid, "workers": 0, "study_dir": str(sdir), "max_tasks": 100})
    assert "500 tasks" in ei.value.issues[0].message and "100" in ei.value.issues[0].message
    assert not sdir.exists()  # nothing ran, nothing was stored


def test_unknown_scenario_of_the_default_case_is_refused_before_any_work(tmp_path):
    case = load_case(ROOT / "inputs" / "default")
    sdir = tmp_path / "study"
    with pytest.raises(InputError) as ei:
        run_study(
            case,
            {"grid": {"scenarios": {"asia": ["s_taiwan_contingency", "s_mars"]}}, "study_dir": str(sdir)},
        )
    assert ei.value.issues[0].value == "s_mars"
    assert not sdir.exists()


def _grid(**w):
    return parse_grid({"weights": {"samples": 400, "seed": 3, **w}})


def test_weight_samples_keep_the_order_of_the_ahp_elicitation():
    model = load_model("default", ROOT)  # the default model's weights come from an AHP matrix
    assert model.weights_elicitation.method == "ahp"
    base, _ = derive(model)
    crit, w, rec = draw(model, _grid())
    assert rec["constraints"]["source"] == "elicitation:ahp"
    col = {c: w[:, k] for k, c in enumerate(crit)}
    stated = [(a, b) for a in base for b in base if base[a] > base[b] + 1e-9]
    assert len(stated) == 5  # autonomy and foreign dependence are tied in the AHP matrix
    for a, b in stated:
        assert np.all(col[a] >= col[b] - 1e-12), (a, b)
    tied = col["autonomy"] - col["foreign_dependence"]
    assert (tied > 0).any() and (tied < 0).any()  # a tie constrains neither way
    assert np.allclose(w.sum(axis=1), 1.0)


def test_roc_ties_stay_free_and_ignore_samples_the_whole_simplex():
    snap = load_model("default", ROOT).snapshot()
    snap["weights_elicitation"] = {
        "method": "roc",
        "order": ["autonomy", ["indispensability", "cost"], "foreign_dependence"],
    }
    model = load_model(snap, ROOT)
    crit, w, _ = draw(model, _grid())
    c = {k: w[:, i] for i, k in enumerate(crit)}
    for tied in ("indispensability", "cost"):
        assert np.all(c["autonomy"] >= c[tied] - 1e-12)
        assert np.all(c[tied] >= c["foreign_dependence"] - 1e-12)
    # within the tie both orders occur
    assert (c["indispensability"] > c["cost"]).any() and (c["cost"] > c["indispensability"]).any()
    crit, w, rec = draw(model, _grid(elicitation="ignore"))
    c = {k: w[:, i] for i, k in enumerate(crit)}
    assert rec["constraints"]["source"] == "none"
    assert (c["foreign_dependence"] > c["autonomy"]).any()


def test_same_seed_same_weights_different_seed_different_weights():
    model = load_model("default", ROOT)
    _, a, _ = draw(model, _grid())
    _, b, _ = draw(model, _grid())
    _, c, _ = draw(model, parse_grid({"weights": {"samples": 400, "seed": 4}}))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
