"""Small in-memory cases for tests and benchmarks (no files, no loader needed).

:func:`make_case` turns row dicts into a :class:`Case` with the typing the loader
guarantees (prioritizer/case/types.py); :func:`random_case` generates large random
project / stockpile problems for ``bench/bench_allocation.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prioritizer.case.policy import Policy
from prioritizer.case.types import Case

_PROJECT_DEFAULTS: dict[str, Any] = {
    "name_ja": "",
    "name_en": "",
    "good_id": "",
    "instrument": "subsidy",
    "divisible": False,
    "min_fraction": 0.0,
    "value": np.nan,
    "capacity": 0.0,
    "requires": None,
    "excludes": None,
    "ministry": "",
    "must": "",
    "effect": np.nan,
}


def make_case(
    goods: list[dict[str, Any]],
    projects: list[dict[str, Any]] | None = None,
    scenarios: list[dict[str, Any]] | None = None,
    flows: list[dict[str, Any]] | None = None,
    policy: dict[str, Any] | Policy | None = None,
    root: str = "memory",
) -> Case:
    g = pd.DataFrame(goods)
    for col, default in (("name_ja", ""), ("name_en", ""), ("stockpilable", False)):
        if col not in g.columns:
            g[col] = default
    p = None
    if projects is not None:
        p = pd.DataFrame(projects)
        for col, default in _PROJECT_DEFAULTS.items():
            if col not in p.columns:
                p[col] = [default] * len(p) if default is not None else [[] for _ in range(len(p))]
        for col in ("requires", "excludes"):
            p[col] = [list(v) if isinstance(v, list | tuple) else [] for v in p[col]]
        if "cost" not in p.columns:
            p["cost"] = np.nan
    pol = policy if isinstance(policy, Policy) or policy is None else Policy.model_validate(policy)
    return Case(
        root=Path(root),
        goods=g,
        projects=p,
        scenarios=pd.DataFrame(scenarios) if scenarios is not None else None,
        flows=pd.DataFrame(flows) if flows is not None else None,
        policy=pol,
    )


def random_projects(n: int, *, seed: int = 0, years: int = 2, constraints: int = 0) -> Case:
    """n binary projects with correlated value and cost over ``years`` yearly budgets.

    Values correlated with costs (v = c + noise) make knapsack-type problems hard for
    branch-and-bound (Pisinger 2005, "Where are the hard knapsack problems?").
    """
    rng = np.random.default_rng(seed)
    cost_y = rng.integers(10, 200, size=(n, years)).astype(float)
    cost = cost_y.sum(axis=1)
    value = cost + rng.integers(1, 40, size=n)
    doms = np.array(["disruptive", "advantage", "dependence"])
    goods = [{"id": "g0", "name_en": "good"}]
    rows = []
    for i in range(n):
        r = {
            "id": f"P{i:05d}",
            "good_id": "g0",
            "cost": cost[i],
            "value": float(value[i]),
            "domain": str(doms[i % 3]),
        }
        for j in range(years):
            r[f"cost_{2026 + j}"] = cost_y[i, j]
        rows.append(r)
    budget = {"years": {2026 + j: float(cost_y[:, j].sum() * 0.4) for j in range(years)}}
    limits = [{"group": "domain", "value": "dependence", "min": float(cost[2::3].sum() * 0.3)}][:constraints]
    return make_case(goods, rows, policy={"budget": budget, "limits": limits})


def random_stockpile(n_goods: int, n_scenarios: int, *, seed: int = 0) -> Case:
    """n stockpilable goods and good-based scenarios (each scenario cuts every good, varying loss)."""
    rng = np.random.default_rng(seed)
    goods = pd.DataFrame(
        {
            "id": [f"G{i:05d}" for i in range(n_goods)],
            "name_en": [f"good {i}" for i in range(n_goods)],
            "stockpilable": True,
            "unit_price": rng.uniform(0.01, 0.2, n_goods),
            "annual_demand": rng.uniform(100, 1000, n_goods),
            "criticality": rng.uniform(0.1, 1.0, n_goods),
        }
    )
    gid = goods["id"].to_numpy()
    scen = pd.DataFrame(
        {
            "id": np.repeat([f"S{s:03d}" for s in range(n_scenarios)], n_goods),
            "probability": np.repeat(rng.uniform(0.001, 0.01, n_scenarios), n_goods),
            "good_id": np.tile(gid, n_scenarios),
            "loss": rng.uniform(0.1, 0.9, n_goods * n_scenarios),
            "months": np.repeat(rng.integers(1, 12, n_scenarios).astype(float), n_goods),
        }
    )
    total_value = float((goods["unit_price"] * goods["annual_demand"]).sum())
    pol = {
        "budget": {"total": total_value * 0.1},
        "stockpile": {"target_days": 0, "storage_capacity": total_value * 0.15},
    }
    return Case(root=Path("memory"), goods=goods, scenarios=scen, policy=Policy.model_validate(pol))
