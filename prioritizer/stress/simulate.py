"""Validated wrapper around the kernel: a scenario set × a portfolio → timeline, summary, battery.

    play(data, portfolio, *, scenarios=None, months=24, release="cover", substitution=None,
         events=None) -> StressResult

Money: ``value`` = units × ``unit_price`` (億円). The battery ranks scenarios worst first by
the value of the total shortfall (units of different goods do not add up), then by the
units short, then by the earliest first short month, then by id.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from prioritizer.errors import InputError, Issue
from prioritizer.stress import kernel
from prioritizer.stress.data import StressData
from prioritizer.stress.portfolio import Portfolio
from prioritizer.stress.release import ReleaseRule, parse_release

DEFAULT_MONTHS = 24
MAX_MONTHS = 600


@dataclass
class Shocks:
    """What an exercise adds on top of the scenario, each (T, S, G) units / month (or None)."""

    extra_loss: np.ndarray | None = None
    deliveries: np.ndarray | None = None
    extra_release: np.ndarray | None = None


@dataclass
class StressResult:
    data: StressData
    portfolio: Portfolio
    scenarios: np.ndarray  # indices into data.scenario_ids
    horizon: int
    release: ReleaseRule
    timeline: kernel.Timeline
    summary: dict[str, np.ndarray]  # per (S, G), see kernel.summarise
    stock0: np.ndarray
    #: (T, S, G) units home drew from joint pools (None: the case has no pools)
    pool_draw: np.ndarray | None = None
    #: each pool's months for every member (prioritizer.stress.pools.apply)
    pool_detail: list[Any] | None = None

    def pool_rows(self) -> list[dict[str, Any]]:
        """The allies' months in the joint pools (empty without pools)."""
        if not self.pool_detail:
            return []
        from prioritizer.stress.pools import member_rows

        return member_rows(self.pool_detail, self.data.scenario_ids, self.scenarios, self.data.good_ids)

    # ------------------------------------------------------------------ derived
    @property
    def price(self) -> np.ndarray:
        return np.nan_to_num(self.data.unit_price, nan=0.0)

    def value_short(self) -> np.ndarray:
        """(S, G) 億円: total shortfall × unit price."""
        return self.summary["total_shortfall"] * self.price

    def affected(self) -> list[tuple[int, int]]:
        """(scenario position, good) pairs that lose supply at some month (direct or propagated)."""
        lost = self.summary.get("total_lost")
        if lost is None:
            lost = self.summary["total_shortfall"]
        s, g = np.nonzero(lost > 0)
        return list(zip(s.tolist(), g.tolist(), strict=True))

    # ------------------------------------------------------------------ JSON rows
    def months_rows(self, upto: int | None = None) -> list[dict[str, Any]]:
        tl, d = self.timeline, self.data
        T = self.horizon if upto is None else min(upto, self.horizon)
        rows = []
        for s, g in self.affected():
            sid = d.scenario_ids[self.scenarios[s]]
            dem = d.demand[g]
            for t in range(T):
                short = float(tl.shortfall[t, s, g])
                rows.append(
                    {
                        "scenario": sid,
                        "month": t + 1,
                        "good_id": d.good_ids[g],
                        "demand": float(dem),
                        "lost": float(tl.lost[t, s, g]),
                        "substituted": float(tl.substituted[t, s, g]),
                        "added": float(tl.added[t, s, g]),
                        "delivered": float(tl.delivered[t, s, g]),
                        "released": float(tl.released[t, s, g]),
                        "shortfall": short,
                        "stock": float(tl.stock[t, s, g]),
                        "shortfall_value": short * float(self.price[g]),
                        "shortfall_share": short / dem if dem > 0 else None,
                        "unit": d.units[g],
                    }
                )
                if self.pool_draw is not None:
                    rows[-1]["pool_draw"] = float(self.pool_draw[t, s, g])
        return rows

    def summary_rows(self) -> list[dict[str, Any]]:
        sm, d = self.summary, self.data
        val = self.value_short()
        rows = []
        for s, g in self.affected():
            first = int(sm["first_short_month"][s, g])
            rec = int(sm["recovery_month"][s, g])
            rows.append(
                {
                    "scenario": d.scenario_ids[self.scenarios[s]],
                    "good_id": d.good_ids[g],
                    "name_ja": d.good_names[g][0],
                    "name_en": d.good_names[g][1],
                    "unit": d.units[g],
                    "first_short_month": first or None,
                    "total_shortfall": float(sm["total_shortfall"][s, g]),
                    "value_short": float(val[s, g]),
                    "peak_share": float(sm["peak_share"][s, g]),
                    "longest_short_run": int(sm["longest_short_run"][s, g]),
                    "stock_start": float(self.stock0[g]),
                    "stock_left": float(sm["stock_left"][s, g]),
                    "recovery_month": rec if rec > 0 else None,
                    "recovered": rec != -1,
                }
            )
        return rows

    def battery_rows(self) -> list[dict[str, Any]]:
        """One row per scenario, worst first (see the module docstring)."""
        sm, d = self.summary, self.data
        val = self.value_short()
        first = sm["first_short_month"]
        short = first > 0
        rows = []
        for s, k in enumerate(self.scenarios):
            f = first[s][short[s]]
            rows.append(
                {
                    "scenario": d.scenario_ids[k],
                    "name_ja": d.scenario_names[k][0],
                    "name_en": d.scenario_names[k][1],
                    "probability": float(d.probability[k]),
                    "total_shortfall": float(sm["total_shortfall"][s].sum()),
                    "value_short": float(val[s].sum()),
                    "expected_value_short": float(d.probability[k] * val[s].sum()),
                    "goods_short": int(short[s].sum()),
                    "first_short_month": int(f.min()) if len(f) else None,
                    "longest_short_run": int(sm["longest_short_run"][s].max()) if d.good_ids else 0,
                    "peak_share": float(sm["peak_share"][s].max()) if d.good_ids else 0.0,
                }
            )
        rows.sort(
            key=lambda r: (
                -r["value_short"],
                -r["total_shortfall"],
                r["first_short_month"] if r["first_short_month"] is not None else math.inf,
                r["scenario"],
            )
        )
        for i, r in enumerate(rows):
            r["rank"] = i + 1
        return rows


def _substitution(sub: Any, d: StressData) -> np.ndarray:
    G = len(d.good_ids)
    out = np.zeros(G)
    if sub is None or sub == {}:
        return out
    issues: list[Issue] = []
    items: list[tuple[str | None, Any]]
    items = list(sub.items()) if isinstance(sub, dict) else [(None, sub)]
    gidx = d.gidx
    for g, v in items:
        try:
            x = float(v)
        except (TypeError, ValueError):
            x = math.nan
        if not (0.0 <= x <= 1.0):
            issues.append(
                Issue(
                    "--substitution",
                    None,
                    "substitution",
                    v,
                    "share of the loss replaced per month, between 0 and 1",
                )
            )
            continue
        if g is None:
            out[:] = x
        elif g not in gidx:
            issues.append(
                Issue(
                    "--substitution", None, "substitution", g, f"unknown good {g!r}; use an id from goods.csv"
                )
            )
        else:
            out[gidx[g]] = x
    if issues:
        raise InputError(issues)
    return out


def check_months(months: Any) -> int:
    try:
        m = int(months)
    except (TypeError, ValueError):
        m = -1
    if m < 1 or m > MAX_MONTHS or (isinstance(months, float) and not float(months).is_integer()):
        raise InputError(
            [
                Issue(
                    "--months",
                    None,
                    "months",
                    months,
                    f"the horizon is a whole number of months, 1 … {MAX_MONTHS}",
                )
            ]
        )
    return m


def play(
    data: StressData,
    portfolio: Portfolio,
    *,
    scenarios: list[str] | None = None,
    months: int = DEFAULT_MONTHS,
    release: str | None = "cover",
    substitution: Any = None,
    shocks: Shocks | None = None,
    store: tuple[str, ...] = kernel.OUTPUTS,
    pools: Any = None,
    home_hit: np.ndarray | None = None,
) -> StressResult:
    """Play the chosen scenarios (default: all of ``data``) against ``portfolio`` month by month.

    ``pools``: :func:`prioritizer.stress.pools.plans` of the case (home draws from them after its
    own stock); ``home_hit`` (S_all,): False for a scenario whose ``affects`` leaves home out.
    """
    T = check_months(months)
    sidx = data.sidx
    if scenarios is None:
        pos = np.arange(len(data.scenario_ids))
    else:
        bad = [s for s in scenarios if s not in sidx]
        if bad:
            raise InputError(
                [
                    Issue(
                        "--scenario",
                        None,
                        "scenario",
                        s,
                        f"unknown scenario {s!r}; known: {', '.join(data.scenario_ids)}",
                    )
                    for s in bad
                ]
            )
        pos = np.array([sidx[s] for s in scenarios], dtype=int)
    stock0, funded = portfolio.arrays(data.good_ids, data.project_ids)
    rule = parse_release(release, data.good_ids, data.demand, stock0)
    rho = _substitution(substitution, data)
    act = kernel.activity(data.duration[pos], T)
    cap_gt = data.capacity_by_month(funded, T)
    sh = shocks or Shocks()
    loss_rate = data.loss_rate[pos]
    if home_hit is not None:
        loss_rate = loss_rate * np.asarray(home_hit, dtype=float)[pos][:, None]
    tl = kernel.simulate(
        loss_rate,
        act,
        data.demand,
        stock0,
        cap_gt,
        cap=rule.cap,
        floor=rule.floor,
        substitution=rho,
        extra_loss=sh.extra_loss,
        deliveries=sh.deliveries,
        extra_release=sh.extra_release,
        links=data.links,
        levels=data.levels,
        domestic_share=data.domestic_share,
        store=store,
    )
    drawn = detail = None
    if pools:
        from prioritizer.stress.pools import apply

        drawn, detail = apply(pools, tl.shortfall, act, pos)
    summary = kernel.summarise(tl, data.demand)
    return StressResult(
        data=data,
        portfolio=portfolio,
        scenarios=pos,
        horizon=T,
        release=rule,
        timeline=tl,
        summary=summary,
        stock0=stock0,
        pool_draw=drawn,
        pool_detail=detail,
    )
