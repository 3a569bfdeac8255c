"""Portfolio robustness: core index of every project over re-optimised allocations.

For each sampled weight vector w_s the allocation is solved again
(:func:`prioritizer.allocation.api.allocate` with ``weights=w_s, explain=False``) and the
optimal portfolio P_s (projects with a funded fraction > ``tol``) is recorded. The core
index of project p is

    CI_p = |{s : p ∈ P_s}| / S                  (standard error sqrt(CI(1 − CI)/S)),

cf. Liesiö, Mild & Salo (2007), "Preference programming for robust portfolio modeling
and project selection", *EJOR* 181(3):1488–1505, where the *core* projects are those in
every non-dominated portfolio, *exterior* ones in none and *borderline* the rest.

Here the portfolios are the optima for sampled weights (each such optimum is
non-dominated), not the full non-dominated set, so

* ``exterior`` (CI = 0) means "in no sampled optimum" — a project could still enter
  for weights not sampled (the smaller the sample, the likelier);
* ``core`` means CI ≥ ``core_threshold``, default 1 (in *every* sampled optimum, the
  Liesiö et al. definition restricted to the sample); a planner may lower it (0.95)
  to call "nearly always funded" projects core — the threshold is recorded;
* ``borderline`` is everything in between.

Divisible projects also get their mean funded fraction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from prioritizer.errors import InputError, Issue

Progress = Callable[[int, int], None]
#: (weights {criterion: w}) -> (status, funded {project: fraction})
Solver = Callable[[dict[str, float]], tuple[str, Mapping[str, float]]]

OPTIMAL = frozenset({"optimal", "Optimal"})


@dataclass(frozen=True)
class PortfolioResult:
    project_ids: list[str]
    #: funded fractions, one row per successful sample (S × p)
    fractions: np.ndarray
    failed: list[dict[str, Any]]
    tol: float
    core_threshold: float

    @property
    def samples(self) -> int:
        return int(self.fractions.shape[0])

    @property
    def core_index(self) -> np.ndarray:
        return core_index(self.fractions, self.tol)

    @property
    def mc_error(self) -> np.ndarray:
        ci = self.core_index
        return np.sqrt(ci * (1 - ci) / max(self.samples, 1))

    @property
    def classes(self) -> list[str]:
        return classify(self.core_index, self.core_threshold)

    @property
    def distinct_portfolios(self) -> int:
        return len(np.unique(self.fractions > self.tol, axis=0)) if self.samples else 0


def core_index(fractions: np.ndarray, tol: float = 1e-6) -> np.ndarray:
    """Share of portfolios (rows) in which each project (column) is funded above ``tol``."""
    f = np.asarray(fractions, float)
    if f.shape[0] == 0:
        return np.full(f.shape[1], np.nan)
    return (f > tol).mean(axis=0)


def classify(ci: np.ndarray, core_threshold: float = 1.0) -> list[str]:
    """core (CI ≥ threshold) / exterior (CI = 0) / borderline; NaN -> "unknown"."""
    out = []
    for v in np.asarray(ci, float):
        if not np.isfinite(v):
            out.append("unknown")
        elif v >= core_threshold - 1e-12:
            out.append("core")
        elif v <= 0.0:
            out.append("exterior")
        else:
            out.append("borderline")
    return out


def check_threshold(core_threshold: Any) -> float:
    try:
        t = float(core_threshold)
    except (TypeError, ValueError):
        t = float("nan")
    if not 0.5 < t <= 1.0:
        raise InputError(
            [
                Issue(
                    "core_threshold",
                    None,
                    None,
                    core_threshold,
                    "the core threshold is a share of portfolios in (0.5, 1]; 1 = in every sampled optimum",
                )
            ]
        )
    return t


def robust_portfolios(
    solve: Solver,
    criteria: Sequence[str],
    project_ids: Sequence[str],
    weights: np.ndarray,
    *,
    tol: float = 1e-6,
    core_threshold: float = 1.0,
    progress: Progress | None = None,
) -> PortfolioResult:
    """Re-solve the allocation for every weight row and collect the funded fractions.

    Samples whose solve is not optimal (infeasible, time limit) are left out of the core
    index and listed in ``failed`` with their weights, so a reader can see how many and why.
    """
    core_threshold = check_threshold(core_threshold)
    index = {p: k for k, p in enumerate(project_ids)}
    rows: list[np.ndarray] = []
    failed: list[dict[str, Any]] = []
    total = len(weights)
    for s, w in enumerate(weights):
        wd = {c: float(v) for c, v in zip(criteria, w, strict=True)}
        status, funded = solve(wd)
        if status not in OPTIMAL:
            failed.append({"sample": s, "status": status, "weights": wd})
        else:
            row = np.zeros(len(project_ids))
            for pid, frac in funded.items():
                if pid in index:
                    row[index[pid]] = float(frac)
            rows.append(row)
        if progress is not None:
            progress(s + 1, total)
    fractions = np.vstack(rows) if rows else np.zeros((0, len(project_ids)))
    return PortfolioResult(list(project_ids), fractions, failed, tol, core_threshold)


def allocation_solver(case: Any, *, policy: Any = None, model: Any = None, **options: Any) -> Solver:
    """A :data:`Solver` backed by :func:`prioritizer.allocation.api.allocate` (imported lazily)."""
    from prioritizer.allocation.api import allocate

    def solve(weights: dict[str, float]) -> tuple[str, Mapping[str, float]]:
        res = allocate(case, policy=policy, model=model, weights=weights, explain=False, **options)
        return str(res.status), res.funded

    return solve
