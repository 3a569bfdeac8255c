"""Rank-reversal thresholds on a 3×2 additive example computed by hand.

x: A=(1, 0), B=(0, 1), C=(0.6, 0.6); w=(0.7, 0.3) → scores A 0.7, C 0.6, B 0.3.
Sweeping w1 = t (w2 = 1 − t): A = t, B = 1 − t, C = 0.6 — crossings A/C at 0.6,
A/B at 0.5, B/C at 0.4. Sweeping w2 = t: A = 1 − t, B = t — A/C at 0.4, A/B 0.5, B/C 0.6.
"""

from __future__ import annotations

import numpy as np
import pytest

from prioritizer.robustness import kernels, sensitivity

X = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.6]])
W = np.array([0.7, 0.3])
A, B, C = 0, 1, 2
nan = np.nan


def test_proportional_rescaling_keeps_ratios() -> None:
    w = np.array([0.5, 0.3, 0.2])
    v = sensitivity.proportional_weights(w, 0, np.array([0.2, 0.8]))
    assert np.allclose(v.sum(axis=1), 1) and np.allclose(v[:, 0], [0.2, 0.8])
    assert np.allclose(v[:, 1] / v[:, 2], 1.5)


def test_exact_thresholds_by_hand() -> None:
    th = sensitivity.additive_thresholds(X, W)
    assert th.exact
    # criterion 1 (w1 = 0.7): A drops below C at 0.6; C rises above A at... 0.6 going down; B meets A at 0.5
    assert np.allclose(th.down[:, 0], [0.6, 0.5, 0.6]) and th.down_with[:, 0].tolist() == [C, A, A]
    assert np.isnan(th.up[:, 0]).all() and th.up_with[:, 0].tolist() == [-1, -1, -1]
    # criterion 2 (w2 = 0.3): A/C at 0.4, A/B at 0.5
    assert np.allclose(th.up[:, 1], [0.4, 0.5, 0.4]) and th.up_with[:, 1].tolist() == [C, A, A]
    assert np.isnan(th.down[:, 1]).all()


def test_pair_threshold_direction_and_winner() -> None:
    res = sensitivity.pair_threshold_additive(X, W, A, C)
    assert res[0]["t"] == pytest.approx(0.6) and res[0]["direction"] == "decrease" and res[0]["after"] == C
    assert res[1]["t"] == pytest.approx(0.4) and res[1]["direction"] == "increase" and res[1]["after"] == C
    assert res[0]["delta"] == pytest.approx(-0.1)


def test_pair_that_never_swaps() -> None:
    x = np.array([[1.0, 1.0], [0.5, 0.5]])
    assert [r["t"] for r in sensitivity.pair_threshold_additive(x, np.array([0.5, 0.5]), 0, 1)] == [
        None,
        None,
    ]


def test_triantaphyllou_sanchez_minimum_change_by_hand() -> None:
    """P = (0.7, 0.3, 0.6). δ*_{k,i,j} = (P_j − P_i)/(x_ik − x_jk):
    k=1: (A,C) −0.1/0.4 = −0.25, (A,B) −0.4, (C,B) −0.5 → min |δ| 0.25 (A,C), −35.7 %;
    k=2: (A,C) −0.1/−0.6 = 1/6, (A,B) 0.4, (C,B) 0.75 → min 1/6 (A,C), +55.6 %.
    Criterion 1 is the most critical (smaller relative change)."""
    mc = sensitivity.minimum_change(X, W)
    assert np.allclose(mc["any_delta"], [-0.25, 1 / 6])
    assert mc["any_i"].tolist() == [A, A] and mc["any_j"].tolist() == [C, C]
    assert np.allclose(mc["any_percent"], [-0.25 / 0.7 * 100, 1 / 6 / 0.3 * 100])
    assert np.allclose(mc["top_delta"], [-0.25, 1 / 6])


def test_minimum_change_equals_proportional_threshold() -> None:
    """Re-normalising w + δ e_k is the proportional sweep at t = (w_k + δ)/(1 + δ)."""
    rng = np.random.default_rng(3)
    x, w = rng.random((8, 4)), rng.dirichlet(np.ones(4))
    mc = sensitivity.minimum_change(x, w)
    for k in range(4):
        i, j, d = int(mc["any_i"][k]), int(mc["any_j"][k]), mc["any_delta"][k]
        pair = sensitivity.pair_threshold_additive(x, w, i, j)[k]
        assert pair["t"] == pytest.approx((w[k] + d) / (1 + d), abs=1e-12)


def test_infeasible_decrease_is_excluded() -> None:
    """A=(1, 0, 0.5), B=(0, 0.2, 0.1), w=(0.2, 0.4, 0.4): P_A = 0.4, P_B = 0.12.
    k=1: δ = −0.28/1 = −0.28 < −w_1 (infeasible); k=3: δ = −0.28/0.4 = −0.7 < −0.4 (infeasible);
    k=2: δ = −0.28/−0.2 = +1.4 (feasible increase)."""
    x = np.array([[1.0, 0.0, 0.5], [0.0, 0.2, 0.1]])
    mc = sensitivity.minimum_change(x, np.array([0.2, 0.4, 0.4]))
    assert np.isnan(mc["any_delta"][0]) and np.isnan(mc["any_delta"][2])
    assert mc["any_delta"][1] == pytest.approx(1.4)


def test_numeric_thresholds_agree_with_exact_for_additive() -> None:
    rng = np.random.default_rng(5)
    x, w = rng.random((12, 3)), rng.dirichlet(np.ones(3))
    ex = sensitivity.additive_thresholds(x, w)
    nu = sensitivity.numeric_thresholds(x, w, kernels.wsm, grid=401)
    assert np.allclose(ex.up, nu.up, atol=1e-8, equal_nan=True)
    assert np.allclose(ex.down, nu.down, atol=1e-8, equal_nan=True)
    assert np.array_equal(ex.up_with, nu.up_with) and np.array_equal(ex.down_with, nu.down_with)


def test_numeric_thresholds_topsis_two_alternatives() -> None:
    """TOPSIS with A=(1,0), B=(0,1): C_A = w1, C_B = w2 → they swap at w1 = 0.5 exactly."""
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    th = sensitivity.numeric_thresholds(x, np.array([0.7, 0.3]), kernels.topsis)
    assert th.down[0, 0] == pytest.approx(0.5, abs=1e-9) and th.down_with[0, 0] == 1
    assert th.up[0, 1] == pytest.approx(0.5, abs=1e-9)


def test_tornado_ranges_by_hand() -> None:
    """w1 over [0.35, 1.0]: A's score t ∈ [0.35, 1]; A's rank 1 above 0.6, 3 below 0.4."""
    tor = sensitivity.tornado(X, W, np.array([0.35, 0.15]), np.array([1.0, 0.45]), kernels.wsm, additive=True)
    t1 = tor[0]
    assert t1["score_min"][A] == pytest.approx(0.35) and t1["score_max"][A] == pytest.approx(1.0)
    assert t1["rank_best"][A] == 1 and t1["rank_worst"][A] == 3
    assert t1["rank_best"][C] == 1 and t1["rank_worst"][C] == 2
    # w2 over [0.15, 0.45]: A = 1 − t ∈ [0.55, 0.85]: A second once t > 0.4
    t2 = tor[1]
    assert t2["rank_worst"][A] == 2 and t2["rank_best"][B] == 3
