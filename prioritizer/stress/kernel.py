"""The month-by-month disruption kernel: pure numpy, vectorised over scenarios × goods.

Notation (all quantities in the good's own unit per month unless said otherwise; *s* a
scenario, *g* a good, *t* = 1 … *T* a month; docs/methodology/stress.md gives the model
and its assumptions in Japanese and English):

* demand ``d_g = D_g / 12`` (``annual_demand`` / 12);
* direct loss ``L_sgt = r_sg · a_st + e_sgt`` — ``r_sg`` the scenario's loss rate
  ``ℓ_s A_gs / 12`` (the allocation model's affected supply *A_gs*, by good or by
  partner), ``a_st ∈ [0, 1]`` the share of month *t* inside the disruption
  (``clip(M_s − (t − 1), 0, 1)``) and ``e_sgt`` extra loss injected by an exercise;
* propagated loss through ``links.csv`` (Leontief, Miller & Blair 2009 ch. 2): a product
  *p* made at home loses the share of its output that its short inputs carry,

      P_spt = d_p · h_p · min(1, Σ_i a_pi · F_sit),   F_sit = S_sit / d_i

  with ``a_pi`` the link intensity, ``h_p = 1 − IR_p`` the domestically made share and
  ``S_sit`` the input's shortfall in the same month (inputs are settled first, in
  topological order, so a cut reaches a product in the month it happens);
* lost supply ``λ_sgt = min(d_g, L_sgt + P_sgt)``;
* substitution ramp ``σ_sgt = min(1, ρ_g · t) · λ_sgt`` (``ρ_g`` share of the loss
  replaced per month since the disruption began);
* added capacity ``κ_sgt = min(λ − σ, K_gt)`` — ``K_gt = Σ_p κ_p x_p / 12`` over funded
  projects whose lead time has passed (``t > lead_p``);
* deliveries (an ally's units, an emergency purchase) ``u_sgt``: they cover what is
  still missing, the rest goes into stock;
* release ``R_sgt = min(G_sgt, Q_sg,t−1 + u⁺, min(c_g, Q − f_g)⁺ + x_sgt)`` with the gap
  ``G = λ − σ − κ − u_used``, stock ``Q``, cap ``c_g`` per month, floor ``f_g`` and an
  extra release ``x_sgt`` ordered in an exercise (which passes over cap and floor);
* shortfall ``S_sgt = G_sgt − R_sgt`` and stock ``Q_sgt = Q_sg,t−1 + u_sgt − u_used − R_sgt``.

Stock is not replenished inside the horizon (a purchase or an offer enters as a
delivery); the initial stock is the portfolio's stockpile.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

#: arrays the kernel returns, each (T, S, G)
OUTPUTS = ("lost", "substituted", "added", "delivered", "released", "shortfall", "stock")


@dataclass
class Timeline:
    """Per month *t*, scenario *s* and good *g* (arrays shaped (T, S, G)), in units per month."""

    lost: np.ndarray
    substituted: np.ndarray
    added: np.ndarray
    delivered: np.ndarray
    released: np.ndarray
    shortfall: np.ndarray
    stock: np.ndarray
    #: stock at the end of the horizon (S, G), kept even when ``stock`` is not stored
    stock_end: np.ndarray | None = None

    @property
    def months(self) -> int:
        return int(self.lost.shape[0])


def activity(months: np.ndarray, horizon: int) -> np.ndarray:
    """``a_st = clip(M_s − (t − 1), 0, 1)``: the share of month *t* inside a disruption of ``M_s`` months."""
    t = np.arange(horizon, dtype=float)
    return np.clip(np.asarray(months, dtype=float)[:, None] - t[None, :], 0.0, 1.0)


def simulate(
    loss_rate: np.ndarray,
    act: np.ndarray,
    demand: np.ndarray,
    stock0: np.ndarray,
    capacity: np.ndarray,
    *,
    cap: np.ndarray | None = None,
    floor: np.ndarray | None = None,
    substitution: np.ndarray | None = None,
    extra_loss: np.ndarray | None = None,
    deliveries: np.ndarray | None = None,
    extra_release: np.ndarray | None = None,
    links: sp.csr_matrix | None = None,
    levels: Sequence[np.ndarray] | None = None,
    domestic_share: np.ndarray | None = None,
    store: Sequence[str] = OUTPUTS,
) -> Timeline:
    """Play ``T`` months of ``S`` scenarios over ``G`` goods (see the module docstring).

    Shapes: ``loss_rate`` (S, G); ``act`` (S, T); ``demand`` (G,) per month; ``stock0``
    (G,) or (S, G); ``capacity`` (G, T) added capacity available each month; ``cap`` and
    ``floor`` (G,) (``inf`` / 0 when absent); ``substitution`` (G,); ``extra_loss``,
    ``deliveries`` and ``extra_release`` (T, S, G) or None; ``links`` (G, G) CSR with
    ``links[p, i] = a_pi``; ``levels`` the good indices of each topological level (inputs
    before products; one level holding every good when there are no links);
    ``domestic_share`` (G,) ``h_p``. ``store`` names the outputs kept for every month; the
    others keep only the last month (memory: each stored output is T·S·G floats; the
    shortfall is always kept). No validation: the wrapper in
    :mod:`prioritizer.stress.simulate` checks everything first.
    """
    S, G = loss_rate.shape
    T = act.shape[1]
    keep = set(store) | {"shortfall"}
    lv = [np.arange(G)] if levels is None or links is None else [np.asarray(x) for x in levels]
    # Goods are put in level order so every level is a contiguous slice: views, not copies.
    perm = np.concatenate(lv) if len(lv) > 1 else None
    bounds = np.cumsum([0] + [len(x) for x in lv])
    slices = [slice(int(a), int(b)) for a, b in itertools.pairwise(bounds)]

    def pg(x: np.ndarray | None, axis: int = -1) -> np.ndarray | None:
        return x if x is None or perm is None else np.take(x, perm, axis=axis)

    demand = pg(np.asarray(demand, dtype=float))
    stock = np.broadcast_to(np.asarray(stock0, dtype=float), (S, G))
    stock = np.array(pg(stock), dtype=float)
    loss_rate = pg(loss_rate)
    capacity = pg(capacity, axis=0)
    cap_ = pg(np.full(G, np.inf) if cap is None else np.asarray(cap, dtype=float))
    floor_ = pg(np.zeros(G) if floor is None else np.asarray(floor, dtype=float))
    rho = pg(np.zeros(G) if substitution is None else np.asarray(substitution, dtype=float))
    h = pg(np.ones(G) if domestic_share is None else np.asarray(domestic_share, dtype=float))
    extra_loss, deliveries, extra_release = pg(extra_loss), pg(deliveries), pg(extra_release)
    A = None
    if links is not None and perm is not None:
        A = links[perm][:, perm].tocsr()
    rows = [None if A is None or k == 0 else A[sl] for k, sl in enumerate(slices)]
    inv_d = np.divide(1.0, demand, out=np.zeros(G), where=demand > 0)
    out = {k: np.zeros((T if k in keep else 1, S, G)) for k in OUTPUTS}
    # this month's values in level order; copied into ``out`` (original order) for kept outputs
    buf = {k: np.zeros((S, G)) for k in OUTPUTS}
    inv = None if perm is None else np.argsort(perm)
    short_t = buf["shortfall"]
    gap_buf, allow_buf = np.zeros((S, G)), np.zeros((S, G))
    # Every step writes into preallocated month buffers (out=): at national size a temporary
    # is 8 MB, and allocating a dozen of them a month costs more than the arithmetic.
    for t in range(T):
        ramp = np.minimum(1.0, rho * (t + 1))
        a_t = act[:, t][:, None]
        for k, sl in enumerate(slices):
            lost = buf["lost"][:, sl]
            np.multiply(loss_rate[:, sl], a_t, out=lost)
            if extra_loss is not None:
                lost += extra_loss[t][:, sl]
            if rows[k] is not None:
                carried = np.asarray(rows[k] @ (short_t * inv_d).T).T  # (S, |level|) = Σ_i a_pi F_si
                np.minimum(carried, 1.0, out=carried)
                carried *= demand[sl] * h[sl]
                lost += carried
            np.minimum(lost, demand[sl], out=lost)
            sub = buf["substituted"][:, sl]
            np.multiply(lost, ramp[sl], out=sub)
            gap = gap_buf[:, sl]
            np.subtract(lost, sub, out=gap)
            added = buf["added"][:, sl]
            np.minimum(gap, capacity[sl, t][None, :], out=added)
            gap -= added
            q = stock[:, sl]  # a view: updated in place below
            if deliveries is not None:
                u = deliveries[t][:, sl]
                used = buf["delivered"][:, sl]
                np.minimum(gap, u, out=used)
                gap -= used
                q += u
                q -= used
            allowance = allow_buf[:, sl]
            np.subtract(q, floor_[sl], out=allowance)
            np.minimum(allowance, cap_[sl], out=allowance)
            np.maximum(allowance, 0.0, out=allowance)
            if extra_release is not None:
                allowance += extra_release[t][:, sl]
            rel = buf["released"][:, sl]
            np.minimum(q, allowance, out=rel)
            np.minimum(rel, gap, out=rel)
            q -= rel
            np.subtract(gap, rel, out=short_t[:, sl])
        buf["stock"][...] = stock
        for k in keep:
            out[k][t] = buf[k] if inv is None else buf[k][:, inv]
    for k in set(OUTPUTS) - keep:  # the last month only
        out[k][0] = buf[k] if inv is None else buf[k][:, inv]
    if inv is not None:
        stock = stock[:, inv]
    return Timeline(**out, stock_end=stock)


def run_lengths(short: np.ndarray) -> np.ndarray:
    """Longest run of consecutive months with ``short`` true, per (S, G) (``short`` is (T, S, G))."""
    run = np.zeros(short.shape[1:], dtype=np.int32)
    best = np.zeros_like(run)
    for b in short:
        run = (run + 1) * b
        np.maximum(best, run, out=best)
    return best


def summarise(tl: Timeline, demand: np.ndarray, tol: float = 1e-9) -> dict[str, np.ndarray]:
    """Per (S, G): first short month (1-based, 0 = never), total shortfall, longest run of short
    months, stock left, recovery month (the month after the last short one; 0 = never short,
    −1 = still short at the horizon) and the peak shortfall as a share of monthly demand.

    A month is short when ``S_sgt > tol · max(d_g, 1)`` (float noise is not a shortage).
    """
    T = tl.months
    thr = tol * np.maximum(demand, 1.0)
    short = tl.shortfall > thr
    anyshort = short.any(axis=0)
    first = np.where(anyshort, short.argmax(axis=0) + 1, 0)
    last = np.where(anyshort, T - short[::-1].argmax(axis=0), 0)
    recovery = np.where(~anyshort, 0, np.where(last >= T, -1, last + 1))
    inv_d = np.divide(1.0, demand, out=np.zeros_like(demand, dtype=float), where=demand > 0)
    return {
        "first_short_month": first,
        "total_shortfall": tl.shortfall.sum(axis=0),
        "longest_short_run": run_lengths(short),
        "stock_left": tl.stock_end if tl.stock_end is not None else tl.stock[-1],
        "recovery_month": recovery,
        # demand is constant over the months, so max_t(S_t / d) = max_t(S_t) / d
        "peak_share": tl.shortfall.max(axis=0) * inv_d if T else np.zeros_like(first, dtype=float),
        "total_lost": tl.lost.sum(axis=0) if tl.lost.shape[0] == T else None,
    }
