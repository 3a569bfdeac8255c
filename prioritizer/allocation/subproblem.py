"""Sub-problems of the structured joint solve: the master/polish LP or MILP built from a split
model, scaled for conditioning, run on HiGHS, and the exact polish LP over windows of the
stock curves (issue 14; docs/methodology/allocation.md §8). :mod:`.joint` drives them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import count

import highspy
import numpy as np
import scipy.sparse as sp

from prioritizer.allocation.arrays import ArrayModel
from prioritizer.allocation.curves import Split
from prioritizer.allocation.highs_arrays import highs_of
from prioritizer.allocation.quiet import solver_output_to_stderr
from prioritizer.allocation.solve import status_of


@dataclass
class Sub:
    """A plain LP/MILP in the attributes :func:`.highs_arrays.highs_of` reads."""

    A: sp.csr_matrix
    cost: np.ndarray
    col_lo: np.ndarray
    col_hi: np.ndarray
    row_lo: np.ndarray
    row_hi: np.ndarray
    integer: np.ndarray
    #: v_model = v_sub / col_scale, y_model = y_sub * row_scale (set by :func:`scale`)
    col_scale: np.ndarray | None = None
    row_scale: np.ndarray | None = None

    def values(self, h: highspy.Highs) -> np.ndarray:
        """The solution ``h`` holds for this problem, column values in the model's units."""
        v = np.asarray(h.getSolution().col_value, dtype=float)
        return v if self.col_scale is None else v / self.col_scale


def assemble(
    model: ArrayModel,
    sp_: Split,
    curves: list[tuple[np.ndarray, np.ndarray]],
    *,
    strengthen: bool,
    shift: np.ndarray | None = None,
    aggregate: bool = False,
) -> tuple[Sub, list[np.ndarray]]:
    """The master (or polish) problem: kept rows and columns plus one column per curve segment.

    ``shift``: more activity to take off the kept rows' bounds (segments held at their bound).
    ``aggregate``: :func:`aggregate_coupling` (the master; the warm start's small MILP solves
    faster without it)."""
    A = model.A[sp_.keep_rows][:, sp_.keep_cols].tocsr()
    integer = model.integer[sp_.keep_cols].copy()
    base = sp_.rhs_shift if shift is None else sp_.rhs_shift + shift
    row_lo = model.row_lo[sp_.keep_rows] - base
    row_hi = model.row_hi[sp_.keep_rows] - base
    if strengthen and integer.any():
        A = A.tocoo()
        is_sf = sp_.keep_rows[A.row] >= model.n_rules
        hit = is_sf & integer[A.col] & np.isfinite(row_lo[A.row])
        A.data[hit] = np.minimum(A.data[hit], np.maximum(row_lo[A.row[hit]], 0.0))
        A = A.tocsr()
        A.eliminate_zeros()
    blocks, costs, his, spans = [A], [model.cost[sp_.keep_cols]], [model.col_hi[sp_.keep_cols]], []
    n0 = A.shape[1]
    for c, (ln, sl) in zip(sp_.classes, curves, strict=True):
        nz = np.flatnonzero(c.ratio)
        rows = np.repeat(sp_.coupling[nz], len(ln))
        cols = np.tile(np.arange(len(ln)), len(nz))
        vals = np.repeat(c.ratio[nz], len(ln))
        blocks.append(sp.csr_matrix((vals, (rows, cols)), shape=(A.shape[0], len(ln))))
        costs.append(sl)
        his.append(ln)
        spans.append(np.arange(n0, n0 + len(ln)))
        n0 += len(ln)
    big = sp.hstack(blocks).tocsr()
    ncur = n0 - A.shape[1]
    sub = Sub(
        A=big,
        cost=np.concatenate(costs),
        col_lo=np.concatenate([model.col_lo[sp_.keep_cols], np.zeros(ncur)]),
        col_hi=np.concatenate(his),
        row_lo=row_lo,
        row_hi=row_hi,
        integer=np.concatenate([integer, np.zeros(ncur, dtype=bool)]),
    )
    scale(model, sp_, sub)
    if aggregate:
        aggregate_coupling(sub, sp_.coupling, len(sp_.keep_cols))
    return sub, spans


def aggregate_coupling(sub: Sub, coupling: np.ndarray, n_keep: int) -> None:
    """Route the linked continuous columns' coupling entries through one column per pattern.

    A linked good's stock or a divisible project's fraction sits both in its own rows and in
    the few dense coupling rows. Columns whose coupling coefficients are proportional
    (``a_rj = ρ_r s_j``, the same ρ up to 1e-12 relative) share one free column
    ``Q = Σ_j s_j v_j`` (a new equality row), and each coupling row charges ``ρ_r Q`` instead.
    The feasible set and objective are the same; HiGHS' path-aggregation cut separator, which
    walks from each tight shortfall row through these columns into the coupling rows, takes
    ~30 % less time on the national master (8.0 → 5.6 s after the warm start). New columns
    and rows go after all others (scale 1), so kept columns, curve spans and kept-row duals
    keep their positions.
    """
    if not len(coupling):
        return
    A = sub.A.tocsc()
    is_c = np.zeros(A.shape[0], dtype=bool)
    is_c[coupling] = True
    coo = A.tocoo()
    in_c = np.zeros(A.shape[1], dtype=bool)
    in_o = np.zeros(A.shape[1], dtype=bool)
    in_c[coo.col[is_c[coo.row]]] = True
    in_o[coo.col[~is_c[coo.row]]] = True
    cand = np.flatnonzero(in_c & in_o & ~sub.integer)
    cand = cand[cand < n_keep]
    if len(cand) < 2:
        return
    block = A[coupling][:, cand].toarray().T  # (candidates, coupling rows)
    first = block[np.arange(len(cand)), np.argmax(block != 0, axis=1)]
    ratio = block / first[:, None]
    key = np.where(ratio == 0, 0.0, np.round(ratio, 12))
    pattern, group = np.unique(key, axis=0, return_inverse=True)
    group = np.asarray(group).ravel()
    if len(pattern) >= len(cand):
        return
    m, n, g = A.shape[0], A.shape[1], len(pattern)
    drop = np.isin(coo.col, cand) & is_c[coo.row]
    rows = [coo.row[~drop], m + group, m + np.arange(g)]
    cols = [coo.col[~drop], cand, n + np.arange(g)]
    vals = [coo.data[~drop], first, -np.ones(g)]
    pr, pc = np.nonzero(pattern)
    rows.append(coupling[pc])
    cols.append(n + pr)
    vals.append(pattern[pr, pc])
    sub.A = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(m + g, n + g)
    )
    sub.cost = np.concatenate([sub.cost, np.zeros(g)])
    sub.col_lo = np.concatenate([sub.col_lo, np.full(g, -np.inf)])
    sub.col_hi = np.concatenate([sub.col_hi, np.full(g, np.inf)])
    sub.row_lo = np.concatenate([sub.row_lo, np.zeros(g)])
    sub.row_hi = np.concatenate([sub.row_hi, np.zeros(g)])
    sub.integer = np.concatenate([sub.integer, np.zeros(g, dtype=bool)])
    if sub.col_scale is not None:
        sub.col_scale = np.concatenate([sub.col_scale, np.ones(g)])
    if sub.row_scale is not None:
        sub.row_scale = np.concatenate([sub.row_scale, np.ones(g)])


def scale(model: ArrayModel, sp_: Split, sub: Sub) -> None:
    """Write the linked goods' shortfall rows in 億円 rather than units (exact, for conditioning).

    Row ``f + q + Σ κ M/12 x ≥ need`` of good g times its unit price P_g, with ``f' = P_g f`` and
    ``q' = P_g q``: coefficients and needs in units span ~1e-6…1e8 on a national case, in 億円
    they are ~1. Values and duals are mapped back exactly (``v = v'/s``, ``y = r y'``).
    """
    d = model.data
    n_keep = len(sp_.keep_cols)
    cs = np.ones(sub.A.shape[1])
    rs = np.ones(sub.A.shape[0])
    price = np.where(np.isfinite(d.unit_price) & (d.unit_price > 0), d.unit_price, 1.0)
    kr = sp_.keep_rows
    sfm = kr >= model.n_rules
    rs[sfm] = price[model.sf_good[kr[sfm] - model.n_rules]]
    col_good = np.full(len(model.col_names), -1, dtype=np.int64)
    for (g, _s), c in model.f.items():
        col_good[c.index] = g
    for k, c in enumerate(model.q):
        col_good[c.index] = int(d.stock_goods[k])
    kg = col_good[sp_.keep_cols]
    cs[:n_keep] = np.where(kg >= 0, price[np.maximum(kg, 0)], 1.0)
    sub.A = (sp.diags(rs) @ sub.A @ sp.diags(1.0 / cs)).tocsr()
    sub.cost = sub.cost / cs
    sub.col_lo, sub.col_hi = sub.col_lo * cs, sub.col_hi * cs
    sub.row_lo, sub.row_hi = sub.row_lo * rs, sub.row_hi * rs
    sub.col_scale, sub.row_scale = cs, rs


def run(
    sub: Sub,
    *,
    mip: bool,
    offset: float,
    time_limit: float | None,
    gap: float | None,
    supply: Callable[[int], np.ndarray | None] | None = None,
) -> highspy.Highs:
    """Solve ``sub`` in HiGHS (its own, scaled columns).

    ``supply``: asked each time the MIP solver looks for an outside solution (after its set-up,
    after the root LP, after each root cut round, before each dive), with how many times it
    asked before; it returns a full point in ``sub``'s columns or None. The point may still be
    in the making in another thread while the solve runs.
    """
    h = highs_of(sub, mip=mip)  # type: ignore[arg-type]
    h.changeObjectiveOffset(float(offset))
    if supply is not None:
        asked = count()

        def offer(e: highspy.HighsCallbackEvent) -> None:
            point = supply(next(asked))
            if point is not None:
                e.data_in.setSolution(np.asarray(point, dtype=float))

        h.cbMipUserSolution.subscribe(offer)
    if time_limit is not None:
        h.setOptionValue("time_limit", max(float(time_limit), 0.01))
    if gap is not None:
        h.setOptionValue("mip_rel_gap", float(gap))
    with solver_output_to_stderr():
        h.run()
    return h


def full_point(
    model: ArrayModel,
    sp_: Split,
    spans: list[np.ndarray],
    sol: np.ndarray,
    windows: list[Window] | None = None,
) -> np.ndarray:
    """The full model's point from a polish solution: per-good stock from its curve segments
    (those before a class's window are full, those after it empty), then every dropped
    shortfall and soft-target slack at its row's minimum."""
    d = model.data
    v = np.zeros(len(model.col_names))
    v[sp_.keep_cols] = sol[: len(sp_.keep_cols)]
    q = sp_.lo.copy()
    price = d.unit_price[d.stock_goods] if len(d.stock_goods) else np.zeros(0)
    wins = windows or [(0, len(c.seg_len)) for c in sp_.classes]
    for c, span, (a, b) in zip(sp_.classes, spans, wins, strict=True):
        np.add.at(q, c.seg_k[:a], c.seg_len[:a] / price[c.seg_k[:a]])
        np.add.at(q, c.seg_k[a:b], sol[span] / price[c.seg_k[a:b]])
    qcol = np.array([c.index for c in model.q], dtype=np.int64)
    if len(sp_.free_k):
        fk = sp_.free_k
        v[qcol[fk]] = np.clip(q[fk], sp_.lo[fk], sp_.hi[fk])
    if len(sp_.f_rows):
        v[sp_.f_cols] = 0.0
        act = model.A[sp_.f_rows] @ v
        v[sp_.f_cols] = np.maximum(model.row_lo[sp_.f_rows] - act, 0.0)
    for i, k, a, uc in sp_.pg_rows:
        if uc >= 0:
            v[uc] = max(0.0, float(model.row_lo[i]) - a * v[qcol[k]])
    return v


Window = tuple[int, int]
#: segments either side of a class's current stock value that the polish LP keeps as columns
WINDOW = 256


def windows(sp_: Split, centres: list[float], width: int) -> list[Window]:
    out = []
    for c, v in zip(sp_.classes, centres, strict=True):
        n = len(c.seg_len)
        j = int(np.searchsorted(np.cumsum(c.seg_len), v))
        out.append((max(0, j - width), min(n, j + width + 1)))
    return out


def window_ok(sub: Sub, sp_: Split, spans: list[np.ndarray], wins: list[Window], h: highspy.Highs) -> bool:
    """Whether the windowed LP's optimum is the full LP's (its dual prices certify it).

    All segments of a class have the same coupling coefficients, so their reduced costs are
    ``rate_j − τ_c`` with one class price τ_c (read off any window column). The segments before
    the window sit at their upper bound and those after it at 0 — optimal for the full LP iff
    the last one before has rate ≥ τ_c and the first one after has rate ≤ τ_c (rates fall)."""
    cd = np.asarray(h.getSolution().col_dual, dtype=float)
    for c, span, (a, b) in zip(sp_.classes, spans, wins, strict=True):
        if a == 0 and b == len(c.seg_len):
            continue
        if len(span) == 0:
            return False
        tau = float(np.median(sub.cost[span] - cd[span]))
        tol = 1e-9 * max(1.0, abs(tau))
        if a > 0 and c.seg_rate[a - 1] < tau - tol:
            return False
        if b < len(c.seg_len) and c.seg_rate[b] > tau + tol:
            return False
    return True


def polish(
    model: ArrayModel,
    sp_: Split,
    fix: np.ndarray | None,
    *,
    time_limit: float | None,
    centres: list[float] | None = None,
) -> tuple[highspy.Highs, Sub, list[np.ndarray], list[Window]]:
    """The exact LP with integers fixed at ``fix`` (kept-column values) or relaxed.

    Each class curve enters at full resolution — but only a window of its segments around
    ``centres`` (the stock value a master or an earlier LP chose) becomes columns: the ones
    before are held full, the ones after empty. The window is exact when the LP's prices say
    so (:func:`_window_ok`), else it widens; the last try is the whole curve. On the national
    case this LP has 2,000 curve columns instead of 26,000 and solves ~20× faster.
    """
    widths = [WINDOW, 16 * WINDOW, None] if centres is not None else [None]
    for width in widths:
        wins = (
            [(0, len(c.seg_len)) for c in sp_.classes]
            if width is None or centres is None
            else windows(sp_, centres, width)
        )
        curves = [(c.seg_len[a:b], c.seg_rate[a:b]) for c, (a, b) in zip(sp_.classes, wins, strict=True)]
        shift = np.zeros(len(sp_.keep_rows))
        off = sp_.offset
        for c, (a, _b) in zip(sp_.classes, wins, strict=True):
            if a:
                used = float(c.seg_len[:a].sum())
                off += float(c.seg_len[:a] @ c.seg_rate[:a])
                nz = np.flatnonzero(c.ratio)
                shift[sp_.coupling[nz]] += c.ratio[nz] * used
        sub, spans = assemble(model, sp_, curves, strengthen=False, shift=shift)
        if fix is not None:
            ii = np.flatnonzero(sub.integer)
            sub.col_lo[ii] = sub.col_hi[ii] = np.round(fix[ii])
        sub.integer[:] = False
        h = run(sub, mip=False, offset=off, time_limit=time_limit, gap=None)
        if width is None or (
            status_of(h, h.getModelStatus()) == "optimal" and window_ok(sub, sp_, spans, wins, h)
        ):
            return h, sub, spans, wins
    raise AssertionError("unreachable")  # pragma: no cover - the last width is the whole curve


def class_values(
    sp_: Split, spans: list[np.ndarray], wins: list[Window] | None, sol: np.ndarray
) -> list[float]:
    """Each class's stock value (億円) in a master or polish solution."""
    wins = wins or [(0, len(c.seg_len)) for c in sp_.classes]
    return [
        float(c.seg_len[:a].sum() + sol[span].sum())
        for c, span, (a, _b) in zip(sp_.classes, spans, wins, strict=True)
    ]
