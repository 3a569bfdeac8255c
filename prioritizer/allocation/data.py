"""Arrays for the allocation model, built from a :class:`Case` and a :class:`Policy`.

This module is the *validation* and *unit* layer of the optimiser: everything the
LP needs is turned into plain numpy arrays with explicit units (money in 億円,
stock in the good's own ``unit``, time in days / months / years), and every problem
a planner can fix is collected into one :class:`~prioritizer.errors.InputError`
before any solver is started (issue 5, "Bad input").

Units and derived parameters (see docs/methodology/allocation.md §2):

* ``cost_p`` — 億円 over the horizon: the ``cost`` column, or the sum of the
  ``cost_<year>`` columns when ``cost`` is blank;
* ``value_p`` — objective units (重要度加重億円, criticality-weighted 億円): the
  explicit ``value`` column, else ``criticality(good) × effect × B_g`` with
  ``B_g = annual_demand × unit_price`` (億円 / year of the good's demand at stake)
  or ``policy.allocation.value_scale`` when the good has no demand data;
* stockpile unit cost ``unit_price × (1 + holding_cost_rate × holding_years)`` 億円 / unit;
* shortfall weight ``criticality × damage_multiplier × unit_price`` per unit short
  (``policy.stockpile.damage_multiplier``, default 10: 億円 of economic loss per 億円
  of supply lost — a planning assumption the policy should state).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from prioritizer import supply
from prioritizer.allocation.pooldata import PoolData, pool_data
from prioritizer.case.policy import Limit, Policy
from prioritizer.case.pools import home_of
from prioritizer.case.types import Case
from prioritizer.errors import InputError, Issue

#: default economic-loss multiplier for supply shortfalls (億円 loss per 億円 of supply lost)
DEFAULT_DAMAGE_MULTIPLIER = 10.0
#: default benefit scale (億円) for a project whose good has no demand data
DEFAULT_VALUE_SCALE = 1000.0
_YEAR_COL = re.compile(r"^cost_(\d{4})$")


@dataclass
class LimitRow:
    """A resolved floor or cap on spend: one row of the LP."""

    name: str
    sense: str  # "min" | "max"
    rhs: float
    limit: Limit
    #: spend coefficient (億円 per unit of x) of every project in the group
    project_coef: np.ndarray
    #: spend coefficient (億円 per unit of stock) of every stockpiled good in the group
    stock_coef: np.ndarray


@dataclass
class Scenario:
    id: str
    name_ja: str
    name_en: str
    probability: float
    loss: float
    months: float
    #: good index -> affected supply (units / year) before the loss fraction
    affected: dict[int, float]
    #: the countries it hits (``affects``; blank = home only) and its ``good_id`` (pools)
    hits: frozenset[str] = frozenset()
    good_id: str = ""


@dataclass
class AllocationData:
    # projects -------------------------------------------------------------
    project_ids: list[str]
    project_names: list[tuple[str, str]]
    cost: np.ndarray  # (P,) 億円 over the horizon
    cost_by_year: np.ndarray  # (P, Y) 億円
    value: np.ndarray  # (P,) objective units
    value_source: list[str]  # "column" | "criticality×effect×scale"
    divisible: np.ndarray  # (P,) bool
    min_fraction: np.ndarray  # (P,)
    capacity: np.ndarray  # (P,) units / year added to the project's good
    project_good: np.ndarray  # (P,) good index or -1
    project_attrs: dict[str, list[str]]  # group -> value per project
    requires: list[tuple[int, int]]
    excludes: list[tuple[int, int]]
    must: dict[int, str]
    # budget -----------------------------------------------------------------
    years: list[int]
    budget_total: float | None
    budget_years: dict[int, float]
    limits: list[LimitRow]
    # goods / stockpiles -----------------------------------------------------
    good_ids: list[str]
    good_names: list[tuple[str, str]]
    good_unit: list[str]
    criticality: np.ndarray  # (G,) in [0, 1]
    annual_demand: np.ndarray  # (G,) units / year (nan = unknown)
    unit_price: np.ndarray  # (G,) 億円 / unit (nan = unknown)
    stock_goods: np.ndarray  # indices of stockpilable goods
    stock_unit_cost: np.ndarray  # (S,) 億円 / unit incl. holding
    stock_year_cost: np.ndarray  # (S, Y) 億円 / unit charged to each budget year
    target_days: np.ndarray  # (S,) days of demand (0 = none)
    target_mode: str
    target_penalty: np.ndarray  # (S,) objective units per day below target
    storage_total: float | None  # 億円 of stock value
    storage_by_good: dict[int, float]  # stock index -> 億円 of stock value
    scenarios: list[Scenario]
    shortfall_weight: np.ndarray  # (G,) objective units per unit short
    damage_multiplier: float
    holding_factor: float
    ignore: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    #: joint stock pools (policy.yaml ``pools:``), :mod:`.pooldata`
    pools: list[PoolData] = field(default_factory=list)

    @property
    def n_projects(self) -> int:
        return len(self.project_ids)


def _s(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v).strip()


def _f(v: Any, default: float = math.nan) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return default
    return x


def _b(v: Any) -> bool:
    if isinstance(v, bool | np.bool_):
        return bool(v)
    return _s(v).lower() in {"true", "1", "yes", "y", "t"}


def _ids(v: Any) -> list[str]:
    if isinstance(v, list | tuple | np.ndarray):
        return [_s(x) for x in v if _s(x)]
    return [t.strip() for t in _s(v).split(";") if t.strip()]


def _col(df: pd.DataFrame | None, name: str, default: Any) -> list[Any]:
    if df is None:
        return []
    if name in df.columns:
        return list(df[name])
    return [default] * len(df)


def build_data(
    case: Case,
    policy: Policy,
    *,
    criticality: Mapping[str, float] | pd.Series | None,
    budget: float | None = None,
    must: Mapping[str, str] | None = None,
    ignore: list[str] | None = None,
    scenarios: list[str] | None = None,
) -> AllocationData:
    """Validate the case + policy for allocation and return the model's arrays.

    Raises :class:`InputError` with every problem found. ``criticality`` maps good
    ids to [0, 1]; it is required only where a value is derived (blank ``value``,
    scenarios, soft targets) and the caller decides where it comes from.
    """
    issues: list[Issue] = []
    goods = case.goods
    projects = case.projects if case.projects is not None else pd.DataFrame(columns=["id"])
    good_ids = [_s(v) for v in goods["id"]]
    gidx = {g: i for i, g in enumerate(good_ids)}
    G = len(good_ids)
    good_names = list(
        zip(
            [_s(v) for v in _col(goods, "name_ja", "")],
            [_s(v) for v in _col(goods, "name_en", "")],
            strict=True,
        )
    )
    good_unit = [_s(v) or "unit" for v in _col(goods, "unit", "")]
    annual_demand = np.array([_f(v) for v in _col(goods, "annual_demand", math.nan)], dtype=float)
    unit_price = np.array([_f(v) for v in _col(goods, "unit_price", math.nan)], dtype=float)
    stockpilable = np.array([_b(v) for v in _col(goods, "stockpilable", False)], dtype=bool)

    crit = np.full(G, math.nan)
    if criticality is not None:
        cm = dict(criticality.items()) if hasattr(criticality, "items") else dict(criticality)
        for g, c in cm.items():
            if g in gidx:
                crit[gidx[g]] = float(c)

    # ---------------------------------------------------------------- budget
    years_all = sorted({int(m.group(1)) for c in projects.columns if (m := _YEAR_COL.match(str(c)))})
    btotal = policy.budget.total
    byears = {int(y): float(v) for y, v in policy.budget.years.items()}
    if budget is not None:
        if not (isinstance(budget, int | float) and math.isfinite(budget) and budget > 0):
            issues.append(
                Issue("--budget", None, "budget", budget, "the budget must be a positive amount in 億円")
            )
        else:
            btotal = float(budget)
    if btotal is not None and not btotal > 0:
        issues.append(Issue("policy.yaml", None, "budget.total", btotal, "the total budget must be > 0 億円"))
    for y, v in byears.items():
        if not v > 0:
            issues.append(
                Issue("policy.yaml", None, f"budget.years.{y}", v, "a year's budget must be > 0 億円")
            )
    if btotal is None and not byears:
        issues.append(
            Issue(
                "policy.yaml",
                None,
                "budget",
                None,
                "no budget given: set budget.total and/or budget.years (億円), or pass --budget",
            )
        )
    for y in byears:
        if y not in years_all and len(projects):
            issues.append(
                Issue(
                    "projects.csv",
                    None,
                    f"cost_{y}",
                    None,
                    f"policy.yaml has a budget for {y} but projects.csv has no cost_{y} column; "
                    f"add per-year costs or remove the {y} budget",
                )
            )
    years = sorted(byears)

    # -------------------------------------------------------------- projects
    pids = [_s(v) for v in projects["id"]]
    pidx = {p: i for i, p in enumerate(pids)}
    P = len(pids)
    names = list(
        zip(
            [_s(v) for v in _col(projects, "name_ja", "")],
            [_s(v) for v in _col(projects, "name_en", "")],
            strict=True,
        )
    )
    cost_by_year = np.zeros((P, len(years)))
    for j, y in enumerate(years):
        if f"cost_{y}" in projects.columns:
            cost_by_year[:, j] = [_f(v, 0.0) for v in projects[f"cost_{y}"]]
    all_year_cost = np.zeros(P)
    for y in years_all:
        all_year_cost += np.nan_to_num(np.array([_f(v, 0.0) for v in projects[f"cost_{y}"]], dtype=float))
    cost_col = np.array([_f(v) for v in _col(projects, "cost", math.nan)], dtype=float)
    cost = np.where(np.isnan(cost_col) | ((cost_col == 0) & (all_year_cost > 0)), all_year_cost, cost_col)
    value_col = np.array([_f(v) for v in _col(projects, "value", math.nan)], dtype=float)
    effect = np.array([_f(v) for v in _col(projects, "effect", math.nan)], dtype=float)
    divisible = np.array([_b(v) for v in _col(projects, "divisible", False)], dtype=bool)
    mf = np.array([_f(v, 0.0) for v in _col(projects, "min_fraction", 0.0)], dtype=float)
    mf = np.nan_to_num(mf, nan=0.0)
    capacity = np.nan_to_num(np.array([_f(v, 0.0) for v in _col(projects, "capacity", 0.0)], dtype=float))
    pgood = np.array([gidx.get(_s(v), -1) for v in _col(projects, "good_id", "")], dtype=int)
    vs = policy.allocation.value_scale
    value_scale = float(vs) if vs is not None else DEFAULT_VALUE_SCALE

    good_col = [_s(v) for v in _col(projects, "good_id", "")]
    for i, p in enumerate(pids):
        row = i + 2
        if not math.isfinite(cost[i]) or cost[i] < 0:
            issues.append(
                Issue("projects.csv", row, "cost", cost_col[i], f"project {p}: cost must be ≥ 0 億円")
            )
        if (cost_by_year[i] < 0).any():
            issues.append(
                Issue("projects.csv", row, "cost_<year>", None, f"project {p}: yearly costs must be ≥ 0")
            )
        if not 0 <= mf[i] <= 1:
            issues.append(
                Issue("projects.csv", row, "min_fraction", mf[i], "min_fraction must be between 0 and 1")
            )
        if capacity[i] < 0:
            issues.append(Issue("projects.csv", row, "capacity", capacity[i], "capacity must be ≥ 0"))
        g = good_col[i]
        if g and g not in gidx:
            issues.append(
                Issue("projects.csv", row, "good_id", g, f"project {p}: good {g!r} is not in goods.csv")
            )

    values = value_col.copy()
    value_source = ["column"] * P
    for i in np.flatnonzero(np.isnan(value_col)):
        row, p = int(i) + 2, pids[i]
        g = pgood[i]
        if math.isnan(effect[i]) and capacity[i] > 0:
            # its benefit is the supply capacity it adds, valued through the scenarios
            values[i] = 0.0
            value_source[i] = "capacity×scenarios"
            continue
        if math.isnan(effect[i]):
            issues.append(
                Issue(
                    "projects.csv",
                    row,
                    "value",
                    None,
                    f"project {p} has neither a value nor an effect (nor capacity): give value (benefit) or effect (0–1)",
                )
            )
            continue
        if g < 0:
            issues.append(
                Issue(
                    "projects.csv",
                    row,
                    "good_id",
                    None,
                    f"project {p}: a value derived from effect needs the project's good_id",
                )
            )
            continue
        if math.isnan(crit[g]):
            issues.append(
                Issue(
                    "goods.csv",
                    g + 2,
                    "criticality",
                    None,
                    f"no criticality score for good {good_ids[g]} (needed for project {p}'s value)",
                )
            )
            continue
        scale = annual_demand[g] * unit_price[g]
        if not (math.isfinite(scale) and scale > 0):
            scale = value_scale
        values[i] = crit[g] * effect[i] * scale
        value_source[i] = "criticality×effect×scale"

    # must / requires / excludes (with overrides)
    must_map: dict[int, str] = {}
    for i, v in enumerate(_col(projects, "must", "")):
        m = _s(v).lower()
        if m in {"in", "out"}:
            must_map[i] = m
        elif m:
            issues.append(Issue("projects.csv", i + 2, "must", v, "must is one of in, out or blank"))
    for p, m in (must or {}).items():
        if p not in pidx:
            issues.append(Issue("params", None, "must", p, f"unknown project {p!r} in must overrides"))
            continue
        m = _s(m).lower()
        if m in {"in", "out"}:
            must_map[pidx[p]] = m
        elif m == "":
            must_map.pop(pidx[p], None)
        else:
            issues.append(Issue("params", None, f"must.{p}", m, "must override is in, out or empty"))

    requires: list[tuple[int, int]] = []
    excludes: list[tuple[int, int]] = []
    for kind, sink in (("requires", requires), ("excludes", excludes)):
        for i, v in enumerate(_col(projects, kind, [])):
            for q in _ids(v):
                if q not in pidx:
                    issues.append(
                        Issue("projects.csv", i + 2, kind, q, f"project {pids[i]}: unknown project {q!r}")
                    )
                elif pidx[q] == i:
                    issues.append(
                        Issue("projects.csv", i + 2, kind, q, f"project {pids[i]} refers to itself")
                    )
                else:
                    pair = (i, pidx[q])
                    if kind == "excludes":
                        pair = (min(pair), max(pair))
                    if pair not in sink:
                        sink.append(pair)
    issues += _check_requires_excludes(pids, requires, excludes)

    # group attributes: project column, else its good's
    attrs: dict[str, list[str]] = {}
    for grp in ("domain", "sector", "ministry", "instrument", "good", "specified_critical"):
        vals = []
        own_col = [_s(v) for v in _col(projects, grp, "")] if grp in projects.columns else [""] * P
        good_attr = [_s(v) for v in goods[grp]] if grp in goods.columns else None
        for i in range(P):
            g = pgood[i]
            if grp == "good":
                vals.append(good_ids[g] if g >= 0 else "")
                continue
            own = own_col[i]
            if not own and g >= 0 and good_attr is not None:
                own = good_attr[g]
            if grp == "specified_critical":
                own = "true" if _b(own) else "false"
            vals.append(own)
        attrs[grp] = vals

    # -------------------------------------------------------------- stockpile
    sp = policy.stockpile
    damage = float(sp.damage_multiplier)
    holding = sp.holding_cost_rate * sp.holding_years
    stock_goods = np.flatnonzero(stockpilable)
    for g in stock_goods:
        for col, arr in (("unit_price", unit_price), ("annual_demand", annual_demand)):
            if not (math.isfinite(arr[g]) and arr[g] > 0):
                issues.append(
                    Issue(
                        "goods.csv",
                        int(g) + 2,
                        col,
                        None if math.isnan(arr[g]) else arr[g],
                        f"stockpilable good {good_ids[g]} needs a positive {col}",
                    )
                )
    sidx = {int(g): k for k, g in enumerate(stock_goods)}
    unit_cost = unit_price[stock_goods] * (1.0 + holding)
    ny = max(len(years), 1)
    # purchase is paid in the first budget year; holding cost is spread evenly over the years
    stock_year_cost = np.zeros((len(stock_goods), len(years)))
    if years:
        stock_year_cost[:, 0] = unit_price[stock_goods]
        stock_year_cost += (unit_price[stock_goods] * holding / ny)[:, None]
    tdays = np.full(len(stock_goods), float(sp.target_days))
    for g, d in sp.target_days_by_good.items():
        if g not in gidx:
            issues.append(
                Issue("policy.yaml", None, f"stockpile.target_days_by_good.{g}", d, f"unknown good {g!r}")
            )
        elif gidx[g] not in sidx:
            issues.append(
                Issue(
                    "policy.yaml",
                    None,
                    f"stockpile.target_days_by_good.{g}",
                    d,
                    f"good {g} has a days-of-cover target but is not stockpilable in goods.csv",
                )
            )
        else:
            tdays[sidx[gidx[g]]] = float(d)
    storage_total: float | None = None
    storage_by_good: dict[int, float] = {}
    if isinstance(sp.storage_capacity, dict):
        for g, v in sp.storage_capacity.items():
            if g not in gidx or gidx[g] not in sidx:
                issues.append(
                    Issue(
                        "policy.yaml",
                        None,
                        f"stockpile.storage_capacity.{g}",
                        v,
                        f"storage capacity for {g!r}, which is not a stockpilable good",
                    )
                )
            else:
                storage_by_good[sidx[gidx[g]]] = float(v)
    elif sp.storage_capacity is not None:
        storage_total = float(sp.storage_capacity)
        if storage_total < 0:
            issues.append(
                Issue("policy.yaml", None, "stockpile.storage_capacity", storage_total, "must be ≥ 0 億円")
            )

    # -------------------------------------------------------------- scenarios
    scen = _scenarios(
        case, policy if scenarios is None else None, scenarios, gidx, annual_demand, issues, home_of(policy)
    )

    need_crit = set()
    if scen:
        need_crit |= {g for s in scen for g in s.affected}
    if sp.target_mode == "soft" and sp.target_penalty is None:
        need_crit |= {int(stock_goods[k]) for k in range(len(stock_goods)) if tdays[k] > 0}
    for g in sorted(need_crit):
        if math.isnan(crit[g]):
            issues.append(
                Issue(
                    "goods.csv",
                    g + 2,
                    "criticality",
                    None,
                    f"no criticality score for good {good_ids[g]} (needed for shortfall / target weights)",
                )
            )
    crit_f = np.nan_to_num(crit, nan=0.0)
    shortfall_weight = crit_f * damage * np.nan_to_num(unit_price, nan=0.0)
    sg = stock_goods
    if sp.target_penalty is not None:
        penalty = np.full(len(sg), float(sp.target_penalty))
    else:
        # one day short of target is charged as one day of demand lost (see methodology §2.4)
        penalty = shortfall_weight[sg] * np.nan_to_num(annual_demand[sg], nan=0.0) / 365.0

    # ---------------------------------------------------------------- limits
    def _stock_attr(grp: str) -> list[str]:
        if grp == "instrument":
            return ["stockpile"] * len(sg)
        if grp == "good":
            return [good_ids[g] for g in sg]
        if grp not in goods.columns:
            return [""] * len(sg)
        col = goods[grp].tolist()  # one conversion, not one pandas lookup per good
        if grp == "specified_critical":
            return ["true" if _b(col[g]) else "false" for g in sg]
        return [_s(col[g]) for g in sg]

    stock_attrs = {grp: _stock_attr(grp) for grp in attrs}
    limits, lim_issues = _limits(
        policy, attrs, stock_attrs, cost, cost_by_year, years, unit_cost, stock_year_cost
    )
    issues += lim_issues
    pools = pool_data(
        case,
        policy,
        good_ids=good_ids,
        unit_price=unit_price,
        holding=holding,
        years=years,
        limits=limits,
        scenarios=scen,
        issues=issues,
    )

    ign = set(policy.ignore) | set(ignore or [])
    if issues:
        raise InputError(issues)
    return AllocationData(
        project_ids=pids,
        project_names=names,
        cost=cost,
        cost_by_year=cost_by_year,
        value=values,
        value_source=value_source,
        divisible=divisible,
        min_fraction=mf,
        capacity=capacity,
        project_good=pgood,
        project_attrs=attrs,
        requires=requires,
        excludes=excludes,
        must=must_map,
        years=years,
        budget_total=btotal,
        budget_years=byears,
        limits=limits,
        good_ids=good_ids,
        good_names=good_names,
        good_unit=good_unit,
        criticality=crit_f,
        annual_demand=annual_demand,
        unit_price=unit_price,
        stock_goods=sg,
        stock_unit_cost=unit_cost,
        stock_year_cost=stock_year_cost,
        target_days=tdays,
        target_mode=sp.target_mode,
        target_penalty=penalty,
        storage_total=storage_total,
        storage_by_good=storage_by_good,
        scenarios=scen,
        shortfall_weight=shortfall_weight,
        damage_multiplier=damage,
        holding_factor=1.0 + holding,
        ignore=ign,
        pools=pools,
    )


def _check_requires_excludes(
    pids: list[str], requires: list[tuple[int, int]], excludes: list[tuple[int, int]]
) -> list[Issue]:
    """A project whose (transitive) requirements include one it excludes can never be funded."""
    out: list[Issue] = []
    need: dict[int, set[int]] = {}
    for a, b in requires:
        need.setdefault(a, set()).add(b)
    ex = set(excludes)
    for p in need:
        closure, stack = set(), [p]
        while stack:
            for q in need.get(stack.pop(), ()):
                if q not in closure:
                    closure.add(q)
                    stack.append(q)
        members = closure | {p}
        for q in sorted(closure):
            for r in members:
                if (min(q, r), max(q, r)) in ex:
                    out.append(
                        Issue(
                            "projects.csv",
                            p + 2,
                            "requires",
                            pids[q],
                            f"project {pids[p]} requires {pids[q]}, but {pids[min(q, r)]} excludes "
                            f"{pids[max(q, r)]}: {pids[p]} could never be funded; drop one of the two rules",
                        )
                    )
    return out


def _limits(
    policy: Policy,
    attrs: dict[str, list[str]],
    stock_attrs: dict[str, list[str]],
    cost: np.ndarray,
    cost_by_year: np.ndarray,
    years: list[int],
    unit_cost: np.ndarray,
    stock_year_cost: np.ndarray,
) -> tuple[list[LimitRow], list[Issue]]:
    issues: list[Issue] = []
    rows: list[LimitRow] = []
    floors: dict[tuple[str, str, int | None], float] = {}
    caps: dict[tuple[str, str, int | None], float] = {}
    for k, lim in enumerate(policy.limits):
        key = (lim.group, lim.value, lim.year)
        if lim.min is not None:
            floors[key] = max(floors.get(key, 0.0), lim.min)
        if lim.max is not None:
            caps[key] = min(caps.get(key, math.inf), lim.max)
        pm = np.array([v == str(lim.value) for v in attrs.get(lim.group, [])], dtype=bool)
        sm = np.array([v == str(lim.value) for v in stock_attrs.get(lim.group, [])], dtype=bool)
        if not pm.any() and not sm.any():
            issues.append(
                Issue(
                    "policy.yaml",
                    None,
                    f"limits[{k}]",
                    lim.label,
                    f"no project or stockpile has {lim.group} = {lim.value!r}; fix the value or remove the limit",
                )
            )
            continue
        if lim.year is not None:
            if lim.year not in years:
                issues.append(
                    Issue(
                        "policy.yaml",
                        None,
                        f"limits[{k}].year",
                        lim.year,
                        f"no budget for {lim.year}: a yearly limit needs budget.years.{lim.year}",
                    )
                )
                continue
            j = years.index(lim.year)
            pc, sc = cost_by_year[:, j] * pm, stock_year_cost[:, j] * sm
        else:
            pc, sc = cost * pm, unit_cost * sm
        suffix = f"{lim.group}_{lim.value}" + (f"_{lim.year}" if lim.year is not None else "")
        for sense, rhs in (("min", lim.min), ("max", lim.max)):
            if rhs is None:
                continue
            name = f"limit_{sense}_{suffix}"
            row = LimitRow(name=name, sense=sense, rhs=float(rhs), limit=lim, project_coef=pc, stock_coef=sc)
            prev = next((i for i, r in enumerate(rows) if r.name == name), None)
            if prev is None:
                rows.append(row)
            elif (sense == "max" and row.rhs < rows[prev].rhs) or (
                sense == "min" and row.rhs > rows[prev].rhs
            ):
                # two entries for the same group and year: only the tighter one can bind, and a
                # row name must name one rule (DESIGN §5), so the looser entry is dropped
                rows[prev] = row
    for key, lo in floors.items():
        hi = caps.get(key)
        if hi is not None and lo > hi:
            g, v, y = key
            issues.append(
                Issue(
                    "policy.yaml",
                    None,
                    "limits",
                    f"{g}={v}" + (f" ({y})" if y else ""),
                    f"the floor {lo:,.0f}億円 for {g} = {v} is above its cap {hi:,.0f}億円; "
                    "lower the floor or raise the cap",
                )
            )
    return rows, issues


def _scenarios(
    case: Case,
    policy: Policy | None,
    chosen: list[str] | None,
    gidx: dict[str, int],
    annual_demand: np.ndarray,
    issues: list[Issue],
    home: str = "JPN",
) -> list[Scenario]:
    sc = case.scenarios
    wanted = chosen if chosen is not None else (policy.scenarios if policy is not None else None)
    if sc is None or len(sc) == 0:
        if wanted:
            issues.append(Issue("policy.yaml", None, "scenarios", wanted, "the case has no scenarios.csv"))
        return []
    ids = [_s(v) for v in sc["id"]]
    if wanted is not None:
        for w in wanted:
            if w not in ids:
                issues.append(Issue("policy.yaml", None, "scenarios", w, f"unknown scenario {w!r}"))
    sup = supply.of(case)
    cols = {
        c: _col(sc, c, d)
        for c, d in (
            ("probability", math.nan),
            ("loss", math.nan),
            ("months", math.nan),
            ("good_id", ""),
            ("partner", ""),
            ("name_ja", ""),
            ("name_en", ""),
            ("affects", None),
        )
    }
    out: list[Scenario] = []
    for i, sid in enumerate(ids):
        if wanted is not None and sid not in wanted:
            continue
        row = i + 2
        prob = _f(cols["probability"][i])
        loss = _f(cols["loss"][i])
        months = _f(cols["months"][i])
        g = _s(cols["good_id"][i])
        partner = _s(cols["partner"][i])
        bad = False
        for col, v, ok, msg in (
            ("probability", prob, 0 <= prob <= 1, "probability must be between 0 and 1"),
            ("loss", loss, 0 <= loss <= 1, "loss is the fraction of supply lost, between 0 and 1"),
            ("months", months, months > 0, "months must be > 0"),
        ):
            if not ok:
                issues.append(Issue("scenarios.csv", row, col, None if math.isnan(v) else v, msg))
                bad = True
        affected: dict[int, float] = {}
        if g and g not in gidx:
            issues.append(Issue("scenarios.csv", row, "good_id", g, f"scenario {sid}: unknown good {g!r}"))
            bad = True
        elif g or partner:
            affected = {gidx[gg]: a for gg, a in sup.cut(g, partner).items() if gg in gidx}
            if not affected:
                issues.append(supply.nothing_cut(row, sid, g, partner))
                bad = True
        else:
            issues.append(
                Issue("scenarios.csv", row, "good_id", None, f"scenario {sid}: give good_id or partner")
            )
            bad = True
        for gi in list(affected):
            d = annual_demand[gi]
            if not (math.isfinite(d) and d > 0):
                issues.append(
                    Issue(
                        "goods.csv",
                        gi + 2,
                        "annual_demand",
                        None,
                        f"scenario {sid} cuts good {list(gidx)[gi]}, which needs a positive annual_demand",
                    )
                )
                bad = True
            else:
                affected[gi] = affected[gi] * d
        if bad:
            continue
        raw = cols["affects"][i]
        hits = frozenset(
            str(c).strip().upper()
            for c in (raw if isinstance(raw, list | tuple) else _ids(raw))
            if str(c).strip()
        ) or frozenset({home})
        if home not in hits:  # a list that leaves home out does not hit home: nothing of ours is lost
            affected = {}
        out.append(
            Scenario(
                id=sid,
                name_ja=_s(cols["name_ja"][i]),
                name_en=_s(cols["name_en"][i]),
                probability=prob,
                loss=loss,
                months=months,
                affected=affected,
                hits=hits,
                good_id=g,
            )
        )
    return out


def _partner_shares(case: Case) -> dict[str, dict[str, float]]:
    """partner -> good -> the partner's share of the good's supply (:mod:`prioritizer.supply`)."""
    return supply.of(case).shares()
