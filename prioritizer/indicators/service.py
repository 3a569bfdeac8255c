"""``indicators`` service: ``run_indicators(case, params) -> CommandOutput`` (DESIGN §5).

params (all optional, JSON-able):

* ``period`` — ``YYYY-MM``: report that month instead of each good's latest month;
* ``alerts`` — bool: include the rising-dependence alerts;
* ``thresholds`` — ``{"hhi": 0.05, ...}`` or ``"hhi=0.05,concern_share=off"``;
* ``persistence`` — ``"K/N"`` (alert if the rise held in K of the last N months);
* ``min_months`` — int, months of flows needed before a good is reported (default 3);
* ``home`` — ISO3 of the country whose dependence is measured (default ``JPN``);
* ``cut`` — a good id: add the "what is exposed if X is cut" listing;
* ``exposure_only`` — bool: with ``cut``, return only that listing.

Result: ``{"period", "goods": [{"id", "period", "status", "import_reliance", "hhi",
"top1_share", "concern_share", ..., "supply": {"frequency", "window", "annual_imports",
"import_reliance"} | null}], "alerts": [{"good_id", "indicator", "period",
"previous", "current", "severity", ...}], ...}``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from prioritizer import supply, supplychain
from prioritizer.case.types import Case
from prioritizer.errors import InputError, Issue
from prioritizer.indicators import api, monitoring
from prioritizer.indicators.core import DEFAULT_HOME, DEFAULT_MIN_MONTHS
from prioritizer.runs import CommandOutput

#: goods-row fields in output order (DESIGN §5 names first)
GOOD_FIELDS: tuple[str, ...] = (
    "id",
    "name_ja",
    "name_en",
    "period",
    "status",
    "import_reliance",
    "hhi",
    "top1_share",
    "top1_partner",
    "top3_share",
    "concern_share",
    "ally_share",
    "foreign_dependence",
    "hhi_wgi",
    "hhi_wgi_sourcing",
    "hhi_wgi_global",
    "supply_risk",
    "supply_risk_basis",
    "imports",
    "production",
    "exports",
    "n_partners",
    "propagated_dependence",
    "inherited_importance",
    *(f"{k}_{c}" for k in api.CHANGE_FIELDS for c in ("mom", "yoy")),
    "notes",
)
TABLE_FIELDS = (
    "id",
    "period",
    "status",
    "import_reliance",
    "hhi",
    "top1_share",
    "top1_partner",
    "concern_share",
    "foreign_dependence",
    "supply_risk",
    "alerts",
)


def _int_param(params: dict[str, Any], key: str, default: int) -> int:
    raw = params.get(key, default)
    try:
        val = int(raw)
    except (TypeError, ValueError):
        raise InputError([Issue("params", None, key, raw, f"'{key}' must be a whole number")]) from None
    return val


def _value(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        return float(v) if np.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return v


def run_indicators(case: Case, params: dict[str, Any]) -> CommandOutput:
    min_months = _int_param(params, "min_months", DEFAULT_MIN_MONTHS)
    home = str(params.get("home") or DEFAULT_HOME)
    period = params.get("period") or None
    with_alerts = bool(params.get("alerts", False))
    cut = params.get("cut") or None
    # Parse options before the (possibly long) computation so a typo fails fast.
    option_issues: list[Issue] = []
    thresholds: dict[str, float] = {}
    persistence = monitoring.Persistence()
    try:
        thresholds = monitoring.parse_thresholds(params.get("thresholds"), api.MONITORED)
    except InputError as exc:
        option_issues += exc.issues
    try:
        persistence = monitoring.parse_persistence(params.get("persistence"))
    except InputError as exc:
        option_issues += exc.issues
    if option_issues:
        raise InputError(option_issues)

    if case.flows is None and not cut:
        raise InputError(
            [
                Issue(
                    "flows.csv",
                    None,
                    None,
                    None,
                    "this case has no flows.csv; indicators need import flows by partner and month",
                )
            ]
        )
    a = api.analyse(case, min_months=min_months, home=home)
    method = {
        "min_months": min_months,
        "home": home,
        "hhi_scale": "0-1 (x10,000 for points)",
        "governance_scaling": "(2.5 - wgi) / 5 * 10, 10 = worst",
        "supply_risk": "EC 2017 SR form",
        "world_supply": bool(a.panel.meta.get("world_supply")),
        "thresholds": thresholds,
        "persistence": persistence.as_dict(),
    }
    result: dict[str, Any] = {}
    exposure = _exposure(case, a, cut) if cut else None
    if cut and params.get("exposure_only"):
        assert exposure is not None
        return CommandOutput(result={"exposure": exposure}, table=_exposure_table(exposure), method=method)

    names = api._names(case)
    latest = api.latest(case, period=period, analysis=a)
    alerts_df = (
        api.alerts(
            case, thresholds, persistence=persistence, period=period, replace_defaults=True, analysis=a
        )
        if with_alerts
        else None
    )
    planning = _supply_rows(case)
    goods = []
    for gid, row in latest.iterrows():
        rec: dict[str, Any] = {}
        for k in GOOD_FIELDS:
            if k == "id":
                rec[k] = gid
            elif k in ("name_ja", "name_en"):
                rec[k] = names.get(gid, ("", ""))[0 if k == "name_ja" else 1]
            elif k in row.index:
                rec[k] = _value(row[k])
            else:
                rec[k] = None
        rec["supply"] = planning.get(str(gid))
        goods.append(rec)
    periods = a.panel.periods
    result["period"] = period or (periods[-1] if periods else None)
    result["goods"] = goods
    result["alerts"] = (
        []
        if alerts_df is None
        else [{k: _value(v) for k, v in r.items()} for r in alerts_df.to_dict(orient="records")]
    )
    if with_alerts:
        result["thresholds"] = thresholds
        result["persistence"] = persistence.as_dict()
    if a.chain is not None:
        result["supply_chain"] = {"links": a.chain.graph.number_of_edges(), "notes": a.chain.notes}
    if exposure is not None:
        result["exposure"] = exposure

    table = pd.DataFrame(goods)
    counts = {} if alerts_df is None else alerts_df.groupby("good_id")["indicator"].agg(", ".join).to_dict()
    table["alerts"] = [counts.get(g, "") for g in table["id"]]
    table = table[[c for c in TABLE_FIELDS if c in table.columns]]
    return CommandOutput(result=result, table=table, method=method)


def _supply_rows(case: Case) -> dict[str, dict[str, Any]]:
    """Per good with flows: the supply picture allocation, stress and studies plan with
    (:mod:`prioritizer.supply`: the good's latest 12 months or latest year), beside the
    period's indicators above — one month's import reliance can differ from the year's."""
    sup = supply.of(case)
    return {
        g: {
            "frequency": "monthly" if f == "M" else "annual",
            "window": w,
            "annual_imports": _value(m),
            "import_reliance": _value(ir) if known else None,
        }
        for g, f, w, m, ir, known in zip(
            sup.goods.tolist(),
            sup.freq.tolist(),
            sup.window.tolist(),
            sup.annual_imports.tolist(),
            sup.reliance.tolist(),
            sup.reliance_known.tolist(),
            strict=True,
        )
    }


def _exposure(case: Case, a: api.Analysis, cut: str) -> dict[str, Any]:
    if a.chain is None:
        raise InputError(
            [
                Issue(
                    "links.csv",
                    None,
                    None,
                    None,
                    "the cut analysis needs links.csv (good_id, input_id, intensity)",
                )
            ]
        )
    df = supplychain.exposure_if_cut(a.chain, str(cut))
    names = api._names(case)
    affected = []
    for r in df.to_dict(orient="records"):
        nm = names.get(r["good_id"], ("", ""))
        affected.append(
            {
                "good_id": r["good_id"],
                "name_ja": nm[0],
                "name_en": nm[1],
                **{k: _value(r[k]) for k in ("depth", "requirement", "direct", "n_paths", "paths_truncated")},
                "paths": list(r["paths"]),
            }
        )
    nm = names.get(str(cut), ("", ""))
    return {"good_id": str(cut), "name_ja": nm[0], "name_en": nm[1], "affected": affected}


def _exposure_table(exposure: dict[str, Any]) -> pd.DataFrame:
    rows = [
        {
            "cut": exposure["good_id"],
            "affected": r["good_id"],
            "name_ja": r["name_ja"],
            "depth": r["depth"],
            "requirement": r["requirement"],
            "paths": " | ".join(r["paths"]),
        }
        for r in exposure["affected"]
    ]
    return pd.DataFrame(rows, columns=["cut", "affected", "name_ja", "depth", "requirement", "paths"])
