"""Solver adapter: PuLP model -> HiGHS -> honest status and textbook-signed duals.

Three things PuLP's own HiGHS interface does not give a planner, and this module does:

1. **Honest status.** PuLP maps HiGHS ``kTimeLimit`` / ``kIterationLimit`` /
   ``kInterrupt`` to ``LpStatusOptimal``. We read the HiGHS model status and
   ``primal_solution_status`` ourselves and report ``optimal``, ``time_limit`` (with the
   incumbent and the MIP gap when one was found), ``infeasible``, ``unbounded`` or
   ``error``. ``kUnboundedOrInfeasible`` is settled by a feasibility re-solve with a
   zero objective.
2. **Invert step.** PuLP hands HiGHS a *minimisation* of ``−z`` for a maximisation, so
   HiGHS' row duals, reduced costs and cost ranges are those of ``−z``. The textbook
   convention (Hillier & Lieberman, *Introduction to Operations Research*, ch. 4–7) is
   ``y_i = ∂z*/∂b_i`` and reduced cost ``c_j − z_j`` in the user's own sense; both are
   ``sense × (HiGHS value)`` with ``sense = −1`` for a maximisation. Cost ranges are
   mirrored (``[−up, −dn]``). Proven on Wyndor Glass (tests/test_allocation_textbook.py).
3. **Re-check.** The returned point is checked against every row, bound and
   integrality before anyone reads it (:func:`verify`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
import pulp

from prioritizer.allocation.quiet import solver_output_to_stderr
from prioritizer.errors import SolverError

#: feasibility tolerance of the re-check, relative to 1 + |rhs|
CHECK_TOL = 1e-6
_MS = highspy.HighsModelStatus


@dataclass
class Ranging:
    """Ranges over which the current basis stays optimal (textbook meaning, user's units)."""

    #: variable name -> (lowest, highest) objective coefficient
    cost: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: constraint name -> (lowest, highest) right-hand side
    rhs: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass
class SolveOutcome:
    status: str  # optimal | time_limit | infeasible | unbounded | error
    objective: float | None
    values: dict[str, float]
    #: constraint name -> textbook shadow price ∂z*/∂b (None when no duals, e.g. a MILP)
    duals: dict[str, float] | None
    #: variable name -> textbook reduced cost c_j − z_j
    reduced_costs: dict[str, float] | None
    #: constraint name -> row activity (Σ a_ij x_j)
    activity: dict[str, float]
    highs_status: str
    solution_status: str
    mip_gap: float | None
    mip_bound: float | None
    seconds: float
    is_mip: bool
    sense: int  # +1 minimise, −1 maximise (pulp convention)
    violations: list[str] = field(default_factory=list)
    message: str = ""
    highs: Any = None
    ranging: Ranging | None = None

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "time_limit") and bool(self.values)


def rows_of(prob: pulp.LpProblem) -> dict[str, pulp.LpConstraint]:
    """PuLP's name -> constraint dict (``prob.constraints`` is deprecated in PuLP 3.3)."""
    return prob._constraints


def highs_version() -> str:
    with solver_output_to_stderr():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        return str(h.version())


def _status_name(h: highspy.Highs, ms: Any) -> str:
    try:
        return str(h.modelStatusToString(ms))
    except Exception:  # older highspy
        return str(ms)


#: MILPs up to this many integer columns solve without HiGHS' sub-MIP heuristics
SMALL_MIP = 500


def solve_problem(
    prob: pulp.LpProblem,
    *,
    time_limit: float | None = None,
    gap: float | None = None,
    mip: bool = True,
    ranging: bool = False,
    threads: int | None = None,
) -> SolveOutcome:
    """Solve ``prob`` with HiGHS (passed explicitly) and return an honest outcome."""
    opts: dict[str, Any] = {}
    if mip and sum(v.cat == pulp.LpInteger for v in prob.variables()) <= SMALL_MIP:
        # HiGHS' RINS/RENS sub-MIPs are 3/4 of a small MILP's time (default case: 0.12 s → 0.04 s,
        # same optimum); branch and bound finds the incumbent of a few hundred binaries anyway
        opts.update(mip_heuristic_run_rins=False, mip_heuristic_run_rens=False)
    solver = pulp.HiGHS(
        mip=mip,
        msg=False,
        timeLimit=time_limit,
        gapRel=gap,
        threads=threads,
        **opts,
    )
    t0 = time.perf_counter()
    try:
        with solver_output_to_stderr():
            prob.solve(solver)
    except pulp.PulpSolverError as exc:
        raise SolverError(f"HiGHS failed: {exc}") from exc
    seconds = time.perf_counter() - t0
    h: highspy.Highs = prob.solverModel
    return read_outcome(prob, h, seconds=seconds, mip=mip, want_ranging=ranging)


def read_outcome(
    prob: pulp.LpProblem, h: highspy.Highs, *, seconds: float, mip: bool, want_ranging: bool
) -> SolveOutcome:
    sense = prob.sense  # 1 min, -1 max
    ms = h.getModelStatus()
    info = h.getInfo()
    is_mip = mip and any(v.cat == pulp.LpInteger for v in prob.variables())
    psol = int(info.primal_solution_status)  # 0 none, 1 infeasible point, 2 feasible
    sol_name = solution_status_name(psol)
    mip_gap = float(info.mip_gap) if is_mip and math.isfinite(info.mip_gap) else None
    mip_bound = None
    if is_mip and math.isfinite(info.mip_dual_bound):
        mip_bound = sense * float(info.mip_dual_bound)
    status_str = _status_name(h, ms)
    status = status_of(h, ms)
    have_point = psol == 2 and status in ("optimal", "time_limit")
    variables = prob.variables()
    values: dict[str, float] = {}
    activity: dict[str, float] = {}
    duals = rc = None
    objective = None
    if have_point:
        sol = h.getSolution()
        cv = np.asarray(sol.col_value)
        values = {v.name: float(cv[v.index]) for v in variables}
        rv = np.asarray(sol.row_value)
        activity = {name: float(rv[c.index]) for name, c in rows_of(prob).items()}
        # PuLP gives HiGHS sense×c, so HiGHS' objective is sense×z: undo it.
        objective = float(sense * h.getObjectiveValue()) + float(prob.objective.constant or 0.0)
        if not is_mip and int(info.dual_solution_status) == 2:
            rd = np.asarray(sol.row_dual)
            cd = np.asarray(sol.col_dual)
            # invert: HiGHS duals belong to min sense×z; textbook duals are ∂z*/∂b
            duals = {name: _z(sense * float(rd[c.index])) for name, c in rows_of(prob).items()}
            rc = {v.name: _z(sense * float(cd[v.index])) for v in variables}
    out = SolveOutcome(
        status=status,
        objective=objective,
        values=values,
        duals=duals,
        reduced_costs=rc,
        activity=activity,
        highs_status=status_str,
        solution_status=sol_name,
        mip_gap=mip_gap,
        mip_bound=mip_bound,
        seconds=seconds,
        is_mip=is_mip,
        sense=sense,
        highs=h,
    )
    out.message = status_message(status, have_point, mip_gap)
    if have_point:
        # an LP solve of a model with integer columns (fixed LP, relaxation) is not held to integrality
        flag_violations(out, verify(prob, values, integrality=is_mip))
        if want_ranging and duals is not None:
            out.ranging = read_ranging(prob, h, values, activity)
    return out


def solution_status_name(psol: int) -> str:
    """HiGHS' primal solution status in words."""
    return {0: "none", 1: "infeasible", 2: "feasible"}.get(psol, str(psol))


def flag_violations(out: SolveOutcome, violations: list[str]) -> None:
    """Record the rows a returned point breaks; such a point is an ``error``, never an answer
    (shared by the PuLP, array and structured backends)."""
    if not violations:
        return
    out.violations = violations
    out.status = "error"
    out.message = (out.message + "; " if out.message else "") + (
        f"{len(violations)} constraint(s) violated by the returned point"
    )


def status_of(h: highspy.Highs, ms: Any) -> str:
    """The honest status of a HiGHS run (shared by the PuLP and the array backends)."""
    if ms == _MS.kOptimal:
        return "optimal"
    if ms in (_MS.kTimeLimit, _MS.kIterationLimit, _MS.kInterrupt, _MS.kSolutionLimit):
        return "time_limit"
    if ms == _MS.kInfeasible:
        return "infeasible"
    if ms == _MS.kUnbounded:
        return "unbounded"
    if ms == _MS.kUnboundedOrInfeasible:
        return _settle_unbounded_or_infeasible(h)
    return "error"


def status_message(status: str, have_point: bool, mip_gap: float | None) -> str:
    if status == "time_limit" and not have_point:
        return "stopped at the time limit before any feasible solution was found"
    if status == "time_limit":
        g = f"{mip_gap:.2%}" if mip_gap is not None else "unknown"
        return f"stopped at the time limit; best solution found so far, gap {g}"
    return ""


def _z(x: float) -> float:
    return 0.0 if x == 0 else x  # no "-0.0" in reports


def _settle_unbounded_or_infeasible(h: highspy.Highs) -> str:
    """HiGHS could not tell: re-solve a copy with zero objective; feasible ⇒ unbounded."""
    with solver_output_to_stderr():
        g = highspy.Highs()
    g.setOptionValue("output_flag", False)
    g.passModel(h.getModel())
    n = g.getNumCol()
    if n:
        g.changeColsCost(n, np.arange(n, dtype=np.int32), np.zeros(n))
    g.setOptionValue("presolve", "off")
    with solver_output_to_stderr():
        g.run()
    ms = g.getModelStatus()
    if ms == _MS.kOptimal:
        return "unbounded"
    if ms == _MS.kInfeasible:
        return "infeasible"
    return "error"


def verify(prob: pulp.LpProblem, values: dict[str, float], *, integrality: bool = True) -> list[str]:
    """Every violated row, bound or (with ``integrality``) integrality of ``values`` in words
    (empty = feasible)."""
    bad: list[str] = []
    for v in prob.variables():
        x = values.get(v.name, 0.0)
        if v.lowBound is not None and x < v.lowBound - CHECK_TOL * (1 + abs(v.lowBound)):
            bad.append(f"{v.name} = {x:g} below its lower bound {v.lowBound:g}")
        if v.upBound is not None and x > v.upBound + CHECK_TOL * (1 + abs(v.upBound)):
            bad.append(f"{v.name} = {x:g} above its upper bound {v.upBound:g}")
        if integrality and v.cat == pulp.LpInteger and abs(x - round(x)) > 1e-6:
            bad.append(f"{v.name} = {x:g} is not integral")
    for name, c in rows_of(prob).items():
        act = sum(a * values.get(var.name, 0.0) for var, a in c.items())
        rhs = -(c.constant or 0.0)
        tol = CHECK_TOL * (1 + abs(rhs)) + CHECK_TOL * max(1.0, abs(act))
        if c.sense == pulp.LpConstraintLE and act > rhs + tol:
            bad.append(f"{name}: {act:g} > {rhs:g}")
        elif c.sense == pulp.LpConstraintGE and act < rhs - tol:
            bad.append(f"{name}: {act:g} < {rhs:g}")
        elif c.sense == pulp.LpConstraintEQ and abs(act - rhs) > tol:
            bad.append(f"{name}: {act:g} ≠ {rhs:g}")
    return bad


def read_ranging(
    prob: pulp.LpProblem, h: highspy.Highs, values: dict[str, float], activity: dict[str, float]
) -> Ranging | None:
    """Cost and right-hand-side ranging from HiGHS, inverted to the user's sense.

    For a non-binding row the textbook range is one-sided: the rhs may move down to the
    row's activity (≤ row) or up to it (≥ row) without changing the basis; HiGHS reports
    bound ranges only meaningfully for rows at a bound, so we take that case ourselves.
    """
    try:
        with solver_output_to_stderr():
            st, r = h.getRanging()
    except Exception:
        return None
    if st != highspy.HighsStatus.kOk or not r.valid:
        return None
    sense = prob.sense
    n = h.getNumCol()
    up = np.asarray(r.col_cost_up.value_)[:n]
    dn = np.asarray(r.col_cost_dn.value_)[:n]
    out = Ranging()
    for v in prob.variables():
        lo, hi = float(dn[v.index]), float(up[v.index])
        if sense == pulp.LpMaximize:
            lo, hi = -hi, -lo
        out.cost[v.name] = (lo, hi)
    rup = np.asarray(r.row_bound_up.value_)
    rdn = np.asarray(r.row_bound_dn.value_)
    for name, c in rows_of(prob).items():
        rhs = -(c.constant or 0.0)
        act = activity.get(name, math.nan)
        tol = 1e-9 * (1 + abs(rhs))
        binding = abs(act - rhs) <= max(tol, 1e-7)
        if c.sense == pulp.LpConstraintLE and not binding:
            out.rhs[name] = (act, math.inf)
        elif c.sense == pulp.LpConstraintGE and not binding:
            out.rhs[name] = (-math.inf, act)
        else:
            i = c.index
            out.rhs[name] = (float(rdn[i]), float(rup[i]))
    return out
