"""Draw a :class:`ChartSpec` with Plotly for the interactive app."""

from __future__ import annotations

import plotly.graph_objects as go

from prioritizer.charts.spec import ChartSpec, axis_title

_FONT = "Noto Sans JP, IPAexGothic, Hiragino Sans, Meiryo, sans-serif"


def to_plotly(spec: ChartSpec) -> go.Figure:
    fig = go.Figure()
    if spec.kind == "heatmap":
        fig.add_heatmap(
            z=spec.z,
            x=spec.categories,
            y=spec.rows,
            text=spec.cell_text,
            texttemplate="%{text}" if spec.cell_text else None,
            colorscale="Blues" if spec.z_range is None else "YlGnBu",
            showscale=spec.z_range is not None,
            zmin=spec.z_range[0] if spec.z_range else None,
            zmax=spec.z_range[1] if spec.z_range else None,
            hovertemplate="%{z}<extra></extra>",
        )
        fig.update_yaxes(autorange="reversed")
    elif spec.kind == "barh":
        for s in spec.series:
            if s.style == "marker":  # the net of the stacked signed bars (contributions: their sum)
                fig.add_scatter(
                    y=spec.categories,
                    x=s.values,
                    mode="markers",
                    marker={"symbol": "line-ns-open", "size": 16, "color": "black", "line": {"width": 2}},
                    name=s.name,
                )
                continue
            fig.add_bar(y=spec.categories, x=s.values, base=s.base, orientation="h", name=s.name)
        fig.update_layout(barmode="relative", yaxis={"autorange": "reversed"})
    else:
        x = spec.numeric_x if spec.numeric_x is not None else spec.categories
        for s in spec.series:
            if s.style == "marker":
                fig.add_scatter(
                    x=x,
                    y=s.values,
                    mode="markers",
                    marker={"symbol": "line-ew-open", "size": 18, "color": "crimson"},
                    name=s.name,
                )
            elif spec.kind == "area":
                fig.add_scatter(x=x, y=s.values, stackgroup="one", name=s.name)
            elif spec.kind == "line" or s.style == "line":
                fig.add_scatter(x=x, y=s.values, mode="lines+markers", name=s.name)
            else:
                fig.add_bar(
                    x=x,
                    y=s.values,
                    name=s.name,
                    text=[
                        f"{v:,.0f}" if isinstance(v, int | float) and abs(v) >= 10 else None for v in s.values
                    ],
                    textposition="auto",
                )
    if spec.x_label:
        fig.update_xaxes(title=axis_title(spec.x_label, spec.unit if spec.kind == "barh" else ""))
    if spec.y_label:
        fig.update_yaxes(title=axis_title(spec.y_label, spec.unit if spec.kind != "barh" else ""))
    fig.update_layout(
        title=spec.title,
        height=spec.height,
        font={"family": _FONT},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        showlegend=len(spec.series) > 1,
    )
    return fig
