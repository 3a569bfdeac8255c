"""Joint stock pools in the allocation model: our contribution as a decision (docs/allies.md,
docs/methodology/allocation.md, "Joint stock pools").

A pool (``policy.yaml`` ``pools:``, :mod:`prioritizer.case.pools`) holds one good *g*. Our
contribution ``c`` (units, ``0 ≤ c ≤ max_contribution``) is paid like stock of *g* — unit price
plus holding cost, in the total and yearly budgets and in every limit a stock of *g* would count
in (the ``stockpile`` instrument, the good's domain …) — but not in our storage capacity. The
pool then holds ``P = c + H`` (H: the allies' holdings).

In a scenario *s* that hits home (its ``affects`` names home, or is blank) and cuts *g*, we may
draw ``d_s`` with

    d_s ≤ ℓ_s A_gs M_s/12                         (our loss: the column's upper bound)
    d_s ≤ α_s (c + H),   α_s = σ_h (1 + σ_N / σ_H)  (row ``pool_<id>_<scenario>``)

σ_h is our draw share, σ_H the shares of the members hit (us included), σ_N the shares of the
members not hit: our own account σ_h P plus our pro-rata part σ_h/σ_H of the accounts lent. An
ally is hit when the scenario names it in ``affects`` and concerns the pooled good (its
``good_id`` is *g* or blank). ``d_s`` enters the shortfall row of (g, s) beside own stock.

The LP does not re-lend what other hit members leave unused (the stress test's water-filling):
exact when we are the only borrower or every other borrower needs its whole part, otherwise a
conservative (lower) bound on what we may draw. Allies' ``need`` therefore bounds nothing here;
the stress test plays it month by month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from prioritizer.case.pools import Pool, parse_pools
from prioritizer.errors import Issue

#: below this a gap or a slack is nothing (units of the good)
TOL = 1e-7


@dataclass
class PoolData:
    """One pool as the LP sees it."""

    pool: Pool
    good: int  # good index
    cap: float  # units
    unit_cost: float  # 億円 per unit, holding included
    year_cost: np.ndarray  # (Y,) 億円 per unit charged to each budget year
    allies_holding: float  # H, units
    alpha: np.ndarray  # (S,) units we may draw per unit in the pool (0: the scenario does not let us draw)
    draw_cap: np.ndarray  # (S,) our loss of the good in the scenario, units
    #: limit row name -> 億円 per unit of contribution
    limit_coef: dict[str, float] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.pool.id

    def draw_scenarios(self) -> list[int]:
        """Scenarios with a draw variable: we are hit, lose some of the good and may draw."""
        return [s for s in range(len(self.alpha)) if self.alpha[s] > 0 and self.draw_cap[s] > 0]


def alpha_of(pool: Pool, hit: set[str], relevant: bool) -> float:
    """Units we may draw per unit in ``pool`` when ``hit`` are the countries hit (we are among
    them): our share plus our pro-rata part of the shares of the members not hit."""
    sh = next(m.draw_share for m in pool.members if m.country == pool.home)
    hit_allies = [m for m in pool.allies if relevant and m.country in hit]
    s_hit = sh + sum(m.draw_share for m in hit_allies)
    s_not = sum(m.draw_share for m in pool.allies if m not in hit_allies)
    if sh <= 0 or s_hit <= 0:
        return 0.0
    return sh * (1.0 + s_not / s_hit)


def _attr(goods: Any, grp: str, good_id: str, g: int) -> str:
    """The pool's value of a limit group: what a stock of its good would have (data._stock_attr)."""
    if grp == "instrument":
        return "stockpile"
    if grp == "good":
        return good_id
    if grp not in goods.columns:
        return ""
    v = goods[grp].iloc[g]
    s = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip()
    if grp == "specified_critical":
        return "true" if s.lower() in {"true", "1", "yes", "y", "t"} else "false"
    return s


def pool_data(
    case: Any,
    policy: Any,
    *,
    good_ids: list[str],
    unit_price: np.ndarray,
    holding: float,
    years: list[int],
    limits: list[Any],
    scenarios: list[Any],
    issues: list[Issue],
) -> list[PoolData]:
    """The policy's pools laid out for the LP; problems are appended to ``issues``."""
    cs = getattr(case, "countries", None)
    countries = [str(c) for c in cs["iso3"]] if cs is not None and len(cs) else []
    pools, bad = parse_pools(policy, goods=good_ids, countries=countries)
    issues += bad
    gidx = {g: i for i, g in enumerate(good_ids)}
    out: list[PoolData] = []
    for k, p in enumerate(pools):
        g = gidx[p.good_id]
        price = float(unit_price[g])
        if not (math.isfinite(price) and price > 0):
            issues.append(
                Issue(
                    "goods.csv",
                    g + 2,
                    "unit_price",
                    None if math.isnan(price) else price,
                    f"good {p.good_id} is pooled (policy.yaml pools.{k}): it needs a positive unit_price",
                )
            )
            continue
        ny = max(len(years), 1)
        year_cost = np.zeros(len(years))
        if years:
            year_cost[0] = price
            year_cost += price * holding / ny
        S = len(scenarios)
        alpha = np.zeros(S)
        draw_cap = np.zeros(S)
        for s, sc in enumerate(scenarios):
            if g not in sc.affected:  # the scenario does not cut the good at home (or misses home)
                continue
            relevant = sc.good_id in ("", p.good_id)
            alpha[s] = alpha_of(p, set(sc.hits), relevant)
            draw_cap[s] = sc.loss * sc.affected[g] * sc.months / 12.0
        coef: dict[str, float] = {}
        for lim in limits:
            L = lim.limit
            if _attr(case.goods, L.group, p.good_id, g) != str(L.value):
                continue
            if L.year is not None:
                if L.year in years:
                    coef[lim.name] = float(year_cost[years.index(L.year)])
            else:
                coef[lim.name] = price * (1.0 + holding)
        out.append(
            PoolData(
                pool=p,
                good=g,
                cap=float(p.max_contribution),
                unit_cost=price * (1.0 + holding),
                year_cost=year_cost,
                allies_holding=float(p.allies_holding),
                alpha=alpha,
                draw_cap=draw_cap,
                limit_coef=coef,
            )
        )
    return out


# ------------------------------------------------------------------------- after the solve


def recourse(data: Any, x: np.ndarray, q: np.ndarray, c: np.ndarray) -> tuple[dict, np.ndarray]:
    """Given the decisions (projects ``x``, stock ``q`` by stock index, contributions ``c`` by
    pool), the shortfall left in each (good, scenario) and each pool's draw (pools, S): own
    stock and added capacity first, then the pools in the policy's order."""
    kpos = {int(g): k for k, g in enumerate(data.stock_goods)}
    S = len(data.scenarios)
    draws = np.zeros((len(data.pools), S))
    left: dict[tuple[int, int], float] = {}
    for s, sc in enumerate(data.scenarios):
        for g in sc.affected:
            need = sc.loss * sc.affected[g] * sc.months / 12.0
            cover = float(q[kpos[g]]) if g in kpos and len(q) else 0.0
            on = (data.project_good == g) & (data.capacity > 0)
            if on.any():
                cover += float((data.capacity[on] * x[on]).sum()) * sc.months / 12.0
            gap = max(0.0, need - cover)
            for i, pd_ in enumerate(data.pools):
                if pd_.good != g:
                    continue
                e = min(gap, pd_.draw_cap[s], pd_.alpha[s] * (c[i] + pd_.allies_holding))
                draws[i, s] = max(e, 0.0)
                gap -= draws[i, s]
            left[(g, s)] = gap
    return left, draws


def baseline_shortfall(data: Any) -> float:
    """Expected shortfall loss with nothing funded, stocked or contributed: the allies'
    holdings are still drawn on (membership does not depend on our contribution)."""
    P = data.n_projects
    left, _ = recourse(data, np.zeros(P), np.zeros(len(data.stock_goods)), np.zeros(len(data.pools)))
    return float(
        sum(data.scenarios[s].probability * float(data.shortfall_weight[g]) * v for (g, s), v in left.items())
    )


def pool_rows(built: Any, outcome: Any) -> list[dict[str, Any]]:
    """The ``allocate`` JSON ``pools`` (DESIGN §7): contribution, expected draw and the value of
    one more 億円 in the pool beside one more 億円 in our own stock of the good.

    ``value_per_oku`` is the right-hand derivative of the objective (the expected shortfall
    loss avoided) per 億円 put into the pool, every other decision held at the optimum — the
    exact second-stage re-solve, which is closed-form here: a unit more in the pool lets us draw
    α_s more in each scenario where we are still short and our draw is not yet capped by our loss.
    Like ``relax_gain`` it is gross: the budget's own price is not deducted.
    """
    d = built.data
    if not d.pools or not outcome.has_solution:
        return []
    val = outcome.values
    x = np.array([val.get(v.name, 0.0) for v in built.x])
    q = np.array([val.get(v.name, 0.0) for v in built.q])
    c = np.array([val.get(built.c[i].name, 0.0) for i in range(len(d.pools))])
    c = np.where(np.abs(c) < 1e-9, 0.0, c)
    left, draws = recourse(d, x, q, c)
    kpos = {int(g): k for k, g in enumerate(d.stock_goods)}
    out = []
    for i, pd_ in enumerate(d.pools):
        g = pd_.good
        per_unit = 0.0
        own_unit = 0.0
        for s, sc in enumerate(d.scenarios):
            if (g, s) not in left or left[(g, s)] <= TOL:
                continue
            w = sc.probability * float(d.shortfall_weight[g])
            own_unit += w
            room = pd_.draw_cap[s] - pd_.alpha[s] * (c[i] + pd_.allies_holding)
            if pd_.alpha[s] > 0 and room > TOL:
                per_unit += w * pd_.alpha[s]
        exp_draw = float(sum(d.scenarios[s].probability * draws[i, s] for s in range(len(d.scenarios))))
        own = float(own_unit / float(d.stock_unit_cost[kpos[g]])) if g in kpos else None
        out.append(
            {
                "id": pd_.id,
                "good_id": d.good_ids[g],
                "unit": d.good_unit[g],
                "our_contribution": float(c[i]),
                "max_contribution": pd_.cap,
                "contribution_cost": float(c[i] * pd_.unit_cost),
                "allies_holding": pd_.allies_holding,
                "expected_draw": exp_draw,
                "draws": [
                    {
                        "scenario": d.scenarios[s].id,
                        "draw": float(draws[i, s]),
                        "per_unit": float(pd_.alpha[s]),
                    }
                    for s in range(len(d.scenarios))
                    if draws[i, s] > 0 or pd_.alpha[s] > 0
                ],
                "value_per_oku": float(per_unit / pd_.unit_cost),
                "own_stock_value_per_oku": own,
            }
        )
    return out


def spent(built: Any, outcome: Any) -> tuple[float, list[float]]:
    """Our contributions' cost: total 億円 and per budget year."""
    d = built.data
    tot = 0.0
    years = [0.0] * len(d.years)
    for i, pd_ in enumerate(d.pools):
        c = outcome.values.get(built.c[i].name, 0.0)
        tot += c * pd_.unit_cost
        for j in range(len(d.years)):
            years[j] += c * float(pd_.year_cost[j])
    return tot, years


def pool_lines(built: Any, pools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One explanation line per pool: one more 億円 in the pool against one more 億円 in our own
    stock of its good (group ``rules``; impact = the pool's value_per_oku)."""
    d = built.data
    out = []
    for p in pools:
        g = d.good_ids.index(p["good_id"])
        names = d.good_names[g]
        own = p["own_stock_value_per_oku"]
        out.append(
            {
                "kind": "alloc.line.pool_value" if own is not None else "alloc.line.pool_value_noown",
                "type": "pool_value",
                "group": "rules",
                "ids": [p["id"]],
                "pool": p["id"],
                "impact": p["value_per_oku"],
                "value": p["value_per_oku"],
                "own": own,
                "contribution": p["our_contribution"],
                "draw": p["expected_draw"],
                "unit": p["unit"],
                "good_ja": names[0] or p["good_id"],
                "good_en": names[1] or p["good_id"],
            }
        )
    return out
