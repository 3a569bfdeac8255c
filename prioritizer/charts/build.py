"""Chart specs from stored results: pure functions, no drawing library.

Every label comes from the text layer in the reader's language; the same spec is drawn
by the app (Plotly) and the reports (SVG), so a chart cannot say one thing on screen and
another on paper.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from prioritizer.charts.spec import ChartSpec, Series
from prioritizer.text import Lang, field, name_of, t, vocab, vocabulary


def _item_label(r: Mapping[str, Any], lang: Lang) -> str:
    return f"{r['rank']}. {name_of(r, lang)}"


def contributions(
    ranking: Sequence[Mapping[str, Any]],
    criteria_labels: Mapping[str, str],
    lang: Lang = "ja",
    top: int = 30,
    method: str | None = None,
) -> ChartSpec:
    """Stacked signed bars: each item's per-criterion contributions, and a mark at their sum.

    The sum is what the method's contributions explain — the score less its reference point
    (TOPSIS: closeness − 0.5; WSM, PROMETHEE II: the score) — and the axis title says so.
    """
    items = sorted(ranking, key=lambda r: r["rank"])[:top]
    crits = list(items[0].get("contributions", {}).keys()) if items else []
    series = [
        Series(criteria_labels.get(c, c), [float(r["contributions"].get(c, 0.0)) for r in items])
        for c in crits
    ]
    if crits:
        series.append(
            Series(
                t("contrib.sum", lang),
                [float(sum(r["contributions"].values())) for r in items],
                style="marker",
            )
        )
    known = method in ("wsm", "topsis", "promethee_ii", "wpm", "vikor")
    return ChartSpec(
        kind="barh",
        title=t("contributions", lang),
        categories=[_item_label(r, lang) for r in items],
        series=series,
        x_label=t(f"contrib.axis.{method}", lang) if known else t("col.score", lang),
        height=max(360, 22 * len(items) + 120),
    )


def domain_sector(ranking: Sequence[Mapping[str, Any]], lang: Lang = "ja") -> ChartSpec:
    """The Action Plan's three domains × sector grid: count and best-ranked items per cell."""
    doms, secs = list(vocabulary("domain")), list(vocabulary("sector"))
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    for d in doms:
        zr: list[float | None] = []
        tr: list[str] = []
        for s in secs:
            cell = sorted(
                (r for r in ranking if r.get("domain") == d and r.get("sector") == s), key=lambda r: r["rank"]
            )
            zr.append(float(len(cell)))
            tr.append("<br>".join(_item_label(r, lang) for r in cell[:4]))
        z.append(zr)
        text.append(tr)
    return ChartSpec(
        kind="heatmap",
        title=t("map.title", lang),
        categories=[vocab("sector", s, lang) for s in secs],
        rows=[vocab("domain", d, lang) for d in doms],
        z=z,
        cell_text=text,
        height=460,
    )


def spend(
    df: pd.DataFrame, group: str, vocab_name: str | None, lang: Lang = "ja", title: str = ""
) -> ChartSpec:
    """Spend (億円) per value of ``group`` (a frame with columns ``group`` and ``spend``)."""
    labels = [vocab(vocab_name, v, lang) if vocab_name else str(v) for v in df[group]]
    return ChartSpec(
        kind="bar",
        # the grouping's own label (「領域」, not the column name "domain") in the reader's language
        title=title or f"{t('alloc.spend_by', lang)}: {field(group, lang, unit=False)}",
        categories=labels,
        series=[Series(t("col.cost", lang), [float(v) for v in df["spend"]])],
        y_label=t("col.cost", lang),
        unit="億円",
        height=340,
    )


def days_of_cover(
    stockpiles: Sequence[Mapping[str, Any]], targets: Mapping[str, float], lang: Lang = "ja"
) -> ChartSpec:
    """Days of cover per stocked good, with the target (policy's or the run's own) as a tick."""
    rows = [
        s
        for s in stockpiles
        if (s.get("quantity") or 0) > 0 or s.get("good_id") in targets or s.get("target_days")
    ]
    names = [name_of({"id": s.get("good_id"), **s}, lang) for s in rows]
    series = [Series(t("col.days_of_cover", lang), [float(s.get("days_of_cover") or 0.0) for s in rows])]
    tgt = [targets.get(str(s.get("good_id"))) or s.get("target_days") for s in rows]
    if any(v is not None for v in tgt):
        series.append(
            Series(
                t("chart.target", lang), [float(v) if v is not None else None for v in tgt], style="marker"
            )
        )
    return ChartSpec(
        kind="bar",
        title=t("col.days_of_cover", lang),
        categories=names,
        series=series,
        y_label=t("col.days_of_cover", lang),
        unit=t("chart.days", lang),
        height=360,
    )


def frontier(points: Sequence[Mapping[str, Any]], lang: Lang = "ja") -> ChartSpec:
    xs = [float(p["budget"]) for p in points]
    return ChartSpec(
        kind="line",
        title=t("alloc.frontier", lang),
        categories=[f"{x:,.0f}" for x in xs],
        numeric_x=xs,
        series=[Series(t("alloc.objective", lang), [p.get("objective") for p in points], style="line")],
        x_label=t("alloc.budget", lang),
        y_label=t("alloc.objective", lang),
        height=360,
    )


def acceptability(
    acc: Mapping[str, Sequence[float]], names: Mapping[str, str], lang: Lang = "ja", top: int = 25
) -> ChartSpec:
    ids = sorted(acc, key=lambda i: -sum(b * (len(acc[i]) - r) for r, b in enumerate(acc[i])))[:top]
    k = min(10, max((len(v) for v in acc.values()), default=0))
    z = [[float(x) for x in acc[i][:k]] for i in ids]
    return ChartSpec(
        kind="heatmap",
        title=t("robust.acceptability", lang),
        categories=[f"{r + 1}" for r in range(k)],
        rows=[names.get(i, i) for i in ids],
        z=z,
        cell_text=[[f"{v:.2f}" for v in row] for row in z],
        z_range=(0.0, 1.0),
        x_label=t("col.rank", lang),
        height=max(360, 22 * len(ids) + 120),
    )


def tornado(rows: Sequence[Mapping[str, Any]], lang: Lang = "ja") -> ChartSpec:
    """rows: {"criterion", "label", "low", "high"} — the spread of one item's rank (or score) per weight."""
    rows = sorted(rows, key=lambda r: -abs(r["high"] - r["low"]))
    return ChartSpec(
        kind="barh",
        title=t("robust.tornado", lang),
        categories=[str(r["label"]) for r in rows],
        series=[
            Series(
                t("robust.tornado", lang),
                [float(r["high"] - r["low"]) for r in rows],
                base=[float(r["low"]) for r in rows],
            )
        ],
        height=max(300, 40 * len(rows) + 120),
    )


def core_index(core: Mapping[str, float], names: Mapping[str, str], lang: Lang = "ja") -> ChartSpec:
    ids = sorted(core, key=lambda i: -core[i])
    return ChartSpec(
        kind="bar",
        title=t("robust.core", lang),
        categories=[names.get(i, i) for i in ids],
        series=[Series(t("robust.core", lang), [float(core[i]) for i in ids])],
        y_label=t("robust.core", lang),
        height=380,
    )


def imports_by_partner(
    flows: pd.DataFrame, good_id: str, countries: pd.DataFrame | None, lang: Lang = "ja"
) -> ChartSpec:
    """Stacked imports per partner over the periods of ``flows`` for one good."""
    df = flows[flows["good_id"] == good_id]
    pv = (
        df.pivot_table(index="period", columns="partner", values="value", aggfunc="sum")
        .fillna(0.0)
        .sort_index()
    )
    names: dict[str, str] = {}
    if countries is not None:
        col = "name_ja" if lang == "ja" else "name_en"
        names = dict(zip(countries["iso3"], countries[col], strict=False))
    return ChartSpec(
        kind="area",
        title=t("item.trend", lang),
        categories=[str(p) for p in pv.index],
        series=[Series(names.get(p, p), [float(v) for v in pv[p]], style="line") for p in pv.columns],
        y_label=t("chart.import_value", lang),
        height=360,
    )


def indicator_trend(
    df: pd.DataFrame,
    indicator: str,
    good_ids: Sequence[str],
    names: Mapping[str, str],
    lang: Lang = "ja",
    indicator_label: str | None = None,
) -> ChartSpec:
    periods = sorted({str(p) for p in df[df["good_id"].isin(list(good_ids))]["period"]})
    series = []
    for g in good_ids:
        d = df[df["good_id"] == g]
        by = {str(p): v for p, v in zip(d["period"], d[indicator], strict=False)}
        series.append(
            Series(
                names.get(g, g),
                [float(by[p]) if p in by and pd.notna(by[p]) else None for p in periods],
                style="line",
            )
        )
    label = indicator_label or indicator
    return ChartSpec(
        kind="line",
        title=f"{t('monitor.trend', lang)}: {label}",
        categories=periods,
        series=series,
        y_label=label,
        height=360,
    )
