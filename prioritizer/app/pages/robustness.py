"""Robustness: rank-acceptability heat map, tornado, core index."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from prioritizer.app import charts, state
from prioritizer.errors import PrioritizerError
from prioritizer.text import name_of
from prioritizer.text.tables import present


def page() -> None:
    lang = state.lang()
    with st.form("robust-form"):
        c1, c2, c3 = st.columns(3)
        samples = c1.number_input(state.tr("robust.samples"), 100, 100_000, 2_000, 500)
        seed = c2.number_input(state.tr("robust.seed"), 0, 2**31 - 1, 1)
        portfolio = c3.checkbox(state.tr("robust.core"))
        go = st.form_submit_button(state.tr("robust.run"))
    if not go and "robust_result" not in st.session_state:
        return
    if go:
        params = {
            **state.rank_params(),
            "samples": int(samples),
            "seed": int(seed),
            "portfolio": bool(portfolio),
        }
        if portfolio:
            params["portfolio_samples"] = min(int(samples), 50)
        with st.spinner("SMAA…"):
            try:
                st.session_state["robust_result"] = state.run("robustness", params).result
            except PrioritizerError as exc:
                state.show_error(exc)
                return
    res = st.session_state["robust_result"]
    rank = state.run("rank", state.rank_params()).result
    names = {r["id"]: name_of(r, lang) for r in rank.get("ranking", [])}
    # The verdict a committee would quote comes first, then the charts behind it.
    for msg in res.get("verdict") or []:
        st.success(msg.get(f"text_{lang}") or msg.get("text_ja") or "")
    if res.get("acceptability"):
        st.plotly_chart(charts.acceptability_heatmap(res["acceptability"], names, lang), width="stretch")
    tor = res.get("tornado")
    if isinstance(tor, list) and tor and {"label", "low", "high"} <= set(tor[0]):
        st.plotly_chart(charts.tornado(tor, lang), width="stretch")

    core = res.get("core_index")
    if isinstance(core, dict) and core:
        st.plotly_chart(
            charts.core_index_bar(
                {k: (v if isinstance(v, float) else v.get("core_index", 0.0)) for k, v in core.items()},
                names,
                lang,
            ),
            width="stretch",
        )
    with st.expander(state.tr("robust.details")):
        conf = res.get("confidence") or {}
        if conf:
            st.dataframe(
                present(
                    pd.DataFrame(
                        {
                            "id": list(conf),
                            "name": [names.get(k, k) for k in conf],
                            "confidence": list(conf.values()),
                        }
                    ),
                    lang,
                    digits={"confidence": 3},
                ),
                hide_index=True,
                width="stretch",
            )
        st.caption(
            f"{state.tr('robust.samples')}: {res.get('samples', '—')} · {state.tr('robust.seed')}: {res.get('seed', '—')}"
        )
