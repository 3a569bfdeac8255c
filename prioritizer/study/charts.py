"""Pure Plotly builders for a study's result (shared by the Studies page and reports).

Each takes the ``study`` JSON (DESIGN §6) and a language; wording comes from the text layer.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from prioritizer.text import Lang, field, name_of, t

_FONT = "Noto Sans JP, IPAexGothic, Hiragino Sans, Meiryo, sans-serif"


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title=title,
        height=height,
        font={"family": _FONT},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        showlegend=False,
    )
    return fig


def funding_frequency_bar(result: dict[str, Any], lang: Lang = "ja", top: int = 40) -> go.Figure:
    """Horizontal bars: share of what-ifs in which each project is funded, most frequent on top,
    with the robust-portfolio threshold as a vertical line."""
    rows = [p for p in result.get("projects", []) if p.get("funded_share") is not None]
    rows = sorted(rows, key=lambda p: (-p["funded_share"], p["id"]))[:top][::-1]
    fig = go.Figure(
        go.Bar(
            x=[p["funded_share"] for p in rows],
            y=[name_of(p, lang) for p in rows],
            orientation="h",
            hovertemplate="%{y}: %{x:.1%}<extra></extra>",
        )
    )
    thr = (result.get("robust_portfolio") or {}).get("threshold")
    if thr is not None:
        fig.add_vline(x=thr, line_dash="dash")
    fig.update_xaxes(range=[0, 1], tickformat=".0%", title=field("study_funded_share", lang))
    return _layout(fig, t("study.frequencies", lang), max(320, 22 * len(rows) + 80))


def benefit_by_budget_box(result: dict[str, Any], lang: Lang = "ja") -> go.Figure:
    """Per budget level, the 5–95 % and 25–75 % ranges of benefit with the median (drawn as boxes
    from the stored quantiles: no raw values needed)."""
    b = result.get("benefit") or {}
    levels = [lv for lv in b.get("by_budget", []) if lv["quantiles"].get("0.5") is not None]
    fig = go.Figure()
    xs = [t("study.policy_budget", lang) if lv["budget"] is None else f"{lv['budget']:,.0f}" for lv in levels]
    if levels:
        q = [lv["quantiles"] for lv in levels]
        fig.add_trace(
            go.Box(
                x=xs,
                q1=[v["0.25"] for v in q],
                median=[v["0.5"] for v in q],
                q3=[v["0.75"] for v in q],
                lowerfence=[v["0.05"] for v in q],
                upperfence=[v["0.95"] for v in q],
            )
        )
    fig.update_xaxes(title=field("study_budget_level", lang), type="category")
    fig.update_yaxes(title=field("study_benefit" if b.get("field") == "benefit" else "study_objective", lang))
    return _layout(fig, t("study.benefit_by_budget", lang), 380)


def robust_table(result: dict[str, Any], lang: Lang = "ja") -> pd.DataFrame:
    """Candidate portfolios with their regret, minimax-regret first (labels from the text layer)."""
    rp = result.get("robust_portfolio") or {}
    names = {p["id"]: name_of(p, lang) for p in result.get("projects", [])}
    best = (rp.get("minimax_regret") or {}).get("projects")
    rows = []
    for c in rp.get("candidates", []):
        mark = []
        if best is not None and c["projects"] == best:
            mark.append(t("study.minimax", lang))
        if c.get("frequent"):
            mark.append(t("study.frequent", lang, threshold=rp.get("threshold", 0.5)))
        rows.append(
            {
                "": " / ".join(mark),
                field("study_projects_count", lang): len(c["projects"]),
                field("study_max_regret", lang): c.get("max_regret"),
                field("study_infeasible_tasks", lang): c.get("infeasible_tasks"),
                field("study_optimal_in_tasks", lang): c.get("optimal_in_tasks"),
                field("study_projects", lang): t("study.list_sep", lang).join(
                    names.get(p, p) for p in c["projects"]
                ),
            }
        )
    df = pd.DataFrame(rows)
    if best is not None and len(df):
        df = df.iloc[sorted(range(len(df)), key=lambda i: (rp["candidates"][i]["projects"] != best, i))]
    return df.reset_index(drop=True)
