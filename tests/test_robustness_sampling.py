"""Weight samplers: uniformity (analytic marginals), constraints, reproducibility, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from prioritizer.errors import InputError
from prioritizer.robustness import sampling
from prioritizer.robustness.sampling import WeightConstraints


def test_simplex_marginal_is_beta_1_2_on_three_criteria() -> None:
    """Uniform on the 2-simplex (3 weights): each marginal is Beta(1, m-1) = Beta(1, 2), mean 1/3."""
    w = sampling.sample_simplex(20_000, 3, np.random.default_rng(12345))
    assert np.allclose(w.sum(axis=1), 1.0) and (w >= 0).all()
    for j in range(3):
        assert stats.kstest(w[:, j], stats.beta(1, 2).cdf).pvalue > 0.01
    assert np.allclose(w.mean(axis=0), 1 / 3, atol=4 * np.sqrt(1 / 18 / 20_000))  # Var Beta(1,2) = 1/18


def test_normalised_uniforms_would_fail_the_same_ks_test() -> None:
    """The test above can fail: the classic mistake (normalised uniforms) is not uniform on the simplex."""
    u = np.random.default_rng(12345).random((20_000, 3))
    w = u / u.sum(axis=1, keepdims=True)
    assert stats.kstest(w[:, 0], stats.beta(1, 2).cdf).pvalue < 1e-6


def test_ordered_two_criteria_is_uniform_on_half_segment() -> None:
    """w1 ≥ w2 with two criteria: w1 ~ U(0.5, 1)."""
    c = WeightConstraints(2, chains=((0, 1),))
    w, info = sampling.sample_weights(20_000, c, np.random.default_rng(7))
    assert info["name"] == "ordered" and info["exact"]
    assert (w[:, 0] >= w[:, 1]).all()
    assert stats.kstest(w[:, 0], stats.uniform(0.5, 0.5).cdf).pvalue > 0.01


def test_full_order_marginal_of_largest_weight() -> None:
    """w1 ≥ w2 ≥ w3: w1 is the largest spacing of 3 uniform spacings, E = (1/3)(1 + 1/2 + 1/3) = 11/18."""
    c = WeightConstraints(3, chains=((0, 1, 2),))
    w, _ = sampling.sample_weights(40_000, c, np.random.default_rng(3))
    assert (np.diff(w, axis=1) <= 0).all()
    assert abs(w[:, 0].mean() - 11 / 18) < 0.004
    assert abs(w[:, 2].mean() - 1 / 9) < 0.003  # smallest spacing: (1/3)(1/3) = 1/9


def test_hit_and_run_matches_exact_ordered_sampler() -> None:
    """Overlapping chains a>b, b>c describe the same set as a>b>c but force hit-and-run: compare."""
    rng = np.random.default_rng(11)
    exact, _ = sampling.sample_weights(20_000, WeightConstraints(3, chains=((0, 1, 2),)), rng)
    c = WeightConstraints(3, chains=((0, 1), (1, 2), (0, 2)))
    har, info = sampling.sample_weights(20_000, c, rng)
    assert info["name"] == "hit-and-run"
    assert c.satisfied(har).all()
    for j in range(3):
        assert stats.ks_2samp(exact[:, j], har[:, j]).statistic < 0.025


def test_hit_and_run_interval_truncated_beta() -> None:
    """3 weights with w1 ≤ 0.5: w1 has density ∝ 2(1 − x) on [0, 0.5], CDF (1 − (1 − x)²)/0.75."""
    c = WeightConstraints(3, lower=np.zeros(3), upper=np.array([0.5, 1.0, 1.0]))
    w, info = sampling.sample_weights(20_000, c, np.random.default_rng(5))
    assert info["name"] == "hit-and-run" and not info["exact"]
    assert c.satisfied(w).all() and (w[:, 0] <= 0.5 + 1e-12).all()
    ks = stats.kstest(w[:, 0], lambda x: np.clip((1 - (1 - np.clip(x, 0, 0.5)) ** 2) / 0.75, 0, 1))
    assert ks.statistic < 0.02
    # untruncated Beta(1, 2) is far off: the test can fail
    assert stats.kstest(w[:, 0], stats.beta(1, 2).cdf).statistic > 0.1


def test_interval_two_criteria_uniform_on_interval() -> None:
    c = WeightConstraints(2, lower=np.array([0.2, 0.0]), upper=np.array([0.6, 1.0]))
    w, _ = sampling.sample_weights(10_000, c, np.random.default_rng(2))
    assert w[:, 0].min() >= 0.2 - 1e-12 and w[:, 0].max() <= 0.6 + 1e-12
    assert stats.kstest(w[:, 0], stats.uniform(0.2, 0.4).cdf).statistic < 0.025


def test_order_and_intervals_together_are_satisfied() -> None:
    c = WeightConstraints(
        4, chains=((0, 1, 2),), lower=np.array([0.0, 0.1, 0.0, 0.05]), upper=np.array([0.6, 1.0, 1.0, 0.3])
    )
    w, _ = sampling.sample_weights(5_000, c, np.random.default_rng(9))
    assert c.satisfied(w).all()
    assert (w[:, 0] >= w[:, 1] - 1e-12).all() and (w[:, 1] >= w[:, 2] - 1e-12).all()
    assert (w[:, 3] >= 0.05 - 1e-12).all() and (w[:, 3] <= 0.3 + 1e-12).all()


@pytest.mark.parametrize(
    "cons",
    [
        WeightConstraints(3),
        WeightConstraints(3, chains=((2, 0),)),
        WeightConstraints(3, upper=np.array([0.4, 1.0, 1.0])),
    ],
)
def test_same_seed_same_samples(cons: WeightConstraints) -> None:
    a, _ = sampling.sample_weights(500, cons, np.random.default_rng(42))
    b, _ = sampling.sample_weights(500, cons, np.random.default_rng(42))
    c, _ = sampling.sample_weights(500, cons, np.random.default_rng(43))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_parse_order_and_intervals() -> None:
    crit = ["autonomy", "cost", "dependence"]
    assert sampling.parse_order("autonomy>cost>dependence", crit) == [(0, 1, 2)]
    assert sampling.parse_order("autonomy >= cost; dependence>cost", crit) == [(0, 1), (2, 1)]
    lo, hi = sampling.parse_intervals("cost=0.1:0.3", crit)
    assert lo is not None and hi is not None
    assert lo.tolist() == [0.0, 0.1, 0.0] and hi.tolist() == [1.0, 0.3, 1.0]
    lo, hi = sampling.parse_intervals({"autonomy": [0.2, 0.5]}, crit)
    assert lo is not None and lo[0] == 0.2


def test_bad_orders_reported_together() -> None:
    with pytest.raises(InputError) as e:
        sampling.parse_order("autonomy>nonsense, cost", ["autonomy", "cost"])
    msgs = " ".join(i.message for i in e.value.issues)
    assert "unknown criterion 'nonsense'" in msgs and "at least two" in msgs


def test_non_numeric_and_out_of_range_intervals() -> None:
    with pytest.raises(InputError) as e:
        sampling.parse_intervals("a=x:0.3, b=0.2:1.5, c=0.5:0.1, zz=0:1", ["a", "b", "c"])
    issues = e.value.issues
    assert len(issues) == 4
    assert any(i.value == "x" and "must be a number" in i.message for i in issues)
    assert any("outside [0, 1]" in i.message for i in issues)
    assert any("swap them" in i.message for i in issues)
    assert any("unknown criterion 'zz'" in i.message for i in issues)


def test_contradictory_intervals_empty_feasible_set() -> None:
    c = WeightConstraints(3, lower=np.array([0.6, 0.6, 0.0]), upper=np.ones(3), labels=("a", "b", "c"))
    with pytest.raises(InputError, match="empty") as e:
        sampling.sample_weights(10, c, np.random.default_rng(0))
    assert any("sum to more than 1" in i.message for i in e.value.issues)


def test_order_contradicting_interval() -> None:
    c = WeightConstraints(
        3,
        chains=((0, 1),),
        lower=np.array([0.0, 0.5, 0.0]),
        upper=np.array([0.2, 1.0, 1.0]),
        labels=("a", "b", "c"),
    )
    with pytest.raises(InputError) as e:
        sampling.sample_weights(10, c, np.random.default_rng(0))
    assert any("order a > b contradicts" in i.message for i in e.value.issues)


def test_cyclic_order_has_no_interior() -> None:
    c = WeightConstraints(3, chains=((0, 1), (1, 0)), labels=("a", "b", "c"))
    with pytest.raises(InputError) as e:
        sampling.sample_weights(10, c, np.random.default_rng(0))
    assert any("cycle" in i.message for i in e.value.issues)


def test_zero_samples_rejected() -> None:
    with pytest.raises(InputError, match="problem") as e:
        sampling.sample_weights(0, WeightConstraints(3), np.random.default_rng(0))
    assert "at least 1" in e.value.issues[0].message
