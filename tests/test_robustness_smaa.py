"""SMAA-2 on fixtures whose acceptabilities and central weights are derived by hand.

With two criteria and uniform weights, w1 ~ U(0, 1) and w2 = 1 − w1, so every index is a
length on [0, 1]; with three criteria the expected largest of three uniform spacings is
(1/3)(1 + 1/2 + 1/3) = 11/18 (Devroye 1986, §V.2).
"""

from __future__ import annotations

import numpy as np
import pytest

from prioritizer.robustness import sampling, smaa
from prioritizer.robustness.sampling import WeightConstraints

N = 100_000


def _se(p: float, n: int = N) -> float:
    return float(np.sqrt(p * (1 - p) / n))


def _uniform(m: int, n: int = N, seed: int = 1) -> np.ndarray:
    return sampling.sample_simplex(n, m, np.random.default_rng(seed))


@pytest.mark.parametrize("method", ["wsm", "topsis"])
def test_two_opposite_alternatives(method: str) -> None:
    """A=(1,0), B=(0,1): b_A^1 = b_B^1 = 1/2, central weights (3/4, 1/4) and (1/4, 3/4)."""
    r = smaa.smaa2(np.array([[1.0, 0.0], [0.0, 1.0]]), _uniform(2), method=method)
    b = r.acceptability
    assert abs(b[0, 0] - 0.5) < 4 * _se(0.5) and abs(b[1, 0] - 0.5) < 4 * _se(0.5)
    assert np.allclose(b.sum(axis=1), 1) and np.allclose(b.sum(axis=0), 1)
    # w1 | w1 > 1/2 is U(1/2, 1): sd 0.5/sqrt(12); N/2 samples
    tol = 4 * 0.5 / np.sqrt(12) / np.sqrt(N / 2)
    assert np.allclose(r.central, [[0.75, 0.25], [0.25, 0.75]], atol=tol)
    assert r.confidence.tolist() == [1.0, 1.0]


def test_dominated_alternative_never_first() -> None:
    """D=(0.5, 0) is dominated by A=(1, 0): b_D^1 = 0; D beats B=(0, 1) iff 0.5 w1 > 1 − w1 iff w1 > 2/3."""
    x = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.0]])
    r = smaa.smaa2(x, _uniform(2))
    b = r.acceptability
    assert b[2, 0] == 0.0
    assert abs(b[2, 1] - 1 / 3) < 4 * _se(1 / 3) and abs(b[2, 2] - 2 / 3) < 4 * _se(2 / 3)
    assert np.isnan(r.central[2]).all() and np.isnan(r.confidence[2])


def test_three_alternatives_on_a_line() -> None:
    """A=(1,0), B=(0,1), C=(0.6,0.6): C = 0.6 flat, A = w1, B = 1 − w1.

    First: B on w1 < 0.4, C on (0.4, 0.6), A on w1 > 0.6 → b^1 = (0.4, 0.4, 0.2).
    A second on (0.5, 0.6) → b_A = (0.4, 0.1, 0.5); C never last → b_C = (0.2, 0.8, 0).
    Central weights: A (0.8, 0.2), B (0.2, 0.8), C (0.5, 0.5).
    """
    x = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.6]])
    r = smaa.smaa2(x, _uniform(2))
    want = np.array([[0.4, 0.1, 0.5], [0.4, 0.1, 0.5], [0.2, 0.8, 0.0]])
    assert np.all(np.abs(r.acceptability - want) < 4 * np.sqrt(want * (1 - want) / N) + 1e-12)
    assert np.allclose(r.central, [[0.8, 0.2], [0.2, 0.8], [0.5, 0.5]], atol=0.003)
    assert np.allclose(r.mc_error, np.sqrt(r.acceptability * (1 - r.acceptability) / N))


def test_ordinal_constraint_w1_above_w2() -> None:
    """Same line with w1 ≥ w2: w1 ~ U(0.5, 1) → b^1 = (0.8, 0, 0.2); centrals A (0.8,0.2), C (0.55,0.45)."""
    x = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.6]])
    w, _ = sampling.sample_weights(N, WeightConstraints(2, chains=((0, 1),)), np.random.default_rng(4))
    r = smaa.smaa2(x, w)
    assert abs(r.acceptability[0, 0] - 0.8) < 4 * _se(0.8)
    assert r.acceptability[1, 0] == 0.0 and r.acceptability[1, 2] == 1.0
    assert abs(r.acceptability[2, 0] - 0.2) < 4 * _se(0.2)
    assert np.allclose(r.central[0], [0.8, 0.2], atol=0.002)
    assert np.allclose(r.central[2], [0.55, 0.45], atol=0.002)


def test_three_criteria_identity_central_weight_is_largest_spacing() -> None:
    """Alternatives e1, e2, e3: b^1 = 1/3 each; w^c(e1) = E[w | w1 max] = (11/18, 7/36, 7/36)."""
    r = smaa.smaa2(np.eye(3), _uniform(3))
    assert np.all(np.abs(r.acceptability[:, 0] - 1 / 3) < 4 * _se(1 / 3))
    assert np.allclose(r.central[0], [11 / 18, 7 / 36, 7 / 36], atol=0.003)
    assert np.allclose(np.diag(r.central), 11 / 18, atol=0.003)


def test_confidence_factor_with_uncertain_values() -> None:
    """A=(U, U) with U ~ U(0, 1), B=(0.5, 0.5): A's score is U whatever the weights,
    so b_A^1 = 1/2, w^c_A = E[w] = (1/2, 1/2) and p^c_A = P(U > 1/2) = 1/2."""
    low = np.array([[0.0, 0.0], [0.5, 0.5]])
    high = np.array([[1.0, 1.0], [0.5, 0.5]])
    base = smaa.interval_sampler(low, high)

    def tied(k: int, rng: np.random.Generator) -> np.ndarray:
        xs = base(k, rng)
        xs[:, 0, 1] = xs[:, 0, 0]  # the same U on both criteria
        return xs

    r = smaa.smaa2(
        np.full((2, 2), 0.5),
        _uniform(2, 50_000),
        value_sampler=tied,
        rng=np.random.default_rng(8),
        confidence_samples=50_000,
    )
    assert abs(r.acceptability[0, 0] - 0.5) < 4 * _se(0.5, 50_000)
    assert np.allclose(r.central[0], [0.5, 0.5], atol=0.006)
    assert abs(r.confidence[0] - 0.5) < 4 * _se(0.5, 50_000)
    assert r.confidence_samples == 50_000


def test_mc_error_matches_spread_over_replications() -> None:
    """sqrt(b(1−b)/N) is the real spread: 300 independent runs of N=400 on A=(1,0), B=(0,1)."""
    rng = np.random.default_rng(99)
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    est = [smaa.smaa2(x, sampling.sample_simplex(400, 2, rng)).acceptability[0, 0] for _ in range(300)]
    predicted = np.sqrt(0.25 / 400)  # 0.025
    assert 0.85 * predicted < np.std(est, ddof=1) < 1.15 * predicted


def test_identical_alternatives_share_rank_one() -> None:
    r = smaa.smaa2(np.array([[0.3, 0.7], [0.3, 0.7], [0.0, 0.0]]), _uniform(2, 1000))
    assert r.acceptability[:, 0].tolist() == [1.0, 1.0, 0.0]


def test_holistic_meta_weights() -> None:
    """Centroid meta-weights for n = 3: (11/6, 5/6, 2/6) / (11/6) = (1, 5/11, 2/11)."""
    assert np.allclose(smaa.meta_weights(3, "centroid"), [1, 5 / 11, 2 / 11])
    assert np.allclose(smaa.meta_weights(3, "linear"), [1, 0.5, 0])
    assert np.allclose(smaa.meta_weights(3, "inverse"), [1, 0.5, 1 / 3])


def test_chunking_does_not_change_the_result() -> None:
    x = np.random.default_rng(0).random((50, 4))
    w = _uniform(4, 3000)
    a, b = smaa.smaa2(x, w, chunk=7), smaa.smaa2(x, w)
    assert np.array_equal(a.counts, b.counts) and np.allclose(a.central, b.central, equal_nan=True)


def test_unsupported_method_is_an_input_error() -> None:
    from prioritizer.errors import InputError

    with pytest.raises(InputError, match="not supported"):
        smaa.smaa2(np.eye(2), _uniform(2, 10), method="vikor")
