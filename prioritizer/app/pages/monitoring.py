"""Monitoring: rising-dependence alerts and indicator trends."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from prioritizer.app import charts, controller, state
from prioritizer.errors import PrioritizerError
from prioritizer.text import field, name_of


def page() -> None:
    lang = state.lang()
    case = state.case()
    if case.flows is None:
        st.info(state.tr("monitor.no_flows"))
        return
    try:
        run = state.run("indicators", {"alerts": True})
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    alerts = pd.DataFrame(run.result.get("alerts", []))
    st.subheader(state.tr("monitor.alerts"))
    if not alerts.empty:
        alerts = controller.with_names(alerts, case, lang, id_col="good_id")
    state.show_table(
        alerts,
        "alerts",
        columns=[
            "good_id",
            "name",
            "indicator",
            "period",
            "previous",
            "current",
            "change",
            "threshold",
            "severity",
            "rises_in_window",
        ],
        digits={"previous": 3, "current": 3, "change": 3, "threshold": 3, "severity": 2},
    )
    goods = pd.DataFrame(run.result.get("goods", []))
    st.subheader(state.tr("monitor.latest"))
    if not goods.empty:
        goods = controller.with_names(goods, case, lang, id_col="id")
        goods = goods.drop(columns=["instrument"], errors="ignore")
    cols = [c for c in goods.columns if c not in ("name_ja", "name_en")]
    cols = ["id", "name", *[c for c in cols if c not in ("id", "name")]]
    state.show_table(goods, "indicators", columns=cols, enums={"status": "indicator_status"})
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
        state.tr("monitor.indicator"),
        numeric,
        index=numeric.index("concern_share") if "concern_share" in numeric else 0,
        format_func=lambda c: field(c, lang),
    )
    default = list(alerts["good_id"].unique()[:4]) if not alerts.empty else list(hist["good_id"].unique()[:3])
    names = {r["id"]: name_of(r, lang) for r in case.goods.to_dict("records")}
    picks = state.multiselect(
        c2,
        state.tr("monitor.goods"),
        sorted(hist["good_id"].unique()),
        default=default,
        format_func=lambda g: names.get(g, g),
    )
    if picks:
        st.plotly_chart(charts.indicator_trend(hist, indicator, picks, names, lang), width="stretch")
    partners_section(case, lang, names)


def partners_section(case, lang, names) -> None:  # type: ignore[no-untyped-def]
    """Alternative suppliers of one good (``prioritizer partners``; docs/methodology/partners.md)."""
    from prioritizer.partners import table_of
    from prioritizer.text import t

    st.subheader(state.tr("partners.title"))
    ids: set[str] = set()
    for df in (case.world_supply, case.flows):
        if df is not None and "good_id" in df.columns:
            ids |= set(df["good_id"].astype(str))
    goods = [g for g in case.goods["id"].astype(str) if g in ids]
    if not goods:
        st.info(state.tr("partners.none_here"))
        return
    good = st.selectbox(
        state.tr("partners.good"), goods, format_func=lambda g: names.get(g, g), key="partners_good"
    )
    try:
        run = state.run("partners", {"good_id": good})
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    sep = "、" if lang == "ja" else ", "
    weights = sep.join(f"{t(f'partners.crit.{k}', lang)} {w:.2f}" for k, w in run.result["weights"].items())
    st.caption(t("partners.head", lang, name=names.get(good, good), id=good, weights=weights))
    state.show_table(
        table_of(run.result, lang),
        "partners",
        digits={"score": 3, "world_share": 3, "governance": 2, "import_share": 3, "reserves_share": 3},
    )
