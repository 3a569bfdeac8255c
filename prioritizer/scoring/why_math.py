"""The numbers behind :func:`prioritizer.scoring.why.why`: the gap split and the swap search.

Definitions, formulas and references: the docstring of :mod:`prioritizer.scoring.why` and
docs/methodology/scoring.md §11. Pure numpy on a :class:`~prioritizer.scoring.api.Ranking`;
the one-criterion sweeps reuse :mod:`prioritizer.robustness.sensitivity` (pure numpy too).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from prioritizer.robustness import sensitivity

if TYPE_CHECKING:
    from prioritizer.scoring.api import Ranking

#: methods whose pair order is linear in the weights (closed-form swap)
LINEAR_IN_WEIGHTS = frozenset({"wsm", "wpm", "promethee_ii"})
#: how ``by_criterion`` is obtained, per method (also the message kind explaining it)
DECOMPOSITION = {
    "wsm": "contributions",
    "topsis": "shapley",
    "promethee_ii": "contributions",
    "wpm": "lmdi",
    "vikor": "shapley",
}
GRID = 201
BISECT = 60
SHAPLEY_EXACT_MAX = 12
SHAPLEY_PERMUTATIONS = 4096
_TOL = 1e-12


def fnum(x: Any) -> float | None:
    """A float for the JSON: None for missing or non-finite values, and no "-0.0"."""
    if x is None:
        return None
    x = float(x)
    return x + 0.0 if math.isfinite(x) else None


# --------------------------------------------------------------------------- gap split


def _vikor_score_of_rows(d_rows: np.ndarray, s_all: np.ndarray, r_all: np.ndarray, v: float) -> np.ndarray:
    """1 − Q for regret rows (k × m), with S*, S⁻, R*, R⁻ of the actual matrix held fixed."""
    s, r = d_rows.sum(axis=1), d_rows.max(axis=1)
    s_rng, r_rng = s_all.max() - s_all.min(), r_all.max() - r_all.min()
    qs = (s - s_all.min()) / s_rng if s_rng > 0 else np.zeros_like(s)
    qr = (r - r_all.min()) / r_rng if r_rng > 0 else np.zeros_like(r)
    return 1.0 - (v * qs + (1 - v) * qr)


def shapley_rows(
    value: Callable[[np.ndarray], np.ndarray], row_a: np.ndarray, row_b: np.ndarray
) -> np.ndarray:
    """Shapley values φ_j of the game v(T) = value(a on T, b elsewhere); Σ φ = value(a) − value(b).

    Exact for m ≤ SHAPLEY_EXACT_MAX (all 2^m coalitions, weights |T|!(m−|T|−1)!/m!); otherwise the
    mean marginal contribution over SHAPLEY_PERMUTATIONS seeded random orders (Castro et al. 2009),
    which keeps Σ φ exact because every order's marginals telescope.
    """
    m = row_a.size
    if m <= SHAPLEY_EXACT_MAX:
        masks = (np.arange(2**m)[:, None] >> np.arange(m)[None, :]) & 1
        vals = value(np.where(masks == 1, row_a[None, :], row_b[None, :]))
        size = masks.sum(axis=1)
        wt = np.array([math.factorial(s) * math.factorial(m - s - 1) / math.factorial(m) for s in range(m)])
        phi = np.zeros(m)
        idx = np.arange(2**m)
        for j in range(m):
            without = idx[masks[:, j] == 0]
            phi[j] = float((wt[size[without]] * (vals[without | (1 << j)] - vals[without])).sum())
        return phi
    rng = np.random.default_rng(0)
    phi = np.zeros(m)
    for _ in range(SHAPLEY_PERMUTATIONS):
        perm = rng.permutation(m)
        rows = np.repeat(row_b[None, :], m + 1, axis=0)
        for pos, j in enumerate(perm):
            rows[pos + 1 :, j] = row_a[j]
        vals = value(rows)
        phi[perm] += np.diff(vals)
    return phi / SHAPLEY_PERMUTATIONS


def gap_parts(r: Ranking, i: int, j: int) -> tuple[np.ndarray, np.ndarray, str]:
    """(parts summing to the gap, raw contribution differences, decomposition kind)."""
    c = r.contributions.to_numpy(dtype=float)
    raw = c[i] - c[j]
    kind = DECOMPOSITION[r.method]
    if kind == "contributions":
        return raw, raw, kind
    if kind == "lmdi":
        pa, pb = float(r.scores[i]), float(r.scores[j])
        lg = math.log(pa) - math.log(pb)
        lmean = (pa - pb) / lg if abs(lg) > _TOL else pa
        return raw * lmean, raw, kind
    d = r.details
    if r.method == "topsis":
        v = r.prepared.normalised
        w = np.asarray(r.prepared.weights, float)
        vmax, vmin = v.max(axis=0), v.min(axis=0)  # the ideal and anti-ideal (w ≥ 0), held fixed

        def closeness(rows: np.ndarray) -> np.ndarray:
            dp = np.sqrt(((w * (rows - vmax)) ** 2).sum(axis=1))
            dm = np.sqrt(((w * (rows - vmin)) ** 2).sum(axis=1))
            den = dp + dm
            return np.divide(dm, den, out=np.full_like(den, 0.5), where=den > 0)

        return shapley_rows(closeness, v[i], v[j]), raw, kind
    strategy = float(d["v"])
    regret = np.asarray(d["regret"], float)
    s_all, r_all = np.asarray(d["s"], float), np.asarray(d["r"], float)
    phi = shapley_rows(lambda rows: _vikor_score_of_rows(rows, s_all, r_all, strategy), regret[i], regret[j])
    return phi, raw, kind


# --------------------------------------------------------------------------- swap


def _linear_terms(r: Ranking) -> np.ndarray:
    """Per-item per-criterion terms whose weighted sum orders the items (linear methods only)."""
    v = r.prepared.normalised
    if r.method == "wsm":
        return v
    if r.method == "wpm":
        return np.log(v)
    return np.asarray(r.details["unicriterion"], float)


def min_l1_transfer(delta: np.ndarray, w: np.ndarray) -> list[tuple[int, int, float]] | None:
    """Minimal L1 weight change (Σw = 1 kept, w ≥ 0) making Σ w_j δ_j = 0, from Σ w δ > 0.

    Returns the moves [(from, to, amount)], [] when already tied, None when impossible (δ ≥ 0).
    """
    g = float(w @ delta)
    if g <= _TOL:
        return []
    q = int(np.argmin(delta))
    if delta[q] >= -_TOL:
        return None
    need, moves = g, []
    for p in np.argsort(-delta, kind="stable"):
        p = int(p)
        rate = delta[p] - delta[q]
        if p == q or rate <= _TOL or w[p] <= 0:
            continue
        eps = min(float(w[p]), need / rate)
        moves.append((p, q, eps))
        need -= eps * rate
        if need <= _TOL * max(1.0, g):
            break
    return moves


def pareto_minimal(x: np.ndarray, block: int = 256) -> np.ndarray:
    """Indices of the Pareto-minimal rows of x (no other row ≤ everywhere; equal rows kept once).

    For w ≥ 0, min_i max_j w_j x_ij is attained on these rows whatever the weights, so VIKOR's
    R* needs only them. Rows are visited by increasing sum — a row can be dominated only by one
    visited earlier — in blocks compared against the front found so far.
    """
    n, m = x.shape
    order = np.argsort(x.sum(axis=1), kind="stable")
    front = np.empty((0, m))
    keep: list[np.ndarray] = []
    for s0 in range(0, n, block):
        blk = order[s0 : s0 + block]
        zb = x[blk]
        dom = (front[None, :, :] <= zb[:, None, :]).all(axis=2).any(axis=1)
        earlier = (zb[None, :, :] <= zb[:, None, :]).all(axis=2) & np.tri(len(blk), k=-1, dtype=bool)
        dom |= earlier.any(axis=1)
        front = np.vstack([front, zb[~dom]])
        keep.append(blk[~dom])
    return np.sort(np.concatenate(keep)) if keep else np.zeros(0, dtype=int)


def _pair_scorer(method: str, r: Ranking, u: int, lo: int) -> Callable[[np.ndarray], np.ndarray]:
    """W (k × m, rows on the simplex) -> score_u − score_l under each weight row (non-linear methods).

    Only the rows that can matter are evaluated: TOPSIS's ideal and anti-ideal are w ∘ (column max /
    min) for w ≥ 0, so the two items' rows suffice; for VIKOR, S for every item is one matrix
    product, R⁻ = max_j w_j max_i n_ij, and R* lies on the Pareto-minimal regret rows
    (:func:`pareto_minimal`).
    """
    v = r.prepared.normalised
    if method == "topsis":
        rows = v[[u, lo]]
        plus2 = ((rows - v.max(axis=0)) ** 2).T  # m × 2
        minus2 = ((rows - v.min(axis=0)) ** 2).T

        def diff(wts: np.ndarray) -> np.ndarray:
            w2 = wts * wts
            dp, dm = np.sqrt(w2 @ plus2), np.sqrt(w2 @ minus2)
            den = dp + dm
            c = np.divide(dm, den, out=np.full_like(den, 0.5), where=den > 0)
            return c[:, 0] - c[:, 1]

        return diff
    strategy = float(r.details["v"])
    fs, fw = v.max(axis=0), v.min(axis=0)
    span = fs - fw
    norm = np.divide(fs - v, span, out=np.zeros_like(v), where=span > 0)  # (f* − f)/(f* − f⁻)
    col_max = norm.max(axis=0)
    front = norm[pareto_minimal(norm)]
    nu, nl = norm[u], norm[lo]
    chunk = max(1, 2_000_000 // max(1, front.size))

    def _scaled(z: np.ndarray, lo_: np.ndarray, hi_: np.ndarray) -> np.ndarray:  # as kernels.vikor
        rng = hi_ - lo_
        return np.divide(z - lo_, rng, out=np.zeros_like(z), where=rng > 0)

    def diff_vikor(wts: np.ndarray) -> np.ndarray:
        out = np.empty(len(wts))
        for s0 in range(0, len(wts), chunk):
            wk = wts[s0 : s0 + chunk]
            s_all = wk @ norm.T  # S_i = Σ_j w_j n_ij
            r_star = (wk[:, None, :] * front[None, :, :]).max(axis=2).min(axis=1)
            r_worst = (wk * col_max).max(axis=1)
            s_lo, s_hi = s_all.min(axis=1), s_all.max(axis=1)
            pair_s = np.stack([s_all[:, u], s_all[:, lo]], axis=1)
            pair_r = np.stack([(wk * nu).max(axis=1), (wk * nl).max(axis=1)], axis=1)
            q = strategy * _scaled(pair_s, s_lo[:, None], s_hi[:, None]) + (1 - strategy) * _scaled(
                pair_r, r_star[:, None], r_worst[:, None]
            )
            out[s0 : s0 + chunk] = q[:, 1] - q[:, 0]  # score = 1 − Q
        return out

    return diff_vikor


def _first_swap(
    path: Callable[[np.ndarray], np.ndarray], diff: Callable[[np.ndarray], np.ndarray], end: float
) -> float | None:
    """Smallest s ∈ (0, end] with diff(path(s)) < 0 (strictly swapped): grid of GRID points, then
    bisection down to the tie point (BISECT halvings; the returned s is on the swapped side)."""
    if end <= 0:
        return None
    ts = np.linspace(0.0, end, GRID)
    g = diff(path(ts))
    hit = np.flatnonzero(g[1:] < 0)
    if hit.size == 0:
        return None
    k = int(hit[0]) + 1
    lo, hi = float(ts[k - 1]), float(ts[k])
    for _ in range(BISECT):
        mid = 0.5 * (lo + hi)
        if diff(path(np.array([mid])))[0] < 0:
            hi = mid
        else:
            lo = mid
    return hi


def _best_single_transfer(
    diff: Callable[[np.ndarray], np.ndarray], w: np.ndarray
) -> tuple[int, int, float] | None:
    m = w.size
    best: tuple[int, int, float] | None = None
    for p in range(m):
        for q in range(m):
            if p == q or w[p] <= 0:
                continue
            e = np.zeros(m)
            e[p], e[q] = -1.0, 1.0

            def path(s: np.ndarray, e: np.ndarray = e) -> np.ndarray:
                return w[None, :] + np.asarray(s)[:, None] * e[None, :]

            eps = _first_swap(path, diff, float(w[p]))
            if eps is not None and (best is None or eps < best[2]):
                best = (p, q, eps)
    return best


def _one_criterion(
    r: Ranking, w: np.ndarray, u: int, lo: int, linear: bool, diff: Callable[[np.ndarray], np.ndarray] | None
) -> list[dict[str, Any]]:
    """Per criterion, the weight t (others rescaled proportionally) at which l draws level with u."""
    crit = r.prepared.criteria
    out = []
    if linear:
        x = _linear_terms(r)
        for rec in sensitivity.pair_threshold_additive(x, w, u, lo):
            if rec["t"] is None:
                continue
            k = int(rec["criterion"])  # type: ignore[call-overload]
            out.append(
                {
                    "criterion": crit[k],
                    "weight": fnum(w[k]),
                    "t": fnum(rec["t"]),  # type: ignore[arg-type]
                    "delta": fnum(rec["delta"]),  # type: ignore[arg-type]
                    "direction": rec["direction"],
                }
            )
    else:
        assert diff is not None
        for k, c in enumerate(crit):
            found: list[float] = []
            for end in (1.0, 0.0):
                span = end - float(w[k])
                if abs(span) <= _TOL:
                    continue

                def path(s: np.ndarray, k: int = k, span: float = span) -> np.ndarray:
                    return sensitivity.proportional_weights(w, k, float(w[k]) + span * np.asarray(s))

                s = _first_swap(path, diff, 1.0)
                if s is not None:
                    found.append(float(w[k]) + span * s)
            if found:
                t = min(found, key=lambda t: abs(t - float(w[k])))
                out.append(
                    {
                        "criterion": c,
                        "weight": fnum(w[k]),
                        "t": fnum(t),
                        "delta": fnum(t - w[k]),
                        "direction": "increase" if t > w[k] else "decrease",
                    }
                )
    out.sort(key=lambda rec: abs(rec["delta"]))
    return out


def swap(r: Ranking, i: int, j: int, gap: float) -> dict[str, Any]:
    pm = r.prepared
    crit = pm.criteria
    w = np.asarray(pm.weights, float)
    w = w / w.sum() if w.sum() > 0 else w
    linear = r.method in LINEAR_IN_WEIGHTS
    before = {c: fnum(x) for c, x in zip(crit, w, strict=True)}
    base: dict[str, Any] = {
        "exact": linear,
        "definition": "min_l1_transfer" if linear else "smallest_found",
        "weights_before": before,
    }
    if abs(gap) <= pm.model.tie_tolerance:
        return {
            **base,
            "possible": True,
            "reason": "tied",
            "moves": [],
            "amount": 0.0,
            "l1": 0.0,
            "weights_after": before,
            "one_criterion": [],
        }
    u, lo = (i, j) if gap > 0 else (j, i)
    diff = None
    path = "transfer"
    after: np.ndarray | None = None
    if linear:
        x = _linear_terms(r)
        delta = x[u] - x[lo]
        moves = min_l1_transfer(delta, w)
        one = _one_criterion(r, w, u, lo, linear, diff)
    else:
        diff = _pair_scorer(r.method, r, u, lo)
        best = _best_single_transfer(diff, w)
        moves = [best] if best is not None else None
        one = _one_criterion(r, w, u, lo, linear, diff)
        # changing w_k to t with the others rescaled moves |t − w_k| of weight (half its L1 change)
        if one and (moves is None or abs(one[0]["delta"]) < moves[0][2]):
            k = crit.index(one[0]["criterion"])
            t = float(one[0]["t"])
            after = sensitivity.proportional_weights(w, k, t)[0]
            step = after - w
            moves = (
                [(q, k, float(-step[q])) for q in range(len(w)) if q != k and -step[q] > 0]
                if t > w[k]
                else [(k, q, float(step[q])) for q in range(len(w)) if q != k and step[q] > 0]
            )
            path = "one_criterion"
    if moves is None:
        reason = "dominates" if linear else "not_found"
        return {
            **base,
            "possible": False,
            "reason": reason,
            "moves": [],
            "amount": None,
            "l1": None,
            "weights_after": None,
            "one_criterion": one,
        }
    if after is None:
        after = w.copy()
        for p, q, eps in moves:
            after[p] -= eps
            after[q] += eps
        after = np.maximum(after, 0.0)  # a source emptied to −1e-17 by rounding
    amount = float(sum(e for _, _, e in moves))
    return {
        **base,
        "possible": True,
        "reason": None,
        "path": path,
        "moves": [{"from": crit[p], "to": crit[q], "amount": fnum(eps)} for p, q, eps in moves],
        "amount": fnum(amount),
        "l1": fnum(2 * amount),
        "weights_after": {c: fnum(x) for c, x in zip(crit, after, strict=True)},
        "one_criterion": one,
    }
