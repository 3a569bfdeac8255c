"""Scoring kernels against published worked examples, each checked twice:
our numpy kernel AND scikit-criteria 0.10 (where it has the method) must both reproduce
the published numbers. PROMETHEE II (absent from scikit-criteria) is checked against a
hand-computed fixture and an independent O(n²) evaluation of the definition.
"""

from __future__ import annotations

import numpy as np
import pytest
import skcriteria
from skcriteria.agg.simple import WeightedProductModel, WeightedSumModel
from skcriteria.agg.topsis import TOPSIS
from skcriteria.agg.vikor import VIKOR
from skcriteria.preprocessing.scalers import VectorScaler

from prioritizer.scoring import kernels

MAX = np.array([1.0, 1.0, 1.0, 1.0])
REFLECT4 = np.array(["reflect"] * 4, dtype=object)

# Triantaphyllou (2000), Multi-Criteria Decision Making Methods: A Comparative Study, §2.2
# (the example reproduced in the "Weighted sum model" / "Weighted product model" articles):
TRI_X = np.array([[25, 20, 15, 30], [10, 30, 20, 30], [30, 10, 30, 10]], dtype=float)
TRI_W = np.array([0.20, 0.15, 0.40, 0.25])


def test_wsm_triantaphyllou_2000_scores_and_tie():
    """Published WSM scores A1 = 21.50, A2 = 22.00, A3 = 22.00 (A2 and A3 tie for first)."""
    v, _ = kernels.orient(TRI_X, MAX, "none", REFLECT4)
    s = kernels.wsm(v, TRI_W)
    np.testing.assert_allclose(s, [21.50, 22.00, 22.00], atol=1e-12)
    sk = WeightedSumModel().evaluate(skcriteria.mkdm(TRI_X, [max] * 4, weights=TRI_W))
    np.testing.assert_allclose(sk.e_.score, [21.50, 22.00, 22.00], atol=1e-12)
    # the documented tie rule: A2 and A3 share rank 1 (listed by id), A1 is 3rd
    order, ranks = kernels.rank(s, np.array(["A1", "A2", "A3"]))
    assert ranks.tolist() == [3, 1, 1]
    assert order.tolist() == [1, 2, 0]


def test_wpm_triantaphyllou_2000_pairwise_ratios():
    """Published ratios P(A1/A2) = 1.007, P(A1/A3) = 1.067, P(A2/A3) = 1.059 (A1 best)."""
    v, _ = kernels.orient(TRI_X, MAX, "none", REFLECT4)
    p = kernels.wpm(v, TRI_W)
    assert round(p[0] / p[1], 3) == 1.007
    assert round(p[0] / p[2], 3) == 1.067
    assert round(p[1] / p[2], 3) == 1.059
    sk = WeightedProductModel().evaluate(skcriteria.mkdm(TRI_X, [max] * 4, weights=TRI_W))
    pk = 10.0**sk.e_.score  # scikit-criteria reports Σ w log10 a
    np.testing.assert_allclose(pk, p, rtol=1e-12)
    assert round(pk[0] / pk[1], 3) == 1.007


def test_wpm_cost_criterion_reciprocal_equals_negative_exponent():
    """Triantaphyllou (2000): a cost criterion enters the product with exponent −w (x → 1/x)."""
    x = np.array([[2.0, 10.0], [4.0, 5.0]])
    v, _ = kernels.orient(x, np.array([1.0, -1.0]), "none", np.array(["reciprocal"] * 2, dtype=object))
    np.testing.assert_allclose(kernels.wpm(v, np.array([0.5, 0.5])), [2**0.5 * 10**-0.5, 2.0 * 5**-0.5])


# Tzeng & Huang (2011), Multiple Attribute Decision Making: Methods and Applications, CRC —
# TOPSIS worked example with published closeness coefficients.
TZ_X = np.array([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], dtype=float)
TZ_W = np.array([0.3, 0.4, 0.3])
TZ_C = [0.5037, 0.6581, 0.7482, 0.3340]


def test_topsis_tzeng_huang_2011_closeness():
    v, _ = kernels.orient(TZ_X, np.ones(3), "vector", np.array(["reflect"] * 3, dtype=object))
    t = kernels.topsis(v, TZ_W)
    np.testing.assert_allclose(t.closeness, TZ_C, atol=1e-4)
    dm = VectorScaler(target="matrix").transform(skcriteria.mkdm(TZ_X, [max] * 3, weights=TZ_W))
    sk = TOPSIS().evaluate(dm)
    np.testing.assert_allclose(sk.e_.similarity, TZ_C, atol=1e-4)
    np.testing.assert_allclose(t.closeness, sk.e_.similarity, atol=1e-12)
    assert kernels.rank(t.closeness, np.array(list("abcd")))[1].tolist() == [3, 2, 1, 4]


def test_topsis_cost_criterion_reflect_matches_classic_anti_ideal():
    """Hwang & Yoon (1981): for a cost criterion the ideal is the column minimum. 'reflect'
    is distance-preserving, so closeness equals scikit-criteria's min-objective TOPSIS."""
    x = np.array(
        [[250, 16, 12, 5], [200, 16, 8, 3], [300, 32, 16, 4], [275, 32, 8, 4], [225, 16, 16, 2]], float
    )
    sign = np.array([-1.0, 1.0, 1.0, 1.0])
    w = np.array([0.25, 0.25, 0.25, 0.25])
    v, _ = kernels.orient(x, sign, "vector", REFLECT4)
    ours = kernels.topsis(v, w).closeness
    dm = VectorScaler(target="matrix").transform(skcriteria.mkdm(x, [min, max, max, max], weights=w))
    with pytest.warns(UserWarning):
        sk = TOPSIS().evaluate(dm)
    np.testing.assert_allclose(ours, sk.e_.similarity, atol=1e-12)


def test_vikor_opricovic_tzeng_2004_numerical_example():
    """Opricovic & Tzeng (2004), EJOR 156:445–455, §5: A1 (1, 3000), A2 (2, 3750), A3 (5, 4500),
    risk min / altitude max, w = (0.5, 0.5): S = (0.5, 0.375, 0.5), R = (0.5, 0.25, 0.5),
    Q = (1, 0, 1); A2 is the compromise solution (both conditions hold)."""
    x = np.array([[1.0, 3000.0], [2.0, 3750.0], [5.0, 4500.0]])
    sign = np.array([-1.0, 1.0])
    w = np.array([0.5, 0.5])
    v, _ = kernels.orient(x, sign, "none", np.array(["reflect"] * 2, dtype=object))
    vk = kernels.vikor(v, w, 0.5)
    np.testing.assert_allclose(vk.s, [0.5, 0.375, 0.5])
    np.testing.assert_allclose(vk.r, [0.5, 0.25, 0.5])
    np.testing.assert_allclose(vk.q, [1.0, 0.0, 1.0])
    assert vk.acceptable_advantage and vk.acceptable_stability
    assert vk.compromise.tolist() == [1]
    sk = VIKOR().evaluate(skcriteria.mkdm(x, [min, max], weights=w))
    np.testing.assert_allclose(sk.e_.s_k, vk.s)
    np.testing.assert_allclose(sk.e_.r_k, vk.r)
    np.testing.assert_allclose(sk.e_.q_k, vk.q)


# Opricovic & Tzeng (2007), "Extended VIKOR method in comparison with outranking methods",
# EJOR 178:514–529, Table 1 (six reservoir alternatives, eight criteria) and the published
# S, R, Q for four weight sets W1..W4 (Tables 2–5, three decimals).
OT_X = np.array(
    [
        [4184.3, 2914.0, 407.2, 251.0, 195, 244, 15, 2.41],
        [5211.9, 3630.0, 501.7, 308.3, 282, 346, 21, 1.41],
        [5021.3, 3920.5, 504.0, 278.6, 12, 56, 3, 4.42],
        [5566.1, 3957.9, 559.5, 335.3, 167, 268, 16, 3.36],
        [5060.5, 3293.5, 514.1, 284.2, 69, 90, 7, 4.04],
        [4317.9, 2925.9, 432.8, 239.3, 12, 55, 3, 4.36],
    ]
)
OT_SIGN = np.array([1, -1, 1, 1, -1, -1, -1, 1], dtype=float)
OT_CASES = {
    "W1": ([1] * 8, [0.692, 0.7, 0.29, 0.423, 0.28, 0.346], [0.125, 0.125, 0.121, 0.125, 0.067, 0.125],
           [0.991, 1.0, 0.473, 0.670, 0.0, 0.578], (True, True), [4]),
    "W2": ([2, 2, 2, 2, 1, 1, 1, 1], [0.701, 0.6, 0.386, 0.365, 0.317, 0.459],
           [0.167, 0.114, 0.161, 0.167, 0.089, 0.167], [1.0, 0.533, 0.552, 0.563, 0.0, 0.686], (True, True), [4]),
    "W3": ([1, 1, 1, 1, 2, 2, 2, 2], [0.683, 0.8, 0.193, 0.48, 0.243, 0.232],
           [0.113, 0.167, 0.08, 0.122, 0.044, 0.083], [0.684, 1.0, 0.147, 0.554, 0.041, 0.191], (False, True),
           [2, 4, 5]),
    "W4": ([1, 1, 1, 1, 3.2, 3.2, 3.2, 3.2], [0.678, 0.857, 0.138, 0.513, 0.222, 0.167],
           [0.129, 0.190, 0.057, 0.139, 0.042, 0.060], [0.668, 1.0, 0.051, 0.588, 0.058, 0.078], (False, True),
           [2, 4, 5]),
}  # fmt: skip


@pytest.mark.parametrize("wset", sorted(OT_CASES))
def test_vikor_opricovic_tzeng_2007_weight_sets(wset):
    w, s, r, q, (adv, stab), comp = OT_CASES[wset]
    w = np.asarray(w, float) / np.sum(w)
    v, _ = kernels.orient(OT_X, OT_SIGN, "none", np.array(["reflect"] * 8, dtype=object))
    vk = kernels.vikor(v, w, 0.5)
    np.testing.assert_allclose(vk.s, s, atol=1.5e-3)
    np.testing.assert_allclose(vk.r, r, atol=1.5e-3)
    np.testing.assert_allclose(vk.q, q, atol=1.5e-3)
    assert (vk.acceptable_advantage, vk.acceptable_stability) == (adv, stab)
    assert sorted(vk.compromise.tolist()) == comp
    objectives = [max if g > 0 else min for g in OT_SIGN]
    sk = VIKOR(use_compromise_set=False).evaluate(skcriteria.mkdm(OT_X, objectives, weights=w))
    np.testing.assert_allclose(sk.e_.q_k, vk.q, atol=1e-12)
    np.testing.assert_allclose(sk.e_.s_k, vk.s, atol=1e-12)


def _promethee_bruteforce(v, w, kinds, q, p):
    """The definition (Brans & Vincke 1985) evaluated on the full n × n difference matrices."""
    n, m = v.shape
    pi = np.zeros((n, n))
    for j in range(m):
        d = v[:, j][:, None] - v[:, j][None, :]
        if kinds[j] == "usual":
            pj = (d > 0).astype(float)
        elif kinds[j] == "u_shape":
            pj = (d > q[j]).astype(float)
        elif kinds[j] == "level":
            pj = np.where(d > p[j], 1.0, np.where(d > q[j], 0.5, 0.0))
        else:
            qq = 0.0 if kinds[j] == "v_shape" else q[j]
            pj = np.clip((d - qq) / (p[j] - qq), 0.0, 1.0)
        pi += w[j] * pj
    return (pi.sum(axis=1) - pi.sum(axis=0)) / (n - 1)


def test_promethee_ii_hand_computed_usual_criteria():
    """Hand computation, usual criterion (type I) on both criteria, w = (0.6, 0.4).

    g1 = (3, 2, 1): a beats b, c; b beats c.  g2 = (1, 3, 2): b beats a, c; c beats a.
    π(a,b) = 0.6, π(a,c) = 0.6, π(b,a) = 0.4, π(b,c) = 1.0, π(c,a) = 0.4, π(c,b) = 0.
    φ⁺ = (0.6, 0.7, 0.2), φ⁻ = (0.4, 0.3, 0.8), φ = (0.2, 0.4, −0.6).
    """
    v = np.array([[3.0, 1.0], [2.0, 3.0], [1.0, 2.0]])
    pr = kernels.promethee_ii(v, np.array([0.6, 0.4]), ["usual", "usual"], np.zeros(2), np.zeros(2))
    np.testing.assert_allclose(pr.phi_plus, [0.6, 0.7, 0.2])
    np.testing.assert_allclose(pr.phi_minus, [0.4, 0.3, 0.8])
    np.testing.assert_allclose(pr.phi, [0.2, 0.4, -0.6])
    np.testing.assert_allclose((pr.unicriterion * [0.6, 0.4]).sum(axis=1), pr.phi)


def test_promethee_ii_hand_computed_linear_criterion():
    """Type V (linear), q = 1, p = 3 on g = (0, 2, 5): P(b,a) = (2−1)/2 = 0.5, P(c,a) = 1,
    P(c,b) = (3−1)/2 = 1.0 → φ = ((0 − 1.5), (0.5 − 1), (2 − 0)) / 2 = (−0.75, −0.25, 1.0)."""
    v = np.array([[0.0], [2.0], [5.0]])
    pr = kernels.promethee_ii(v, np.array([1.0]), ["linear"], np.array([1.0]), np.array([3.0]))
    np.testing.assert_allclose(pr.phi, [-0.75, -0.25, 1.0])


@pytest.mark.parametrize("kind", ["usual", "u_shape", "v_shape", "level", "linear"])
def test_promethee_ii_sorted_flows_equal_definition(kind):
    rng = np.random.default_rng(7)
    # a 0.5 grid (exact in binary) creates exact ties and differences landing on q and p
    v = np.round(rng.uniform(0, 10, size=(40, 3)) * 2) / 2
    w = np.array([0.5, 0.3, 0.2])
    q, p = np.array([0.5, 1.0, 0.0]), np.array([2.0, 3.0, 1.5])
    kinds = [kind] * 3
    pr = kernels.promethee_ii(v, w, kinds, q, p)
    np.testing.assert_allclose(pr.phi, _promethee_bruteforce(v, w, kinds, q, p), atol=1e-12)


def test_normalisations_by_hand():
    x = np.array([[3.0, 1.0], [4.0, 3.0]])
    np.testing.assert_allclose(kernels.normalise(x, "vector")[0], [[0.6, 1 / 10**0.5], [0.8, 3 / 10**0.5]])
    np.testing.assert_allclose(kernels.normalise(x, "minmax")[0], [[0, 0], [1, 1]])
    np.testing.assert_allclose(kernels.normalise(x, "sum")[0], [[3 / 7, 0.25], [4 / 7, 0.75]])
    np.testing.assert_allclose(kernels.normalise(x, "max")[0], [[0.75, 1 / 3], [1, 1]])
    r, bad = kernels.normalise(np.array([[2.0], [2.0]]), "minmax")
    assert bad.tolist() == [True] and r.tolist() == [[0.0], [0.0]]
    # max normalisation + reciprocal inversion = the classic cost form min(x)/x
    v, _ = kernels.orient(
        np.array([[2.0], [4.0]]), np.array([-1.0]), "max", np.array(["reciprocal"], dtype=object)
    )
    np.testing.assert_allclose(v[:, 0], [1.0, 0.5])
