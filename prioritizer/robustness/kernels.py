"""Batched scoring kernels: many weight vectors (and value matrices) at once.

All inputs are the *prepared* normalised matrix of the scoring module — oriented so
that larger is better in every column — so no kernel needs criterion directions.
Pure numpy, no validation: the callers in :mod:`prioritizer.robustness.smaa` check shapes.

Shapes: ``x`` (n alternatives × m criteria); ``w`` (s samples × m); value samples
``xs`` (s × n × m). Scores come back as (s × n), larger = better.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from prioritizer.errors import InputError, Issue

#: method names (as the scoring module and the CLI spell them) -> batched kernel family
ADDITIVE = frozenset({"wsm", "saw", "additive", "weighted_sum"})
SUPPORTED = ("wsm", "topsis")


def canonical_method(method: str) -> str:
    m = (method or "").lower()
    if m in ADDITIVE:
        return "wsm"
    if m == "topsis":
        return "topsis"
    raise InputError(
        [
            Issue(
                "model",
                None,
                "method",
                method,
                f"robustness analysis supports the methods {', '.join(SUPPORTED)} (additive value and "
                "TOPSIS); choose one of them with --method or in the model",
            )
        ],
        f"method {method!r} is not supported by the robustness analysis",
    )


def wsm(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Additive value u_i(w) = Σ_j w_j x_ij for every weight sample: ``W @ Xᵀ`` (s × n)."""
    return w @ x.T


def wsm_values(xs: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Additive value with one value matrix per sample: u_si = Σ_j w_sj x_sij."""
    return np.einsum("snm,sm->sn", xs, w, optimize=True)


def _closeness(dplus2: np.ndarray, dminus2: np.ndarray) -> np.ndarray:
    dp, dm = np.sqrt(np.maximum(dplus2, 0.0)), np.sqrt(np.maximum(dminus2, 0.0))
    den = dp + dm
    # den = 0 only if every alternative is identical under these weights: all equally close
    return np.divide(dm, den, out=np.full_like(den, 0.5), where=den > 0)


def topsis(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """TOPSIS closeness C_i = d_i⁻ / (d_i⁺ + d_i⁻) (Hwang & Yoon 1981) for every weight sample.

    On the weighted matrix v_ij = w_j x_ij the ideal is w_j max_i x_ij (w ≥ 0), so
    (d_i⁺)² = Σ_j w_j² (x_ij − max_k x_kj)² is one matrix product: ``(W∘W) @ ((X − max)²)ᵀ``.
    """
    w2 = w * w
    dp2 = w2 @ ((x - x.max(axis=0)) ** 2).T
    dm2 = w2 @ ((x - x.min(axis=0)) ** 2).T
    return _closeness(dp2, dm2)


def topsis_values(xs: np.ndarray, w: np.ndarray) -> np.ndarray:
    """TOPSIS with one value matrix per sample (ideal and anti-ideal re-computed per sample)."""
    w2 = (w * w)[:, None, :]
    dp2 = (w2 * (xs - xs.max(axis=1, keepdims=True)) ** 2).sum(axis=2)
    dm2 = (w2 * (xs - xs.min(axis=1, keepdims=True)) ** 2).sum(axis=2)
    return _closeness(dp2, dm2)


Scorer = Callable[[np.ndarray, np.ndarray], np.ndarray]


def scorers(method: str) -> tuple[Scorer, Scorer]:
    """(fixed-matrix kernel, per-sample-matrix kernel) for a method name."""
    m = canonical_method(method)
    return (wsm, wsm_values) if m == "wsm" else (topsis, topsis_values)


def rank_rows(scores: np.ndarray, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Rank each row (1 = best) with the *min* (competition) rule for ties.

    Returns ``order`` (the alternative at each sorted position, best first) and
    ``rank_sorted`` (the rank of that position) — together they give both the rank of
    every alternative and the counts per (alternative, rank) without a scatter.
    Ties: scores within ``tol`` of the previous sorted score share its rank ("1224").
    """
    s, n = scores.shape
    order = np.argsort(-scores, axis=1)
    sorted_scores = np.take_along_axis(scores, order, axis=1)
    tie = (sorted_scores[:, :-1] - sorted_scores[:, 1:]) <= tol
    rank_sorted = np.broadcast_to(np.arange(1, n + 1), (s, n))
    rows = np.flatnonzero(tie.any(axis=1))
    if rows.size:
        # only rows with ties need the "carry the first rank of a tie group forward" pass
        rank_sorted = rank_sorted.copy()
        new = np.ones((rows.size, n), dtype=bool)
        new[:, 1:] = ~tie[rows]
        pos = np.where(new, np.arange(n)[None, :], 0)
        rank_sorted[rows] = np.maximum.accumulate(pos, axis=1) + 1
    return order, rank_sorted


def ranks(scores: np.ndarray, tol: float = 0.0) -> np.ndarray:
    """Rank of every alternative in every row (1 = best, ties share the best rank)."""
    order, rank_sorted = rank_rows(scores, tol)
    out = np.empty_like(rank_sorted)
    np.put_along_axis(out, order, rank_sorted, axis=1)
    return out
