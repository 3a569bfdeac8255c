"""The stock block of the joint model as exact concave curves, one per coupling class (issue 14).

A free good (no capacity project adds supply to it) enters the rest of the model only through
its stock *q_k*, and every coupling row charges it in proportion to its stock value
*P_k q_k*. :func:`split_model` finds the free goods, turns their per-good rows into bounds or
curve terms (a soft target is one more "need"), groups them by coefficient per 億円 of stock
value in every coupling row, and sorts each class's segments by benefit per 億円 — the class's
exact best value ``Φ_c(V)``, concave piecewise linear (row pricing; Dantzig 1957).
:func:`compress` cuts a curve to chords through some of its breakpoints and returns the
largest chord error, computed exactly at every dropped breakpoint. The master and the
polish that use them are in :mod:`.joint`; docs/methodology/allocation.md §8.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from prioritizer.allocation.arrays import ArrayModel


@dataclass
class CurveClass:
    ratio: np.ndarray  # coefficient per 億円 of stock value in each coupling row
    seg_k: np.ndarray  # stock index of each segment, sorted by rate (highest first)
    seg_len: np.ndarray  # segment length in stock value (億円)
    seg_rate: np.ndarray  # objective per 億円 of stock value


@dataclass
class Structure:
    """What the decomposition found (reported in ``solver.structure``)."""

    free_goods: int = 0
    linked_goods: int = 0
    classes: int = 0
    segments: int = 0
    master_columns: int = 0
    master_rows: int = 0
    curve_error: float = 0.0
    info: dict[str, Any] = field(default_factory=dict)


def supported(model: ArrayModel) -> bool:
    """True when the decomposition applies: positive prices, no shortfall/target/storage row ignored."""
    d = model.data
    if any(n.startswith(("shortfall_", "target_", "storage_")) for n in d.ignore):
        return False
    sg = d.stock_goods
    return bool(len(sg) == 0 or (np.isfinite(d.unit_price[sg]).all() and (d.unit_price[sg] > 0).all()))


@dataclass
class Split:
    keep_rows: np.ndarray
    keep_cols: np.ndarray
    coupling: np.ndarray  # kept-row positions of the coupling rows charged by free stock
    classes: list[CurveClass]
    offset: float
    rhs_shift: np.ndarray  # (len(keep_rows),) activity of the free stock at its lower bound
    free_k: np.ndarray
    lo: np.ndarray  # (K,) lower bound of q per stock good
    hi: np.ndarray
    f_rows: np.ndarray  # dropped shortfall rows (full-model row index)
    f_cols: np.ndarray  # their f columns
    pg_rows: list[tuple[int, int, float, int]]  # dropped per-good rows: (row, k, a, u column or −1)
    structure: Structure


def split_model(model: ArrayModel) -> Split:
    d = model.data
    A = model.A.tocsc()
    nr = model.n_rules
    K = len(d.stock_goods)
    linked = np.zeros(len(d.good_ids), dtype=bool)
    cap = (d.capacity > 0) & (d.project_good >= 0)
    linked[d.project_good[cap]] = True
    qcol = np.array([c.index for c in model.q], dtype=np.int64)
    g_of_k = np.asarray(d.stock_goods, dtype=np.int64)
    free = ~linked[g_of_k] if K else np.zeros(0, dtype=bool)
    free_k = np.flatnonzero(free)
    ucol = {k: c.index for k, c in model.u.items()}
    lo = model.col_lo[qcol].copy() if K else np.zeros(0)
    hi = model.col_hi[qcol].copy() if K else np.zeros(0)
    # per-good rule rows of free goods (targets, per-good storage) become bounds or curve terms
    per_good = np.array(
        [m.kind == "target" or (m.kind == "storage" and m.name != "storage") for m in model.metas], dtype=bool
    )
    drop_row = np.zeros(model.n_rows, dtype=bool)
    extra_k: list[int] = []
    extra_need: list[float] = []
    extra_w: list[float] = []
    free_cols = set()
    pg_rows: list[tuple[int, int, float, int]] = []
    Ar = model.A[:nr].tocsr()
    for k in free_k:
        j = qcol[k]
        free_cols.add(int(j))
        if k in ucol:
            free_cols.add(ucol[k])
        rows = A.indices[A.indptr[j] : A.indptr[j + 1]]
        vals = A.data[A.indptr[j] : A.indptr[j + 1]]
        for i, a in zip(rows, vals, strict=True):
            if i >= nr or not per_good[i]:
                continue
            drop_row[i] = True
            cols = Ar.indices[Ar.indptr[i] : Ar.indptr[i + 1]]
            pg_rows.append((int(i), int(k), float(a), ucol[k] if len(cols) > 1 else -1))
            if len(cols) == 1:  # a q-only row: a bound on q
                if math.isfinite(model.row_lo[i]):
                    lo[k] = max(lo[k], model.row_lo[i] / a)
                if math.isfinite(model.row_hi[i]):
                    hi[k] = min(hi[k], model.row_hi[i] / a)
            else:  # soft target: ρ u ≥ ρ (T − a q)  ⇒  a "need" T/a with weight ρ a
                rho = -float(model.cost[ucol[k]])
                extra_k.append(int(k))
                extra_need.append(float(model.row_lo[i]) / a)
                extra_w.append(rho * a)
    # shortfall rows of goods that are not linked leave the master
    sf_rows = nr + np.arange(len(model.sf_good))
    sf_drop = ~linked[model.sf_good] if len(model.sf_good) else np.zeros(0, dtype=bool)
    drop_row[sf_rows[sf_drop]] = True
    f_rows = sf_rows[sf_drop]
    # f column of each dropped shortfall row
    fcol = np.array(
        [
            model.f[(int(g), int(s))].index
            for g, s in zip(model.sf_good[sf_drop], model.sf_scen[sf_drop], strict=True)
        ],
        dtype=np.int64,
    )
    drop_col = np.zeros(len(model.col_names), dtype=bool)
    drop_col[list(free_cols)] = True
    drop_col[fcol] = True
    kpos = np.full(len(d.good_ids), -1, dtype=np.int64)
    kpos[g_of_k] = np.arange(K)
    e_k = kpos[model.sf_good[sf_drop]]
    e_need = model.sf_need[sf_drop]
    e_w = -model.cost[fcol]
    # constants: unstockable goods' shortfalls are their whole need
    offset = -float((e_w[e_k < 0] * e_need[e_k < 0]).sum())
    st = e_k >= 0
    k_a = np.concatenate([e_k[st], np.asarray(extra_k, dtype=np.int64)])
    n_a = np.concatenate([e_need[st], np.asarray(extra_need)])
    w_a = np.concatenate([e_w[st], np.asarray(extra_w)])
    # value at the lower bound (forced stock)
    offset -= float((w_a * np.maximum(n_a - lo[k_a], 0.0)).sum()) if len(k_a) else 0.0
    keep_rows = np.flatnonzero(~drop_row)
    keep_cols = np.flatnonzero(~drop_col)
    row_pos = np.full(model.n_rows, -1, dtype=np.int64)
    row_pos[keep_rows] = np.arange(len(keep_rows))
    price = d.unit_price[g_of_k] if K else np.zeros(0)
    # coupling rows: kept rule rows charged by a free q
    qf = qcol[free_k]
    Aq = A[:, qf] if len(qf) else sp.csc_matrix((model.n_rows, 0))
    crow = np.unique(Aq.tocoo().row) if Aq.nnz else np.zeros(0, dtype=np.int64)
    crow = crow[~drop_row[crow]]
    dense = Aq[crow].toarray().T if len(crow) else np.zeros((len(free_k), 0))  # (free, coupling)
    ratio = dense / price[free_k][:, None] if len(free_k) else dense
    rhs_shift = np.zeros(len(keep_rows))
    if len(crow):
        rhs_shift[row_pos[crow]] = dense.T @ lo[free_k]
    # segments per free good: needs sorted; marginal on (n_{j-1}, n_j] = Σ_{i ≥ j} w_i
    classes: list[CurveClass] = []
    n_seg = 0
    if len(k_a):
        order = np.lexsort((n_a, k_a))
        ks, ns, ws = k_a[order], n_a[order], w_a[order]
        first = np.r_[True, ks[1:] != ks[:-1]]
        starts = np.flatnonzero(first)
        ends = np.r_[starts[1:], len(ks)]
        rev = np.cumsum(ws[::-1])[::-1]
        tail = np.r_[rev[ends[:-1]], 0.0]
        marg = rev - np.repeat(tail, ends - starts)
        prev = np.r_[0.0, ns[:-1]]
        prev[first] = 0.0
        a = np.clip(prev, lo[ks], hi[ks])
        b = np.clip(ns, lo[ks], hi[ks])
        length = np.maximum(b - a, 0.0) * price[ks]
        rate = marg / price[ks]
        ok = (length > 0) & (rate > 0)
        ks, length, rate = ks[ok], length[ok], rate[ok]
        fpos = np.full(K, -1, dtype=np.int64)
        fpos[free_k] = np.arange(len(free_k))
        key = np.round(ratio, 12)
        _, cls = np.unique(key, axis=0, return_inverse=True) if len(free_k) else (None, np.zeros(0, int))
        cls = np.asarray(cls).reshape(-1)
        seg_cls = cls[fpos[ks]]
        for c in range(int(cls.max()) + 1 if len(cls) else 0):
            m = seg_cls == c
            if not m.any():
                continue
            o = np.argsort(-rate[m], kind="stable")
            rep = np.flatnonzero(cls == c)[0]
            classes.append(CurveClass(ratio[rep], ks[m][o], length[m][o], rate[m][o]))
            n_seg += int(m.sum())
    s = Structure(
        free_goods=len(free_k),
        linked_goods=int(linked.sum()),
        classes=len(classes),
        segments=n_seg,
    )
    return Split(
        keep_rows,
        keep_cols,
        row_pos[crow],
        classes,
        offset,
        rhs_shift,
        free_k,
        lo,
        hi,
        f_rows,
        fcol,
        pg_rows,
        s,
    )


def compress(c: CurveClass, m: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Chords of ``Φ_c`` through about ``2m`` of its breakpoints: (lengths, slopes, largest error)."""
    n = len(c.seg_len)
    V = np.r_[0.0, np.cumsum(c.seg_len)]
    F = np.r_[0.0, np.cumsum(c.seg_len * c.seg_rate)]
    if n <= 2 * m:
        return c.seg_len.copy(), c.seg_rate.copy(), 0.0
    by_v = np.searchsorted(V, np.linspace(0, V[-1], m + 1))
    r = c.seg_rate
    by_r = np.searchsorted(-r, -np.linspace(r[0], r[-1], m + 1))
    idx = np.unique(np.clip(np.r_[0, by_v, by_r, n], 0, n))
    dv = np.diff(V[idx])
    keep = dv > 0
    lo_i, hi_i = idx[:-1][keep], idx[1:][keep]
    slope = (F[hi_i] - F[lo_i]) / (V[hi_i] - V[lo_i])
    # error at every breakpoint against its chord
    j = np.clip(np.searchsorted(V[hi_i], V, side="left"), 0, len(hi_i) - 1)
    err = F - (F[lo_i[j]] + slope[j] * (V - V[lo_i[j]]))
    return V[hi_i] - V[lo_i], slope, float(max(err.max(), 0.0))
