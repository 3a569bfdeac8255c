"""Stockpile-only LP built straight from arrays with highspy (large cases, issue 10).

The stockpile LP separates by good except for the coupling rows (total budget, total
storage). For 10,000 goods × 100 scenarios the PuLP model has a million shortfall
variables and building it in Python dominates the run time; here the same LP

    max −Σ_s Σ_k π_s w_k f_ks
    s.t. Σ_k ĉ_k q_k ≤ B,  Σ_k P_k q_k ≤ S,  f_ks + q_k ≥ ℓ_s A_ks M_s/12,
         T_k D_k/365 ≤ q_k ≤ q̄_k,  f ≥ 0

(hard targets as lower bounds; docs/methodology/allocation.md §2) is assembled as one CSC
matrix with numpy and passed to HiGHS in a single call. It is exactly the general
model of :mod:`.build` restricted to stockpiles, and tests/test_allocation_stockpile_fast.py
checks that both give the same optimum and the same budget price.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np

from prioritizer.allocation.data import AllocationData
from prioritizer.allocation.quiet import solver_output_to_stderr


@dataclass
class FastStockpileResult:
    status: str
    objective: float | None
    quantity: np.ndarray  # (K,) units
    budget_price: float | None  # textbook sign: objective gained per extra 億円
    storage_price: float | None
    build_seconds: float
    solve_seconds: float


def supported(data: AllocationData) -> bool:
    """True when ``data`` is a pure stockpile problem this fast path covers exactly."""
    return (
        data.n_projects == 0
        and not data.years
        and not data.limits
        and not data.storage_by_good
        and (data.target_mode == "hard" or not (data.target_days > 0).any())
        and all(len(s.affected) >= 1 for s in data.scenarios)
    )


def _shortfall_entries(data: AllocationData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One entry per (scenario, affected good): stock index k (−1 = not stockpilable), need, weight.

    need = loss × affected supply × months/12 (units); weight = probability × shortfall weight.
    Raises ValueError unless :func:`supported` — both fast paths cover the same cases only.
    """
    if not supported(data):
        raise ValueError(
            "the fast stockpile path needs a stockpile-only case (no projects, yearly budgets, limits)"
        )
    kpos = np.full(len(data.good_ids), -1)
    kpos[data.stock_goods] = np.arange(len(data.stock_goods))
    ks, need, wts = [], [], []
    for sc in data.scenarios:
        for g, a in sc.affected.items():
            ks.append(kpos[g])
            need.append(sc.loss * a * sc.months / 12.0)
            wts.append(sc.probability * data.shortfall_weight[g])
    return np.asarray(ks, dtype=np.int64), np.asarray(need, dtype=float), np.asarray(wts, dtype=float)


def solve_stockpile_lp(data: AllocationData, *, time_limit: float | None = None) -> FastStockpileResult:
    t0 = time.perf_counter()
    sg = data.stock_goods
    K = len(sg)
    ks_a, need_a, w_a = _shortfall_entries(data)
    F = len(ks_a)
    stocked = ks_a >= 0
    target_q = data.target_days / 365.0 * data.annual_demand[sg]
    qmax = target_q.copy()
    np.maximum.at(qmax, ks_a[stocked], need_a[stocked])
    has_budget = data.budget_total is not None
    has_storage = data.storage_total is not None
    n_top = int(has_budget) + int(has_storage)
    # columns: q_0..q_{K-1}, f_0..f_{F-1}; rows: [budget], [storage], shortfall_0..F-1
    rows_of_f = n_top + np.arange(F)
    # q column k: top rows, then every shortfall row of good k (sorted by row)
    order = np.argsort(ks_a, kind="stable")
    order = order[stocked[order]]
    counts = np.bincount(ks_a[stocked], minlength=K) if K else np.zeros(0, dtype=np.int64)
    q_nnz = n_top + counts
    start_q = np.concatenate([[0], np.cumsum(q_nnz)])
    nnz_q = int(start_q[-1])
    index = np.empty(nnz_q + F, dtype=np.int32)
    value = np.empty(nnz_q + F, dtype=float)
    top_idx, top_val = [], []
    if has_budget:
        top_idx.append(0)
        top_val.append(data.stock_unit_cost)
    if has_storage:
        top_idx.append(int(has_budget))
        top_val.append(data.unit_price[sg])
    pos = start_q[:-1].copy()
    for r, vals in zip(top_idx, top_val, strict=True):
        index[pos] = r
        value[pos] = vals
        pos += 1
    # shortfall rows per good in order
    sf_rows_sorted = rows_of_f[order]
    within = np.arange(len(order)) - np.repeat(np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    dest = np.repeat(pos, counts) + within
    index[dest] = sf_rows_sorted
    value[dest] = 1.0
    index[nnz_q:] = rows_of_f
    value[nnz_q:] = 1.0
    start = np.concatenate([start_q, nnz_q + np.arange(1, F + 1)]).astype(np.int32)

    lp = highspy.HighsLp()
    lp.num_col_ = K + F
    lp.num_row_ = n_top + F
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.concatenate([np.zeros(K), -w_a])
    lp.col_lower_ = np.concatenate([target_q, np.zeros(F)])
    lp.col_upper_ = np.concatenate([qmax, np.full(F, highspy.kHighsInf)])
    inf = highspy.kHighsInf
    row_lo = [-inf] * n_top
    row_hi = ([data.budget_total] if has_budget else []) + ([data.storage_total] if has_storage else [])
    lp.row_lower_ = np.concatenate([np.asarray(row_lo, dtype=float), need_a])
    lp.row_upper_ = np.concatenate([np.asarray(row_hi, dtype=float), np.full(F, inf)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    with solver_output_to_stderr():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        if time_limit is not None:
            h.setOptionValue("time_limit", float(time_limit))
        h.passModel(lp)
        t1 = time.perf_counter()
        h.run()
    t2 = time.perf_counter()
    ms = h.getModelStatus()
    status = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kInfeasible: "infeasible",
        highspy.HighsModelStatus.kTimeLimit: "time_limit",
    }.get(ms, "error")
    if status != "optimal":
        return FastStockpileResult(status, None, np.zeros(K), None, None, t1 - t0, t2 - t1)
    sol = h.getSolution()
    x = np.asarray(sol.col_value)
    rd = np.asarray(sol.row_dual)
    # passed natively as a maximisation (no PuLP negation), HiGHS' row duals are already
    # ∂z*/∂b: no inversion here, unlike models that come through PuLP (see .solve)
    bprice = float(rd[0]) if has_budget else None
    sprice = float(rd[int(has_budget)]) if has_storage else None
    return FastStockpileResult(
        status,
        float(h.getInfo().objective_function_value),
        x[:K],
        bprice,
        sprice,
        t1 - t0,
        t2 - t1,
    )


def solve_stockpile_greedy(data: AllocationData) -> FastStockpileResult:
    """Exact optimum of the same stockpile LP by pricing its single coupling row (issue 10).

    Budget and storage rows are both multiples of stock value: ``Σ ĉ_k q_k = (1+hH) Σ P_k q_k``,
    so together they are one row ``Σ P_k q_k ≤ C`` with ``C = min(B/(1+hH), S)``. Each good's
    benefit ``−Σ_s π_s w_k (need_ks − q_k)^+`` is concave piecewise linear in ``q_k``, with
    breakpoints at the needs; on the segment below a breakpoint the marginal benefit is the
    sum of ``π_s w_k`` over the scenarios whose need is above it. The LP is therefore a
    fractional knapsack over segments (Dantzig 1957): fill segments by benefit per 億円 of
    stock value, highest first, until ``C`` is spent (hard targets are filled first). The
    rate of the last segment filled is the multiplier of the coupling row — the Lagrangian
    price — and is reported as the budget or storage shadow price (whichever is tighter).
    """
    t0 = time.perf_counter()
    sg = data.stock_goods
    K = len(sg)
    k_a, n_a, w_a = _shortfall_entries(data)
    keep = k_a >= 0
    unstocked_loss = float((w_a[~keep] * n_a[~keep]).sum())
    k_a, n_a, w_a = k_a[keep], n_a[keep], w_a[keep]
    price = data.unit_price[sg]
    lb = data.target_days / 365.0 * data.annual_demand[sg]
    hf = data.holding_factor
    cap_budget = data.budget_total / hf if data.budget_total is not None else np.inf
    cap_storage = data.storage_total if data.storage_total is not None else np.inf
    cap = min(cap_budget, cap_storage)
    base_value = float(price @ lb)
    # segments: per good, needs sorted ascending; segment j spans (max(lb, n_{j-1}), max(lb, n_j)]
    order = np.lexsort((n_a, k_a))
    k_s, n_s, w_s = k_a[order], n_a[order], w_a[order]
    # marginal benefit on segment j = Σ w over needs ≥ n_j within the good (reverse cumsum per good)
    rev = np.cumsum(w_s[::-1])[::-1]
    first = np.r_[True, k_s[1:] != k_s[:-1]]
    good_start = np.flatnonzero(first)
    ends = np.r_[good_start[1:], len(k_s)]
    # the reverse cumsum runs across goods: subtract what belongs to the goods after this one
    tail_vals = np.r_[rev[ends[:-1]], 0.0] if len(good_start) else np.zeros(0)
    benefit = rev - np.repeat(tail_vals, ends - good_start)
    prev = np.r_[0.0, n_s[:-1]]
    prev[first] = 0.0
    lo = np.maximum(prev, lb[k_s])
    hi = np.maximum(n_s, lb[k_s])
    length = np.maximum(hi - lo, 0.0)
    rate = benefit / price[k_s]
    t1 = time.perf_counter()
    if base_value > cap + 1e-9:
        return FastStockpileResult("infeasible", None, np.zeros(K), None, None, t1 - t0, 0.0)
    room = cap - base_value
    order2 = np.argsort(-rate, kind="stable")
    seg_value = (length * price[k_s])[order2]
    cum = np.cumsum(seg_value)
    full = cum <= room + 1e-12
    take = np.where(full, length[order2], 0.0)
    last_price = 0.0
    n_full = int(full.sum())
    if n_full < len(order2) and rate[order2[n_full]] > 0:
        used = cum[n_full - 1] if n_full else 0.0
        j = order2[n_full]
        take[n_full] = (room - used) / price[k_s[j]]
        last_price = float(rate[j])
    q = lb.copy()
    np.add.at(q, k_s[order2], take * (rate[order2] > 0))
    short = np.maximum(n_s - q[k_s], 0.0)
    objective = -float((w_s * short).sum()) - unstocked_loss
    binding_budget = cap_budget <= cap_storage
    t2 = time.perf_counter()
    return FastStockpileResult(
        "optimal",
        objective,
        q,
        (last_price / hf) if binding_budget and data.budget_total is not None else 0.0,
        last_price if not binding_budget else 0.0,
        t1 - t0,
        t2 - t1,
    )
