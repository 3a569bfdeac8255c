"""Ranking (committee): ranked list, contributions, three-domain map, item detail."""

from __future__ import annotations

import streamlit as st

from prioritizer.app import charts, controller, state
from prioritizer.errors import PrioritizerError
from prioritizer.i18n import DOMAINS, SECTORS, label


def _filters(ranking: list[dict]) -> list[dict]:
    lang = state.lang()
    c1, c2, c3, c4 = st.columns(4)
    doms = c1.multiselect(
        state.tr("filter.domain"), list(DOMAINS), format_func=lambda d: label(DOMAINS, d, lang)
    )
    secs = c2.multiselect(
        state.tr("filter.sector"), list(SECTORS), format_func=lambda s: label(SECTORS, s, lang)
    )
    ministries = sorted({r.get("ministry") for r in ranking if r.get("ministry")})
    mins = c3.multiselect(state.tr("filter.ministry"), ministries)
    spec = c4.checkbox(state.tr("filter.specified"))
    out = ranking
    if doms:
        out = [r for r in out if r.get("domain") in doms]
    if secs:
        out = [r for r in out if r.get("sector") in secs]
    if mins:
        out = [r for r in out if r.get("ministry") in mins]
    if spec:
        out = [r for r in out if r.get("specified_critical")]
    return out


def page() -> None:
    lang = state.lang()
    try:
        run = state.run("rank", state.rank_params())
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    res = run.result
    labels = state.criteria_labels(run)
    st.caption(
        f"{state.tr('method')}: {res.get('method')} · {state.tr('normalisation')}: {res.get('normalisation')} · "
        + " · ".join(f"{labels.get(c, c)} {w:.2f}" for c, w in (res.get("weights") or {}).items())
    )
    ranking = _filters(res.get("ranking", []))
    df = controller.ranking_frame({"ranking": ranking}, lang)
    if not df.empty:
        df["domain"] = df["domain"].map(lambda d: label(DOMAINS, d or "", lang))
        df["sector"] = df["sector"].map(lambda s: label(SECTORS, s or "", lang))
    show = df.rename(
        columns={
            "rank": state.tr("col.rank"),
            "name": state.tr("col.name"),
            "score": state.tr("col.score"),
            "domain": state.tr("col.domain"),
            "sector": state.tr("col.sector"),
            "ministry": state.tr("col.ministry"),
            "specified_critical": state.tr("col.specified_critical"),
            **{f"contrib:{c}": labels.get(c, c) for c in labels},
        }
    )
    st.dataframe(show, hide_index=True, width="stretch", height=420)
    state.download(df, "ranking")
    if ranking:
        st.plotly_chart(charts.contribution_bars(ranking, labels, lang), width="stretch")
    st.plotly_chart(charts.domain_sector_map(res.get("ranking", []), lang), width="stretch")
    _item_detail(res, labels)


def _item_detail(res: dict, labels: dict[str, str]) -> None:
    lang = state.lang()
    ranking = res.get("ranking", [])
    if not ranking:
        return
    st.subheader(state.tr("item.detail"))
    names = {
        r["id"]: f"{r['rank']}. {r.get('name_ja' if lang == 'ja' else 'name_en') or r['id']}" for r in ranking
    }
    pick = st.selectbox(state.tr("col.name"), list(names), format_func=names.get, key="item_pick")
    item = next(r for r in ranking if r["id"] == pick)
    st.markdown(
        f"**{state.tr('item.justification')}** — "
        + controller.justification(item, len(ranking), labels, lang)
    )
    case = state.case()
    c1, c2 = st.columns(2)
    with c1:
        if case.flows is not None and (case.flows["good_id"] == pick).any():
            st.plotly_chart(charts.flows_area(case.flows, pick, case.countries, lang), width="stretch")
        ind = _indicators_for(pick)
        if ind:
            _indicator_card(ind)
    with c2:
        if case.links is not None:
            up = case.links[case.links["good_id"] == pick]
            down = case.links[case.links["input_id"] == pick]
            st.markdown(f"**{state.tr('item.neighbours')}**")
            st.dataframe(
                {
                    "↑ inputs": list(up["input_id"]) + [""] * max(0, len(down) - len(up)),
                    "↓ used by": list(down["good_id"]) + [""] * max(0, len(up) - len(down)),
                },
                hide_index=True,
            )


_INDICATOR_LABELS = {
    "import_reliance": ("輸入依存度", "Import reliance"),
    "concern_share": ("懸念国シェア", "Concern-country share"),
    "hhi": ("供給国集中度 HHI", "Supplier concentration HHI"),
    "top1_share": ("最大供給国シェア", "Top supplier share"),
    "partner_share": ("同志国シェア", "Partner share"),
    "foreign_dependence": ("対外依存度", "Foreign dependence"),
    "supply_risk": ("供給リスク（EU 方式）", "Supply risk (EU method)"),
}


def _indicator_card(ind: dict) -> None:
    """The good's latest dependence indicators as labelled figures (month-on-month change below)."""
    lang = state.lang()
    st.caption(f"{ind.get('period', '')} · {ind.get('status', '')}")
    shown = [(k, v) for k, v in _INDICATOR_LABELS.items() if isinstance(ind.get(k), int | float)]
    cols = st.columns(4)
    for n, (k, (ja, en)) in enumerate(shown):
        mom = ind.get(f"{k}_mom")
        value = ind[k]
        text = f"{value:.2f}" if k in ("hhi", "supply_risk") else f"{100 * value:.1f}%"
        delta = None
        if isinstance(mom, int | float):
            delta = f"{mom:+.3f}" if k in ("hhi", "supply_risk") else f"{100 * mom:+.1f} pt"
        cols[n % 4].metric(ja if lang == "ja" else en, text, delta, delta_color="inverse")


def _indicators_for(good_id: str) -> dict | None:
    case = state.case()
    if case.flows is None:
        return None
    try:
        run = state.run("indicators", {"alerts": False})
    except PrioritizerError:
        return None
    for g in run.result.get("goods", []):
        if g.get("id") == good_id:
            return g
    return None
