"""The annex (別冊): every table in full with localised headers and units, and provenance."""

from __future__ import annotations

from typing import Any

import pandas as pd

from prioritizer.reports.context import Context, f
from prioritizer.reports.document import Column, KeyValues, Para, Section, Table
from prioritizer.reports.sections import INDICATORS, project_frame
from prioritizer.summaries import is_funded


def sections(ctx: Context) -> list[Section]:
    return [s for s in (_tables(ctx), _provenance(ctx)) if s.blocks]


def _tables(ctx: Context) -> Section:
    s = Section(ctx.t("report.sec.annex"), part="annex")
    rank = ctx.rank
    if rank:
        rows = []
        for r in sorted(rank.get("ranking", []), key=lambda r: r["rank"]):
            row = {
                "rank": r["rank"],
                "id": r["id"],
                "name": ctx.name(r),
                "domain": ctx.v("domain", r.get("domain")),
                "sector": ctx.v("sector", r.get("sector")),
                "score": r.get("score"),
            }
            for c, v in (r.get("contributions") or {}).items():
                row[f"c:{c}"] = v
            rows.append(row)
        crit = list(ctx.labels)
        s.blocks.append(
            Table(
                ctx.t("report.sec.annex_ranking"),
                pd.DataFrame(rows),
                [
                    Column("rank", ctx.col("rank"), "int"),
                    Column("id", ctx.col("id"), "id"),
                    Column("name", ctx.col("name")),
                    Column("domain", ctx.col("domain")),
                    Column("sector", ctx.col("sector")),
                    Column("score", ctx.col("score"), "float3"),
                ]
                + [Column(f"c:{c}", f"{ctx.col('contribution')}: {ctx.labels[c]}", "float3") for c in crit],
                sheet="ranking",
            )
        )
    alloc = ctx.alloc
    if alloc:
        projects = alloc.get("projects", [])
        funded = {p["id"] for p in projects if is_funded(p)}
        s.blocks.append(
            Table(
                ctx.t("report.sec.annex_projects"),
                project_frame(ctx, projects, funded),
                [
                    Column("id", ctx.col("id"), "id"),
                    Column("name", ctx.col("name")),
                    Column("good", ctx.col("good")),
                    Column("instrument", ctx.col("instrument")),
                    Column("cost", ctx.col("cost"), "oku"),
                    Column("funded_fraction", ctx.col("funded_fraction"), "pct"),
                    Column("spent", ctx.col("spent"), "oku"),
                    Column("value", ctx.col("value"), "num"),
                    Column("reason", ctx.col("reason")),
                ],
                sheet="allocation",
            )
        )
        stock = pd.DataFrame(
            [
                {
                    "good": ctx.name({"id": x.get("good_id"), **x}),
                    "id": x.get("good_id"),
                    "quantity": x.get("quantity"),
                    "unit": x.get("unit") or "—",
                    "days_of_cover": x.get("days_of_cover"),
                    "target_days": x.get("target_days"),
                    "stock_cost": x.get("cost"),
                    "expected_shortfall": x.get("expected_shortfall"),
                }
                for x in alloc.get("stockpiles", [])
            ]
        )
        if not stock.empty:
            s.blocks.append(
                Table(
                    ctx.t("report.sec.annex_stock"),
                    stock,
                    [
                        Column("id", ctx.col("id"), "id"),
                        Column("good", ctx.col("good")),
                        Column("quantity", ctx.col("quantity"), "num"),
                        Column("unit", ctx.col("unit")),
                        Column("days_of_cover", ctx.col("days_of_cover"), "days"),
                        Column("target_days", ctx.col("target_days"), "days"),
                        Column("stock_cost", ctx.col("stock_cost"), "oku"),
                        Column("expected_shortfall", ctx.col("expected_shortfall"), "num"),
                    ],
                    sheet="stockpiles",
                )
            )
        cons = pd.DataFrame(
            [
                {
                    "rule": c.get(f"description_{ctx.lang}") or c.get("description_en") or c["name"],
                    "id": c["name"],
                    "sense": ctx.v("report_sense", c.get("sense")),
                    "rhs": c.get("rhs"),
                    "activity": c.get("activity"),
                    "binding": bool(c.get("binding")),
                    "relax_gain": c.get("relax_gain") if c.get("relax_gain") is not None else ctx.missing,
                    "shadow_price": c.get("shadow_price"),
                }
                for c in alloc.get("constraints", [])
                if c.get("kind") not in ("divisible", "shortfall")
            ]
        )
        if not cons.empty:
            s.blocks.append(
                Table(
                    ctx.t("report.sec.annex_constraints"),
                    cons,
                    [
                        Column("rule", ctx.col("rule")),
                        Column("sense", ctx.col("sense")),
                        Column("rhs", ctx.col("rhs"), "num"),
                        Column("activity", ctx.col("activity"), "num"),
                        Column("binding", ctx.col("binding")),
                        Column("relax_gain", ctx.col("relax_gain"), "num"),
                        Column("shadow_price", ctx.col("shadow_price"), "num"),
                    ],
                    sheet="constraints",
                )
            )
    ind = ctx.result("indicators")
    if ind and ind.get("goods"):
        frame = pd.DataFrame(
            [
                {
                    "id": g.get("id"),
                    "name": ctx.name(g),
                    "period": g.get("period"),
                    **{
                        k: (ctx.case_country(g.get(k)) if k == "top1_partner" else g.get(k))
                        for k in INDICATORS
                    },
                }
                for g in ind["goods"]
            ]
        )
        s.blocks.append(
            Table(
                ctx.t("report.sec.annex_indicators"),
                frame,
                [
                    Column("id", ctx.col("id"), "id"),
                    Column("name", ctx.col("name")),
                    Column("period", ctx.col("period"), "id"),
                ]
                + [
                    Column(
                        k, ctx.col(k), "text" if k == "top1_partner" else ("float3" if k == "hhi" else "pct")
                    )
                    for k in INDICATORS
                ],
                sheet="indicators",
            )
        )
    return s


def _provenance(ctx: Context) -> Section:
    s = Section(ctx.t("report.sec.provenance"), part="annex")
    p = ctx.primary
    # The head the report was made at, read once: its record number and hash together are the
    # anchor (`audit verify --anchor SEQ:HASH`) that later exposes records cut off the end.
    try:
        h = ctx.store.head()
        head, head_seq = str(h["hash"]), str(h["seq"])
    except Exception:
        head = head_seq = ctx.missing
    s.blocks.append(
        KeyValues(
            [
                (ctx.t("report.cover.run"), str(f(p, "run_id"))),
                (ctx.t("report.prov.run_hash"), str(f(p, "hash") or ctx.missing)),
                (ctx.t("report.prov.head_seq"), head_seq),
                (ctx.t("report.prov.head_hash"), head),
            ]
        )
    )
    s.blocks.append(Para(ctx.t("report.prov.verify"), style="note"))
    rel = pd.DataFrame(
        [
            {
                "command": ctx.v("report_command", cmd),
                "run_id": f(r, "run_id"),
                "at": str(f(r, "created_at"))[:19],
                "actor": f(r, "actor") or "—",
            }
            for cmd, r in ctx.runs.items()
        ]
    )
    s.blocks.append(
        Table(
            ctx.t("report.sec.related"),
            rel,
            [
                Column("command", ctx.col("command")),
                Column("run_id", ctx.col("run_id"), "id"),
                Column("at", ctx.col("at"), "id"),
                Column("actor", ctx.col("actor")),
            ],
            sheet="runs",
        )
    )
    d = f(p, "input_digests") or {}
    if d:
        s.blocks.append(
            Table(
                ctx.t("report.sec.digests"),
                pd.DataFrame([{"file": k, "sha256": v} for k, v in sorted(d.items())]),
                [Column("file", ctx.col("file"), "id"), Column("sha256", ctx.col("sha256"), "id")],
                sheet="digests",
            )
        )
    v = f(p, "versions") or {}
    if v:
        s.blocks.append(
            Table(
                ctx.t("report.sec.versions"),
                pd.DataFrame([{"package": k, "version": x} for k, x in sorted(v.items())]),
                [Column("package", ctx.col("package"), "id"), Column("version", ctx.col("version"), "id")],
                sheet="versions",
            )
        )
    case = ctx.case
    if case is not None:
        rows = _source_rows(ctx, case)
        if rows:
            s.blocks.append(
                Table(
                    ctx.t("report.sec.sources"),
                    pd.DataFrame(rows),
                    [
                        Column("table", ctx.col("table")),
                        Column("items", ctx.t("report.sources.items")),
                        Column("source", ctx.col("source")),
                        Column("rows", ctx.col("rows"), "int"),
                    ],
                    sheet="sources",
                )
            )
    return s


#: the item a row of each table is about, for keying the sources by name
_ITEM_KEY = {
    "goods": "id",
    "flows": "good_id",
    "projects": "id",
    "scenarios": "id",
    "links": "good_id",
    "countries": "iso3",
}


def _source_rows(ctx: Context, case: Any) -> list[dict[str, Any]]:
    """Each source with the table (in the reader's language) and the items (by name) it supports."""
    rows = []
    for tname, key in _ITEM_KEY.items():
        df = case.table(tname)
        if df is None or "source" not in df.columns:
            continue
        names = _names(ctx, case, tname)
        for src, part in df.assign(source=df["source"].fillna("")).groupby("source", sort=False):
            ids = list(dict.fromkeys(str(v) for v in part[key])) if key in part.columns else []
            shown = [names.get(i, i) for i in ids[:6]]
            more = len(ids) - len(shown)
            items = ctx.t("report.sep").join(shown) + (
                ctx.t("report.sources.more", n=more) if more > 0 else ""
            )
            rows.append(
                {
                    "table": ctx.t(f"report.table.{tname}"),
                    "items": items or "—",
                    "source": src or "—",
                    "rows": len(part),
                }
            )
    return rows


def _names(ctx: Context, case: Any, tname: str) -> dict[str, str]:
    if tname in ("goods", "flows", "links"):
        df = case.table("goods")
    elif tname == "countries":
        df = case.table("countries")
        return {} if df is None else {str(r["iso3"]): ctx.name(r) for r in df.to_dict("records")}
    else:
        df = case.table(tname)
    return {} if df is None else {str(r["id"]): ctx.name(r) for r in df.to_dict("records")}
