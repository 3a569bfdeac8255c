"""``--against RUN0``: what changed between an earlier decision and this one.

Weights from → to, budget and policy changes, ranks moved, funding gained or lost and the
change in benefit — all read from the two stored runs (and their related runs).
"""

from __future__ import annotations

import json
from typing import Any

from prioritizer.reports.context import Context, f
from prioritizer.reports.document import Bullets, Column, Para, Section, Table
from prioritizer.summaries import funding_changes, rank_moves
from prioritizer.text import fmt_num, fmt_oku, render


def _budget_text(ctx: Context, res: dict[str, Any] | None) -> str:
    b = (res or {}).get("budget") or {}
    if not b:
        return ctx.missing
    years = b.get("years") or {}
    parts = [fmt_oku(b.get("total"), ctx.lang)] if b.get("total") is not None else []
    if years:
        parts.append(
            ctx.t("report.sep").join(
                ctx.t("report.fy", year=y, amount=fmt_oku(v, ctx.lang)) for y, v in years.items()
            )
        )
    return " / ".join(parts) or ctx.missing


def _weights(run: Any, related: dict[str, Any]) -> dict[str, float]:
    """The weights the run itself used, else those of its related ranking."""
    for r in (run, related.get("rank")):
        w = f(r, "weights") or (f(r, "result") or {}).get("weights")
        if w:
            return dict(w)
    return {}


def weight_lines(ctx: Context) -> list[str]:
    before = _weights(ctx.against, ctx.against_runs)
    after = _weights(ctx.primary, ctx.runs)
    out = []
    for c in sorted(set(before) | set(after)):
        b, a = before.get(c), after.get(c)
        if b is None or a is None or abs(a - b) > 1e-12:
            out.append(
                render(
                    {
                        "kind": "report.change.weight",
                        "criterion": ctx.labels.get(c, c),
                        "before": b,
                        "after": a,
                    },
                    ctx.lang,
                )
            )
    return out


def _show(ctx: Context, v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, sort_keys=True)[:160] if v is not None else ctx.missing


def policy_lines(ctx: Context) -> list[str]:
    out = [
        render(
            {
                "kind": "report.change.budgets",
                "before": _budget_text(ctx, ctx.result("allocate", earlier=True)),
                "after": _budget_text(ctx, ctx.alloc),
            },
            ctx.lang,
        )
    ]
    pa, pb = f(ctx.against, "policy") or {}, f(ctx.primary, "policy") or {}
    for key in sorted(set(pa) | set(pb)):
        if key == "budget" or pa.get(key) == pb.get(key):
            continue
        out.append(
            render(
                {
                    "kind": "report.change.budget",
                    "what": key,
                    "before": _show(ctx, pa.get(key)),
                    "after": _show(ctx, pb.get(key)),
                },
                ctx.lang,
            )
        )
    return out


def rank_lines(ctx: Context, limit: int = 10) -> list[str]:
    old, new = ctx.result("rank", earlier=True), ctx.rank
    if not old or not new:
        return []
    mv = rank_moves(old, new).dropna(subset=["move"])
    mv = (
        mv[mv["move"] != 0]
        .assign(size=lambda d: d["move"].abs())
        .sort_values(["size", "rank"], ascending=[False, True])
    )
    names = {r["id"]: ctx.name(r) for r in new.get("ranking", [])}
    return [
        render(
            {
                "kind": "report.change.rank",
                "name": names.get(r.id, r.id),
                "before": int(r.base_rank),
                "after": int(r.rank),
            },
            ctx.lang,
        )
        for r in mv.head(limit).itertuples()
    ]


def funding_lines(ctx: Context) -> list[str]:
    old, new = ctx.result("allocate", earlier=True), ctx.alloc
    if not old or not new:
        return []
    ch = funding_changes(old, new)
    spent = {p["id"]: p.get("spent") for p in new.get("projects", [])}
    out = []
    for r in ch.itertuples():
        if (r.before or 0) <= 1e-9 < (r.after or 0):
            out.append(
                render(
                    {
                        "kind": "report.change.gained",
                        "name": ctx.project_name(r.id),
                        "spent": spent.get(r.id),
                    },
                    ctx.lang,
                )
            )
        elif (r.after or 0) <= 1e-9 < (r.before or 0):
            out.append(render({"kind": "report.change.lost", "name": ctx.project_name(r.id)}, ctx.lang))
    return out


def benefit_line(ctx: Context) -> str | None:
    old, new = ctx.result("allocate", earlier=True), ctx.alloc
    if not old and not new:
        return None
    show = lambda r: fmt_num(r["benefit"], ctx.lang) if r and r.get("benefit") is not None else ctx.missing  # noqa: E731
    return render({"kind": "report.change.benefit", "before": show(old), "after": show(new)}, ctx.lang)


def headline(ctx: Context) -> list[str]:
    """Short list for the executive summary."""
    lines = policy_lines(ctx)[:1] + weight_lines(ctx)[:3] + funding_lines(ctx)[:3]
    b = benefit_line(ctx)
    if b:
        lines.append(b)
    return lines or [ctx.t("report.changes.none")]


def section(ctx: Context) -> Section | None:
    if ctx.against is None:
        return None
    s = Section(ctx.t("report.sec.changes"))
    groups = [
        ("report.changes.budget", policy_lines(ctx)),
        ("report.changes.weights", weight_lines(ctx)),
        ("report.changes.ranks", rank_lines(ctx)),
        ("report.changes.funding", funding_lines(ctx)),
    ]
    b = benefit_line(ctx)
    if b:
        groups.append(("report.changes.benefit", [b]))
    for key, lines in groups:
        if lines:
            s.blocks.append(Para(ctx.t(key), style="note"))
            s.blocks.append(Bullets(lines))
    if not s.blocks:
        s.blocks.append(Para(ctx.t("report.changes.none")))
    old, new = ctx.result("rank", earlier=True), ctx.rank
    if old and new:
        mv = rank_moves(old, new)
        names = {r["id"]: ctx.name(r) for r in new.get("ranking", [])}
        mv = mv.assign(name=[names.get(i, i) for i in mv["id"]])
        mv = mv[mv["move"].fillna(1) != 0]
        if not mv.empty:
            s.blocks.append(
                Table(
                    ctx.t("report.changes.ranks"),
                    mv,
                    [
                        Column("name", ctx.col("name")),
                        Column("base_rank", ctx.col("before"), "int"),
                        Column("rank", ctx.col("after"), "int"),
                        Column("move", ctx.col("move"), "int"),
                    ],
                    sheet="rank_changes",
                )
            )
    return s


__all__ = ["headline", "section"]
