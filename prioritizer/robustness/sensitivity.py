"""One-at-a-time weight sensitivity: sweeps, tornado data, rank-reversal thresholds.

Sweep convention: criterion k's weight is set to t ∈ [0, 1] and every other weight is
rescaled proportionally so the weights still sum to 1,

    w_k(t) = t,    w_j(t) = w_j (1 − t) / (1 − w_k)   (j ≠ k).

For an additive model u_i(w) = Σ_j w_j x_ij this makes each score a straight line in t:

    u_i(t) = R_ik + t (x_ik − R_ik),   R_ik = Σ_{j≠k} w_j x_ij / (1 − w_k),

so items i and j tie exactly at t* = (R_jk − R_ik) / (a_ik − a_jk), a = x − R, and
the thresholds below are closed-form (no grid). The item ranked higher at the current
weight keeps its place on one side of t* and loses it on the other.

Triantaphyllou & Sánchez (1997), "A sensitivity analysis approach for some
deterministic multi-criteria decision-making methods", *Decision Sciences*
28(1):151–194, measure the same event as the smallest change δ of w_k alone
(then re-normalised): for i ranked above j, δ*_{k,i,j} = (P_j − P_i)/(x_ik − x_jk),
feasible when w_k + δ* ≥ 0, and the relative change δ*/w_k is the criticality. The
two descriptions coincide: re-normalising w + δ e_k gives w_k = (w_k + δ)/(1 + δ)
with the others scaled by 1/(1 + δ) — exactly the proportional sweep at
t = (w_k + δ)/(1 + δ).

Other methods (TOPSIS) get the same outputs numerically: a grid over t, then
bisection on the score difference of the pair that swaps (resolution 1e-10; a swap
and swap-back inside one grid step can be missed — reported as ``exact: false``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prioritizer.robustness import kernels

_EPS = 1e-12


def proportional_weights(w: np.ndarray, k: int, t: np.ndarray | float) -> np.ndarray:
    """Weight vectors with w_k = t and the others rescaled by (1 − t)/(1 − w_k)."""
    w = np.asarray(w, float)
    t = np.atleast_1d(np.asarray(t, float))
    rest = 1.0 - w[k]
    # all weight on k: spread the remainder equally over the others (the only neutral choice)
    others = np.full_like(w, 1.0 / max(len(w) - 1, 1)) if rest <= _EPS else w / rest
    out = (1.0 - t)[:, None] * others[None, :]
    out[:, k] = t
    return out


def lines(x: np.ndarray, w: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Additive scores along the sweep of criterion k: u_i(t) = R_i + a_i t."""
    w = np.asarray(w, float)
    rest = 1.0 - w[k]
    if rest <= _EPS:
        base = np.delete(x, k, axis=1).mean(axis=1)
    else:
        wk = w.copy()
        wk[k] = 0.0
        base = x @ wk / rest
    return base, x[:, k] - base


@dataclass(frozen=True)
class Thresholds:
    """Per (item, criterion): nearest weight above / below the current one at which the
    item's rank changes, and the item it ties with there (-1 / NaN: none in [0, 1])."""

    up: np.ndarray
    up_with: np.ndarray
    down: np.ndarray
    down_with: np.ndarray
    exact: bool


def _nearest_crossings(
    r: np.ndarray, a: np.ndarray, t0: float, block: int = 1024
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = r.size
    up = np.full(n, np.nan)
    down = np.full(n, np.nan)
    up_with = np.full(n, -1)
    down_with = np.full(n, -1)
    for s in range(0, n, block):
        rb, ab = r[s : s + block, None], a[s : s + block, None]
        den = ab - a[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (r[None, :] - rb) / den
        t[np.abs(den) <= _EPS] = np.nan
        hi = np.where((t > t0 + 1e-12) & (t <= 1.0 + 1e-12), t, np.inf)
        lo = np.where((t < t0 - 1e-12) & (t >= -1e-12), t, -np.inf)
        j_up, j_dn = hi.argmin(axis=1), lo.argmax(axis=1)
        rows = np.arange(len(rb))
        v_up, v_dn = hi[rows, j_up], lo[rows, j_dn]
        ok_up, ok_dn = np.isfinite(v_up), np.isfinite(v_dn)
        up[s : s + block] = np.where(ok_up, np.clip(v_up, 0, 1), np.nan)
        down[s : s + block] = np.where(ok_dn, np.clip(v_dn, 0, 1), np.nan)
        up_with[s : s + block] = np.where(ok_up, j_up, -1)
        down_with[s : s + block] = np.where(ok_dn, j_dn, -1)
    return up, up_with, down, down_with


def additive_thresholds(x: np.ndarray, w: np.ndarray) -> Thresholds:
    """Exact rank-change thresholds for the additive model (closed form, see module doc)."""
    n, m = x.shape
    out = [np.full((n, m), np.nan), np.full((n, m), -1), np.full((n, m), np.nan), np.full((n, m), -1)]
    for k in range(m):
        r, a = lines(x, w, k)
        for arr, col in zip(out, _nearest_crossings(r, a, float(w[k])), strict=True):
            arr[:, k] = col
    return Thresholds(out[0], out[1], out[2], out[3], exact=True)


def pair_threshold_additive(x: np.ndarray, w: np.ndarray, i: int, j: int) -> list[dict[str, object]]:
    """For each criterion, the weight at which items i and j swap (additive, exact).

    ``direction`` says whether w_k must rise or fall from its current value; ``after``
    names the item on top beyond the threshold. None when they never swap in [0, 1].
    """
    out: list[dict[str, object]] = []
    for k in range(x.shape[1]):
        r, a = lines(x, w, k)
        t0 = float(w[k])
        den = a[i] - a[j]
        t = None if abs(den) <= _EPS else float((r[j] - r[i]) / den)
        if t is None or not (-1e-12 <= t <= 1 + 1e-12) or abs(t - t0) <= 1e-12:
            out.append({"criterion": k, "t": None, "delta": None, "direction": None, "after": None})
            continue
        t = min(max(t, 0.0), 1.0)
        beyond = t + (1e-6 if t > t0 else -1e-6)
        top_after = i if r[i] + a[i] * beyond > r[j] + a[j] * beyond else j
        out.append(
            {
                "criterion": k,
                "t": t,
                "delta": t - t0,
                "direction": "increase" if t > t0 else "decrease",
                "after": top_after,
            }
        )
    return out


def minimum_change(x: np.ndarray, w: np.ndarray) -> dict[str, np.ndarray]:
    """Triantaphyllou & Sánchez (1997) minimum weight change δ*_{k,i,j} for the additive model.

    For every criterion k and every ordered pair (i above j at the current weights):
    δ* = (P_j − P_i)/(x_ik − x_jk), feasible iff w_k + δ* ≥ 0. Returns, per criterion,
    the smallest |δ*| over feasible pairs ("percent-any") and over pairs with the top
    item ("percent-top"), with the pair and the relative change δ*/w_k.
    """
    _n, m = x.shape
    p = x @ w
    top = int(np.argmax(p))
    res = {key: np.full(m, np.nan) for key in ("any_delta", "any_i", "any_j", "top_delta", "top_j")}
    for k in range(m):
        diff_p = p[None, :] - p[:, None]  # P_j − P_i
        diff_x = x[:, k][:, None] - x[:, k][None, :]  # x_ik − x_jk
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = diff_p / diff_x
        above = p[:, None] > p[None, :] + _EPS
        ok = above & (np.abs(diff_x) > _EPS) & (w[k] + delta >= -1e-12)
        mag = np.where(ok, np.abs(delta), np.inf)
        if np.isfinite(mag).any():
            i, j = np.unravel_index(np.argmin(mag), mag.shape)
            res["any_delta"][k], res["any_i"][k], res["any_j"][k] = delta[i, j], i, j
        row = mag[top]
        if np.isfinite(row).any():
            j = int(np.argmin(row))
            res["top_delta"][k], res["top_j"][k] = delta[top, j], j
    with np.errstate(divide="ignore", invalid="ignore"):
        res["any_percent"] = 100.0 * res["any_delta"] / w
        res["top_percent"] = 100.0 * res["top_delta"] / w
    res["top"] = np.array([top])
    return res


def sweep(x: np.ndarray, w: np.ndarray, k: int, ts: np.ndarray, scorer: kernels.Scorer) -> np.ndarray:
    """Scores (len(ts) × n) along the proportional sweep of criterion k."""
    return scorer(x, proportional_weights(w, k, ts))


def numeric_thresholds(x: np.ndarray, w: np.ndarray, scorer: kernels.Scorer, grid: int = 201) -> Thresholds:
    """Rank-change thresholds for any scorer: grid over t, then bisection on the pair that swaps."""
    n, m = x.shape
    up, down = np.full((n, m), np.nan), np.full((n, m), np.nan)
    up_with, down_with = np.full((n, m), -1), np.full((n, m), -1)
    items = np.arange(n)
    for k in range(m):
        t0 = float(w[k])
        for sign, t_arr, with_arr in ((1, up, up_with), (-1, down, down_with)):
            end = 1.0 if sign > 0 else 0.0
            if abs(end - t0) <= 1e-12:
                continue
            ts = np.concatenate([[t0], np.linspace(t0, end, grid)[1:]])
            s = sweep(x, w, k, ts, scorer)  # G × n
            base = s[0]
            # order of i vs every j at each grid point, compared with the start
            first_cell = np.full(n, -1)
            partner = np.full(n, -1)
            for g in range(1, len(ts)):
                pending = first_cell < 0
                if not pending.any():
                    break
                flipped = np.sign(s[g][None, :] - s[g][:, None]) * np.sign(base[None, :] - base[:, None]) < 0
                flipped[items, items] = False
                hit = pending & flipped.any(axis=1)
                if hit.any():
                    first_cell[hit] = g
                    # earliest crossing by linear interpolation inside the cell
                    prev = s[g - 1]
                    fa = prev[:, None] - prev[None, :]
                    fb = s[g][:, None] - s[g][None, :]
                    with np.errstate(divide="ignore", invalid="ignore"):
                        frac = np.where(flipped, fa / (fa - fb), np.inf)
                    partner[hit] = frac[hit].argmin(axis=1)
            idx = np.flatnonzero(first_cell > 0)
            if idx.size == 0:
                continue
            j = partner[idx]
            ta, tb = ts[first_cell[idx] - 1], ts[first_cell[idx]]
            fa = _pair_diff(x, w, k, ta, idx, j, scorer)
            for _ in range(60):
                mid = 0.5 * (ta + tb)
                fm = _pair_diff(x, w, k, mid, idx, j, scorer)
                same = np.sign(fm) == np.sign(fa)
                ta, fa = np.where(same, mid, ta), np.where(same, fm, fa)
                tb = np.where(same, tb, mid)
            t_arr[idx, k] = 0.5 * (ta + tb)
            with_arr[idx, k] = j
    return Thresholds(up, up_with, down, down_with, exact=False)


def _pair_diff(
    x: np.ndarray, w: np.ndarray, k: int, t: np.ndarray, i: np.ndarray, j: np.ndarray, scorer: kernels.Scorer
) -> np.ndarray:
    s = scorer(x, proportional_weights(w, k, t))
    rows = np.arange(len(t))
    return s[rows, i] - s[rows, j]


def tornado(
    x: np.ndarray,
    w: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    scorer: kernels.Scorer,
    *,
    additive: bool,
    grid: int = 101,
) -> list[dict[str, np.ndarray]]:
    """Per criterion k, sweep w_k over [low_k, high_k]: score and rank range of every item.

    For the additive model scores are linear in t (extremes at the ends) and ranks are
    constant between crossings, so evaluating at the ends, every crossing inside the
    range and the midpoints between them is exact; otherwise a grid of ``grid`` points.
    """
    _n, m = x.shape
    out = []
    for k in range(m):
        lo, hi = float(low[k]), float(high[k])
        ts = np.linspace(lo, hi, grid)
        if additive:
            r, a = lines(x, w, k)
            with np.errstate(divide="ignore", invalid="ignore"):
                cross = (r[None, :] - r[:, None]) / (a[:, None] - a[None, :])
            cross = np.unique(cross[np.isfinite(cross) & (cross > lo) & (cross < hi)])
            pts = np.unique(np.concatenate([[lo, hi], cross]))
            ts = np.unique(np.concatenate([pts, 0.5 * (pts[1:] + pts[:-1])]))
        s = sweep(x, w, k, ts, scorer)
        rk = kernels.ranks(s, 1e-12)
        ends = sweep(x, w, k, np.array([lo, hi]), scorer)
        rk_ends = kernels.ranks(ends, 1e-12)
        out.append(
            {
                "weight_low": lo,
                "weight_high": hi,
                "score_min": s.min(axis=0),
                "score_max": s.max(axis=0),
                "score_at_low": ends[0],
                "score_at_high": ends[1],
                "rank_best": rk.min(axis=0),
                "rank_worst": rk.max(axis=0),
                "rank_at_low": rk_ends[0],
                "rank_at_high": rk_ends[1],
            }
        )
    return out
