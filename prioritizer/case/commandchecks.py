"""Checks that the computing commands made on their own, made once by the loader (issue 26 item 5).

What ``validate`` accepts, ``allocate``, ``stress``, ``indicators`` and ``rank`` accept too: the
checks they used to make after loading (world-supply rows, storage capacity, policy limits that
match nothing, numbers the solver cannot take, look-alike ids, scenarios that cut nothing or cut a
good without demand) are made here, so they are
reported with every other problem of the case. Same conventions as :mod:`.checks`: each
function logs to an :class:`~prioritizer.case.readers.IssueLog` and returns nothing.

Decisions:

* a ``projects.csv`` with only its header is a valid case with no projects (the allocation
  then decides stock only); a policy limit that then matches no project or stockpile is the
  error, as it is with projects;
* an empty ``policy.yaml`` means every key takes its default (tests/test_case_load.py); the
  budget is then missing, which ``allocate`` reports unless ``--budget`` is given — as for a
  case without ``policy.yaml``.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping

import numpy as np

from prioritizer.case.policy import Policy
from prioritizer.case.readers import IssueLog
from prioritizer.case.schemas import COST_YEAR
from prioritizer.case.tables import TypedTable

Tables = Mapping[str, TypedTable]

#: largest amount of money (億円) the solver is given: HiGHS treats coefficients from 1e15
#: (``large_matrix_value``) as errors and costs or bounds from 1e20 as infinite, so a cell must
#: stay well below; 10¹² 億円 is ten thousand times any national budget
MAX_MONEY = 1e12
#: largest quantity (units of a good a year); its product with the unit price is checked too
MAX_QUANTITY = 1e15
#: world-supply shares of one good must add up to 1 within this (as the indicators read them)
SHARE_TOLERANCE = 0.01

_MONEY = {
    "goods": ("unit_price", "domestic_production", "exports"),
    "projects": ("cost", "value"),
}
_QUANTITY = {"goods": ("annual_demand",), "projects": ("capacity",)}


def id_key(value: str) -> str:
    """What two ids must not share: NFKC normalisation, case folding, surrounding blanks stripped."""
    return unicodedata.normalize("NFKC", value).casefold().strip()


def look_alike_ids(tables: Tables, log: IssueLog) -> None:
    """``gallium``, ``Gallium`` and full-width ``ｇａｌｌｉｕｍ`` are one id to a reader: an error naming both rows.

    Exact duplicates are the tables' own "duplicate id" error and are not repeated here.
    """
    for name, col in (("goods", "id"), ("projects", "id"), ("scenarios", "id"), ("countries", "iso3")):
        t = tables.get(name)
        if t is None or not t.usable(col):
            continue
        first: dict[str, tuple[int, str]] = {}
        for i, v in enumerate(t.df[col].tolist()):
            if not v:
                continue
            k = id_key(v)
            seen = first.get(k)
            if seen is None:
                first[k] = (i, v)
            elif seen[1] != v:
                log.add(
                    t.file,
                    t.row(i),
                    col,
                    v,
                    f"'{v}' is the same {col} as '{seen[1]}' at row {t.row(seen[0])} once width, case and "
                    "blanks are ignored; two rows would count one thing twice — merge them or rename one",
                )


def _too_big(x: np.ndarray, limit: float) -> np.ndarray:
    """Finite and above ``limit`` (negative cells are the range checks' to report)."""
    return np.isfinite(x) & (x > limit)


def solver_magnitudes(tables: Tables, log: IssueLog) -> None:
    """Numbers the solver cannot take (a 1e308 cost, demand × price overflowing): name the cell."""
    for name, cs in _MONEY.items():
        for c in cs:
            _cell_limit(tables, name, c, MAX_MONEY, "億円", log)
    for name, cs in _QUANTITY.items():
        for c in cs:
            _cell_limit(tables, name, c, MAX_QUANTITY, "units a year", log)
    p = tables.get("projects")
    if p is not None:
        for c in p.df.columns:
            if COST_YEAR.match(str(c)):
                _cell_limit(tables, "projects", str(c), MAX_MONEY, "億円", log)
    g = tables["goods"]
    d = g.df["annual_demand"].to_numpy(dtype=float)
    u = g.df["unit_price"].to_numpy(dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        b = d * u
    bad = np.isfinite(d) & np.isfinite(u) & ~(np.abs(b) <= MAX_MONEY)
    bad &= ~_too_big(d, MAX_QUANTITY) & ~_too_big(u, MAX_MONEY)  # a cell already named says it
    for i in np.flatnonzero(bad):
        log.add(
            g.file,
            g.row(i),
            "annual_demand",
            float(d[i]),
            f"annual_demand × unit_price = {d[i]:.3g} × {u[i]:.3g} = {b[i]:.3g} 億円 a year, above the "
            f"{MAX_MONEY:.0e} 億円 the optimiser can take; check the units of the two cells",
        )


def _cell_limit(tables: Tables, name: str, col: str, limit: float, unit: str, log: IssueLog) -> None:
    t = tables.get(name)
    if t is None or col not in t.present:  # a column not in the file has no cell to name
        return
    x = t.df[col].to_numpy(dtype=float)
    big = _too_big(x, limit)
    if col in t.blank:
        big &= ~t.blank[col]  # a blank cost is the sum of its years: the year cells are named instead
    for i in np.flatnonzero(big):
        log.add(
            t.file,
            t.row(i),
            col,
            float(x[i]),
            f"{x[i]:.3g} is too large for the optimiser (at most {limit:.0e} {unit}); check the unit "
            "or the number of digits",
        )


def world_supply(tables: Tables, log: IssueLog) -> None:
    """world_supply.csv as the indicators read it: one row per good and country, a governance
    score for every country, shares adding up to 1 per good (unknown goods: :func:`checks.references`)."""
    w = tables.get("world_supply")
    if w is None or not (w.usable("good_id") and w.usable("country") and w.usable("share")):
        return
    df = w.df
    gid = df["good_id"].tolist()
    ctry = df["country"].tolist()
    seen: dict[tuple[str, str], int] = {}
    for i, key in enumerate(zip(gid, ctry, strict=True)):
        if key in seen:
            log.add(
                w.file,
                w.row(i),
                "country",
                key[1],
                f"good '{key[0]}' lists {key[1]} twice (also at row {w.row(seen[key])}); keep one share per country",
            )
        else:
            seen[key] = i
    own = df["governance"].to_numpy(dtype=float) if "governance" in df.columns else np.full(len(df), np.nan)
    c = tables.get("countries")
    gov: dict[str, float] = {}
    if c is not None and c.usable("iso3") and "governance" in c.df.columns:
        gov = dict(zip(c.df["iso3"].tolist(), c.df["governance"].to_numpy(dtype=float).tolist(), strict=True))
    share = df["share"].to_numpy(dtype=float)
    for i in np.flatnonzero(np.isnan(own) & ~np.isnan(share)):
        # "other" (the rest of the world) takes the WGI world average, 0 (indicators/core.py)
        if ctry[i] != "other" and not math.isfinite(gov.get(ctry[i], math.nan)):
            log.add(
                w.file,
                w.row(i),
                "country",
                ctry[i],
                f"no governance score for {ctry[i]}: list it with a governance value in countries.csv or fill "
                "the 'governance' column of this row",
            )
    sums: dict[str, float] = {}
    first: dict[str, int] = {}
    for i, (g, s) in enumerate(zip(gid, share.tolist(), strict=True)):
        if math.isfinite(s):
            sums[g] = sums.get(g, 0.0) + s
            first.setdefault(g, i)
    for g, s in sums.items():
        if abs(s - 1.0) > SHARE_TOLERANCE:
            log.add(
                w.file,
                w.row(first[g]),
                "share",
                round(s, 6),
                f"shares for good_id '{g}' add up to {s:.4f}, not 1; add the missing countries (or an 'other' "
                "row with a governance value) or correct the shares",
            )


def _group_values(tables: Tables, group: str) -> set[str]:
    """Every value of ``group`` a project or a stockpilable good has, as the allocation reads it:
    a project's own column, else its good's; stock counts as instrument ``stockpile``."""
    goods = tables["goods"].df
    ids = goods["id"].tolist()
    stock = goods["stockpilable"].to_numpy(dtype=bool)

    def good_attr() -> list[str]:
        if group == "specified_critical":
            return ["true" if v else "false" for v in goods["specified_critical"].to_numpy(dtype=bool)]
        return [str(v) for v in goods[group].tolist()] if group in goods.columns else [""] * len(ids)

    if group == "instrument":
        out = {"stockpile"} if stock.any() else set()
    elif group == "good":
        out = {g for g, k in zip(ids, stock, strict=True) if k}
    else:
        out = {v for v, k in zip(good_attr(), stock, strict=True) if k}
    p = tables.get("projects")
    if p is None or len(p.df) == 0:
        return out
    good_of = p.df["good_id"].tolist()
    if group == "good":
        return out | set(good_of)
    pos = {g: i for i, g in enumerate(ids)}
    of_good = good_attr()
    own = p.df[group].tolist() if group in p.df.columns else [""] * len(good_of)
    for v, g in zip(own, good_of, strict=True):
        v = "" if v is None else str(v).strip()
        k = pos.get(g)
        if group == "specified_critical":
            if v:
                v = "true" if v.lower() in {"true", "1", "yes", "y", "t"} else "false"
            else:
                v = of_good[k] if k is not None else "false"
        elif not v and k is not None:
            v = of_good[k]
        out.add(v)
    return out


def policy_against_tables(
    policy: Policy, tables: Tables, file: str, rows: Mapping[str, int], log: IssueLog
) -> None:
    """Policy values the allocation cannot use: a negative storage capacity, a limit that no
    project or stockpilable good falls under (the allocation's own check, made here once)."""

    def row(path: str) -> int | None:
        while path:
            if path in rows:
                return rows[path]
            path = path.rpartition(".")[0]
        return None

    cap = policy.stockpile.storage_capacity
    caps = cap.items() if isinstance(cap, dict) else ([(None, cap)] if cap is not None else [])
    for g, v in caps:
        key = "stockpile.storage_capacity" + (f".{g}" if g is not None else "")
        if not (math.isfinite(v) and v >= 0):
            log.add(file, row(key), key, v, "storage capacity is 億円 of stock value: a number ≥ 0")
        elif v > MAX_MONEY:
            log.add(file, row(key), key, v, f"too large for the optimiser (at most {MAX_MONEY:.0e} 億円)")
    for key, v in (
        ("budget.total", policy.budget.total),
        *((f"budget.years.{y}", x) for y, x in policy.budget.years.items()),
        *((f"limits.{k}.min", lim.min) for k, lim in enumerate(policy.limits)),
        *((f"limits.{k}.max", lim.max) for k, lim in enumerate(policy.limits)),
    ):
        if v is not None and math.isfinite(v) and abs(v) > MAX_MONEY:
            log.add(file, row(key), key, v, f"too large for the optimiser (at most {MAX_MONEY:.0e} 億円)")
    if not tables["goods"].usable("id"):
        return
    named = {(i.file, i.column) for i in log.items}  # a value already reported as not allowed
    values: dict[str, set[str]] = {}
    for k, lim in enumerate(policy.limits):
        if (file, f"limits.{k}.value") in named:
            continue
        value = str(lim.value).lower() if lim.group == "specified_critical" else str(lim.value)
        if lim.group not in values:
            values[lim.group] = _group_values(tables, lim.group)
        if value in values[lim.group]:
            continue
        log.add(
            file,
            row(f"limits.{k}.value"),
            f"limits.{k}.value",
            lim.value,
            f"no project or stockpilable good has {lim.group} = '{lim.value}', so the limit constrains "
            "nothing; correct the value, add such a project, or remove the limit",
        )


def scenarios(tables: Tables, log: IssueLog) -> None:
    """What each scenario cuts exists: a named partner supplies the good (or any good) in its
    latest window (:meth:`prioritizer.supply.Supply.cut`), and a scenario lasts > 0 months.

    Every good a scenario cuts needs a positive ``annual_demand`` (the supply at stake is a share
    of it): reported on the good's row, unless goods.csv has a header problem (reported already).
    """
    from prioritizer.supply import nothing_cut, windows

    s = tables.get("scenarios")
    goods = tables["goods"]
    if s is None or not s.usable("id") or not goods.usable("id"):
        return
    gidx = {g: i for i, g in enumerate(goods.df["id"].tolist())}
    f = tables.get("flows")
    cols = ("good_id", "partner", "period", "value")
    # a flows table with a missing column is reported already; nothing can be said about partners
    partners_known = f is None or all(f.usable(c) for c in cols)
    df = s.df
    partner_col = df["partner"].tolist() if "partner" in df.columns else [""] * len(df)
    by_partner: dict[str, set[str]] = {}
    if f is not None and partners_known and any(partner_col):  # a national flows table: only when needed
        for g, p in windows(f.df).supplied():
            by_partner.setdefault(p, set()).add(g)
    named = {(i.file, i.row, i.column) for i in log.items}
    months = df["months"].to_numpy(dtype=float)
    good_col = df["good_id"].tolist() if "good_id" in df.columns else [""] * len(df)
    for i, sid in enumerate(df["id"].tolist()):
        if months[i] == 0:
            log.add(
                s.file,
                s.row(i),
                "months",
                0.0,
                f"scenario {sid} lasts 0 months, so it cuts nothing; give months > 0",
            )
    demand = goods.df["annual_demand"].to_numpy(dtype=float)
    demand_checked = not any(i.file == goods.file and i.row == 1 for i in log.items)
    for i, sid in enumerate(df["id"].tolist()):
        g, p = good_col[i] or "", partner_col[i] or ""
        r = s.row(i)
        if (g and g not in gidx) or (s.file, r, "good_id") in named or (s.file, r, "partner") in named:
            continue
        if p:
            if not partners_known:
                continue
            cut = by_partner.get(p, set()) & ({g} if g else set(gidx))
            if not cut:
                i_ = nothing_cut(r, sid, g, p)
                log.add(s.file, i_.row, i_.column, i_.value, i_.message)
                continue
        elif g:
            cut = {g}
        else:
            continue
        if demand_checked:
            for gg in sorted(cut, key=gidx.__getitem__):
                k = gidx[gg]
                if not (math.isfinite(demand[k]) and demand[k] > 0):
                    log.add(
                        goods.file,
                        goods.row(k),
                        "annual_demand",
                        None if math.isnan(demand[k]) else float(demand[k]),
                        f"scenario {sid} cuts good {gg}, which needs a positive annual_demand (units a year): "
                        "the supply lost is a share of it",
                    )
