"""Monitoring: rising-dependence alerts and indicator trends."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from prioritizer.app import charts, state
from prioritizer.errors import PrioritizerError


def page() -> None:
    lang = state.lang()
    case = state.case()
    if case.flows is None:
        st.info(
            "このケースには輸入データ（flows.csv）がありません。"
            if lang == "ja"
            else "This case has no flows.csv."
        )
        return
    try:
        run = state.run("indicators", {"alerts": True})
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    alerts = pd.DataFrame(run.result.get("alerts", []))
    st.subheader(state.tr("monitor.alerts"))
    st.dataframe(alerts, hide_index=True, width="stretch")
    state.download(alerts, "alerts")
    goods = pd.DataFrame(run.result.get("goods", []))
    st.dataframe(goods, hide_index=True, width="stretch")
    state.download(goods, "indicators")
    try:
        from prioritizer.indicators import api as ind_api

        hist = ind_api.compute(case)
    except (PrioritizerError, ImportError) as exc:
        st.caption(str(exc))
        return
    numeric = [
        c for c in hist.columns if c not in ("good_id", "period") and pd.api.types.is_numeric_dtype(hist[c])
    ]
    c1, c2 = st.columns([1, 2])
    indicator = c1.selectbox(
        "indicator", numeric, index=numeric.index("concern_share") if "concern_share" in numeric else 0
    )
    default = list(alerts["good_id"].unique()[:4]) if not alerts.empty else list(hist["good_id"].unique()[:3])
    names = dict(zip(case.goods["id"], case.goods["name_ja" if lang == "ja" else "name_en"], strict=False))
    picks = c2.multiselect(
        "goods", sorted(hist["good_id"].unique()), default=default, format_func=lambda g: names.get(g, g)
    )
    if picks:
        st.plotly_chart(charts.indicator_trend(hist, indicator, picks, names, lang), width="stretch")
