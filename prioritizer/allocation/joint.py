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
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from typing import Any

import highspy
import numpy as np

from prioritizer.allocation.arrays import ArrayModel
from prioritizer.allocation.curves import Split, Structure
from prioritizer.allocation.curves import compress as _compress
from prioritizer.allocation.curves import split_model as _split
from prioritizer.allocation.highs_arrays import verify_arrays
from prioritizer.allocation.progress import stage
from prioritizer.allocation.solve import (
    SolveOutcome,
    _status_name,
    flag_violations,
    solution_status_name,
    status_message,
    status_of,
)
from prioritizer.allocation.subproblem import Sub, assemble, class_values, full_point, polish, run

#: HiGHS' default relative MIP gap, used when the caller gives none
DEFAULT_GAP = 1e-4
#: share of the gap limit the curve compression may use (the rest is the master's own gap)
CURVE_SHARE = 0.1
#: binaries from which the master gets a warm start
WARM_START_FROM = 1000
#: HiGHS asks for an outside solution after its set-up (0), after the root LP (1), after each
#: root cut round (2, …) and before each dive. Until its first cut round the master runs on
#: without the warm start; from then on it waits for it, as without an incumbent the cuts
#: cannot close the gap (national case: 46 s to optimal without one, 6 s with it)
WAIT_FROM_QUERY = 2


@dataclass
class JointResult:
    outcome: SolveOutcome  # the MILP answer, keyed by the full model's names
    fixed: SolveOutcome | None  # the polish (fixed LP) with duals
    relaxation: SolveOutcome | None
    structure: Structure
    path: str = "master+polish"
    beside: Any = None  # what the caller's ``beside`` returned


def _duals(model: ArrayModel, sp_: Split, h: highspy.Highs, sub: Sub, v: np.ndarray) -> dict[str, float]:
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


Point = tuple[dict[str, float], dict[str, float], float]


def _point(model: ArrayModel, v: np.ndarray) -> Point:
    """A full-model point keyed by name: (column values, row activities, objective)."""
    values = dict(zip(model.col_names, v.tolist(), strict=True))
    activity = {f"r{i}": float(a) for i, a in enumerate(model.A @ v)}
    return values, activity, float(model.cost @ v)


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
    point: Point | None = None,
) -> SolveOutcome:
    """``point``: the same ``v`` already keyed by name (the MILP answer and its fixed LP share it)."""
    values: dict[str, float] = {}
    activity: dict[str, float] = {}
    objective = None
    violations: list[str] = []
    if v is not None:
        values, activity, objective = point if point is not None else _point(model, v)
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
        solution_status=solution_status_name(psol),
        mip_gap=gap,
        mip_bound=bound,
        seconds=seconds,
        is_mip=mip,
        sense=-1,
        highs=None,
    )
    out.message = status_message(status, v is not None, gap)
    flag_violations(out, violations)
    return out


def _project_of_column(model: ArrayModel) -> np.ndarray:
    """The project each column decides (its ``x`` or ``y``), −1 for the other columns."""
    col_p = np.full(len(model.col_names), -1, dtype=np.int64)
    col_p[[c.index for c in model.x]] = np.arange(len(model.x))
    for p, c in model.y.items():
        col_p[c.index] = p
    return col_p


def _start_model(model: ArrayModel, v: np.ndarray, free_p: np.ndarray) -> ArrayModel:
    """``model`` with every project column fixed at ``v`` except the projects in ``free_p``.

    A good none of whose free projects adds capacity is then no longer linked: its shortfall
    rows lose the fixed capacity (``need − Σ κ_p (M_s/12) x_p``, at least 0) and it joins the
    stock curves. The heuristic's MILP is then small — the free binaries and the goods they
    supply — where the master keeps every linked good's rows.
    """
    m = model.copy()
    col_p = _project_of_column(model)
    fixed = np.flatnonzero((col_p >= 0) & ~np.isin(col_p, free_p))
    m.col_lo[fixed] = m.col_hi[fixed] = v[fixed]
    free = np.zeros(model.data.n_projects, dtype=bool)
    free[free_p] = True
    m.data = dc_replace(model.data, capacity=np.where(free, model.data.capacity, 0.0))
    # capacity the fixed projects add to each shortfall row
    xcols = np.array([c.index for c in model.x], dtype=np.int64)
    vf = np.zeros(len(model.col_names))
    vf[xcols[~free]] = v[xcols[~free]]
    contrib = (model.A[model.n_rules :] @ vf) if len(model.sf_good) else np.zeros(0)
    m.sf_need = np.maximum(model.sf_need - contrib, 0.0)
    return m


def _warm_start(
    model: ArrayModel, sp_: Split, sub: Sub, *, time_limit: float, gap: float
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Integer values of a good first incumbent (RENS on the structure; Berthold 2014).

    The master's LP relaxation (fast: one simplex solve) leaves few binaries fractional. Fix
    every project at its LP value but those, turn the goods they no longer link into curves
    (:func:`_start_model`), and solve that small MILP. On the national case the master's dual
    bound is within 1e-5 of the optimum after its first cut round while HiGHS' own heuristics
    need far longer to find a point that good; any feasible point is fine — the master still
    proves the gap. Returns the model's integer columns' values (or None) and the master's LP
    relaxation solution (or None).
    """
    lp = dc_replace(sub, integer=np.zeros_like(sub.integer))
    h = run(lp, mip=False, offset=sp_.offset, time_limit=time_limit, gap=None)
    if status_of(h, h.getModelStatus()) != "optimal":
        return None, None
    lp_sol = lp.values(h)
    v = np.zeros(len(model.col_names))
    v[sp_.keep_cols] = lp_sol[: len(sp_.keep_cols)]
    ints = np.flatnonzero(model.integer)
    r = np.round(v[ints])
    near = np.abs(v[ints] - r) <= 1e-9
    v[ints[near]] = r[near]
    free_p = np.unique(_project_of_column(model)[ints[~near]])
    m2 = _start_model(model, v, free_p[free_p >= 0])
    sp2 = _split(m2)
    sub2, _ = assemble(m2, sp2, [_compress(c, 200)[:2] for c in sp2.classes], strengthen=True)
    h2 = run(sub2, mip=True, offset=sp2.offset, time_limit=time_limit, gap=gap)
    if int(h2.getInfo().primal_solution_status) != 2:
        return None, lp_sol
    v2 = np.where(m2.col_lo == m2.col_hi, m2.col_lo, 0.0)
    v2[sp2.keep_cols] = sub2.values(h2)[: len(sp2.keep_cols)]
    return np.round(v2[ints]), lp_sol


def _master_point(
    sub: Sub, pos: np.ndarray, ints: np.ndarray, *, offset: float, time_limit: float
) -> np.ndarray | None:
    """A full point of the master (HiGHS' scaled columns) with its binaries at ``ints``: the
    master's LP with those columns fixed — what HiGHS would solve itself to complete a
    partial start, done here beside the master instead of before it."""
    lo, hi = sub.col_lo.copy(), sub.col_hi.copy()
    lo[pos] = hi[pos] = ints if sub.col_scale is None else ints * sub.col_scale[pos]
    fixed = dc_replace(sub, col_lo=lo, col_hi=hi, integer=np.zeros_like(sub.integer))
    h = run(fixed, mip=False, offset=offset, time_limit=time_limit, gap=None)
    if status_of(h, h.getModelStatus()) != "optimal":
        return None
    return np.asarray(h.getSolution().col_value, dtype=float)


class _StartBeside:
    """The master's warm start, made in a side thread while the master has already begun.

    HiGHS releases the GIL and the master's presolve, root LP and first cut round take longer
    than the warm start (national case: 5–6 s against 1.5 s), so the two overlap; HiGHS picks
    the point up when it next asks for an outside solution (:meth:`offer`)."""

    def __init__(self, deadline: float | None = None) -> None:
        self.ready = threading.Event()
        self.point: np.ndarray | None = None
        self.answered = False  # HiGHS had its answer (the point, or none: failed or too late)
        self.offered_at: int | None = None  # the query at which HiGHS got the point
        self.seconds = 0.0
        #: ``time.perf_counter()`` past which the master does not wait (the caller's time limit)
        self.deadline = deadline

    def make(
        self, model: ArrayModel, sp_: Split, sub: Sub, *, time_limit: float, gap: float
    ) -> np.ndarray | None:
        """Build the point; returns the master's LP relaxation solution (or None)."""
        t = time.perf_counter()
        try:
            ints, lp_sol = _warm_start(model, sp_, sub, time_limit=time_limit, gap=gap)
            if ints is not None:
                pos = np.searchsorted(sp_.keep_cols, np.flatnonzero(model.integer))
                self.point = _master_point(sub, pos, ints, offset=sp_.offset, time_limit=time_limit)
            return lp_sol
        finally:  # the master may be waiting for it, whatever happened here
            self.seconds = time.perf_counter() - t
            self.ready.set()

    def offer(self, asked: int) -> np.ndarray | None:
        """What to answer HiGHS' ``asked``-th query (the point once, else None)."""
        if self.answered or (asked < WAIT_FROM_QUERY and not self.ready.is_set()):
            return None
        left = None if self.deadline is None else max(self.deadline - time.perf_counter(), 0.0)
        ready = self.ready.wait(left)  # HiGHS cannot stop while it waits here: not past the limit
        self.answered = True
        if not ready or self.point is None:
            return None
        self.offered_at = asked
        return self.point


def solve_joint(
    model: ArrayModel,
    *,
    time_limit: float | None = None,
    gap: float | None = None,
    relaxation: bool = True,
    beside: Callable[[], Any] | None = None,
) -> JointResult | None:
    """Solve the MILP ``model`` through its structure; None when the master is not optimal or
    stopped with an incumbent (the caller then runs the general model, e.g. for a conflict set).

    ``beside``: work of the caller's that does not depend on the answer, run in a thread while
    HiGHS solves the master; its return value is :attr:`JointResult.beside`."""
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
    sub, mspans = assemble(model, sp_, [(ln, sl) for ln, sl, _ in curves], strengthen=True, aggregate=True)
    st.master_columns, st.master_rows = sub.A.shape[1], sub.A.shape[0]
    st.curve_error = eps
    stage("solve", columns=st.master_columns, rows=st.master_rows)
    times["curves"] = time.perf_counter() - t0 - times["split"]
    t1 = time.perf_counter()
    g_master = max(g_lim - eps / scale, 0.0)
    ws_limit = 20.0 if time_limit is None else max(min(20.0, 0.25 * time_limit), 0.01)
    # small masters solve faster than the warm start costs (bench --quick: 500 projects)
    deadline = None if time_limit is None else t0 + time_limit
    start = _StartBeside(deadline) if int(sub.integer.sum()) >= WARM_START_FROM else None

    def start_then_relaxation() -> Any:
        assert start is not None
        lp_sol = start.make(model, sp_, sub, time_limit=ws_limit, gap=g_master)
        if not relaxation or lp_sol is None:
            return None
        # the LP relaxation's windows centred on the master's own LP relaxation
        return polish(
            model, sp_, None, time_limit=time_limit, centres=class_values(sp_, mspans, None, lp_sol)
        )

    # Work that does not depend on the master's answer runs beside it (HiGHS releases the GIL;
    # two cores): the warm start, then the LP relaxation, and the caller's ``beside``.
    side = ThreadPoolExecutor(max_workers=2) if beside is not None or start is not None else None
    beside_future = side.submit(beside) if side is not None and beside is not None else None
    rel_future = side.submit(start_then_relaxation) if side is not None and start is not None else None
    left_m = None if time_limit is None else max(time_limit - (time.perf_counter() - t0), 0.01)
    hm = run(
        sub,
        mip=True,
        offset=sp_.offset,
        time_limit=left_m,
        gap=g_master,
        supply=start.offer if start is not None else None,
    )
    ms = hm.getModelStatus()
    status = status_of(hm, ms)
    info = hm.getInfo()
    if status not in ("optimal", "time_limit") or int(info.primal_solution_status) != 2:
        if side is not None:  # the caller falls back to the general model
            side.shutdown(wait=False, cancel_futures=True)
        return None
    msol = sub.values(hm)
    xm = msol[: len(sp_.keep_cols)]
    centres = class_values(sp_, mspans, None, msol)
    bound = float(info.mip_dual_bound) if math.isfinite(info.mip_dual_bound) else math.inf
    times["master"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    stage("polish")
    # the polish is an LP; it gets at least 30 s so a stopped master still yields its incumbent
    left = None if time_limit is None else max(time_limit - (time.perf_counter() - t0), 30.0)
    hp, psub, spans, wins = polish(model, sp_, xm, time_limit=left, centres=centres)
    if status_of(hp, hp.getModelStatus()) != "optimal":
        if side is not None:
            side.shutdown(wait=False, cancel_futures=True)
        return None
    psol = psub.values(hp)
    v = full_point(model, sp_, spans, psol, wins)
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
    pt = _point(model, v)
    out = _outcome(
        model, v, status=final, h=hm, mip=True, gap=pgap, bound=ub, seconds=seconds, duals=None, point=pt
    )
    fixed = _outcome(
        model,
        v,
        status="optimal",
        h=hp,
        mip=False,
        gap=None,
        bound=None,
        seconds=seconds,
        duals=duals,
        point=pt,
    )
    rel = None
    if relaxation:
        stage("relaxation")
        beside_rel = rel_future.result() if rel_future is not None else None
        if beside_rel is not None:
            hr, rsub, rspans, rwins = beside_rel
        else:
            hr, rsub, rspans, rwins = polish(
                model, sp_, None, time_limit=time_limit, centres=class_values(sp_, spans, wins, psol)
            )
        if status_of(hr, hr.getModelStatus()) == "optimal":
            rsol = rsub.values(hr)
            rv = full_point(model, sp_, rspans, rsol, rwins)
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
    beside_value = beside_future.result() if beside_future is not None else None
    if side is not None:
        side.shutdown()
    st.info = {
        "seconds": {k: round(t, 3) for k, t in times.items()},
        "master_status": status,
        "master_bound": bound,
        "polish_objective": z,
    }
    if start is not None:
        # made beside the master: its seconds overlap the master's
        st.info["warm_start"] = {
            "seconds": round(start.seconds, 3),
            "found": start.point is not None,
            "offered_at_query": start.offered_at,
        }
    return JointResult(out, fixed, rel, st, beside=beside_value)
