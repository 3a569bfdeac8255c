"""Ranking (committee): ranked list, contributions, three-domain map, item detail."""

from __future__ import annotations

import streamlit as st

from prioritizer.app import charts, controller, state
from prioritizer.errors import PrioritizerError
from prioritizer.text import field, fmt_num, fmt_pct, name_of, vocab, vocabulary


def _filters(ranking: list[dict]) -> list[dict]:
    lang = state.lang()
    c1, c2, c3, c4 = st.columns(4)
    doms = state.multiselect(
        c1,
        state.tr("filter.domain"),
        list(vocabulary("domain")),
        format_func=lambda d: vocab("domain", d, lang),
    )
    secs = state.multiselect(
        c2,
        state.tr("filter.sector"),
        list(vocabulary("sector")),
        format_func=lambda s: vocab("sector", s, lang),
    )
    ministries = sorted({r.get("ministry") for r in ranking if r.get("ministry")})
    mins = state.multiselect(c3, state.tr("filter.ministry"), ministries)
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
    from prioritizer.app import in_force

    in_force.banner()
    st.caption(
        f"{state.tr('method')}: {vocab('method', res.get('method'), lang)} · "
        f"{state.tr('normalisation')}: {vocab('normalisation', res.get('normalisation'), lang)} · "
        + " · ".join(f"{labels.get(c, c)} {w:.2f}" for c, w in (res.get("weights") or {}).items())
    )
    ranking = _filters(res.get("ranking", []))
    df = controller.ranking_frame({"ranking": ranking}, lang)
    state.show_table(
        df,
        "ranking",
        height=420,
        labels={f"contrib:{c}": state.tr("rank.contribution_of", criterion=lab) for c, lab in labels.items()},
        digits={"score": 3, **{f"contrib:{c}": 3 for c in labels}},
    )
    if ranking:
        st.plotly_chart(
            charts.contribution_bars(ranking, labels, lang, method=res.get("method")), width="stretch"
        )
    st.plotly_chart(charts.domain_sector_map(res.get("ranking", []), lang), width="stretch")
    _item_detail(res, labels)
    _why(res)


def _why(res: dict) -> None:
    """Why is A above B: the gap split by criterion and the smallest weight change that swaps them."""
    from prioritizer.text.views import why_table

    lang = state.lang()
    ranking = sorted(res.get("ranking", []), key=lambda r: r["rank"])
    if len(ranking) < 2:
        return
    st.subheader(state.tr("app.why.title"))
    names = {r["id"]: f"{r['rank']}. {name_of(r, lang)}" for r in ranking}
    ids = list(names)
    c1, c2 = st.columns(2)
    a = c1.selectbox(state.tr("app.why.pick_a"), ids, index=0, format_func=names.get, key="why-a")
    b = c2.selectbox(state.tr("app.why.pick_b"), ids, index=1, format_func=names.get, key="why-b")
    if a == b:
        st.caption(state.tr("app.why.same"))
        return
    try:
        run = state.run("rank", {**state.rank_params(), "why": [a, b]})
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    why = run.result.get("why") or {}
    for line in (why.get(f"text_{lang}") or "").splitlines():
        if line.strip():
            st.markdown(line)
    if why.get("criteria"):
        st.dataframe(why_table(why, lang), hide_index=True, width="stretch")


def _item_detail(res: dict, labels: dict[str, str]) -> None:
    lang = state.lang()
    ranking = res.get("ranking", [])
    if not ranking:
        return
    st.subheader(state.tr("item.detail"))
    names = {r["id"]: f"{r['rank']}. {name_of(r, lang)}" for r in ranking}
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
            st.markdown(f"**{state.tr('item.neighbours')}**")
            st.dataframe(controller.neighbours(case, pick, lang), hide_index=True, width="stretch")


_INDICATORS = (
    "import_reliance",
    "concern_share",
    "hhi",
    "top1_share",
    "ally_share",
    "foreign_dependence",
    "supply_risk",
)
_INDEX_LIKE = ("hhi", "supply_risk")  # shown as numbers; the rest are shares shown in %


def _indicator_card(ind: dict) -> None:
    """The good's latest dependence indicators as labelled figures (month-on-month change below)."""
    lang = state.lang()
    st.caption(
        f"{field('period', lang)}: {ind.get('period') or '—'} · "
        f"{vocab('indicator_status', ind.get('status'), lang)}"
    )
    shown = [k for k in _INDICATORS if isinstance(ind.get(k), int | float)]
    cols = st.columns(4)
    for n, k in enumerate(shown):
        mom = ind.get(f"{k}_mom")
        value = ind[k]
        text = fmt_num(value, lang, 2) if k in _INDEX_LIKE else fmt_pct(value, lang)
        delta = None
        if isinstance(mom, int | float):
            delta = f"{mom:+.3f}" if k in _INDEX_LIKE else state.tr("unit.pt", v=f"{100 * mom:+.1f}")
        cols[n % 4].metric(field(k, lang), text, delta, delta_color="inverse")


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
