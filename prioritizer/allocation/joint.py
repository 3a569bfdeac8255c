"""The joint model solved through its structure: a project master with exact stock curves (issue 14).

Split the goods of an :class:`~.arrays.ArrayModel` in two:

* **linked** goods — a project with capacity adds supply to them, so their shortfall rows
  carry binaries; their rows and columns stay in the master as they are;
* **free** goods — everything else. A free stockpilable good *k* enters the rest of the
  model only through its stock *q_k*, and every coupling row (budgets, yearly budgets,
  floors and caps, total storage) charges it in proportion to its stock value *P_k q_k*.
  Its best value is ``φ_k(q) = −Σ_s π_s w_k (need_ks − q)^+ − ρ_k (365/D_k)(T_k D_k/365 − q)^+``
  (the soft target is one more "need"), concave piecewise linear with breakpoints at the
  needs; hard targets and per-good storage are bounds on *q_k*. Goods with the same
  coefficient per 億円 of stock value in every coupling row form a *class* c; the class's
  best value for a stock value *V_c* is the concave piecewise-linear curve ``Φ_c`` whose
  segments are all its goods' segments sorted by benefit per 億円 (row pricing, Dantzig
  1957), computed exactly in numpy. Free goods that cannot be stocked are constants.

The master keeps the projects, the linked goods and one bounded column per retained curve
segment of each class (a compressed curve: chords between a subset of ``Φ_c``'s
breakpoints). Chords lie below the concave curve, so the master's incumbent is feasible
for the true model, and ``Φ_c ≤ chord_c + ε_c`` with ``ε_c`` the largest chord error
(computed exactly over every dropped breakpoint), so ``master bound + Σ_c ε_c`` bounds the
true optimum from above. In the master, a binary's capacity coefficient in a shortfall
row is cut to the row's need (``min(κ_p M_s/12, need)``: with ``f, q ≥ 0`` the row holds
for ``x_p = 1`` either way, so the integer points are the same and the LP relaxation is
tighter — coefficient strengthening).

The **polish** is the fixed LP: binaries fixed at the master's incumbent, every class
curve at full resolution (one column per segment). It is the exact fixed LP of the full
model (the segment form of a concave separable objective is exact for an LP), so its
objective is the incumbent's true value and its row duals are the fixed-LP prices of
the coupling rows (``price_from = fixed_lp``). The same LP without fixing and without
integrality is the exact LP relaxation (``shadow_price_relaxation``).

Proven gap = (UB − z) / max(1, |z|) with z the polished objective and UB = master bound
+ Σ ε_c; the curves are refined until Σ ε_c is a small share of the gap limit.
docs/methodology/allocation.md §8; tests/test_allocation_joint.py proves the optimum equal
to the general PuLP model's on generated cases.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from prioritizer.allocation.arrays import ArrayModel
from prioritizer.allocation.curves import Split, Structure
from prioritizer.allocation.curves import compress as _compress
from prioritizer.allocation.curves import split_model as _split
from prioritizer.allocation.highs_arrays import highs_of, verify_arrays
from prioritizer.allocation.progress import stage
from prioritizer.allocation.quiet import solver_output_to_stderr
from prioritizer.allocation.solve import SolveOutcome, _status_name, status_message, status_of

#: HiGHS' default relative MIP gap, used when the caller gives none
DEFAULT_GAP = 1e-4
#: share of the gap limit the curve compression may use (the rest is the master's own gap)
CURVE_SHARE = 0.1
#: binaries from which the master gets a warm start
WARM_START_FROM = 1000


@dataclass
class _Sub:
    """A plain LP/MILP in the attributes :func:`.highs_arrays.highs_of` reads."""

    A: sp.csr_matrix
    cost: np.ndarray
    col_lo: np.ndarray
    col_hi: np.ndarray
    row_lo: np.ndarray
    row_hi: np.ndarray
    integer: np.ndarray
    #: v_model = v_sub / col_scale, y_model = y_sub * row_scale (set by :func:`_scale`)
    col_scale: np.ndarray | None = None
    row_scale: np.ndarray | None = None


def _assemble(
    model: ArrayModel, sp_: Split, curves: list[tuple[np.ndarray, np.ndarray]], *, strengthen: bool
) -> tuple[_Sub, list[np.ndarray]]:
    """The master (or polish) problem: kept rows and columns plus one column per curve segment."""
    A = model.A[sp_.keep_rows][:, sp_.keep_cols].tocsr()
    integer = model.integer[sp_.keep_cols].copy()
    row_lo = model.row_lo[sp_.keep_rows] - sp_.rhs_shift
    row_hi = model.row_hi[sp_.keep_rows] - sp_.rhs_shift
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
    sub = _Sub(
        A=big,
        cost=np.concatenate(costs),
        col_lo=np.concatenate([model.col_lo[sp_.keep_cols], np.zeros(ncur)]),
        col_hi=np.concatenate(his),
        row_lo=row_lo,
        row_hi=row_hi,
        integer=np.concatenate([integer, np.zeros(ncur, dtype=bool)]),
    )
    _scale(model, sp_, sub)
    return sub, spans


def _scale(model: ArrayModel, sp_: Split, sub: _Sub) -> None:
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


def _run(
    sub: _Sub,
    *,
    mip: bool,
    offset: float,
    time_limit: float | None,
    gap: float | None,
    start: np.ndarray | None = None,
) -> highspy.Highs:
    h = highs_of(sub, mip=mip)  # type: ignore[arg-type]
    h.changeObjectiveOffset(float(offset))
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = start.tolist()
        sol.value_valid = True
        with solver_output_to_stderr():
            h.setSolution(sol)
    if time_limit is not None:
        h.setOptionValue("time_limit", max(float(time_limit), 0.01))
    if gap is not None:
        h.setOptionValue("mip_rel_gap", float(gap))
    with solver_output_to_stderr():
        h.run()
    return h


@dataclass
class JointResult:
    outcome: SolveOutcome  # the MILP answer, keyed by the full model's names
    fixed: SolveOutcome | None  # the polish (fixed LP) with duals
    relaxation: SolveOutcome | None
    structure: Structure
    path: str = "master+polish"


def _full_point(model: ArrayModel, sp_: Split, spans: list[np.ndarray], sol: np.ndarray) -> np.ndarray:
    """The full model's point from a polish solution: per-good stock from its curve segments,
    then every dropped shortfall and soft-target slack at its row's minimum."""
    d = model.data
    v = np.zeros(len(model.col_names))
    v[sp_.keep_cols] = sol[: len(sp_.keep_cols)]
    q = sp_.lo.copy()
    price = d.unit_price[d.stock_goods] if len(d.stock_goods) else np.zeros(0)
    for c, span in zip(sp_.classes, spans, strict=True):
        np.add.at(q, c.seg_k, sol[span] / price[c.seg_k])
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


def _duals(model: ArrayModel, sp_: Split, h: highspy.Highs, sub: _Sub, v: np.ndarray) -> dict[str, float]:
    """Row prices of the full model: kept rows from the polish LP, dropped rows in closed form.

    Dropped shortfall row: ``−π_s w_g`` while the good is short in that scenario, else 0.
    Soft target row: ``−ρ_k`` while the target is missed, else 0. Hard target or per-good
    storage row: the reduced cost of the good's stock without that row,
    ``d_k = −Σ_i y_i a_ik``, over the row's coefficient when the row holds the stock at its
    bound (floor: d_k ≤ 0; ceiling: d_k ≥ 0), else 0 — complementary slackness.
    """
    rd = np.asarray(h.getSolution().row_dual, dtype=float) * sub.row_scale
    y = np.zeros(model.n_rows)
    y[sp_.keep_rows] = rd[: len(sp_.keep_rows)]
    if len(sp_.f_rows):
        short = v[sp_.f_cols] > 1e-9 * (1 + np.abs(model.row_lo[sp_.f_rows]))
        y[sp_.f_rows] = np.where(short, model.cost[sp_.f_cols], 0.0)
    for i, _k, _a, uc in sp_.pg_rows:
        if uc >= 0:
            y[i] = float(model.cost[uc]) if v[uc] > 1e-9 else 0.0
    hard = [(i, k, a) for i, k, a, uc in sp_.pg_rows if uc < 0]
    if hard:
        qcol = np.array([c.index for c in model.q], dtype=np.int64)
        d = -(model.A.T @ y)  # hard per-good rows still carry y = 0 here
        act = model.A @ v
        for i, k, a in hard:
            lo_r, hi_r = model.row_lo[i], model.row_hi[i]
            dk = float(d[qcol[k]])
            if (math.isfinite(lo_r) and abs(act[i] - lo_r) <= 1e-9 * (1 + abs(lo_r)) and dk < 0) or (
                math.isfinite(hi_r) and abs(act[i] - hi_r) <= 1e-9 * (1 + abs(hi_r)) and dk > 0
            ):
                y[i] = dk / a
    return {f"r{i}": (0.0 if t == 0 else float(t)) for i, t in enumerate(y)}


def _outcome(
    model: ArrayModel,
    v: np.ndarray | None,
    *,
    status: str,
    h: highspy.Highs,
    mip: bool,
    gap: float | None,
    bound: float | None,
    seconds: float,
    duals: dict[str, float] | None,
) -> SolveOutcome:
    values: dict[str, float] = {}
    activity: dict[str, float] = {}
    objective = None
    violations: list[str] = []
    if v is not None:
        values = dict(zip(model.col_names, v.tolist(), strict=True))
        act = model.A @ v
        activity = {f"r{i}": float(a) for i, a in enumerate(act)}
        objective = float(model.cost @ v)
        violations = verify_arrays(model, v, mip=mip)
    ms = h.getModelStatus()
    psol = int(h.getInfo().primal_solution_status)
    out = SolveOutcome(
        status=status,
        objective=objective,
        values=values,
        duals=duals,
        reduced_costs=None,
        activity=activity,
        highs_status=_status_name(h, ms),
        solution_status={0: "none", 1: "infeasible", 2: "feasible"}.get(psol, str(psol)),
        mip_gap=gap,
        mip_bound=bound,
        seconds=seconds,
        is_mip=mip,
        sense=-1,
        highs=None,
    )
    out.message = status_message(status, v is not None, gap)
    if violations:
        out.violations = violations
        out.status = "error"
        out.message = (out.message + "; " if out.message else "") + (
            f"{len(violations)} constraint(s) violated by the returned point"
        )
    return out


def _polish(
    model: ArrayModel, sp_: Split, fix: np.ndarray | None, *, time_limit: float | None
) -> tuple[highspy.Highs, _Sub, list[np.ndarray]]:
    """The LP with full-resolution curves; integers fixed at ``fix`` (kept-column values) or relaxed."""
    full = [(c.seg_len, c.seg_rate) for c in sp_.classes]
    sub, spans = _assemble(model, sp_, full, strengthen=False)
    if fix is not None:
        ii = np.flatnonzero(sub.integer)
        sub.col_lo[ii] = sub.col_hi[ii] = np.round(fix[ii])
    sub.integer[:] = False
    h = _run(sub, mip=False, offset=sp_.offset, time_limit=time_limit, gap=None)
    return h, sub, spans


def _warm_start(sub: _Sub, offset: float, *, time_limit: float, gap: float) -> np.ndarray | None:
    """An incumbent for the master: its LP relaxation, integral binaries fixed, the rest as a MILP.

    (RENS-like, Berthold 2014.) On the national case the master's dual bound is within 1e-5
    of the optimum after its first cut rounds, while HiGHS' own heuristics need far longer
    to find a point that good; any feasible point is fine here — the master still proves
    the gap.
    """
    h = _run(sub, mip=False, offset=offset, time_limit=time_limit, gap=None)
    if status_of(h, h.getModelStatus()) != "optimal":
        return None
    x = np.asarray(h.getSolution().col_value, dtype=float)
    fixed = sub.integer & (np.abs(x - np.round(x)) <= 1e-9)
    lo, hi = sub.col_lo.copy(), sub.col_hi.copy()
    lo[fixed] = hi[fixed] = np.round(x[fixed])
    sub2 = _Sub(sub.A, sub.cost, lo, hi, sub.row_lo, sub.row_hi, sub.integer, sub.col_scale, sub.row_scale)
    h2 = _run(sub2, mip=True, offset=offset, time_limit=time_limit, gap=gap)
    if int(h2.getInfo().primal_solution_status) != 2:
        return None
    return np.asarray(h2.getSolution().col_value, dtype=float)


def solve_joint(
    model: ArrayModel,
    *,
    time_limit: float | None = None,
    gap: float | None = None,
    relaxation: bool = True,
) -> JointResult | None:
    """Solve the MILP ``model`` through its structure; None when the master is not optimal or
    stopped with an incumbent (the caller then runs the general model, e.g. for a conflict set)."""
    t0 = time.perf_counter()
    g_lim = DEFAULT_GAP if gap is None else gap
    stage("structure")
    sp_ = _split(model)
    st = sp_.structure
    times = {"split": time.perf_counter() - t0}
    m = 200
    curves = [_compress(c, m) for c in sp_.classes]
    eps = sum(e for _, _, e in curves)
    scale = max(1.0, abs(sp_.offset))
    while eps > CURVE_SHARE * g_lim * scale and m < 100_000:
        m *= 4
        curves = [_compress(c, m) for c in sp_.classes]
        eps = sum(e for _, _, e in curves)
    sub, _ = _assemble(model, sp_, [(ln, sl) for ln, sl, _ in curves], strengthen=True)
    st.master_columns, st.master_rows = sub.A.shape[1], sub.A.shape[0]
    st.curve_error = eps
    stage("solve", columns=st.master_columns, rows=st.master_rows)
    times["curves"] = time.perf_counter() - t0 - times["split"]
    t1 = time.perf_counter()
    g_master = max(g_lim - eps / scale, 0.0)
    ws_limit = 20.0 if time_limit is None else max(min(20.0, 0.25 * time_limit), 0.01)
    # small masters solve faster than the warm start costs (bench --quick: 500 projects)
    start = (
        _warm_start(sub, sp_.offset, time_limit=ws_limit, gap=g_master)
        if int(sub.integer.sum()) >= WARM_START_FROM
        else None
    )
    times["warm_start"] = time.perf_counter() - t1
    left_m = None if time_limit is None else max(time_limit - (time.perf_counter() - t0), 0.01)
    hm = _run(sub, mip=True, offset=sp_.offset, time_limit=left_m, gap=g_master, start=start)
    ms = hm.getModelStatus()
    status = status_of(hm, ms)
    info = hm.getInfo()
    if status not in ("optimal", "time_limit") or int(info.primal_solution_status) != 2:
        return None
    xm = (np.asarray(hm.getSolution().col_value, dtype=float) / sub.col_scale)[: len(sp_.keep_cols)]
    bound = float(info.mip_dual_bound) if math.isfinite(info.mip_dual_bound) else math.inf
    times["master"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    stage("polish")
    # the polish is an LP; it gets at least 30 s so a stopped master still yields its incumbent
    left = None if time_limit is None else max(time_limit - (time.perf_counter() - t0), 30.0)
    hp, psub, spans = _polish(model, sp_, xm, time_limit=left)
    if status_of(hp, hp.getModelStatus()) != "optimal":
        return None
    psol = np.asarray(hp.getSolution().col_value, dtype=float) / psub.col_scale
    v = _full_point(model, sp_, spans, psol)
    z = float(model.cost @ v)
    ub = bound + eps
    pgap = max(ub - z, 0.0) / max(1.0, abs(z))
    # UB is a valid bound whether or not the master finished: a proven gap within the limit is
    # optimal in the MILP sense (as HiGHS' own "optimal"); otherwise the incumbent with its gap
    final = "optimal" if pgap <= g_lim + 1e-12 else "time_limit"
    times["polish"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    duals = _duals(model, sp_, hp, psub, v)
    times["duals"] = time.perf_counter() - t1
    seconds = time.perf_counter() - t0
    out = _outcome(model, v, status=final, h=hm, mip=True, gap=pgap, bound=ub, seconds=seconds, duals=None)
    fixed = _outcome(
        model, v, status="optimal", h=hp, mip=False, gap=None, bound=None, seconds=seconds, duals=duals
    )
    rel = None
    if relaxation:
        stage("relaxation")
        hr, rsub, rspans = _polish(model, sp_, None, time_limit=time_limit)
        if status_of(hr, hr.getModelStatus()) == "optimal":
            rsol = np.asarray(hr.getSolution().col_value, dtype=float) / rsub.col_scale
            rv = _full_point(model, sp_, rspans, rsol)
            rel = _outcome(
                model,
                rv,
                status="optimal",
                h=hr,
                mip=False,
                gap=None,
                bound=None,
                seconds=0.0,
                duals=_duals(model, sp_, hr, rsub, rv),
            )
            rc = (np.asarray(hr.getSolution().col_dual, dtype=float) * rsub.col_scale)[: len(sp_.keep_cols)]
            rel.reduced_costs = {model.col_names[j]: float(r) for j, r in zip(sp_.keep_cols, rc, strict=True)}
    times["relaxation"] = time.perf_counter() - t1 - times["duals"]
    st.info = {
        "seconds": {k: round(t, 3) for k, t in times.items()},
        "master_status": status,
        "master_bound": bound,
        "polish_objective": z,
    }
    return JointResult(out, fixed, rel, st)
