"""Committee: rounds, each member's pairwise judgements (draft, then submit; CR warned), the
convener's aggregation and adoption (the adopted weights become the case's weights in force)."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import streamlit as st

from prioritizer.app import auth_gate, state
from prioritizer.auth import committee
from prioritizer.auth.roles import allowed
from prioritizer.errors import PrioritizerError
from prioritizer.text import field, t, vocab

#: Saaty's fundamental scale both ways, as a member reads it ("row over column")
SCALE = [f"1/{k}" for k in range(9, 1, -1)] + [str(k) for k in range(1, 10)]


def _value(label: str) -> float:
    return float(Fraction(label))


def _label(v: float) -> str:
    return min(SCALE, key=lambda s: abs(_value(s) - v) / max(_value(s), v))


def _store():  # type: ignore[no-untyped-def]
    # the store the door checked this session against (committee services check roles themselves)
    return auth_gate.caller().store


def page() -> None:
    lang = state.lang()
    ident = auth_gate.identity()
    st.subheader(state.tr("committee.title"))
    try:
        run = state.run("rank", state.rank_params())
        store = _store()
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    labels = state.criteria_labels(run)
    ids = list(labels)
    model_name = (run.output.model or {}).get("name") or "default"
    topic = (
        st.text_input(state.tr("committee.topic"), value=model_name, key="committee_topic").strip()
        or model_name
    )
    from prioritizer.app import in_force

    in_force.banner()
    _round(ident, topic, store, lang)
    if allowed(ident, "submit_judgement"):
        _my_judgements(ident, topic, ids, labels, store)
    _submissions(ident, topic, ids, labels, store, lang)
    if allowed(ident, "aggregate_weights"):
        _aggregate(ident, topic, ids, labels, store, model_name, lang)
    else:
        st.caption(state.tr("committee.cannot_aggregate"))


def _my_judgements(ident, topic, ids, labels, store) -> None:  # type: ignore[no-untyped-def]
    st.markdown(f"**{state.tr('committee.my_judgements')}**")
    draft = committee.get_draft(ident, topic, store)
    have = {}
    if draft and set(draft["ids"]) == set(ids):
        pos = {c: k for k, c in enumerate(draft["ids"])}
        have = {(a, b): draft["matrix"][pos[a]][pos[b]] for a in ids for b in ids}
    n = len(ids)
    m = [[1.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            a, b = ids[i], ids[j]
            v = st.select_slider(
                state.tr("committee.criterion_pair", a=labels[a], b=labels[b]),
                options=SCALE,
                value=_label(have.get((a, b), 1.0)),
                key=f"judge-{topic}-{a}-{b}",
            )
            m[i][j], m[j][i] = _value(v), 1.0 / _value(v)
    check = committee.check_judgements(ids, m)
    if check.get("cr") is not None and not check.get("consistent"):
        # warned before submitting, and again in the record: inconsistent judgements can be
        # submitted, but adopting them needs a stated reason
        st.warning(state.tr("committee.cr_warning", cr=f"{check['cr']:.3f}"))
    c1, c2 = st.columns(2)
    try:
        if c1.button(state.tr("committee.save_draft"), key="committee-draft"):
            committee.save_draft(ident, topic, ids, m, store)
            st.success(state.tr("committee.draft_saved"))
        if c2.button(state.tr("committee.submit"), key="committee-submit"):
            seq = committee.submit(ident, topic, ids, m, store)
            st.success(state.tr("committee.submitted", seq=seq))
    except PrioritizerError as exc:
        auth_gate.refused(exc)


def _round(ident, topic, store, lang) -> None:  # type: ignore[no-untyped-def]
    """The round's state, and the convener's open / close buttons."""
    from prioritizer.dates import jst_text

    rs = committee.round_state(store, topic)
    if rs["open"]:
        st.info(state.tr("committee.round_open", when=jst_text(rs["opened_at"], lang)))
    elif rs["rounds"]:
        st.caption(state.tr("committee.round_closed", when=jst_text(rs["closed_at"], lang)))
    if not allowed(ident, "aggregate_weights"):
        return
    try:
        if rs["open"]:
            if st.button(state.tr("committee.close_round"), key="committee-close-round"):
                committee.close_round(ident, topic, store)
                st.rerun()
        elif st.button(state.tr("committee.open_round"), key="committee-open-round"):
            committee.open_round(ident, topic, store)
            st.rerun()
    except PrioritizerError as exc:
        auth_gate.refused(exc)


def _submissions(ident, topic, ids, labels, store, lang) -> None:  # type: ignore[no-untyped-def]
    st.markdown(f"**{state.tr('committee.submissions')}**")
    subs, n = committee.visible_submissions(ident, store, topic)
    if n > len(subs):  # a round is open: others' judgements stay hidden until it closes
        st.caption(state.tr("committee.hidden", n=n, hidden=n - len(subs)))
    if not subs:
        if not n:
            st.caption(state.tr("committee.need_two"))
        return
    rows = []
    for s in subs:
        d = s["detail"]
        cr = d.get("cr")
        row = {
            state.tr("auth.author"): (s.get("identity") or {}).get("display_name") or s["actor"],
            field("member_cr", lang): "—" if cr is None else f"{cr:.3f}" + (" ⚠" if cr > 0.1 else ""),
        }
        row.update({labels.get(c, c): f"{d['weights'].get(c, 0):.3f}" for c in ids})
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _aggregate(ident, topic, ids, labels, store, model_name, lang) -> None:  # type: ignore[no-untyped-def]
    st.markdown(f"**{state.tr('committee.aggregate')}**")
    if committee.round_state(store, topic)["open"]:
        st.caption(state.tr("committee.close_first"))
        return
    if len(committee.submissions(store, topic)) < 2:
        st.caption(state.tr("committee.need_two"))
        return
    method = st.radio(
        state.tr("committee.method"),
        ["aij", "aip"],
        format_func=lambda x: vocab("group_method", x, lang),
        horizontal=True,
        key="committee-method",
    )
    try:
        res = committee.aggregate(store, topic, method)
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    st.metric(field("consensus", lang), f"{res['consensus']:.3f}")
    df = pd.DataFrame(
        {
            state.tr("col.name"): [labels.get(c, c) for c in res["weights"]],
            state.tr("committee.aggregate"): [f"{v:.3f}" for v in res["weights"].values()],
            field("spread", lang): [
                f"{res['spread'][c]['min']:.3f} – {res['spread'][c]['max']:.3f}" for c in res["weights"]
            ],
        }
    )
    st.dataframe(df, hide_index=True, width="stretch")
    from prioritizer.auth.adoption import inconsistencies

    bad = inconsistencies(res)
    if bad:
        st.warning(state.tr("committee.inconsistent_adopt"))
    reason = st.text_input(state.tr("save.reason"), key="committee-reason")
    if st.button(state.tr("committee.adopt"), key="committee-adopt"):
        try:
            rid = committee.adopt(
                ident, topic, state.case(), store, method=method, model=model_name, reason=reason
            )
            st.success(t("committee.adopted", lang, run_id=rid))
            st.success(t("committee.in_force", lang))
        except PrioritizerError as exc:
            auth_gate.refused(exc)
