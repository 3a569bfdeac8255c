"""Extract + HS map + country concordance + FX -> flows, exports, world supply (億円).

Units: 千円 → 億円 is ÷ 100,000 (exact); USD → 億円 is × JPY/USD ÷ 10⁸; BACI's thousand
USD are × 1,000 first. A code split between goods gives each its ``share`` of value and
quantity. Rows whose partner code has no ISO3 are listed (file, row, code, value) and
kept out of flows — never dropped without a trace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from prioritizer.trade import fx as fxmod
from prioritizer.trade.concordance import CountryMap
from prioritizer.trade.extract import Extract
from prioritizer.trade.hsmap import HsMap

#: source value unit -> (億円 per unit before FX, needs FX)
UNITS: dict[str, tuple[float, bool]] = {
    "thousand_yen": (1.0 / 100_000, False),
    "usd": (1.0 / fxmod.OKU, True),
    "thousand_usd": (1_000.0 / fxmod.OKU, True),
}
SOURCE_LABEL = {
    "japan-customs": "Japan Customs trade statistics",
    "comtrade": "UN Comtrade",
    "baci": "CEPII BACI",
}


@dataclass
class Built:
    flows: pd.DataFrame
    exports: pd.DataFrame | None
    world: pd.DataFrame | None
    mapped: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[dict[str, Any]] = field(default_factory=list)
    goods_without_rows: list[str] = field(default_factory=list)
    unknown_partners: list[dict[str, Any]] = field(default_factory=list)
    totals_by_good: dict[str, float] = field(default_factory=dict)
    fx_used: list[dict[str, Any]] = field(default_factory=list)
    quantity_units_mixed: list[str] = field(default_factory=list)


def _factors(
    periods: list[str], unit: str, rates: fxmod.Rates | None, source: str
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    base, needs_fx = UNITS[unit]
    if not needs_fx:
        return dict.fromkeys(periods, base), []
    if rates is None:
        raise fxmod.missing_fx(SOURCE_LABEL[source])
    got = rates.for_periods(sorted(set(periods)), f"{SOURCE_LABEL[source]} values are in US dollars")
    used = [
        {"period": p, "jpy_per_usd": r, "rate_period": basis, "file": rates.file}
        for p, (r, basis) in sorted(got.items())
    ]
    return {p: base * r for p, (r, _) in got.items()}, used


def _expand(df: pd.DataFrame, hmap: HsMap) -> pd.DataFrame:
    """One row per (line, matching map entry), value and quantity times the entry's share."""
    if df.empty:
        return df.assign(good_id=pd.Series(dtype=str), share=pd.Series(dtype=float))
    codes, inv = np.unique(df["hs"].to_numpy().astype(str), return_inverse=True)
    ci, ei = hmap.match(codes)
    # lines of code c repeat once per entry matching c
    order = np.argsort(ci, kind="stable")
    ci, ei = ci[order], ei[order]
    starts = np.searchsorted(ci, np.arange(len(codes)))
    counts = np.bincount(ci, minlength=len(codes))
    n_per_line = counts[inv]
    rep = np.repeat(np.arange(len(df)), n_per_line)
    first = starts[inv][rep]
    within = np.arange(len(rep)) - np.repeat(np.cumsum(n_per_line) - n_per_line, n_per_line)
    entry = ei[first + within]
    out = df.iloc[rep].reset_index(drop=True)
    share = np.asarray(hmap.share)[entry]
    out["good_id"] = np.asarray(hmap.good_id, dtype=object)[entry]
    out["share"] = share
    out["value"] = out["value"].to_numpy(dtype=float) * share
    if "quantity" in out:
        out["quantity"] = out["quantity"].to_numpy(dtype=float) * share
    return out


def build(
    ex: Extract,
    hmap: HsMap,
    countries: CountryMap,
    rates: fxmod.Rates | None,
    *,
    world: bool = False,
) -> Built:
    label = f"{SOURCE_LABEL[ex.source]} ({', '.join(str(f['file']) for f in ex.files)})"
    lines = ex.lines.copy()
    lines["partner"] = countries.lookup(lines["code"]).to_numpy() if len(lines) else []
    unknown = lines[lines["partner"] == ""]
    built = Built(flows=pd.DataFrame(), exports=None, world=None)
    for r in unknown.sort_values(["file", "row"]).itertuples(index=False):
        built.unknown_partners.append(
            {
                "file": r.file,
                "row": int(r.row),
                "code": str(r.code),
                "hs": r.hs,
                "period": r.period,
                "value": float(r.value),
                "value_unit": ex.value_unit,
            }
        )
    lines = lines[lines["partner"] != ""]
    periods = sorted(
        set(lines["period"].unique().tolist())
        | (
            set(ex.exports["period"].unique().tolist())
            if ex.exports is not None and len(ex.exports)
            else set()
        )
    )
    factor, built.fx_used = _factors(periods, ex.value_unit, rates, ex.source) if periods else ({}, [])
    if ex.value_unit != "thousand_yen" and rates is None and (ex.world is not None and len(ex.world)):
        raise fxmod.missing_fx(SOURCE_LABEL[ex.source])
    lines["value"] = lines["value"].to_numpy(dtype=float) * lines["period"].map(factor).to_numpy(dtype=float)
    exp = _expand(lines, hmap)
    if exp.empty:
        flows = pd.DataFrame(columns=["good_id", "partner", "period", "value", "quantity", "unit", "source"])
    else:
        # the string keys are hashed once; every sum below groups by the integer key
        g = exp.groupby(["good_id", "partner", "period"], sort=True)
        key = g.ngroup().to_numpy()
        flows = g.size().reset_index()[["good_id", "partner", "period"]]
        gk = exp.groupby(key, sort=True)
        flows["value"] = gk["value"].sum().to_numpy()
        flows["quantity"] = gk["quantity"].sum(min_count=1).to_numpy()
        units = exp["unit"].where(exp["unit"] != "").groupby(key, sort=True)
        flows["units"] = units.nunique().to_numpy()
        flows["unit"] = units.first().to_numpy()
        mixed = (flows["units"] > 1).to_numpy()
        built.quantity_units_mixed = sorted(set(flows.loc[mixed, "good_id"]))
        flows["unit"] = flows["unit"].fillna("")
        flows.loc[mixed, "unit"] = ""
        flows.loc[mixed, "quantity"] = np.nan
        flows = flows.drop(columns="units")
        flows["source"] = label
        # mapped codes with their values, for the preview
        m = exp.groupby(["hs", "good_id"], sort=True).agg(
            value=("value", "sum"), share=("share", "first"), rows=("value", "size")
        )
        built.mapped = [
            {"hs": h, "good_id": gid, "share": float(r.share), "value": float(r.value), "rows": int(r.rows)}
            for (h, gid), r in m.iterrows()
        ]
    built.flows = flows[["good_id", "partner", "period", "value", "quantity", "unit", "source"]]
    built.totals_by_good = {gid: float(v) for gid, v in built.flows.groupby("good_id")["value"].sum().items()}
    built.goods_without_rows = [gid for gid in hmap.goods if gid not in built.totals_by_good]
    base, needs_fx = UNITS[ex.value_unit]
    for r in ex.unmapped.sort_values("value", ascending=False).itertuples(index=False):
        item = {"hs": r.hs, "value": float(r.value), "value_unit": ex.value_unit, "rows": int(r.rows)}
        if not needs_fx:
            item["value_oku"] = float(r.value) * base
        built.unmapped.append(item)
    if ex.exports is not None and len(ex.exports):
        e = ex.exports.copy()
        e["value"] = e["value"].to_numpy(dtype=float) * e["period"].map(factor).to_numpy(dtype=float)
        e["quantity"] = np.nan
        ee = _expand(e, hmap)
        built.exports = (
            ee.groupby(["good_id", "period"], sort=True)["value"].sum().reset_index().assign(source=label)
        )
    if world and ex.world is not None:
        built.world = _world(ex.world, hmap, countries, label)
    return built


def _world(w: pd.DataFrame, hmap: HsMap, countries: CountryMap, label: str) -> pd.DataFrame:
    """Each good's exporter shares over all importers (global supply mix proxy)."""
    w = w.copy()
    w["quantity"] = np.nan
    e = _expand(w, hmap)
    if e.empty:
        return pd.DataFrame(columns=["good_id", "country", "share", "source"])
    iso = countries.lookup(e["code"].astype(str))
    e["country"] = np.where(iso == "", "other", iso)  # nes areas / unknown codes: rest of the world
    g = e.groupby(["good_id", "country"], sort=True)["value"].sum().reset_index()
    tot = g.groupby("good_id")["value"].transform("sum")
    g = g[tot > 0]
    g["share"] = (g["value"] / tot[tot > 0]).round(6)
    # rounding may leave the sum a hair above 1; take it off the largest share
    over = g.groupby("good_id")["share"].transform("sum") - 1.0
    big = g.groupby("good_id")["share"].transform("max") == g["share"]
    first_big = big & ~g.duplicated(["good_id"], keep="first").where(big, True)
    g.loc[first_big & (over > 0), "share"] -= over[first_big & (over > 0)]
    g["source"] = f"{label}: exporter shares of world trade (all importers)"
    return g[["good_id", "country", "share", "source"]].reset_index(drop=True)


__all__ = ["Built", "build"]
