"""Stockpile target attainment, reported beside the benefit in its own units (DESIGN §7).

The target penalty is policy, so the optimisation keeps counting it; but a committee defends
a benefit of funded projects and avoided shortfall loss, not an avoided modelling penalty.
:func:`target_attainment` says which targets are met, by how many days each is missed and
why, decided from the solution itself:

``storage_cap``  a storage row (total or the good's) is at capacity;
``limit``        a cap on spend whose group holds the good's stock is binding;
``budget``       a budget row binds and a day of this stock earns as much per 億円 as the
                 budget's price (the good is on the margin: more money would buy more of it);
``no_shortfall`` a budget row binds, no scenario leaves a shortfall of the good at the chosen
                 stock, and the target penalty alone earns less per 億円 than the budget's price;
``unit_price``   as above, but a shortfall remains: even counting it, a day of stock costs
                 more than it earns at the budget's price.

Checked in that order: a full store or a binding cap is the hard reason; the budget comparison
explains the rest.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from prioritizer.allocation.data import AllocationData
from prioritizer.text import render

REASONS = ("budget", "storage_cap", "limit", "unit_price", "no_shortfall")
#: relative tolerance for "met" and for "on the margin"
TOL = 1e-6


def shortfall_value(data: AllocationData, f_values: dict[tuple[int, int], float]) -> dict[int, float]:
    """Objective gained per unit of stock of good ``g`` from avoided shortfall at the solution:
    ``Σ_s π_s w_g`` over the scenarios still short of ``g`` (``f_gs > 0``)."""
    out: dict[int, float] = {}
    for (g, s), v in f_values.items():
        if v > TOL:
            out[g] = out.get(g, 0.0) + data.scenarios[s].probability * float(data.shortfall_weight[g])
    return out


def target_attainment(
    data: AllocationData,
    stockpiles: list[dict[str, Any]],
    constraints: list[dict[str, Any]],
    short_value: dict[int, float],
) -> dict[str, Any]:
    """``{met, total, goods: [{good_id, name_ja, name_en, target_days, days, days_short, reason,
    price, text_ja, text_en}]}`` for every stock target (``target_days`` > 0) of a solved allocation.

    ``stockpiles`` are the allocation's stock rows (same order as ``data.stock_goods``);
    ``constraints`` its constraint rows (``binding``, ``relax_gain`` per row name);
    ``short_value`` from :func:`shortfall_value`.
    """
    rows = {c["name"]: c for c in constraints if not c.get("ignored")}

    def binding(name: str) -> bool:
        return bool(rows.get(name, {}).get("binding"))

    met = total = 0
    goods: list[dict[str, Any]] = []
    for k, g in enumerate(data.stock_goods):
        g = int(g)
        target = float(data.target_days[k])
        if target <= 0:
            continue
        total += 1
        days = float(stockpiles[k].get("days_of_cover") or 0.0) if k < len(stockpiles) else 0.0
        if days >= target * (1 - TOL) - 1e-9:
            met += 1
            continue
        gid = data.good_ids[g]
        reason, msg = _reason(data, k, g, rows, binding, short_value)
        msg.update(
            good_ja=data.good_names[g][0] or gid,
            good_en=data.good_names[g][1] or gid,
            target=target,
            days=days,
        )
        goods.append(
            {
                "good_id": gid,
                "name_ja": data.good_names[g][0],
                "name_en": data.good_names[g][1],
                "target_days": target,
                "days": days,
                "days_short": target - days,
                "reason": reason,
                "text_ja": render(msg, "ja"),
                "text_en": render(msg, "en"),
            }
        )
    goods.sort(key=lambda r: -r["days_short"])
    return {"met": met, "total": total, "goods": goods}


def _reason(
    data: AllocationData,
    k: int,
    g: int,
    rows: dict[str, dict[str, Any]],
    binding: Any,
    short_value: dict[int, float],
) -> tuple[str, dict[str, Any]]:
    gid = data.good_ids[g]
    for name in (f"storage_{gid}", "storage"):
        if binding(name):
            return "storage_cap", {"kind": "alloc.attain.storage_cap", **_what(rows[name])}
    for lim in data.limits:
        if lim.sense == "max" and k < len(lim.stock_coef) and lim.stock_coef[k] > 0 and binding(lim.name):
            return "limit", {"kind": "alloc.attain.limit", **_what(rows[lim.name])}
    # objective cost of one more unit of this stock: Σ binding budget rows' price × its coefficient
    price, any_budget, known = 0.0, False, True
    budget_rows = [("budget", data.stock_unit_cost[k])] + [
        (f"budget_{yr}", data.stock_year_cost[k, j]) for j, yr in enumerate(data.years)
    ]
    for name, coef in budget_rows:
        if binding(name) and coef > 0:
            any_budget = True
            gain = rows[name].get("relax_gain")
            if gain is None:
                known = False
            else:
                price += float(gain) * float(coef)
    D = float(data.annual_demand[g])
    day_units = D / 365.0 if D > 0 else 0.0
    penalty_day = float(data.target_penalty[k]) if data.target_mode == "soft" else 0.0
    short = short_value.get(g, 0.0)
    # per 億円 of stock: what a unit earns (penalty per unit + avoided shortfall) over its cost
    cost = float(data.stock_unit_cost[k])
    earn_unit = (penalty_day / day_units if day_units > 0 else 0.0) + short
    earn_per_oku = earn_unit / cost if cost > 0 else None
    price_per_oku = price / cost if cost > 0 and known else None
    base = {
        "earn": earn_per_oku,
        "price": price_per_oku,
        # English quotes money in ¥bn (1 ¥bn = 10 億円), so its rates are per ¥1bn
        "earn_bn": None if earn_per_oku is None else 10 * earn_per_oku,
        "price_bn": None if price_per_oku is None else 10 * price_per_oku,
        "day_cost": cost * day_units,
        "penalty": penalty_day,
    }
    if any_budget and (not known or earn_unit >= price * (1 - TOL) - 1e-12):
        return "budget", {"kind": "alloc.attain.budget", **base}
    free = "" if any_budget else "_free"  # no budget binds: the target carries no penalty worth a 億円
    if short <= 0.0:
        return "no_shortfall", {"kind": f"alloc.attain.no_shortfall{free}", **base}
    return "unit_price", {"kind": f"alloc.attain.unit_price{free}", **base}


def _what(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "rule_ja": row.get("description_ja") or row["name"],
        "rule_en": row.get("description_en") or row["name"],
    }


def penalty_share(breakdown: dict[str, float] | None) -> float | None:
    """Share of the optimiser's gain over doing nothing that is avoided target penalty (0–1)."""
    if not breakdown:
        return None
    parts = np.array([breakdown.get(k) or 0.0 for k in breakdown], dtype=float)
    whole = float(parts.sum())
    if whole <= 1e-12:
        return None
    return float((breakdown.get("avoided_target_penalty") or 0.0) / whole)
