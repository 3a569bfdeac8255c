"""What a study says, from its task records (pure numpy; no solver, no I/O).

With T successful tasks t (status optimal), P projects and funded fractions F (T × P):

* ``funded_share_p = |{t : F_tp > tol}| / T`` — the core index of Liesiö, Mild & Salo (2007,
  *EJOR* 181:1488–1505) taken over the study's tasks instead of weight samples only;
* rank quantiles of good g: the empirical quantiles of its rank over the tasks, with the
  inverted-CDF rule (Hyndman & Fan 1996, *Am. Stat.* 50:361–365, definition 1) so that
  every quantile is a rank that occurred;
* benefit quantiles per budget level: linear interpolation (Hyndman & Fan definition 7,
  numpy's default) over the tasks of that level;
* regret of a fixed portfolio c in task t: ``R_ct = z*_t − z_t(c)``, where z*_t is the
  task's optimum and z_t(c) the best objective of task t with exactly c's projects funded
  (all others out; divisible fractions and stockpiles still optimised). Max regret
  ``MR_c = max_t R_ct``; the minimax-regret portfolio minimises MR over the candidates
  (Savage 1951, *JASA* 46:55–67; Kouvelis & Yu 1997, *Robust Discrete Optimization*, §1.2).
  A candidate that is infeasible in some task (too dear for its budget, breaking a floor)
  has unbounded regret there: candidates are ordered by (tasks infeasible, MR).
* the frequent portfolio: projects with ``funded_share ≥ x`` (the grid's ``robust.threshold``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
OK = "optimal"


def qkey(q: float) -> str:
    return f"{q:g}"


def funded_matrix(records: Sequence[dict[str, Any]], project_ids: Sequence[str]) -> np.ndarray:
    idx = {p: k for k, p in enumerate(project_ids)}
    f = np.zeros((len(records), len(project_ids)))
    for t, r in enumerate(records):
        for pid, x in (r.get("funded") or {}).items():
            if pid in idx:
                f[t, idx[pid]] = float(x)
    return f


def funded_share(f: np.ndarray, tol: float = 1e-6) -> np.ndarray:
    if f.shape[0] == 0:
        return np.full(f.shape[1], np.nan)
    return (f > tol).mean(axis=0)


def rank_matrix(records: Sequence[dict[str, Any]], good_ids: Sequence[str]) -> np.ndarray:
    r = np.full((len(records), len(good_ids)), np.nan)
    for t, rec in enumerate(records):
        ranks = rec.get("ranks") or {}
        for k, g in enumerate(good_ids):
            if g in ranks:
                r[t, k] = ranks[g]
    return r


def rank_quantiles(r: np.ndarray, qs: Sequence[float] = QUANTILES) -> list[dict[str, float | None]]:
    out = []
    for k in range(r.shape[1]):
        col = r[:, k][np.isfinite(r[:, k])]
        if col.size == 0:
            out.append({qkey(q): None for q in qs})
        else:
            vals = np.quantile(col, qs, method="inverted_cdf")
            out.append({qkey(q): float(v) for q, v in zip(qs, vals, strict=True)})
    return out


def quantiles(values: Sequence[float], qs: Sequence[float] = QUANTILES) -> dict[str, float | None]:
    v = np.asarray([x for x in values if x is not None and np.isfinite(x)], float)
    if v.size == 0:
        return {qkey(q): None for q in qs}
    return {qkey(q): float(x) for q, x in zip(qs, np.quantile(v, qs), strict=True)}


def frequent_portfolio(project_ids: Sequence[str], share: np.ndarray, threshold: float) -> list[str]:
    return [p for p, s in zip(project_ids, share, strict=True) if np.isfinite(s) and s >= threshold - 1e-12]


def distinct_portfolios(
    f: np.ndarray, project_ids: Sequence[str], tol: float = 1e-6
) -> list[tuple[tuple[str, ...], int, int]]:
    """Distinct funded sets: (projects, tasks where optimal, first task), most frequent first
    (ties: first seen first), so the ordering is a function of the records alone."""
    seen: dict[tuple[str, ...], list[int]] = {}
    for t in range(f.shape[0]):
        key = tuple(p for p, x in zip(project_ids, f[t], strict=True) if x > tol)
        if key in seen:
            seen[key][0] += 1
        else:
            seen[key] = [1, t]
    return sorted(((k, c, first) for k, (c, first) in seen.items()), key=lambda x: (-x[1], x[2]))


def regret_table(optimum: np.ndarray, value: np.ndarray) -> list[dict[str, Any]]:
    """Per candidate (rows of ``value``; NaN = infeasible in that task): regret summary.

    ``optimum`` (T,) and ``value`` (C × T) are maximisation objectives of the same tasks.
    ``max_regret`` is None when the candidate is infeasible somewhere (unbounded regret);
    ``max_regret_feasible`` is the largest regret over the tasks where it is feasible.
    """
    out = []
    for c in range(value.shape[0]):
        v = value[c]
        feas = np.isfinite(v)
        reg = np.where(feas, np.maximum(optimum - v, 0.0), np.inf)
        finite = reg[feas]
        mr = float(finite.max()) if finite.size else None
        out.append(
            {
                "max_regret": mr if feas.all() else None,
                "max_regret_feasible": mr,
                "mean_regret_feasible": float(finite.mean()) if finite.size else None,
                "worst_task": int(np.argmax(reg)) if reg.size else None,
                "infeasible_tasks": int((~feas).sum()),
                "zero_regret_tasks": int((finite <= 1e-9 * np.maximum(1.0, np.abs(optimum[feas]))).sum()),
            }
        )
    return out


def minimax(table: Sequence[dict[str, Any]]) -> int | None:
    """Index of the minimax-regret candidate: fewest infeasible tasks, then least max regret, then first."""
    if not table:
        return None
    return min(
        range(len(table)),
        key=lambda c: (
            table[c]["infeasible_tasks"],
            table[c]["max_regret_feasible"] if table[c]["max_regret_feasible"] is not None else np.inf,
            c,
        ),
    )
