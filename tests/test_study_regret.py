"""Regret, funded shares and quantiles checked against hand computation.

The three-project grid (indivisible projects, explicit values, one budget per task):

    project  cost  value          budget 2: {A,B} = 5   budget 3: {A,C} = 7   budget 4: {A,B,C} = 9
    A        1     3
    B        1     2              fixed {A,B}:   5 / 5 / 5  -> regret 0, 2, 4  -> max 4
    C        2     4              fixed {A,C}:   infeasible (cost 3 > 2) / 7 / 7 -> regret ∞, 0, 2
                                  fixed {A,B,C}: infeasible / infeasible / 9
                                  fixed {A}:     3 / 3 / 3  -> regret 2, 4, 6  -> max 6
"""

from __future__ import annotations

import numpy as np
import pytest

from prioritizer.case import load_case
from prioritizer.study import results as rs
from prioritizer.study.service import run_study

THREE = {
    "goods.csv": "id,name_ja,name_en,criticality\ng1,物資1,Good 1,0.9\ng2,物資2,Good 2,0.5\ng3,物資3,Good 3,0.5\n",
    "projects.csv": (
        "id,name_ja,name_en,good_id,instrument,cost,divisible,value\n"
        "A,事業A,Project A,g1,subsidy,1,false,3\n"
        "B,事業B,Project B,g2,subsidy,1,false,2\n"
        "C,事業C,Project C,g3,subsidy,2,false,4\n"
    ),
    "policy.yaml": "budget:\n  total: 4\n",
}


@pytest.fixture
def three(write_case):
    return load_case(write_case(THREE, "three"))


def _study(case, tmp_path, **robust):
    grid = {"budgets": [2, 3, 4], "robust": {"threshold": 0.5, "candidates": 3, **robust}}
    return run_study(case, {"grid": grid, "workers": 0, "study_dir": str(tmp_path / "s")}).result


def test_funded_share_and_optima_match_the_hand_computation(three, tmp_path):
    res = _study(three, tmp_path)
    share = {p["id"]: p["funded_share"] for p in res["projects"]}
    assert share == {"A": 1.0, "B": pytest.approx(2 / 3, abs=1e-6), "C": pytest.approx(2 / 3, abs=1e-6)}
    assert [t["funded"] for t in res["tasks"]] == [["A", "B"], ["A", "C"], ["A", "B", "C"]]
    assert [t["objective"] for t in res["tasks"]] == pytest.approx([5, 7, 9])
    assert res["statuses"] == {"optimal": 3} and res["failures"] == []


def test_regret_of_each_candidate_and_the_minimax_portfolio(three, tmp_path):
    rp = _study(three, tmp_path)["robust_portfolio"]
    by = {tuple(c["projects"]): c for c in rp["candidates"]}
    assert set(by) == {("A", "B"), ("A", "C"), ("A", "B", "C")}
    assert by[("A", "B")]["max_regret"] == pytest.approx(4.0)
    assert by[("A", "B")]["infeasible_tasks"] == 0
    assert by[("A", "C")]["max_regret"] is None  # infeasible at budget 2: unbounded regret
    assert by[("A", "C")]["infeasible_tasks"] == 1
    assert by[("A", "C")]["max_regret_feasible"] == pytest.approx(2.0)
    assert by[("A", "B", "C")]["infeasible_tasks"] == 2
    assert rp["minimax_regret"]["projects"] == ["A", "B"]
    assert rp["minimax_regret"]["worst_task"] == 2  # the budget-4 task
    # funded in ≥ 50 % of tasks: A (3/3), B and C (2/3)
    assert rp["frequent"]["projects"] == ["A", "B", "C"]


def test_frequent_portfolio_at_a_high_threshold_is_evaluated_for_regret(three, tmp_path):
    rp = _study(three, tmp_path, threshold=0.9)["robust_portfolio"]
    assert rp["frequent"]["projects"] == ["A"]
    assert rp["frequent"]["max_regret"] == pytest.approx(6.0)  # 9 − 3 at budget 4
    assert rp["frequent"]["mean_regret_feasible"] == pytest.approx((2 + 4 + 6) / 3)
    assert rp["minimax_regret"]["projects"] == ["A", "B"]


def test_benefit_quantiles_per_budget_level_and_goods_ranks(three, tmp_path):
    res = _study(three, tmp_path)
    levels = {lv["budget"]: lv for lv in res["benefit"]["by_budget"]}
    # nothing funded is worth 0 here, so benefit and objective coincide: 5, 7, 9
    for b, v in ((2.0, 5.0), (3.0, 7.0), (4.0, 9.0)):
        assert levels[b]["tasks"] == 1
        assert list(levels[b]["quantiles"].values()) == pytest.approx([v] * 5)
    assert res["benefit"]["quantiles"]["0.5"] == pytest.approx(7.0)
    ranks = {g["id"]: g["rank_quantiles"]["0.5"] for g in res["goods"]}
    assert ranks == {"g1": 1.0, "g2": 2.0, "g3": 2.0}  # criticality 0.9, 0.5, 0.5: ties share rank 2


def test_rank_quantiles_use_observed_ranks_inverted_cdf():
    r = np.array([[1.0], [2.0], [2.0], [3.0], [5.0]])
    # F(1)=.2, F(2)=.6, F(3)=.8, F(5)=1: the smallest rank whose share reaches each level
    assert rs.rank_quantiles(r)[0] == {"0.05": 1.0, "0.25": 2.0, "0.5": 2.0, "0.75": 3.0, "0.95": 5.0}


def test_regret_table_and_minimax_on_hand_numbers():
    opt = np.array([10.0, 8.0, 6.0])
    val = np.array(
        [
            [7.0, 8.0, 6.0],  # regret 3, 0, 0 -> 3
            [9.0, 7.0, 5.0],  # regret 1, 1, 1 -> 1 (minimax)
            [10.0, np.nan, 6.0],  # infeasible once
        ]
    )
    tab = rs.regret_table(opt, val)
    assert [t["max_regret"] for t in tab] == [3.0, 1.0, None]
    assert tab[0]["worst_task"] == 0 and tab[2]["worst_task"] == 1
    assert [t["zero_regret_tasks"] for t in tab] == [2, 0, 2]
    assert rs.minimax(tab) == 1


def test_distinct_portfolios_most_frequent_first_ties_by_first_seen():
    f = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0], [1, 0, 0], [1, 1, 0]], float)
    got = rs.distinct_portfolios(f, ["a", "b", "c"])
    assert got == [(("a",), 2, 0), (("b",), 2, 1), (("a", "b"), 1, 4)]
