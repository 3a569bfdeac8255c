"""Plotly figure builders: pure functions of result dicts, shared by the app and reports."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from prioritizer.i18n import DOMAINS, SECTORS, Lang, label, t

_FONT = "Noto Sans JP, IPAexGothic, Hiragino Sans, Meiryo, sans-serif"


def _layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(
        title=title,
        height=height,
        font={"family": _FONT},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


def contribution_bars(
    ranking: list[dict[str, Any]], criteria_labels: dict[str, str], lang: Lang = "ja", top: int = 30
) -> go.Figure:
    """Stacked horizontal bars: each item's score split into per-criterion contributions."""
    items = sorted(ranking, key=lambda r: r["rank"])[:top]
    names = [f"{r['rank']}. {r.get('name_ja' if lang == 'ja' else 'name_en') or r['id']}" for r in items]
    fig = go.Figure()
    crits = list(items[0].get("contributions", {}).keys()) if items else []
    for c in crits:
        fig.add_bar(
            y=names,
            x=[r["contributions"].get(c, 0.0) for r in items],
            orientation="h",
            name=criteria_labels.get(c, c),
        )
    fig.update_layout(barmode="relative", yaxis={"autorange": "reversed"})
    return _layout(fig, t("contributions", lang), height=max(360, 22 * len(items) + 120))


def domain_sector_map(ranking: list[dict[str, Any]], lang: Lang = "ja") -> go.Figure:
    """The Action Plan's three domains × sector grid: count and best-ranked items per cell."""
    doms, secs = list(DOMAINS), list(SECTORS)
    z, text = [], []
    for d in doms:
        zr, tr = [], []
        for s in secs:
            cell = sorted(
                (r for r in ranking if r.get("domain") == d and r.get("sector") == s), key=lambda r: r["rank"]
            )
            zr.append(len(cell))
            tr.append(
                "<br>".join(
                    f"{r['rank']}. {r.get('name_ja' if lang == 'ja' else 'name_en') or r['id']}"
                    for r in cell[:4]
                )
            )
        z.append(zr)
        text.append(tr)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[label(SECTORS, s, lang) for s in secs],
            y=[label(DOMAINS, d, lang) for d in doms],
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            showscale=False,
            hovertemplate="%{z}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, t("map.title", lang), height=460)


def spend_bar(
    df: pd.DataFrame, group: str, vocab: dict[str, tuple[str, str]] | None, lang: Lang = "ja"
) -> go.Figure:
    labels = [label(vocab, v, lang) if vocab else v for v in df[group]]
    fig = go.Figure(
        go.Bar(x=labels, y=df["spend"], text=[f"{v:,.0f}" for v in df["spend"]], textposition="auto")
    )
    fig.update_yaxes(title=t("col.cost", lang))
    return _layout(fig, f"{t('alloc.spend_by', lang)}: {group}", height=340)


def days_of_cover_bar(
    stockpiles: list[dict[str, Any]], targets: dict[str, float], lang: Lang = "ja"
) -> go.Figure:
    rows = [s for s in stockpiles if (s.get("quantity") or 0) > 0 or s.get("good_id") in targets]
    names = [s.get("name_ja" if lang == "ja" else "name_en") or s["good_id"] for s in rows]
    fig = go.Figure()
    fig.add_bar(x=names, y=[s.get("days_of_cover") or 0 for s in rows], name=t("col.days_of_cover", lang))
    if targets:
        fig.add_scatter(
            x=names,
            y=[targets.get(s["good_id"]) for s in rows],
            mode="markers",
            marker={"symbol": "line-ew-open", "size": 18, "color": "crimson"},
            name="target" if lang == "en" else "目標",
        )
    return _layout(fig, t("col.days_of_cover", lang), height=360)


def frontier_line(points: list[dict[str, Any]], lang: Lang = "ja") -> go.Figure:
    fig = go.Figure(
        go.Scatter(x=[p["budget"] for p in points], y=[p["objective"] for p in points], mode="lines+markers")
    )
    fig.update_xaxes(title=t("alloc.budget", lang))
    fig.update_yaxes(title=t("alloc.objective", lang))
    return _layout(fig, t("alloc.frontier", lang), height=360)


def acceptability_heatmap(
    acc: dict[str, list[float]], names: dict[str, str], lang: Lang = "ja", top: int = 25
) -> go.Figure:
    ids = sorted(acc, key=lambda i: -sum(b * (len(acc[i]) - r) for r, b in enumerate(acc[i])))[:top]
    k = min(10, max((len(v) for v in acc.values()), default=0))
    z = [acc[i][:k] for i in ids]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"{r + 1}" for r in range(k)],
            y=[names.get(i, i) for i in ids],
            colorscale="YlGnBu",
            zmin=0,
            zmax=1,
            texttemplate="%{z:.2f}",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("col.rank", lang))
    return _layout(fig, t("robust.acceptability", lang), height=max(360, 22 * len(ids) + 120))


def tornado(rows: list[dict[str, Any]], lang: Lang = "ja") -> go.Figure:
    """rows: {"criterion", "label", "low", "high"} — the spread of one item's rank (or score) per weight."""
    rows = sorted(rows, key=lambda r: abs(r["high"] - r["low"]))
    fig = go.Figure()
    fig.add_bar(
        y=[r["label"] for r in rows],
        x=[r["high"] - r["low"] for r in rows],
        base=[r["low"] for r in rows],
        orientation="h",
    )
    return _layout(fig, t("robust.tornado", lang), height=max(300, 40 * len(rows) + 120))


def core_index_bar(core: dict[str, float], names: dict[str, str], lang: Lang = "ja") -> go.Figure:
    ids = sorted(core, key=lambda i: -core[i])
    fig = go.Figure(go.Bar(x=[names.get(i, i) for i in ids], y=[core[i] for i in ids]))
    fig.update_yaxes(range=[0, 1], title=t("robust.core", lang))
    return _layout(fig, t("robust.core", lang), height=380)


def flows_area(
    flows: pd.DataFrame, good_id: str, countries: pd.DataFrame | None, lang: Lang = "ja"
) -> go.Figure:
    df = flows[flows["good_id"] == good_id]
    pv = (
        df.pivot_table(index="period", columns="partner", values="value", aggfunc="sum")
        .fillna(0.0)
        .sort_index()
    )
    names = {}
    if countries is not None:
        col = "name_ja" if lang == "ja" else "name_en"
        names = dict(zip(countries["iso3"], countries[col], strict=False))
    fig = go.Figure()
    for p in pv.columns:
        fig.add_scatter(x=pv.index, y=pv[p], stackgroup="one", name=names.get(p, p))
    fig.update_yaxes(title=t("col.cost", lang))
    return _layout(fig, t("item.trend", lang), height=360)


def indicator_trend(
    df: pd.DataFrame, indicator: str, good_ids: list[str], names: dict[str, str], lang: Lang = "ja"
) -> go.Figure:
    fig = go.Figure()
    for g in good_ids:
        d = df[df["good_id"] == g].sort_values("period")
        fig.add_scatter(x=d["period"], y=d[indicator], mode="lines+markers", name=names.get(g, g))
    return _layout(fig, f"{t('monitor.trend', lang)}: {indicator}", height=360)
