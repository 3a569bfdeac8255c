"""Assemble a justification :class:`Document` from a stored Run: cover, summary, body, annex.

Every number comes from a stored run (the primary run and its related runs, see
:mod:`prioritizer.reports.context`). Fields that a run recorded before they existed
(benefit, ``relax_gain``, verdicts) are printed as 「記録なし」 / "not recorded", never
recomputed here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from prioritizer.reports import annex, changes, sections
from prioritizer.reports.context import (
    Context,
    check_against,
    check_snapshots,
    f,
    load_case_snapshot,
    related_runs,
)
from prioritizer.reports.document import Bullets, Column, Document, Para, Section, Table
from prioritizer.spend import benefit_of, benefit_per_oku_of, spent_total
from prioritizer.summaries import count_by, is_funded
from prioritizer.text import Lang, render, vocab

#: how many priorities get a justification block of their own
TOP_N = 10


def build_context(store: Any, run_id: str, lang: Lang, against: str | None = None) -> Context:
    primary = store.get(run_id)  # UnknownRunError (an InputError naming the run) if absent
    case = load_case_snapshot(primary)
    check_snapshots(primary, case)
    ctx = Context(lang=lang, store=store, primary=primary, runs=related_runs(store, primary), case=case)
    if against is not None:
        earlier = store.get(against)
        check_against(primary, earlier)
        ctx.against = earlier
        ctx.against_runs = related_runs(store, earlier)
    return ctx


def build_document(store: Any, run_id: str, lang: Lang, against: str | None = None) -> Document:
    ctx = build_context(store, run_id, lang, against)
    body = [
        summary(ctx),
        changes.section(ctx),
        sections.items(ctx, TOP_N),
        sections.allocation(ctx),
        sections.rules(ctx),
        sections.scenarios(ctx),
        sections.methodology(ctx),
        discussion(ctx, store, run_id),
    ]
    tail = annex.sections(ctx)
    tier = tier_of(ctx)
    return Document(
        title=ctx.t("report.title"),
        subtitle=ctx.t("report.subtitle"),
        lang=lang,
        cover=cover(ctx, tier),
        sections=[s for s in body + tail if s is not None and s.blocks],
        header=ctx.t("report.header", run_id=run_id, tier=tier),
        page_label=ctx.t("report.page", page="{page}", total="{total}"),
        toc_title=ctx.t("report.toc"),
        annex_title=ctx.t("report.sec.annex"),
        meta={"run_id": run_id, "hash": f(ctx.primary, "hash")},
    )


def tier_of(ctx: Context) -> str:
    """The highest information tier of the runs the report covers (「機密性2」…).

    A result computed on restricted rows carries ``tier``; a run without one was computed on
    public rows only, so every report states a tier.
    """
    from prioritizer.case.tiers import highest_tier

    runs = [ctx.primary, *ctx.runs.values()]
    return ctx.v("tier", highest_tier([(f(r, "result") or {}).get("tier") for r in runs]))


def discussion(ctx: Context, store: Any, run_id: str) -> Section:
    """Comments and approvals the committee recorded on the run."""
    from prioritizer.auth.report_parts import discussion_frame

    s = Section(ctx.t("review.title"), new_page=False)
    df = discussion_frame(store, run_id, ctx.lang)
    if not df.empty:
        cols = [Column(c, c, "text") for c in df.columns]
        s.blocks.append(Table(ctx.t("review.title"), df, cols, sheet="review"))
    return s


def case_label(ctx: Context) -> str:
    path = str(f(ctx.primary, "case_path") or "")
    return Path(path).name or path or ctx.missing


def cover(ctx: Context, tier: str) -> list[tuple[str, str]]:
    """Organisation, document number, approval status and block (reports/cover.py), then the run."""
    from prioritizer.dates import jst_text
    from prioritizer.reports import cover as cv

    p = ctx.primary
    status = (ctx.alloc or {}).get("status")
    when = jst_text(f(p, "created_at"), ctx.lang) if f(p, "created_at") else ctx.missing
    rows = [
        *cv.rows(ctx),
        (ctx.t("report.cover.case"), case_label(ctx)),
        (ctx.t("report.cover.date"), when),
        (ctx.t("report.cover.owner"), cv.owner_name(ctx)),
        (ctx.t("report.cover.reason"), str(f(p, "reason") or ctx.missing)),
        (ctx.t("report.cover.weights"), cv.weights_used(ctx)),
        (ctx.t("report.cover.status"), ctx.v("status", status) if status else ctx.missing),
        (ctx.t("report.cover.tier"), tier),
        (ctx.t("report.cover.run"), str(f(p, "run_id"))),
        (ctx.t("report.cover.command"), ctx.v("report_command", f(p, "command"))),
    ]
    if ctx.against is not None:
        rows.append((ctx.t("report.cover.against"), str(f(ctx.against, "run_id"))))
    rows.append((ctx.t("report.cover.generated"), jst_text(pd.Timestamp.now(tz="UTC").isoformat(), ctx.lang)))
    return rows


def _joined(ctx: Context, counts: dict[str, int], vocab_name: str) -> str:
    if not counts:
        return ctx.t("report.none")
    sep = "、" if ctx.lang == "ja" else ", "
    unit = "件" if ctx.lang == "ja" else ""
    return sep.join(
        f"{vocab(vocab_name, k, ctx.lang)} {n}{unit}" if k != "—" else f"— {n}{unit}"
        for k, n in counts.items()
    )


def decision_text(ctx: Context) -> str | None:
    alloc = ctx.alloc
    if not alloc:
        return None
    b = alloc.get("budget") or {}
    if alloc.get("benefit") is not None:
        per = benefit_per_oku_of(alloc)
        benefit = render({"kind": "report.benefit", "benefit": benefit_of(alloc), "per_oku": per}, ctx.lang)
        if per is None:  # recorded benefit without the per-億円 figure
            benefit = benefit.replace("—", ctx.missing)
    else:
        benefit = render({"kind": "report.benefit_missing"}, ctx.lang)
    funded = [p for p in alloc.get("projects", []) if is_funded(p)]
    msg = {
        "kind": "report.decision",
        "budget": b.get("total"),
        "spent": spent_total(alloc),
        "projects": b.get("spent_projects"),
        "stock": b.get("spent_stockpiles"),
        "benefit_sentence": benefit,
        "n_funded": len(funded),
        "by_domain": _joined(ctx, count_by(alloc, ctx.case, "domain"), "domain"),
        "by_instrument": _joined(ctx, count_by(alloc, ctx.case, "instrument"), "instrument"),
    }
    spent_out = [
        c.get(f"description_{ctx.lang}") or c.get("description_en") or c["name"]
        for c in alloc.get("constraints", [])
        if c.get("kind") == "budget" and c.get("binding")
    ]
    msg["binding_budget"] = (
        render(
            {
                "kind": "report.binding_budget",
                "rules": ctx.t("report.sep").join(spent_out),
            },
            ctx.lang,
        )
        if spent_out
        else ""
    )
    text = render(msg, ctx.lang)
    status = alloc.get("status")
    if status and status != "optimal":
        text += " " + render({"kind": "report.status_line", "status": ctx.v("status", status)}, ctx.lang)
    return text


def drivers(ctx: Context, r: dict[str, Any], k: int = 2) -> str:
    from prioritizer.scoring.decompose import shares

    contrib = r.get("contributions") or {}
    share = shares(contrib)  # signed, of what the contributions explain; they add up to 100 %
    top = sorted(contrib.items(), key=lambda kv: -abs(kv[1]))[:k]
    return (
        ctx.t("report.sep").join(
            f"{ctx.labels.get(c, c)} {'+' if share[c] > 0 else ''}{100 * share[c]:.0f}%" for c, _ in top
        )
        or ctx.missing
    )


def top_lines(ctx: Context, n: int = 10) -> list[str]:
    rank = ctx.rank
    if not rank:
        return []
    out = []
    for r in sorted(rank.get("ranking", []), key=lambda r: r["rank"])[:n]:
        out.append(
            render(
                {
                    "kind": "report.top_line",
                    "rank": r["rank"],
                    "name": ctx.name(r),
                    "domain": ctx.v("domain", r.get("domain")),
                    "score": r.get("score"),
                    "drivers": drivers(ctx, r),
                },
                ctx.lang,
            )
        )
    return out


def line_text(ctx: Context, line: dict[str, Any]) -> str:
    """An explanation line in the reader's language (structured message or stored text)."""
    txt = line.get(f"text_{ctx.lang}") or line.get("text")
    if txt:
        return str(txt)
    try:
        return render(line, ctx.lang)
    except KeyError:
        return ctx.missing


def hardest_rules(ctx: Context, k: int = 3) -> list[str]:
    """The explanation lines of the rules with the largest impact (else the largest price)."""
    alloc = ctx.alloc or {}
    lines = [
        ln
        for ln in (alloc.get("explanations") or {}).get("lines", [])
        if isinstance(ln, dict)
        and (ln.get("group") in ("rules", "targets") if "group" in ln else ln.get("kind") == "shadow_price")
    ]
    price = {
        c["name"]: abs(
            c.get("relax_gain") if c.get("relax_gain") is not None else (c.get("shadow_price") or 0.0)
        )
        for c in alloc.get("constraints", [])
    }

    def weight(ln: dict[str, Any]) -> float:
        if isinstance(ln.get("impact"), int | float):
            return abs(float(ln["impact"]))
        return price.get(str(ln.get("constraint")), 0.0)

    return [line_text(ctx, ln) for ln in sorted(lines, key=weight, reverse=True)[:k]]


def robustness_lines(ctx: Context) -> list[str]:
    return _ranking_robustness(ctx) + _stress_battery(ctx)


def _stress_battery(ctx: Context) -> list[str]:
    """The stress-test battery's headline, when a battery (stress --all) ran on the same inputs."""
    res = ctx.result("stress")
    if not res or not res.get("battery"):
        return []
    from prioritizer.stress import battery_headline

    return [render(battery_headline(res), ctx.lang)]


def _ranking_robustness(ctx: Context) -> list[str]:
    res = ctx.result("robustness")
    if not res:
        return [ctx.t("report.robust.none")]
    from prioritizer.dates import jst_text

    run = ctx.runs.get("robustness")
    named = [ctx.t("report.robust.run", run=f(run, "run_id"), when=jst_text(f(run, "created_at"), ctx.lang))]
    return named + _robustness_verdict(ctx, res)


def _robustness_verdict(ctx: Context, res: dict[str, Any]) -> list[str]:
    verdict = res.get("verdict") or res.get("verdicts")
    if isinstance(verdict, dict):
        verdict = verdict.get("lines") or verdict.get("messages") or [verdict]
    if isinstance(verdict, list) and verdict:
        return [line_text(ctx, v) if isinstance(v, dict) else str(v) for v in verdict]
    acc = res.get("acceptability") or {}
    names = {r["id"]: ctx.name(r) for r in (ctx.rank or {}).get("ranking", [])}
    best = sorted(acc.items(), key=lambda kv: -(kv[1][0] if kv[1] else 0.0))[:1]
    return [
        render({"kind": "report.rank_robust", "name": names.get(i, ctx.good_name(i)), "p1": b[0]}, ctx.lang)
        for i, b in best
        if b
    ] or [ctx.t("report.robust.none")]


def summary(ctx: Context) -> Section:
    s = Section(ctx.t("report.sec.summary"))
    text = decision_text(ctx)
    if text:
        s.blocks.append(Para(text, style="lead"))
    tops = top_lines(ctx)
    if tops:
        s.blocks.append(Para(ctx.t("report.sec.top"), style="note"))
        s.blocks.append(Bullets(tops))
    if ctx.alloc:
        s.blocks.append(Para(ctx.t("report.sec.rules"), style="note"))
        s.blocks.append(Bullets(hardest_rules(ctx) or [ctx.t("report.rules.none")]))
        s.blocks.append(Para(ctx.t("alloc.prices_note"), style="note"))
    s.blocks.append(Para(ctx.t("report.sec.robust"), style="note"))
    s.blocks.append(Bullets(robustness_lines(ctx)))
    if ctx.against is not None:
        s.blocks.append(Para(ctx.t("report.sec.changes"), style="note"))
        s.blocks.append(Bullets(changes.headline(ctx)))
    return s
