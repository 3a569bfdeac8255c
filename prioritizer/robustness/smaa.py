"""SMAA-2: rank acceptability, central weights, confidence factors (vectorised).

Stochastic multicriteria acceptability analysis (Lahdelma & Salminen 2001, "SMAA-2:
Stochastic multicriteria acceptability analysis for group decision making",
*Operations Research* 49(3):444–454), computed by Monte Carlo as in Tervonen &
Lahdelma (2007), "Implementing stochastic multicriteria acceptability analysis",
*EJOR* 178(2):500–513. With weights w ~ f_W on the feasible set W and values
ξ ~ f_X:

* rank acceptability   b_i^r = P[rank(ξ_i, w) = r]                  (n × n matrix)
* central weight       w_i^c = E[w | rank(ξ_i, w) = 1]              (undefined if b_i^1 = 0)
* confidence factor    p_i^c = P_ξ[rank(ξ_i, w_i^c) = 1]            (1 or 0 without value uncertainty)
* holistic index       a_i^h = Σ_r α_r b_i^r, α_1 = 1 ≥ α_2 ≥ … ≥ 0  (L&S 2001 §3.3)

Each estimate b̂ from N samples has Monte Carlo standard error sqrt(b̂(1 − b̂)/N)
(binomial proportion; Tervonen & Lahdelma 2007 §4 size N from it).

Ties share the best rank (competition ranking "1224"), so with tied alternatives a
column of the acceptability matrix can sum to more than 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from prioritizer.robustness import kernels

#: (sample count, rng) -> (count × n × m) value matrices in the normalised space
ValueSampler = Callable[[int, np.random.Generator], np.ndarray]
Progress = Callable[[int, int], None]
MetaWeights = Literal["centroid", "linear", "inverse"]

#: score differences below this count as ties (scores are sums of products of numbers in [0, 1])
TIE_TOL = 1e-12


@dataclass(frozen=True)
class SmaaResult:
    samples: int
    #: counts[i, r] = number of samples in which alternative i had rank r + 1
    counts: np.ndarray
    #: central weight vectors (n × m); NaN rows where b_i^1 = 0
    central: np.ndarray
    #: confidence factors (n); NaN where there is no central weight
    confidence: np.ndarray
    #: value samples used for the confidence factors (0 = deterministic values)
    confidence_samples: int

    @property
    def acceptability(self) -> np.ndarray:
        return self.counts / self.samples

    @property
    def mc_error(self) -> np.ndarray:
        """Standard error of every b_i^r: sqrt(b(1 − b)/N)."""
        b = self.acceptability
        return np.sqrt(b * (1.0 - b) / self.samples)

    def holistic(self, meta: MetaWeights = "centroid") -> np.ndarray:
        return self.acceptability @ meta_weights(self.counts.shape[1], meta)


def meta_weights(n: int, kind: MetaWeights = "centroid") -> np.ndarray:
    """Rank meta-weights α_1..α_n for the holistic acceptability index (L&S 2001 §3.3).

    ``linear`` α_r = (n − r)/(n − 1); ``inverse`` α_r = 1/r; ``centroid``
    α_r = Σ_{k=r..n} 1/k / Σ_{k=1..n} 1/k (rank-order centroid, scaled so α_1 = 1).
    """
    r = np.arange(1, n + 1, dtype=float)
    if kind == "linear":
        return (n - r) / (n - 1) if n > 1 else np.ones(1)
    if kind == "inverse":
        return 1.0 / r
    tail = np.cumsum((1.0 / r)[::-1])[::-1]
    return tail / tail[0]


def _chunk_rows(n: int, m: int, with_values: bool) -> int:
    # keep each chunk's score matrix (and value tensor) to a few tens of MB
    per = n * (m if with_values else 1)
    return int(max(1, min(100_000, 2_000_000 // max(per, 1))))


def smaa2(
    x: np.ndarray,
    w: np.ndarray,
    *,
    method: str = "wsm",
    value_sampler: ValueSampler | None = None,
    rng: np.random.Generator | None = None,
    confidence_samples: int | None = None,
    progress: Progress | None = None,
    chunk: int | None = None,
    tol: float = TIE_TOL,
) -> SmaaResult:
    """Run SMAA-2 for the normalised matrix ``x`` (n × m) and weight samples ``w`` (N × m).

    ``value_sampler`` draws value matrices (uncertain criterion values); without it ``x``
    is exact. ``tol``: score differences within it are ties. ``rng`` feeds the value sampler (weights are already drawn); the
    confidence factors use an independent child stream so that acceptabilities do not
    depend on whether they are computed.
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    n, m = x.shape
    big_n = w.shape[0]
    fixed, per_sample = kernels.scorers(method)
    rng = rng if rng is not None else np.random.default_rng(0)
    value_rng, conf_rng = rng.spawn(2)
    chunk = chunk or _chunk_rows(n, m, value_sampler is not None)

    counts = np.zeros(n * n, dtype=np.int64)
    central_sum = np.zeros((n, m))
    done = 0
    for start in range(0, big_n, chunk):
        wc = w[start : start + chunk]
        scores = fixed(x, wc) if value_sampler is None else per_sample(value_sampler(len(wc), value_rng), wc)
        order, rank_sorted = kernels.rank_rows(scores, tol)
        counts += np.bincount((order * n + rank_sorted - 1).ravel(), minlength=n * n)
        rows, pos = np.nonzero(rank_sorted == 1)
        winners = order[rows, pos]
        for j in range(m):
            central_sum[:, j] += np.bincount(winners, weights=wc[rows, j], minlength=n)
        done += len(wc)
        if progress is not None:
            progress(done, big_n)

    counts = counts.reshape(n, n)
    first = counts[:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        central = np.where(first[:, None] > 0, central_sum / first[:, None], np.nan)

    confidence = np.full(n, np.nan)
    has = np.flatnonzero(first > 0)
    conf_n = 0
    if has.size:
        if value_sampler is None:
            r = kernels.ranks(fixed(x, central[has]), tol)
            confidence[has] = (r[np.arange(has.size), has] == 1).astype(float)
        else:
            conf_n = int(confidence_samples or min(big_n, 2_000))
            hits = np.zeros(has.size)
            step = _chunk_rows(n, m, True)
            for start in range(0, conf_n, step):
                k = min(step, conf_n - start)
                xs = value_sampler(k, conf_rng)
                for idx, i in enumerate(has):
                    s = per_sample(xs, np.broadcast_to(central[i], (k, m)))
                    hits[idx] += np.count_nonzero(s[:, i] >= s.max(axis=1) - tol)
            confidence[has] = hits / conf_n
    return SmaaResult(big_n, counts, central, confidence, conf_n)


def interval_sampler(low: np.ndarray, high: np.ndarray) -> ValueSampler:
    """Independent uniform values on [low_ij, high_ij] (exact where low = high).

    Uniform within the interval is the maximum-entropy choice when only bounds are known
    (Tervonen & Lahdelma 2007 §2 use it for interval measurements).
    """
    lo = np.asarray(low, float)
    width = np.asarray(high, float) - lo

    def draw(k: int, rng: np.random.Generator) -> np.ndarray:
        return lo + rng.random((k, *lo.shape)) * width

    return draw
