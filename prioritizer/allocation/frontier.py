"""Efficient frontier: best objective as the budget grows, and the value-for-money order.

The sweep scales the *whole* budget envelope: the total budget ``B`` and every yearly
budget ``B_t`` are multiplied by the same factor ``β`` (so the yearly profile is kept),
and each point is an optimal allocation at ``β × (B, B_t)``. Floors that exceed a small
budget make that point infeasible; the point is reported with its status, not dropped.
The curve is concave for the LP relaxation (parametric RHS analysis: the optimal value
of an LP is concave in the right-hand side, Hillier & Lieberman ch. 7); for the integer
problem it is a non-decreasing step function.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from prioritizer.allocation.data import AllocationData


def base_budget(data: AllocationData) -> float:
    if data.budget_total is not None:
        return float(data.budget_total)
    return float(sum(data.budget_years.values()))


def sweep(
    data: AllocationData,
    *,
    budgets: list[float] | None = None,
    points: int = 11,
    relax: bool = False,
    time_limit: float | None = 30.0,
    gap: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """One point per budget: ``{"budget", "objective", "status", "funded", "spent"}``."""
    from prioritizer.allocation.api import allocate_data

    b0 = base_budget(data)
    if budgets is None:
        hi = max(1.5 * b0, float(data.cost.sum()) if len(data.cost) else 0.0)
        budgets = list(np.linspace(hi / points, hi, points))
    out: list[dict[str, Any]] = []
    for k, b in enumerate(budgets):
        beta = float(b) / b0 if b0 > 0 else 1.0
        d = dataclasses.replace(
            data,
            budget_total=None if data.budget_total is None else float(b),
            budget_years={y: v * beta for y, v in data.budget_years.items()},
        )
        r = allocate_data(d, relax=relax, time_limit=time_limit, gap=gap, explain=False)
        out.append(
            {
                "budget": float(b),
                "objective": r.objective,
                "status": r.status,
                "funded": sorted(r.funded),
                "spent": r.budget.get("spent_total"),
            }
        )
        if progress is not None:
            progress(k + 1, len(budgets))
    return out


def value_for_money(data: AllocationData) -> list[dict[str, Any]]:
    """Projects by value per 億円 (descending) with the cumulative cost of the order.

    This is the greedy order of the single-budget LP relaxation (Dantzig 1957): without
    other rules the LP funds projects in exactly this order until the budget runs out.
    """
    ratio = np.where(data.cost > 0, data.value / np.where(data.cost > 0, data.cost, 1.0), np.inf)
    order = sorted(range(data.n_projects), key=lambda p: (-ratio[p], data.project_ids[p]))
    cum = 0.0
    rows = []
    for rank, p in enumerate(order, start=1):
        cum += float(data.cost[p])
        rows.append(
            {
                "rank": rank,
                "id": data.project_ids[p],
                "value": float(data.value[p]),
                "cost": float(data.cost[p]),
                "value_per_oku": None if not np.isfinite(ratio[p]) else float(ratio[p]),
                "cumulative_cost": cum,
            }
        )
    return rows
