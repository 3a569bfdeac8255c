"""Plotly figures for stress results: pure builders (no streamlit), shared by the app and reports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from prioritizer.text import Lang, t

_FONT = "Noto Sans JP, IPAexGothic, Hiragino Sans, Meiryo, sans-serif"


def _layout(fig: go.Figure, title: str, y_title: str, lang: Lang, height: int = 380) -> go.Figure:
    fig.update_layout(
        title=title,
        height=height,
        font={"family": _FONT},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "y": -0.2},
        xaxis={"title": t("stress.axis.month", lang), "dtick": 1},
        yaxis={"title": y_title, "rangemode": "tozero"},
    )
    return fig


def shortfall_curves(
    curves: Mapping[str, Sequence[float]], *, title: str = "", lang: Lang = "ja"
) -> go.Figure:
    """One line per portfolio: the scenario's shortfall value (億円) in each month 1 … T."""
    fig = go.Figure()
    for label, values in curves.items():
        fig.add_scatter(x=list(range(1, len(values) + 1)), y=list(values), mode="lines+markers", name=label)
    return _layout(fig, title or t("stress.compare.title", lang), t("stress.axis.value", lang), lang)


def ttx_timeline(result: Mapping[str, Any], *, lang: Lang = "ja") -> go.Figure:
    """An exercise's months so far: shortfall value with and without the response, events marked."""
    series = result.get("series") or []
    x = [s["month"] for s in series]
    fig = go.Figure()
    fig.add_scatter(
        x=x,
        y=[s["shortfall_value"] for s in series],
        mode="lines+markers",
        name=t("stress.col.response", lang),
    )
    fig.add_scatter(
        x=x,
        y=[s["shortfall_value_no_response"] for s in series],
        mode="lines",
        line={"dash": "dash"},
        name=t("stress.col.no_response", lang),
    )
    from prioritizer.text import vocab

    for ev in result.get("events") or []:
        if ev["month"] <= (result.get("month") or 0):
            fig.add_vline(
                x=ev["month"],
                line={"dash": "dot", "width": 1},
                annotation_text=vocab("stress_event", ev["type"], lang),
            )
    return _layout(fig, t("stress.ttx.timeline", lang), t("stress.axis.value", lang), lang)
