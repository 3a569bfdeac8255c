"""The body of a report: per-priority justification, allocation, rules, scenarios, methodology."""

from __future__ import annotations

from typing import Any

import pandas as pd

from prioritizer.charts import build as charts
from prioritizer.reports.context import Context, f
from prioritizer.reports.document import Bullets, Column, Figure, Heading, KeyValues, Para, Section, Table
from prioritizer.scoring.decompose import shares
from prioritizer.summaries import is_funded, project_attribute
from prioritizer.text import fmt_days, render

#: indicator fields shown per priority (all shares except the HHI)
INDICATORS = ("import_reliance", "hhi", "top1_share", "top1_partner", "concern_share")
#: rule groups in reading order
RULE_GROUPS = ("budget", "limit", "target", "storage", "requires", "excludes", "must")


def _units(ctx: Context) -> dict[str, str]:
    key = "unit_ja" if ctx.lang == "ja" else "unit_en"
    return {c["id"]: str(c.get(key) or c.get("unit") or "") for c in ctx.model.get("criteria", [])}


def _indicator_rows(ctx: Context) -> dict[str, dict[str, Any]]:
    res = ctx.result("indicators") or {}
    return {g.get("id"): g for g in res.get("goods", [])}


def items(ctx: Context, top_n: int) -> Section:
    s = Section(ctx.t("report.sec.items"))
    rank = ctx.rank
    if not rank:
        return s
    ranking = sorted(rank.get("ranking", []), key=lambda r: r["rank"])
    weights = rank.get("weights") or {}
    units = _units(ctx)
    ind = _indicator_rows(ctx)
    alloc = ctx.alloc or {}
    stock = {x.get("good_id"): x for x in alloc.get("stockpiles", [])}
    for r in ranking[:top_n]:
        s.blocks.append(Heading(ctx.t("report.item.heading", name=ctx.name(r), rank=r["rank"])))
        lead = render(
            {
                "kind": "report.item.lead",
                "name": ctx.name(r),
                "n": len(ranking),
                "rank": r["rank"],
                "score": r.get("score"),
            },
            ctx.lang,
        )
        hint = r.get(f"hint_{ctx.lang}") or r.get("hint") or ctx.missing
        s.blocks.append(Para(lead))
        s.blocks.append(
            KeyValues(
                [
                    (ctx.t("report.item.domain"), ctx.v("domain", r.get("domain"))),
                    (ctx.t("report.item.instrument"), str(hint)),
                ]
            )
        )
        contrib = r.get("contributions") or {}
        share = shares(contrib)  # signed shares of the contributions' sum: they add up to 100 %
        rows = [
            {
                "criterion": ctx.labels.get(c, c),
                "raw_value": (r.get("values") or {}).get(c),
                "unit": units.get(c) or "—",
                "weight": weights.get(c),
                "contribution": v,
                "share": share[c],
            }
            for c, v in sorted(contrib.items(), key=lambda kv: -abs(kv[1]))
        ]
        if rows:
            rows.append(
                {
                    "criterion": ctx.t("contrib.total"),
                    "raw_value": None,
                    "unit": "",
                    "weight": sum(weights.get(c) or 0.0 for c in contrib) if weights else None,
                    "contribution": sum(contrib.values()),
                    "share": 1.0 if any(share.values()) else 0.0,
                }
            )
        s.blocks.append(
            Table(
                ctx.t("report.item.criteria"),
                pd.DataFrame(rows),
                [
                    Column("criterion", ctx.col("criterion")),
                    Column("raw_value", ctx.col("raw_value"), "num"),
                    Column("unit", ctx.col("unit")),
                    Column("weight", ctx.col("weight"), "float3"),
                    Column("contribution", ctx.col("contribution"), "float3"),
                    Column("share", ctx.col("share"), "pct"),
                ],
            )
        )
        if rank.get("method") in ("wsm", "topsis", "promethee_ii", "wpm", "vikor"):
            s.blocks.append(Para(ctx.t(f"contrib.share_note.{rank['method']}"), "note"))
        g = ind.get(r["id"])
        if g:
            s.blocks.append(
                KeyValues(
                    [
                        (
                            ctx.col(k),
                            ctx.case_country(g.get(k))
                            if k == "top1_partner"
                            else _ind_value(ctx, k, g.get(k)),
                        )
                        for k in INDICATORS
                        if k in g
                    ]
                )
            )
        if (
            ctx.case is not None
            and ctx.case.flows is not None
            and (ctx.case.flows["good_id"] == r["id"]).any()
        ):
            spec = charts.imports_by_partner(ctx.case.flows, r["id"], ctx.case.countries, ctx.lang)
            s.blocks.append(Figure(spec.title, spec, width=0.8, compact=True))
        lines = []
        for p in alloc.get("projects", []):
            if project_attribute(ctx.case, p["id"], "good_id") != r["id"]:
                continue
            state = ctx.t("alloc.funded") if is_funded(p) else ctx.t("alloc.unfunded")
            lines.append(
                render(
                    {
                        "kind": "report.item.project",
                        "name": ctx.name(p),
                        "state": state,
                        "cost": p.get("cost"),
                        "spent": p.get("spent", 0.0),
                    },
                    ctx.lang,
                )
            )
        st = stock.get(r["id"])
        if st is not None:
            tgt = st.get("target_days")
            lines.append(
                render(
                    {
                        "kind": "report.item.stock",
                        "days": st.get("days_of_cover"),
                        "target": fmt_days(tgt, ctx.lang) if tgt is not None else ctx.missing,
                        "cost": st.get("cost"),
                    },
                    ctx.lang,
                )
            )
        if alloc:
            s.blocks.append(Bullets(lines or [ctx.t("report.item.no_projects")]))
    return s


def _ind_value(ctx: Context, key: str, v: Any) -> str:
    from prioritizer.text import fmt_num, fmt_pct

    if not isinstance(v, int | float):
        return ctx.missing if v is None else str(v)
    return fmt_num(v, ctx.lang) if key == "hhi" else fmt_pct(v, ctx.lang)


def unfunded_reason(ctx: Context, p: dict[str, Any], funded: set[str]) -> str:
    """Why a project is not funded, from the run's own fields and the case's rules."""
    if p.get("must") == "out":
        return ctx.t("report.reason.must_out")
    case = ctx.case
    if case is not None and case.projects is not None:
        row = case.projects[case.projects["id"] == p["id"]]
        if not row.empty:
            for col, key in (
                ("requires", "report.reason.requires"),
                ("excludes", "report.reason.excluded_by"),
            ):
                if col not in row.columns:
                    continue
                raw = row.iloc[0][col]
                ids = [x.strip() for x in str(raw).split(";") if isinstance(raw, str) and x.strip()]
                hit = [x for x in ids if (x not in funded) == (col == "requires")]
                if hit:
                    return ctx.t(key, dep=ctx.project_name(hit[0]))
    if p.get("needed_value_method") == "cannot_enter":
        return ctx.t("report.reason.cannot_enter")
    need, val = p.get("needed_value"), p.get("value")
    if isinstance(need, int | float) and isinstance(val, int | float):
        from prioritizer.text import fmt_num

        gap = need - val
        if abs(gap) <= 1e-3 * max(abs(val), 1e-9):
            return ctx.t("report.reason.entry_close", value=fmt_num(val, ctx.lang))
        digits = 1 if abs(gap) >= 1 else 3
        return ctx.t(
            "report.reason.entry",
            value=f"{val:,.{digits}f}",
            needed=f"{need:,.{digits}f}",
            gap=f"{gap:,.{digits}f}",
        )
    return ctx.t("report.reason.budget")


def project_frame(ctx: Context, projects: list[dict[str, Any]], funded: set[str]) -> pd.DataFrame:
    rows = []
    for p in projects:
        good = project_attribute(ctx.case, p["id"], "good_id")
        rows.append(
            {
                "id": p["id"],
                "name": ctx.name(p),
                "good": ctx.good_name(good) if good else "—",
                "domain": ctx.v("domain", project_attribute(ctx.case, p["id"], "domain")),
                "instrument": ctx.v("instrument", project_attribute(ctx.case, p["id"], "instrument")),
                "cost": p.get("cost"),
                "funded_fraction": p.get("funded_fraction"),
                "spent": p.get("spent"),
                "value": p.get("value"),
                "value_per_oku": p.get("value_per_oku"),
                "reason": "" if p["id"] in funded else unfunded_reason(ctx, p, funded),
            }
        )
    return pd.DataFrame(rows)


def allocation(ctx: Context) -> Section:
    s = Section(ctx.t("report.sec.allocation"))
    alloc = ctx.alloc
    if not alloc:
        return s
    projects = alloc.get("projects", [])
    funded = {p["id"] for p in projects if is_funded(p)}
    fr = project_frame(ctx, [p for p in projects if p["id"] in funded], funded)
    un = project_frame(ctx, [p for p in projects if p["id"] not in funded], funded)
    if not fr.empty:
        fr = fr.sort_values("spent", ascending=False)
        s.blocks.append(
            Table(
                ctx.t("report.sec.funded"),
                fr,
                [
                    Column("name", ctx.col("name")),
                    Column("domain", ctx.col("domain")),
                    Column("instrument", ctx.col("instrument")),
                    Column("funded_fraction", ctx.col("funded_fraction"), "pct"),
                    Column("spent", ctx.col("spent"), "oku"),
                ],
            )
        )
    if not un.empty:
        s.blocks.append(
            Table(
                ctx.t("report.sec.unfunded"),
                un,
                [
                    Column("name", ctx.col("name")),
                    Column("cost", ctx.col("cost"), "oku"),
                    Column("reason", ctx.col("reason")),
                ],
            )
        )
    s.blocks.append(Heading(ctx.t("report.sec.benefit")))
    s.blocks.append(KeyValues(benefit_items(ctx, alloc)))
    s.blocks.append(Para(ctx.t("report.benefit.penalty_note"), "note"))
    for line in target_shortfalls(ctx, alloc):
        s.blocks.append(Para(line))
    stock = [x for x in alloc.get("stockpiles", []) if (x.get("quantity") or 0) > 0 or x.get("target_days")]
    if stock:
        spec = charts.days_of_cover(stock, {}, ctx.lang)
        s.blocks.append(Heading(ctx.t("report.sec.stock")))
        s.blocks.append(Figure(spec.title, spec))
    return s


def benefit_items(ctx: Context, alloc: dict[str, Any]) -> list[tuple[str, str]]:
    """The run's recorded benefit, its baseline and breakdown; 「記録なし」 where a field is absent."""
    from prioritizer.text import fmt_num

    def show(v: Any) -> str:
        return fmt_num(v, ctx.lang) if isinstance(v, int | float) else ctx.missing

    from prioritizer.spend import benefit_of, benefit_per_oku_of

    parts = alloc.get("benefit_breakdown") or {}
    recorded = alloc.get("benefit") is not None or bool(parts)
    rows = [
        (ctx.t("report.benefit.total"), show(benefit_of(alloc) if recorded else None)),
        (ctx.t("report.benefit.per_oku"), show(benefit_per_oku_of(alloc) if recorded else None)),
    ]
    rows += [
        (ctx.t(f"report.benefit.{k}"), show(parts.get(k)))
        for k in ("project_value", "avoided_shortfall_loss")
    ]
    # the target penalty is policy, counted by the optimisation but not a benefit (DESIGN §7)
    rows.append((ctx.t("report.benefit.avoided_target_penalty"), show(parts.get("avoided_target_penalty"))))
    att = alloc.get("target_attainment")
    if isinstance(att, dict) and att.get("total"):
        rows.append(
            (
                ctx.t("report.benefit.targets_met"),
                ctx.t("report.benefit.targets_of", met=att["met"], total=att["total"]),
            )
        )
    rows += [
        (ctx.t("report.benefit.objective"), show(alloc.get("objective"))),
        (ctx.t("report.benefit.baseline"), show(alloc.get("baseline_objective"))),
    ]
    return rows


def target_shortfalls(ctx: Context, alloc: dict[str, Any]) -> list[str]:
    """Each stock below its target and why, in the report's language."""
    att = alloc.get("target_attainment")
    if not isinstance(att, dict):
        return []
    return [g.get(f"text_{ctx.lang}") or g.get("text_ja") or "" for g in att.get("goods") or []]


def _range(ctx: Context, c: dict[str, Any]) -> str:
    rng = c.get("rhs_range")
    if rng is None and isinstance(c.get("ranging"), dict):
        rng = [c["ranging"].get("rhs_low"), c["ranging"].get("rhs_high")]
    if not isinstance(rng, list | tuple) or len(rng) != 2:
        return ctx.missing
    from prioritizer.text import fmt_num

    # + 0.0 turns a solver's −0.0 into 0
    lo, hi = (fmt_num(v + 0.0, ctx.lang) if isinstance(v, int | float) else "—" for v in rng)
    return ctx.t("report.range", lo=lo, hi=hi)


def rules(ctx: Context) -> Section:
    """Binding rules a planner controls, grouped; rules with a zero price are only counted."""
    s = Section(ctx.t("report.sec.binding"))
    alloc = ctx.alloc
    if not alloc:
        return s
    binding = [c for c in alloc.get("constraints", []) if c.get("binding") and c.get("kind") in RULE_GROUPS]

    def gain(c: dict[str, Any]) -> float | None:
        v = c.get("relax_gain")
        return float(v) if isinstance(v, int | float) else None

    def price(c: dict[str, Any]) -> float:
        g = gain(c)
        return abs(g) if g is not None else abs(c.get("shadow_price") or 0.0)

    priced = [c for c in binding if price(c) > 1e-9]
    zero = len(binding) - len(priced)
    if not priced:
        s.blocks.append(Para(ctx.t("report.rules.none")))
    for grp in RULE_GROUPS:
        rows = sorted((c for c in priced if c.get("kind") == grp), key=price, reverse=True)
        if not rows:
            continue
        frame = pd.DataFrame(
            [
                {
                    "rule": c.get(f"description_{ctx.lang}") or c.get("description_en") or c["name"],
                    "sense": ctx.v("report_sense", c.get("sense")),
                    "rhs": c.get("rhs"),
                    "rule_unit": c.get("unit") or "—",
                    "relax_gain": gain(c) if gain(c) is not None else ctx.missing,
                    "shadow_price": c.get("shadow_price"),
                    "rhs_range": _range(ctx, c),
                    "price_from": ctx.v("report_price_from", c["price_from"])
                    if c.get("price_from")
                    else ctx.missing,
                }
                for c in rows
            ]
        )
        s.blocks.append(
            Table(
                ctx.t(f"report.grp.{grp}"),
                frame,
                [
                    Column("rule", ctx.col("rule")),
                    Column("sense", ctx.col("sense")),
                    Column("rhs", ctx.col("rhs"), "num"),
                    Column("rule_unit", ctx.col("rule_unit")),
                    Column("relax_gain", ctx.col("relax_gain"), "num"),
                ]
                # a run recorded before relax_gain still shows the solver's own (signed) price
                + (
                    [Column("shadow_price", ctx.col("shadow_price"), "num")]
                    if any(gain(c) is None for c in rows)
                    else []
                )
                + [
                    Column("rhs_range", ctx.col("rhs_range")),
                    Column("price_from", ctx.col("price_from")),
                ],
            )
        )
    if zero:
        s.blocks.append(Para(ctx.t("report.rules.zero", n=zero), style="note"))
    return s


def scenarios(ctx: Context) -> Section:
    s = Section(ctx.t("report.sec.scenarios"), new_page=False)
    case = ctx.case
    if case is None or case.scenarios is None or case.scenarios.empty:
        return s
    sc = case.scenarios
    rows = []
    for rec in sc.to_dict("records"):
        what = rec.get("good_id") if isinstance(rec.get("good_id"), str) and rec.get("good_id") else None
        rows.append(
            {
                "name": ctx.name(rec),
                "good": ctx.good_name(what) if what else "—",
                "partner": ctx.case_country(rec.get("partner")),
                "probability": rec.get("probability"),
                "loss": rec.get("loss"),
                "months": rec.get("months"),
            }
        )
    s.blocks.append(
        Table(
            ctx.t("report.sec.scenarios"),
            pd.DataFrame(rows),
            [
                Column("name", ctx.col("name")),
                Column("good", ctx.col("good")),
                Column("partner", ctx.col("partner")),
                Column("probability", ctx.col("probability"), "pct"),
                Column("loss", ctx.col("loss"), "pct"),
                Column("months", ctx.col("months"), "num"),
            ],
            sheet="scenarios",
        )
    )
    return s


def methodology(ctx: Context) -> Section:
    s = Section(ctx.t("report.sec.method"))
    rank = ctx.rank or {}
    model = ctx.model
    method = rank.get("method") or model.get("method")
    norm = rank.get("normalisation") or model.get("normalisation")
    s.blocks.append(
        Para(
            ctx.t(
                "report.method.text",
                n=len(model.get("criteria", [])),
                method=ctx.v("report_method", method) if method else ctx.missing,
                normalisation=ctx.v("report_norm", norm) if norm else ctx.missing,
            )
        )
    )
    elic = rank.get("elicitation") or model.get("weights_elicitation") or {}
    cr = elic.get("cr") if isinstance(elic, dict) else None
    alloc = ctx.alloc or {}
    solver = alloc.get("solver") or {}
    assume = alloc.get("assumptions") or {}
    kv = [
        (ctx.t("report.method.model"), str(model.get("name") or f(ctx.primary, "model_name") or ctx.missing)),
        (ctx.t("report.method.method"), ctx.v("report_method", method) if method else ctx.missing),
        (ctx.t("report.method.normalisation"), ctx.v("report_norm", norm) if norm else ctx.missing),
        (
            ctx.t("report.method.elicitation"),
            str(elic.get("method")) if isinstance(elic, dict) and elic.get("method") else ctx.missing,
        ),
        (ctx.t("report.method.cr"), f"{cr:.3f}" if isinstance(cr, int | float) else ctx.missing),
    ]
    if solver:
        kv.append(
            (
                ctx.t("report.method.solver"),
                f"{solver.get('name')} {solver.get('version')} ({solver.get('interface')})",
            )
        )
    if assume:
        kv.append((ctx.t("report.method.objective_unit"), str(assume.get("objective_unit") or ctx.missing)))
        kv.append(
            (ctx.t("report.method.target_mode"), ctx.v("report_target_mode", assume.get("target_mode")))
        )
    s.blocks.append(KeyValues(kv))
    w = rank.get("weights") or f(ctx.primary, "weights") or {}
    crit = {c["id"]: c for c in model.get("criteria", [])}
    if w:
        s.blocks.append(
            Table(
                ctx.t("report.sec.weights"),
                pd.DataFrame(
                    [
                        {
                            "criterion": ctx.labels.get(c, c),
                            "direction": ctx.v("report_direction", crit.get(c, {}).get("direction")),
                            "weight": v,
                        }
                        for c, v in w.items()
                    ]
                ),
                [
                    Column("criterion", ctx.col("criterion")),
                    Column("direction", ctx.col("direction")),
                    Column("weight", ctx.col("weight"), "float3"),
                ],
                sheet="weights",
            )
        )
    try:
        hist = ctx.store.weight_history()
    except Exception:
        hist = []
    if hist:
        frame = pd.DataFrame(
            [
                {
                    "at": str(e.get("at"))[:19],
                    "actor": e.get("actor") or "—",
                    "reason": e.get("reason") or "—",
                    "criterion": ctx.labels.get(e.get("criterion"), e.get("criterion")),
                    "before": e.get("from"),
                    "after": e.get("to"),
                    "run_id": e.get("run_id"),
                }
                for e in hist
            ]
        )
        s.blocks.append(
            Table(
                ctx.t("report.sec.weight_history"),
                frame,
                [
                    Column("at", ctx.col("at"), "id"),
                    Column("actor", ctx.col("actor")),
                    Column("reason", ctx.col("reason")),
                    Column("criterion", ctx.col("criterion")),
                    Column("before", ctx.col("before"), "float3"),
                    Column("after", ctx.col("after"), "float3"),
                    Column("run_id", ctx.col("run_id"), "id"),
                ],
                sheet="weight_history",
            )
        )
    return s
