"""Release rules: how much of the stock may be drawn each month (``--release RULE``).

A rule is a comma-separated list of items, applied left to right (a later item for the
same good wins)::

    cover                    release whatever covers the gap (the default)
    hold                     release nothing (the stock is kept in reserve)
    cap=25%                  at most 25 % of the initial stock per month, every good
    cap=10d                  at most 10 days of demand per month, every good
    floor=30d                keep at least 30 days of demand in stock, every good
    floor=20%                keep at least 20 % of the initial stock
    GOOD:cap=5               at most 5 units per month of GOOD (its own unit; % and d work too)
    GOOD:floor=100           keep 100 units of GOOD
    GOOD:hold | GOOD:cover   per-good hold / cover

For every good this yields a monthly cap ``c_g`` (units / month; ∞ = none) and a floor
``f_g`` (units) for the kernel: ``R = min(gap, stock, max(min(c_g, stock − f_g), 0))``.
A value for every good must say its unit (``%`` or ``d``), since goods have different units.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from prioritizer.errors import InputError, Issue

_ITEM = re.compile(r"^(?:(?P<good>[^:=]+):)?(?P<kind>cover|hold|cap|floor)(?:=(?P<value>[^=]+))?$")
_VALUE = re.compile(r"^(?P<num>\d+(?:\.\d+)?)(?P<unit>%|d)?$")


@dataclass(frozen=True)
class ReleaseRule:
    text: str
    cap: np.ndarray  # (G,) units / month
    floor: np.ndarray  # (G,) units


def _bad(text: str, item: str, msg: str) -> Issue:
    return Issue("--release", None, "release", item or text, msg)


def parse_release(
    text: str | None, good_ids: list[str], demand: np.ndarray, stock0: np.ndarray
) -> ReleaseRule:
    """Parse ``text`` into per-good caps and floors; every problem is reported at once.

    ``demand`` (units / month) turns days into units (``1 d = 12 · d_g / 365``); ``stock0``
    (the portfolio's initial stock) turns ``%`` into units.
    """
    text = (text or "cover").strip()
    G = len(good_ids)
    gidx = {g: i for i, g in enumerate(good_ids)}
    cap = np.full(G, math.inf)
    floor = np.zeros(G)
    issues: list[Issue] = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        m = _ITEM.match(item)
        if m is None:
            issues.append(
                _bad(
                    text,
                    item,
                    "write cover, hold, cap=VALUE or floor=VALUE, optionally after GOOD: (e.g. gallium:cap=5)",
                )
            )
            continue
        good, kind, value = m.group("good"), m.group("kind"), m.group("value")
        if good is not None:
            good = good.strip()
            if good not in gidx:
                issues.append(
                    _bad(text, item, f"unknown good {good!r} in the release rule; use an id from goods.csv")
                )
                continue
            sel = np.array([gidx[good]])
        else:
            sel = np.arange(G)
        if kind in ("cover", "hold"):
            if value is not None:
                issues.append(_bad(text, item, f"{kind} takes no value"))
                continue
            cap[sel] = 0.0 if kind == "hold" else math.inf
            if kind == "cover":
                floor[sel] = 0.0
            continue
        if value is None:
            issues.append(_bad(text, item, f"{kind} needs a value, e.g. {kind}=25% or {kind}=30d"))
            continue
        v = _VALUE.match(value.strip())
        if v is None:
            issues.append(
                _bad(text, item, "the value is a non-negative number, optionally with % or d (days)")
            )
            continue
        num, unit = float(v.group("num")), v.group("unit")
        if unit is None and good is None:
            issues.append(
                _bad(
                    text,
                    item,
                    f"a {kind} for every good needs a unit: % of the initial stock or d (days of demand)",
                )
            )
            continue
        if unit == "%":
            units = num / 100.0 * stock0[sel]
        elif unit == "d":
            units = num * demand[sel] * 12.0 / 365.0
        else:
            units = np.full(len(sel), num)
        if kind == "cap":
            cap[sel] = units
        else:
            floor[sel] = units
    if issues:
        raise InputError(issues)
    return ReleaseRule(text=text, cap=cap, floor=floor)
