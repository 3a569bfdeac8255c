"""``why(ranking, a, b)``: the gap split by criterion and the smallest weight change that swaps two
items, on hand-computed cases and published worked examples (docs/methodology/scoring.md §11)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from prioritizer.case.types import Case
from prioritizer.errors import InputError
from prioritizer.scoring import api, kernels
from prioritizer.scoring.why import parse_pair, why
from prioritizer.scoring.why_math import SHAPLEY_EXACT_MAX, min_l1_transfer, pareto_minimal, shapley_rows


def _case(rows: dict[str, list[float]], names: dict[str, str] | None = None) -> Case:
    ids = list(rows)
    m = len(next(iter(rows.values())))
    g = pd.DataFrame({"id": ids, **{f"x{k + 1}": [rows[i][k] for i in ids] for k in range(m)}})
    g["name_ja"] = [(names or {}).get(i, i) for i in ids]
    g["name_en"] = [i.upper() for i in ids]
    return Case(root=Path("/nonexistent-case"), goods=g)


def _model(method: str, weights: list[float], normalisation: str = "none", **crit_extra) -> dict:
    return {
        "name": "why-test",
        "method": method,
        "normalisation": normalisation,
        "criteria": [
            {
                "id": f"x{k + 1}",
                "column": f"x{k + 1}",
                "direction": "max",
                "weight": w,
                "label_ja": f"基準{k + 1}",
                "label_en": f"Criterion {k + 1}",
                **crit_extra,
            }
            for k, w in enumerate(weights)
        ],
    }


# --------------------------------------------------------------------------- WSM by hand

WSM_ROWS = {"a": [0.9, 0.2, 0.5], "b": [0.4, 0.8, 0.3], "c": [0.1, 0.1, 0.1]}


def test_wsm_parts_sum_to_the_gap_by_hand():
    """S_a = .5·.9 + .3·.2 + .2·.5 = 0.61, S_b = .20 + .24 + .06 = 0.50: parts (.25, −.18, .04)."""
    r = api.score(_case(WSM_ROWS), _model("wsm", [0.5, 0.3, 0.2]))
    res = why(r, "a", "b")
    assert res.score_a == pytest.approx(0.61) and res.score_b == pytest.approx(0.50)
    assert res.gap == pytest.approx(0.11)
    assert res.by_criterion == pytest.approx({"x1": 0.25, "x2": -0.18, "x3": 0.04})
    assert sum(res.by_criterion.values()) == pytest.approx(res.gap, abs=1e-15)
    assert res.decomposition["kind"] == "contributions" and res.decomposition["exact"]


def test_wsm_swap_weight_by_hand():
    """δ = v_a − v_b = (.5, −.6, .2). Moving ε from x1 to x2 lowers the gap by ε(.5 + .6), so
    ε = 0.11/1.1 = 0.1 and w = (.4, .4, .2): S_a = S_b = 0.54. x2 is the only criterion on which b
    is better, x1 the one on which a is most ahead, so no smaller change exists (L1 = 0.2)."""
    r = api.score(_case(WSM_ROWS), _model("wsm", [0.5, 0.3, 0.2]))
    sw = why(r, "a", "b").swap
    assert sw["possible"] and sw["exact"] and sw["definition"] == "min_l1_transfer"
    assert len(sw["moves"]) == 1
    mv = sw["moves"][0]
    assert (mv["from"], mv["to"]) == ("x1", "x2") and mv["amount"] == pytest.approx(0.1)
    assert sw["amount"] == pytest.approx(0.1) and sw["l1"] == pytest.approx(0.2)
    assert sw["weights_after"] == pytest.approx({"x1": 0.4, "x2": 0.4, "x3": 0.2})
    # one weight alone, others rescaled: w2 = t, S_a = .2t + (1 − t)(.55/.7), S_b = .8t + (1 − t)(.26/.7)
    # tie at t = .29/.71; w1 alone falls to t = .28/.78; w3 alone never swaps them
    oc = {rec["criterion"]: rec for rec in sw["one_criterion"]}
    assert set(oc) == {"x1", "x2"}
    assert oc["x2"]["t"] == pytest.approx(0.29 / 0.71) and oc["x2"]["direction"] == "increase"
    assert oc["x1"]["t"] == pytest.approx(0.28 / 0.78) and oc["x1"]["direction"] == "decrease"
    assert sw["one_criterion"][0]["criterion"] == "x2"  # the smaller change first


def test_wsm_swap_rescored_flips_and_smaller_change_does_not():
    case, model = _case(WSM_ROWS), _model("wsm", [0.5, 0.3, 0.2])
    sw = why(api.score(case, model), "a", "b").swap
    before = np.array(list(sw["weights_before"].values()))
    step = np.array(list(sw["weights_after"].values())) - before
    for scale, b_ahead in ((1.001, True), (0.999, False)):
        w = dict(zip(sw["weights_after"], before + scale * step, strict=True))
        s = api.score(case, model, weights=w)
        sa, sb = (float(s.scores[s.ids.index(k)]) for k in ("a", "b"))
        assert (sb > sa) is b_ahead


def test_swap_impossible_when_one_item_is_at_least_as_good_everywhere():
    r = api.score(_case(WSM_ROWS), _model("wsm", [0.5, 0.3, 0.2]))
    res = why(r, "a", "c")  # a ≥ c on every criterion
    assert not res.swap["possible"] and res.swap["reason"] == "dominates"
    assert "入れ替わりません" in res.text("ja")


def test_asked_in_the_wrong_order_reports_a_negative_gap_and_says_so():
    # a Case (not a Ranking) is scored here and lends its names to the sentences
    res = why(_case(WSM_ROWS, {"a": "黒鉛", "b": "ガリウム"}), "b", "a", model=_model("wsm", [0.5, 0.3, 0.2]))
    assert res.gap == pytest.approx(-0.11)
    assert sum(res.by_criterion.values()) == pytest.approx(-0.11)
    assert res.messages[0]["kind"] == "why.gap_reversed"
    assert res.text("ja").startswith(
        "ご指定の順とは逆に、黒鉛のほうがガリウムより得点が0.11高い（0.61対0.5）。"
    )
    assert res.text("en").startswith("Contrary to the order asked, A scores 0.11 above B (0.61 vs 0.5).")
    # the swap brings the lower one (b) level: same weights as asked the other way round
    assert res.swap["weights_after"] == pytest.approx({"x1": 0.4, "x2": 0.4, "x3": 0.2})


@pytest.mark.parametrize("seed", range(25))
def test_min_l1_transfer_matches_the_linear_programme(seed):
    """The greedy transfer equals the LP optimum min Σ|Δ| s.t. Σ Δ = 0, w + Δ ≥ 0, (w + Δ)·δ = 0
    (solved by HiGHS through scipy, with Δ = p − n, p, n ≥ 0)."""
    rng = np.random.default_rng(seed)
    m = int(rng.integers(2, 7))
    w = rng.dirichlet(np.ones(m))
    delta = rng.normal(size=m)
    if w @ delta <= 0:
        delta = -delta
    moves = min_l1_transfer(delta, w)
    c = np.ones(2 * m)
    a_eq = np.vstack([np.concatenate([np.ones(m), -np.ones(m)]), np.concatenate([delta, -delta])])
    b_eq = np.array([0.0, -(w @ delta)])
    a_ub = np.hstack([np.zeros((m, m)), np.eye(m)])  # n_j ≤ w_j
    lp = linprog(c, A_ub=a_ub, b_ub=w, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if moves is None:
        assert lp.status == 2  # infeasible: no criterion favours the other item
        assert (delta >= 0).all()
        return
    assert lp.status == 0
    assert 2 * sum(e for _, _, e in moves) == pytest.approx(lp.fun, abs=1e-9)
    after = w.copy()
    for p, q, e in moves:
        after[p] -= e
        after[q] += e
    assert after @ delta == pytest.approx(0.0, abs=1e-12) and after.min() >= -1e-15


def test_min_l1_transfer_takes_from_several_criteria_when_one_is_not_enough():
    """δ = (1, −1, .5), w = (.02, .2, .78): G = .21. x1 gives all of .02 (lowers G by .04), then x3
    gives .17/1.5 = .11333 (rate .5 + 1); total .13333 and w = (0, 1/3, 2/3), where w·δ = 0."""
    moves = min_l1_transfer(np.array([1.0, -1.0, 0.5]), np.array([0.02, 0.2, 0.78]))
    assert [(p, q) for p, q, _ in moves] == [(0, 1), (2, 1)]
    assert [e for _, _, e in moves] == pytest.approx([0.02, 0.17 / 1.5])


# --------------------------------------------------------------------------- TOPSIS (published)

# Tzeng & Huang (2011) TOPSIS example (as in tests/test_scoring_published.py): closeness
# (0.5037, 0.6581, 0.7482, 0.3340), vector normalisation, w = (0.3, 0.4, 0.3).
TZ_ROWS = {"a": [5, 8, 4], "b": [7, 6, 8], "c": [8, 8, 6], "d": [7, 4, 6]}
TZ_W = [0.3, 0.4, 0.3]


def _tz() -> tuple[Case, dict]:
    return _case({k: [float(x) for x in v] for k, v in TZ_ROWS.items()}), _model("topsis", TZ_W, "vector")


def _closeness(w: np.ndarray) -> np.ndarray:
    x = np.array(list(TZ_ROWS.values()), float)
    v, _ = kernels.orient(x, np.ones(3), "vector", np.array(["reflect"] * 3, dtype=object))
    return kernels.topsis(v, np.asarray(w, float)).closeness


def test_topsis_gap_is_the_published_difference_and_parts_sum_to_it():
    case, model = _tz()
    res = why(api.score(case, model), "c", "b")
    assert res.score_a == pytest.approx(0.7482, abs=1e-4) and res.score_b == pytest.approx(0.6581, abs=1e-4)
    assert res.gap == pytest.approx(0.7482 - 0.6581, abs=2e-4)
    assert sum(res.by_criterion.values()) == pytest.approx(res.gap, abs=1e-12)
    assert res.decomposition["kind"] == "shapley"


def test_topsis_shapley_parts_match_the_definition_and_give_equal_values_zero():
    """Brute-force Shapley over all 3! orders, ideal / anti-ideal held fixed; a and c share x2 = 8."""
    case, model = _tz()
    res = why(api.score(case, model), "c", "a")
    x = np.array(list(TZ_ROWS.values()), float)
    v, _ = kernels.orient(x, np.ones(3), "vector", np.array(["reflect"] * 3, dtype=object))
    w = np.array(TZ_W)
    hi, lo = v.max(axis=0), v.min(axis=0)

    def closeness(row: np.ndarray) -> float:
        dp, dm = np.linalg.norm(w * (row - hi)), np.linalg.norm(w * (row - lo))
        return dm / (dp + dm)

    phi = np.zeros(3)
    for order in itertools.permutations(range(3)):
        row = v[0].copy()  # a's row, then c's values switched in one at a time
        for j in order:
            before = closeness(row)
            row[j] = v[2, j]
            phi[j] += closeness(row) - before
    phi /= math.factorial(3)
    assert [res.by_criterion[c] for c in ("x1", "x2", "x3")] == pytest.approx(phi.tolist(), abs=1e-12)
    assert res.by_criterion["x2"] == pytest.approx(0.0, abs=1e-15)


def test_topsis_swap_verified_by_rescoring_with_the_returned_weights():
    case, model = _tz()
    res = why(api.score(case, model), "c", "b")
    sw = res.swap
    assert sw["possible"] and not sw["exact"]
    after = np.array([sw["weights_after"][c] for c in ("x1", "x2", "x3")])
    before = np.array(TZ_W)
    assert after.min() >= 0 and after.sum() == pytest.approx(1.0)
    assert abs(after - before).sum() / 2 == pytest.approx(sw["amount"], rel=1e-9)
    c_after = _closeness(after)
    assert c_after[1] >= c_after[2] - 1e-12  # b (index 1) level with or ahead of c (index 2)
    smaller = before + 0.99 * (after - before)
    c_small = _closeness(smaller)
    assert c_small[2] > c_small[1]  # a slightly smaller change keeps c ahead
    beyond = before + 1.01 * (after - before)
    if beyond.min() >= 0:
        c_beyond = _closeness(beyond)
        assert c_beyond[1] > c_beyond[2]


# --------------------------------------------------------------------------- VIKOR, WPM, PROMETHEE


def test_vikor_shapley_parts_by_hand_opricovic_tzeng_2004():
    """A1 (1, 3000), A2 (2, 3750), A3 (5, 4500), risk min, altitude max, w = (.5, .5): Q = (1, 0, 1),
    score 1 − Q = (0, 1, 0). Regrets d_A1 = (0, .5), d_A2 = (.125, .25); S* = .375, S⁻ = .5,
    R* = .25, R⁻ = .5; g(d) = 1 − [.5 (S − .375)/.125 + .5 (R − .25)/.25].
    v(∅) = g(A1) = 0, v({risk}) = g(.125, .5) = −.5, v({alt}) = g(0, .25) = 1.5, v(N) = 1:
    φ_risk = ½[(−.5 − 0) + (1 − 1.5)] = −.5, φ_alt = ½[(1.5 − 0) + (1 + .5)] = 1.5."""
    g = pd.DataFrame({"id": ["A1", "A2", "A3"], "risk": [1.0, 2.0, 5.0], "alt": [3000.0, 3750.0, 4500.0]})
    model = {
        "name": "ot2004",
        "method": "vikor",
        "normalisation": "none",
        "criteria": [
            {"id": "risk", "column": "risk", "direction": "min", "weight": 0.5},
            {"id": "alt", "column": "alt", "direction": "max", "weight": 0.5},
        ],
    }
    r = api.score(Case(root=Path("/nonexistent-case"), goods=g), model)
    res = why(r, "A2", "A1")
    assert res.gap == pytest.approx(1.0)
    assert res.by_criterion == pytest.approx({"risk": -0.5, "alt": 1.5})


def test_wpm_lmdi_parts_sum_to_the_product_gap():
    """Triantaphyllou (2000) WPM example: parts are w_j ln(a_j/b_j) · L(P_a, P_b), Σ = P_a − P_b."""
    rows = {"A1": [25, 20, 15, 30], "A2": [10, 30, 20, 30], "A3": [30, 10, 30, 10]}
    r = api.score(
        _case({k: [float(x) for x in v] for k, v in rows.items()}), _model("wpm", [0.2, 0.15, 0.4, 0.25])
    )
    res = why(r, "A1", "A2")
    assert res.score_a / res.score_b == pytest.approx(1.007, abs=5e-4)  # published P(A1/A2)
    lmean = (res.score_a - res.score_b) / math.log(res.score_a / res.score_b)
    w = [0.2, 0.15, 0.4, 0.25]
    for k, c in enumerate(["x1", "x2", "x3", "x4"]):
        expect = w[k] * math.log(rows["A1"][k] / rows["A2"][k]) * lmean
        assert res.by_criterion[c] == pytest.approx(expect, rel=1e-12, abs=1e-15)
    assert sum(res.by_criterion.values()) == pytest.approx(res.gap, abs=1e-12)


def test_promethee_parts_and_swap_by_hand():
    """Usual criteria, v = a (3, 1), b (2, 3), c (1, 2), w = (.6, .4): φ = (.2, .4, −.6).
    Unicriterion flows φ_1 = (1, 0, −1), φ_2 = (−1, 1, 0); b − a: parts .6(0 − 1) = −.6 and
    .4(1 + 1) = .8 (Σ = .2). Swap: δ = (−1, 2), move ε from x2 to x1 at rate 3: ε = .2/3."""
    r = api.score(
        _case({"a": [3.0, 1.0], "b": [2.0, 3.0], "c": [1.0, 2.0]}),
        _model("promethee_ii", [0.6, 0.4], preference="usual"),
    )
    res = why(r, "b", "a")
    assert res.gap == pytest.approx(0.2)
    assert res.by_criterion == pytest.approx({"x1": -0.6, "x2": 0.8})
    sw = res.swap
    assert sw["exact"] and [(m["from"], m["to"]) for m in sw["moves"]] == [("x2", "x1")]
    assert sw["amount"] == pytest.approx(0.2 / 3)
    assert sw["weights_after"] == pytest.approx({"x1": 0.6 + 0.2 / 3, "x2": 0.4 - 0.2 / 3})


# --------------------------------------------------------------------------- bad input


def test_unknown_id_names_it_and_the_closest_ids():
    r = api.score(_case({"gallium": [1, 2], "graphite": [2, 1], "germanium": [1, 1]}), _model("wsm", [1, 1]))
    with pytest.raises(InputError) as exc:
        why(r, "galium", "graphite")
    (issue,) = exc.value.issues
    assert issue.value == "galium" and issue.file == "goods.csv"
    assert "closest ids: gallium" in issue.message


def test_both_unknown_ids_are_reported_at_once():
    r = api.score(_case({"gallium": [1, 2], "graphite": [2, 1]}), _model("wsm", [1, 1]))
    with pytest.raises(InputError) as exc:
        why(r, "galium", "grafite")
    assert [i.value for i in exc.value.issues] == ["galium", "grafite"]


@pytest.mark.parametrize("text", ["gallium", "gallium,graphite,germanium", "gallium,", ",", ""])
def test_not_two_ids_is_a_clear_error(text):
    with pytest.raises(InputError) as exc:
        parse_pair(text)
    assert "exactly two item ids" in exc.value.issues[0].message


def test_same_id_twice_is_a_clear_error():
    with pytest.raises(InputError) as exc:
        parse_pair("gallium, gallium")
    assert "two different items" in exc.value.issues[0].message
    r = api.score(_case({"gallium": [1, 2], "graphite": [2, 1]}), _model("wsm", [1, 1]))
    with pytest.raises(InputError):
        why(r, "gallium", "gallium")


def test_pareto_minimal_matches_brute_force():
    rng = np.random.default_rng(7)
    x = np.round(rng.random((300, 3)), 1)  # coarse grid: many ties and duplicates
    got = set(pareto_minimal(x, block=16).tolist())
    dominated = {
        i
        for i in range(len(x))
        for k in range(len(x))
        if k != i and (x[k] <= x[i]).all() and (x[k] < x[i]).any()
    }
    # every non-dominated distinct row appears exactly once
    assert {tuple(x[i]) for i in got} == {tuple(x[i]) for i in set(range(len(x))) - dominated}
    assert len(got) == len({tuple(x[i]) for i in got})


def test_vikor_swap_verified_by_rescoring_opricovic_tzeng_2007():
    """Six reservoir alternatives (Opricovic & Tzeng 2007, Table 1), weights W1 (all equal):
    A5 is the compromise; re-score with the kernel at the returned weights — A5 and A4 swap."""
    x = np.array(
        [
            [4184.3, 2914.0, 407.2, 251.0, 195, 244, 15, 2.41],
            [5211.9, 3630.0, 501.7, 308.3, 282, 346, 21, 1.41],
            [5021.3, 3920.5, 504.0, 278.6, 12, 56, 3, 4.42],
            [5566.1, 3957.9, 559.5, 335.3, 167, 268, 16, 3.36],
            [5060.5, 3293.5, 514.1, 284.2, 69, 90, 7, 4.04],
            [4317.9, 2925.9, 432.8, 239.3, 12, 55, 3, 4.36],
        ]
    )
    sign = [1, -1, 1, 1, -1, -1, -1, 1]
    ids = [f"A{k + 1}" for k in range(6)]
    g = pd.DataFrame({"id": ids, **{f"x{j + 1}": x[:, j] for j in range(8)}})
    model = {
        "name": "ot2007",
        "method": "vikor",
        "normalisation": "none",
        "criteria": [
            {
                "id": f"x{j + 1}",
                "column": f"x{j + 1}",
                "direction": "max" if sign[j] > 0 else "min",
                "weight": 1,
            }
            for j in range(8)
        ],
    }
    case = Case(root=Path("/nonexistent-case"), goods=g)
    r = api.score(case, model)
    assert r.ids[int(r.order[0])] == "A5"  # published compromise under W1
    res = why(r, "A5", "A4")
    assert sum(res.by_criterion.values()) == pytest.approx(res.gap, abs=1e-12)
    sw = res.swap
    assert sw["possible"] and not sw["exact"]
    before = np.array(list(sw["weights_before"].values()))
    step = np.array(list(sw["weights_after"].values())) - before
    v, _ = kernels.orient(x, np.array(sign, float), "none", np.array(["reflect"] * 8, dtype=object))

    def q_gap(scale: float) -> float:  # Q_A4 − Q_A5 (> 0: A5 still ahead)
        q = kernels.vikor(v, before + scale * step, 0.5).q
        return float(q[3] - q[4])

    assert q_gap(1.0) <= 1e-12
    assert q_gap(0.99) > 0


def test_sampled_shapley_beyond_the_exact_limit_is_still_efficient_and_exact_on_additive_games():
    """m = 14 > SHAPLEY_EXACT_MAX: permutation sampling. On an additive game every order gives the
    same marginals (φ_j = c_j (a_j − b_j)); on the max game the parts still sum to v(a) − v(b)."""
    m = 14
    assert m > SHAPLEY_EXACT_MAX
    rng = np.random.default_rng(3)
    a, b, c = rng.random(m), rng.random(m), rng.random(m)
    phi = shapley_rows(lambda rows: rows @ c, a, b)
    np.testing.assert_allclose(phi, c * (a - b), atol=1e-12)
    phi_max = shapley_rows(lambda rows: rows.max(axis=1), a, b)
    assert phi_max.sum() == pytest.approx(a.max() - b.max(), abs=1e-12)
