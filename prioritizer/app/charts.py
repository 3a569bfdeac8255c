"""Plotly figures for the app pages, drawn from the data-only chart specs.

The pages keep calling these names; each one builds a :class:`prioritizer.charts.ChartSpec`
(:mod:`prioritizer.charts.build`, shared with the reports) and draws it with Plotly, so
the app and the PDF show the same chart from the same data.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from prioritizer.charts import build
from prioritizer.charts.plotly import to_plotly
from prioritizer.i18n import Lang, label


def contribution_bars(
    ranking: list[dict[str, Any]],
    criteria_labels: dict[str, str],
    lang: Lang = "ja",
    top: int = 30,
    method: str | None = None,
) -> go.Figure:
    """Stacked signed bars of per-criterion contributions, with their sum marked (axis: what it explains)."""
    return to_plotly(build.contributions(ranking, criteria_labels, lang, top, method))


def domain_sector_map(ranking: list[dict[str, Any]], lang: Lang = "ja") -> go.Figure:
    """The Action Plan's three domains × sector grid: count and best-ranked items per cell."""
    return to_plotly(build.domain_sector(ranking, lang))


def spend_bar(
    df: pd.DataFrame, group: str, vocab: dict[str, tuple[str, str]] | None, lang: Lang = "ja"
) -> go.Figure:
    shown = df.assign(**{group: [label(vocab, v, lang) if vocab else v for v in df[group]]})
    return to_plotly(build.spend(shown, group, None, lang))


def days_of_cover_bar(
    stockpiles: list[dict[str, Any]], targets: dict[str, float], lang: Lang = "ja"
) -> go.Figure:
    return to_plotly(build.days_of_cover(stockpiles, targets, lang))


def frontier_line(points: list[dict[str, Any]], lang: Lang = "ja") -> go.Figure:
    return to_plotly(build.frontier(points, lang))


def acceptability_heatmap(
    acc: dict[str, list[float]], names: dict[str, str], lang: Lang = "ja", top: int = 25
) -> go.Figure:
    return to_plotly(build.acceptability(acc, names, lang, top))


def tornado(rows: list[dict[str, Any]], lang: Lang = "ja") -> go.Figure:
    """rows: {"criterion", "label", "low", "high"} — the spread of one item's rank (or score) per weight."""
    return to_plotly(build.tornado(rows, lang))


def core_index_bar(core: dict[str, float], names: dict[str, str], lang: Lang = "ja") -> go.Figure:
    fig = to_plotly(build.core_index(core, names, lang))
    fig.update_yaxes(range=[0, 1])
    return fig


def flows_area(
    flows: pd.DataFrame, good_id: str, countries: pd.DataFrame | None, lang: Lang = "ja"
) -> go.Figure:
    return to_plotly(build.imports_by_partner(flows, good_id, countries, lang))


def indicator_trend(
    df: pd.DataFrame, indicator: str, good_ids: list[str], names: dict[str, str], lang: Lang = "ja"
) -> go.Figure:
    return to_plotly(build.indicator_trend(df, indicator, good_ids, names, lang))
