"""The allocation as a reader sees it: headline, projects, stock, binding rules and explanations,
in the reader's language. The allocation service returns the result only; this builds the table
the command line prints (and, in Japanese, the ``--format csv`` it has always written).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from prioritizer.text import DEFAULT_LANG, Lang, cell, field, fmt_days, fmt_pct, name_of, render, vocabulary


def headline(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The headline as structured messages: status, benefit, spend (projects + stock), benefit per 億円."""
    b = result.get("budget") or {}
    st = str(result.get("status"))
    ja, en = vocabulary("status").get(st, (st, st))
    out: list[dict[str, Any]] = [{"kind": "alloc.head.status", "status_ja": ja, "status_en": en}]
    if result.get("benefit") is not None:
        out.append({"kind": "alloc.head.benefit", "benefit": result["benefit"]})
        out.append(
            {
                # with joint pools the contribution is a third part of the one total spend
                "kind": "alloc.head.spend_pools" if b.get("spent_pools") is not None else "alloc.head.spend",
                "total": b.get("spent_total"),
                "projects": b.get("spent_projects"),
                "stock": b.get("spent_stockpiles"),
                "pools": b.get("spent_pools"),
            }
        )
        out.append({"kind": "alloc.head.per_oku", "per_oku": result.get("benefit_per_oku")})
        out.append({"kind": "alloc.head.breakdown", **(result.get("benefit_breakdown") or {})})
        bd = result.get("benefit_breakdown") or {}
        out.append(
            {"kind": "alloc.head.penalty_note", "avoided_target_penalty": bd.get("avoided_target_penalty")}
        )
    att = result.get("target_attainment")
    if att and att.get("total"):
        out.append({"kind": "alloc.head.targets", "met": att["met"], "total": att["total"]})
        out += [
            {"kind": "alloc.head.target_short", "text_ja": g["text_ja"], "text_en": g["text_en"]}
            for g in att["goods"]
        ]
    return out


def allocation_table(result: Mapping[str, Any], lang: Lang = DEFAULT_LANG) -> pd.DataFrame:
    """The table for people (Japanese by default): headline, projects, stock, binding rules, explanations.

    Headers come from the catalogue (``alloc.*`` fields), cells through :func:`prioritizer.text.cell`,
    so no field name, ``None`` or ``nan`` reaches the reader.
    """
    from prioritizer.text import vocab

    cols = {
        "section": field("alloc.section", lang),
        "id": field("id", lang),
        "name": field("name", lang),
        "share": field("alloc.funded_fraction", lang),
        "cost": field("alloc.cost", lang),
        "value": field("alloc.value", lang),
        "needed": field("alloc.needed_value", lang),
        "gain": field("alloc.relax_gain", lang),
        "detail": field("alloc.detail", lang),
    }

    def row(section: str, **kw: Any) -> dict[str, str]:
        r = {k: "" for k in cols}
        r["section"] = vocab("alloc_section", section, lang)
        for k, v in kw.items():
            r[k] = v if isinstance(v, str) else cell(v, lang)
        return r

    rows = [row("headline", detail=render(m, lang)) for m in headline(result)]
    for p in result.get("projects", []):
        rows.append(
            row(
                "project",
                id=p["id"],
                name=name_of({"id": p["id"], "name_ja": p.get("name_ja"), "name_en": p.get("name_en")}, lang),
                share=fmt_pct(p["funded_fraction"], lang),
                cost=p["cost"],
                value=p["value"],
                needed=p.get("needed_value") if p["funded_fraction"] <= 1e-9 else None,
            )
        )
    for s in result.get("stockpiles", []):
        rows.append(
            row(
                "stockpile",
                id=s["good_id"],
                name=name_of(
                    {"id": s["good_id"], "name_ja": s.get("name_ja"), "name_en": s.get("name_en")}, lang
                ),
                cost=s["cost"],
                detail=fmt_days(s.get("days_of_cover"), lang, 1),
            )
        )
    for c in result.get("constraints", []):
        if not c.get("binding") or c.get("kind") in ("shortfall", "divisible"):
            continue
        rows.append(
            row(
                "constraint",
                id=c["name"],
                name=c.get(f"description_{lang}") or c["name"],
                gain=c.get("relax_gain"),
            )
        )
    for line in (result.get("explanations") or {}).get("lines", []):
        rows.append(
            row(
                "explanation",
                id=vocab("alloc_group", line.get("group"), lang),
                detail=line.get(f"text_{lang}", ""),
            )
        )
    return pd.DataFrame(rows, columns=list(cols)).rename(columns=cols)
