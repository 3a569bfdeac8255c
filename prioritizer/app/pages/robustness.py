"""Robustness: rank-acceptability heat map, tornado, core index."""

from __future__ import annotations

import streamlit as st

from prioritizer.app import charts, state
from prioritizer.errors import PrioritizerError


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
    names = {
        r["id"]: r.get("name_ja" if lang == "ja" else "name_en") or r["id"] for r in rank.get("ranking", [])
    }
    if res.get("acceptability"):
        st.plotly_chart(charts.acceptability_heatmap(res["acceptability"], names, lang), width="stretch")
    tor = res.get("tornado")
    if isinstance(tor, list) and tor and {"label", "low", "high"} <= set(tor[0]):
        st.plotly_chart(charts.tornado(tor, lang), width="stretch")
    elif tor:
        st.json(tor, expanded=False)
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
    with st.expander("JSON"):
        st.json(
            {k: v for k, v in res.items() if k in ("samples", "seed", "sampler", "mc_error", "confidence")},
            expanded=False,
        )
