"""The array backend: an :class:`~.arrays.ArrayModel` straight into highspy, no PuLP in between.

The model is passed as one column-wise sparse matrix (``HighsLp``) with the objective sense
set to *maximise*, so HiGHS' duals already have the user's sense: ``y_i = ∂z*/∂b_i`` with the
textbook sign (HiGHS reports duals of a maximisation as derivatives of the maximised
objective; tests/test_allocation_arrays.py checks them against the PuLP backend, whose
invert step is proven on Wyndor Glass). Status, the time-limit honesty and the solution
re-check are those of :mod:`.solve`; the outcome is keyed by the PuLP model's names (``x_3``,
``r17``), so :mod:`.explain` reads either backend's solution the same way.
"""

from __future__ import annotations

import math
import time

import highspy
import numpy as np

from prioritizer.allocation.arrays import ArrayModel
from prioritizer.allocation.quiet import solver_output_to_stderr
from prioritizer.allocation.solve import (
    CHECK_TOL,
    Ranging,
    SolveOutcome,
    _status_name,
    flag_violations,
    solution_status_name,
    status_message,
    status_of,
)

_INF = highspy.kHighsInf


def _clip_inf(a: np.ndarray) -> np.ndarray:
    return np.where(np.isposinf(a), _INF, np.where(np.isneginf(a), -_INF, a))


def highs_of(model: ArrayModel, *, mip: bool) -> highspy.Highs:
    """A configured HiGHS instance holding ``model`` (integrality only when ``mip``)."""
    A = model.A.tocsc()
    lp = highspy.HighsLp()
    lp.num_col_ = A.shape[1]
    lp.num_row_ = A.shape[0]
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = model.cost.astype(float)
    lp.col_lower_ = _clip_inf(model.col_lo)
    lp.col_upper_ = _clip_inf(model.col_hi)
    lp.row_lower_ = _clip_inf(model.row_lo)
    lp.row_upper_ = _clip_inf(model.row_hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    if mip and model.integer.any():
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if b else highspy.HighsVarType.kContinuous for b in model.integer
        ]
    with solver_output_to_stderr():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.passModel(lp)
    return h


def verify_arrays(model: ArrayModel, v: np.ndarray, *, mip: bool) -> list[str]:
    """Every violated row, bound or integrality of point ``v`` (empty = feasible)."""
    bad: list[str] = []
    tol_lo = CHECK_TOL * (1 + np.abs(np.where(np.isfinite(model.col_lo), model.col_lo, 0)))
    tol_hi = CHECK_TOL * (1 + np.abs(np.where(np.isfinite(model.col_hi), model.col_hi, 0)))
    for j in np.flatnonzero(v < model.col_lo - tol_lo)[:20]:
        bad.append(f"{model.col_names[j]} = {v[j]:g} below its lower bound {model.col_lo[j]:g}")
    for j in np.flatnonzero(v > model.col_hi + tol_hi)[:20]:
        bad.append(f"{model.col_names[j]} = {v[j]:g} above its upper bound {model.col_hi[j]:g}")
    if mip:
        frac = np.abs(v - np.round(v)) > 1e-6
        for j in np.flatnonzero(frac & model.integer)[:20]:
            bad.append(f"{model.col_names[j]} = {v[j]:g} is not integral")
    act = model.A @ v
    scale = np.maximum(1.0, np.abs(act))
    lo_t = CHECK_TOL * (1 + np.abs(np.where(np.isfinite(model.row_lo), model.row_lo, 0))) + CHECK_TOL * scale
    hi_t = CHECK_TOL * (1 + np.abs(np.where(np.isfinite(model.row_hi), model.row_hi, 0))) + CHECK_TOL * scale
    for i in np.flatnonzero(act < model.row_lo - lo_t)[:20]:
        bad.append(f"r{i}: {act[i]:g} < {model.row_lo[i]:g}")
    for i in np.flatnonzero(act > model.row_hi + hi_t)[:20]:
        bad.append(f"r{i}: {act[i]:g} > {model.row_hi[i]:g}")
    return bad


def solve_arrays(
    model: ArrayModel,
    *,
    time_limit: float | None = None,
    gap: float | None = None,
    mip: bool = True,
    ranging: bool = False,
    threads: int | None = None,
) -> SolveOutcome:
    """Solve ``model`` with HiGHS and return an honest, name-keyed :class:`SolveOutcome`."""
    is_mip = bool(mip and model.integer.any())
    h = highs_of(model, mip=is_mip)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    if gap is not None:
        h.setOptionValue("mip_rel_gap", float(gap))
    if threads is not None:
        h.setOptionValue("threads", int(threads))
    t0 = time.perf_counter()
    with solver_output_to_stderr():
        h.run()
    seconds = time.perf_counter() - t0
    ms = h.getModelStatus()
    info = h.getInfo()
    psol = int(info.primal_solution_status)
    sol_name = solution_status_name(psol)
    mip_gap = float(info.mip_gap) if is_mip and math.isfinite(info.mip_gap) else None
    mip_bound = float(info.mip_dual_bound) if is_mip and math.isfinite(info.mip_dual_bound) else None
    status = status_of(h, ms)
    have_point = psol == 2 and status in ("optimal", "time_limit")
    names = model.col_names
    values: dict[str, float] = {}
    activity: dict[str, float] = {}
    duals = rc = None
    objective = None
    out_ranging = None
    violations: list[str] = []
    if have_point:
        sol = h.getSolution()
        cv = np.asarray(sol.col_value, dtype=float)
        rv = np.asarray(sol.row_value, dtype=float)
        values = dict(zip(names, cv.tolist(), strict=True))
        activity = {f"r{i}": float(a) for i, a in enumerate(rv)}
        objective = float(h.getObjectiveValue())
        if not is_mip and int(info.dual_solution_status) == 2:
            rd = np.asarray(sol.row_dual, dtype=float)
            cd = np.asarray(sol.col_dual, dtype=float)
            # the objective sense is passed as maximise, so no sign flip is needed (invert step)
            duals = {f"r{i}": (0.0 if d == 0 else float(d)) for i, d in enumerate(rd)}
            rc = {n: (0.0 if d == 0 else float(d)) for n, d in zip(names, cd.tolist(), strict=True)}
            if ranging:
                out_ranging = _ranging(model, h, rv)
        violations = verify_arrays(model, cv, mip=is_mip)
    out = SolveOutcome(
        status=status,
        objective=objective,
        values=values,
        duals=duals,
        reduced_costs=rc,
        activity=activity,
        highs_status=_status_name(h, ms),
        solution_status=sol_name,
        mip_gap=mip_gap,
        mip_bound=mip_bound,
        seconds=seconds,
        is_mip=is_mip,
        sense=-1,
        highs=h,
        ranging=out_ranging,
    )
    out.message = status_message(status, have_point, mip_gap)
    flag_violations(out, violations)
    return out


def _ranging(model: ArrayModel, h: highspy.Highs, act: np.ndarray) -> Ranging | None:
    """rhs and cost ranging in the user's sense; non-binding rows one-sided (as in :func:`.solve.read_ranging`)."""
    try:
        with solver_output_to_stderr():
            st, r = h.getRanging()
    except Exception:
        return None
    if st != highspy.HighsStatus.kOk or not r.valid:
        return None
    out = Ranging()
    n = len(model.col_names)
    up = np.asarray(r.col_cost_up.value_)[:n]
    dn = np.asarray(r.col_cost_dn.value_)[:n]
    out.cost = {name: (float(dn[j]), float(up[j])) for j, name in enumerate(model.col_names)}
    rup = np.asarray(r.row_bound_up.value_)
    rdn = np.asarray(r.row_bound_dn.value_)
    for i in range(model.n_rows):
        lo, hi = model.row_lo[i], model.row_hi[i]
        rhs = hi if math.isfinite(hi) else lo
        binding = abs(act[i] - rhs) <= max(1e-9 * (1 + abs(rhs)), 1e-7)
        if math.isfinite(hi) and not binding:
            out.rhs[f"r{i}"] = (float(act[i]), math.inf)
        elif math.isfinite(lo) and not math.isfinite(hi) and not binding:
            out.rhs[f"r{i}"] = (-math.inf, float(act[i]))
        else:
            out.rhs[f"r{i}"] = (float(rdn[i]), float(rup[i]))
    return out
