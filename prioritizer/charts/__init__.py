"""Data-only chart descriptions, drawn by the app (Plotly) and the reports (SVG in the PDF).

A :class:`ChartSpec` is plain data — kind, categories, series, axis labels (already in the
reader's language, from the text layer) and units — so the same chart can be drawn by
:func:`prioritizer.charts.plotly.to_plotly` for the interactive app and by
:func:`prioritizer.charts.svg.to_svg` as vector graphics for Typst and HTML. Builders in
:mod:`prioritizer.charts.build` turn stored results into specs; neither renderer decides
what to show.
"""

from __future__ import annotations

from prioritizer.charts.spec import ChartSpec, Series

__all__ = ["ChartSpec", "Series"]
