"""Stress tests & tabletop: portfolio comparison and a month-by-month exercise (layout only)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from prioritizer.app import state
from prioritizer.errors import PrioritizerError
from prioritizer.stress import Portfolio, build
from prioritizer.stress.charts import shortfall_curves, ttx_timeline
from prioritizer.stress.compare import compare_portfolios
from prioritizer.stress.exercise import EVENT_TYPES, RESPONSES, Exercise, exercise_run
from prioritizer.stress.portfolio import NOTHING, OPTIMAL, from_allocation, from_store
from prioritizer.text import cell, t, vocab


def _lang() -> Any:
    return state.lang()


def _optimal() -> Portfolio:
    run = state.run("allocate", state.alloc_params())
    return from_allocation(run.result, source=OPTIMAL)


def _saved_allocations() -> list[str]:
    try:
        from prioritizer import door
        from prioritizer.app import auth_gate

        # only the allocations the reader may see
        return [s.run_id for s in door.visible_runs(auth_gate.caller(), command="allocate", limit=20)]
    except PrioritizerError:
        return []


def _portfolio(kind: str) -> Portfolio:
    if kind == OPTIMAL:
        return _optimal()
    if kind == NOTHING:
        return Portfolio(source=NOTHING)
    return from_store(kind, st.session_state.get("db"))


def _scenario_label(data: Any) -> Any:
    from prioritizer.text import name_of

    names = {
        s: {"id": s, "name_ja": ja, "name_en": en}
        for s, (ja, en) in zip(data.scenario_ids, data.scenario_names, strict=True)
    }
    return lambda s: f"{name_of(names[s], _lang())} ({s})"


def _comparison(data: Any) -> None:
    lang = _lang()
    st.subheader(t("stress.compare.title", lang))
    st.caption(t("stress.compare.help", lang))
    scen = st.selectbox(
        t("stress.scenario", lang),
        data.scenario_ids,
        format_func=_scenario_label(data),
        key="stress_scenario",
    )
    c1, c2 = st.columns(2)
    months = int(c1.number_input(t("stress.months", lang), 1, 120, 24, key="stress_months"))
    release = c2.text_input(
        t("stress.release", lang), "cover", help=t("stress.release.help", lang), key="stress_release"
    )
    saved = state.multiselect(st, t("stress.saved_runs", lang), _saved_allocations(), key="stress_saved")
    ports = {vocab("stress_portfolio", NOTHING, lang): Portfolio(source=NOTHING)}
    ports[vocab("stress_portfolio", OPTIMAL, lang)] = _optimal()
    for rid in saved:
        ports[rid] = from_store(rid, st.session_state.get("db"))
    cmp = compare_portfolios(data, scen, ports, months=months, release=release)
    st.plotly_chart(shortfall_curves(cmp["curves"], lang=lang), key="stress_compare_chart")
    cols = (
        ("portfolio", "stress.col.portfolio"),
        ("value_short", "stress.col.value_short"),
        ("first_short_month", "stress.col.first_short_month"),
        ("months_short", "stress.col.months_short"),
    )
    st.dataframe(
        pd.DataFrame([{t(k, lang): cell(r[c], lang) for c, k in cols} for r in cmp["rows"]]),
        hide_index=True,
        key="stress_compare_table",
    )


# --------------------------------------------------------------------------- tabletop


def _record(ex: Exercise) -> None:
    from prioritizer import door
    from prioritizer.app import auth_gate

    # Each step is a `ttx` Run authored by the signed-in account (the facilitator is the
    # exercise's own role, kept in its record); computed on the rows the reader may see.
    rid = door.save(auth_gate.caller(), exercise_run(state.case(), ex), ex.purpose or "TTX")
    st.session_state.setdefault("ttx_runs", []).append(rid)
    st.session_state["ttx_last_run"] = rid


def _do(op: Any) -> None:
    """Apply one operation to the exercise and record the step; errors as messages."""
    ex: Exercise = st.session_state["ttx"]
    try:
        op(ex)
        _record(ex)
    except PrioritizerError as exc:
        state.show_error(exc)


def _start(data: Any) -> None:
    lang = _lang()
    scen = st.selectbox(
        t("stress.scenario", lang), data.scenario_ids, format_func=_scenario_label(data), key="ttx_scenario"
    )
    c1, c2 = st.columns(2)
    horizon = int(c1.number_input(t("stress.months", lang), 1, 60, 12, key="ttx_horizon"))
    kind = c2.selectbox(
        t("stress.ttx.portfolio", lang),
        [NOTHING, OPTIMAL],
        format_func=lambda k: vocab("stress_portfolio", k, lang),
        key="ttx_portfolio",
    )
    from prioritizer.app import auth_gate

    who = st.text_input(
        t("stress.ttx.facilitator", lang), value=auth_gate.identity().display_name, key="ttx_facilitator"
    )
    purpose = st.text_input(t("stress.ttx.purpose", lang), key="ttx_purpose")
    if st.button(t("stress.ttx.start", lang), key="ttx_start"):
        if not who.strip():
            st.warning(t("stress.ttx.need_who", lang))
            return
        try:
            ex = Exercise.start(
                state.case(),
                scen,
                horizon=horizon,
                portfolio=_portfolio(kind).to_params(),
                facilitator=who.strip(),
                purpose=purpose.strip(),
            )
            st.session_state["ttx"] = ex
            st.session_state["ttx_runs"] = []
            _record(ex)
            st.rerun()
        except PrioritizerError as exc:
            state.show_error(exc)


def _inject_form(ex: Exercise) -> None:
    lang = _lang()
    d = ex.data
    with st.expander(t("stress.ttx.inject", lang), expanded=True):
        typ = st.selectbox(
            t("stress.ttx.event_type", lang),
            list(EVENT_TYPES),
            format_func=lambda k: vocab("stress_event", k, lang),
            key="ttx_ev_type",
        )
        c1, c2, c3 = st.columns(3)
        good = c1.selectbox(t("stress.ttx.good", lang), d.good_ids, key="ttx_ev_good")
        partner = c2.text_input(t("stress.ttx.partner", lang), key="ttx_ev_partner")
        loss = c3.number_input(t("stress.ttx.loss", lang), 0.0, 1.0, 0.8, key="ttx_ev_loss")
        units = c1.number_input(t("stress.ttx.units", lang), 0.0, value=0.0, key="ttx_ev_units")
        surge = c2.number_input(t("stress.ttx.surge", lang), 1.0, value=2.0, key="ttx_ev_surge")
        note = c3.text_input(t("stress.ttx.note", lang), key="ttx_ev_note")
        if st.button(t("stress.ttx.add_event", lang), key="ttx_inject"):
            fields: dict[str, Any] = {"loss": loss} if typ in ("escalation", "join") else {}
            if typ == "join":
                fields["partner"] = partner
            if typ in RESPONSES:
                fields.update(good_id=good, units=units)
            if typ == "ally_offer":
                fields["partner"] = partner
            if typ == "top_up":
                fields["surge"] = surge
            if note:
                fields["note"] = note
            _do(lambda ex: ex.inject(typ, **fields))


def _decision_form(ex: Exercise) -> None:
    lang = _lang()
    with st.expander(t("stress.ttx.decision", lang), expanded=True):
        c1, c2 = st.columns(2)
        who = c1.text_input(t("stress.ttx.who", lang), key="ttx_who")
        why = c2.text_input(t("stress.ttx.why", lang), key="ttx_why")
        what = st.text_input(t("stress.ttx.what", lang), key="ttx_what")
        act = st.selectbox(
            t("stress.ttx.action", lang),
            ["none", *sorted(RESPONSES)],
            format_func=lambda k: (
                t("stress.ttx.no_action", lang) if k == "none" else vocab("stress_event", k, lang)
            ),
            key="ttx_act_type",
        )
        c1, c2, c3 = st.columns(3)
        good = c1.selectbox(t("stress.ttx.good", lang), ex.data.good_ids, key="ttx_act_good")
        units = c2.number_input(t("stress.ttx.units", lang), 0.0, value=0.0, key="ttx_act_units")
        surge = c3.number_input(t("stress.ttx.surge", lang), 1.0, value=2.0, key="ttx_act_surge")
        partner = c1.text_input(t("stress.ttx.partner", lang), key="ttx_act_partner")
        if st.button(t("stress.ttx.add_decision", lang), key="ttx_decide"):
            if not who.strip() or not why.strip():
                st.warning(t("stress.ttx.need_who", lang))
                return
            action = None
            if act != "none":
                action = {"type": act, "good_id": good, "units": units}
                if act == "top_up":
                    action["surge"] = surge
                if act == "ally_offer":
                    action["partner"] = partner
            _do(lambda ex: ex.decide(who, why, what, action))


def _show(result: dict[str, Any], prefix: str = "ttx") -> None:
    lang = _lang()
    key = f"text_{lang}"
    st.plotly_chart(ttx_timeline(result, lang=lang), key=f"{prefix}_chart")
    st.markdown(f"**{t('stress.ttx.outcome', lang)}** — {result['outcome'][key]}")
    if result["events"]:
        st.markdown(f"**{t('stress.ttx.events', lang)}**")
        st.dataframe(
            pd.DataFrame({t("stress.col.event", lang): [e[key] for e in result["events"]]}),
            hide_index=True,
            key=f"{prefix}_events_table",
        )
    if result["decisions"]:
        st.markdown(f"**{t('stress.ttx.decisions', lang)}**")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("stress.col.month", lang): d["month"],
                        t("stress.col.who", lang): d["who"],
                        t("stress.col.why", lang): d["why"],
                        t("stress.col.decision", lang): d["text"],
                    }
                    for d in result["decisions"]
                ]
            ),
            hide_index=True,
            key=f"{prefix}_decisions_table",
        )


def _tabletop(data: Any) -> None:
    lang = _lang()
    st.subheader(t("stress.ttx.title", lang))
    st.caption(t("stress.ttx.help", lang))
    ex: Exercise | None = st.session_state.get("ttx")
    if ex is None:
        _start(data)
    else:
        st.markdown(f"**{t('stress.ttx.month', lang, month=ex.month, horizon=ex.horizon)}**")
        if ex.finished:
            st.info(t("stress.ttx.done", lang))
        else:
            c1, c2 = st.columns(2)
            if c1.button(t("stress.ttx.advance", lang), key="ttx_advance"):
                _do(lambda ex: ex.step())
            if c2.button(t("stress.ttx.finish", lang), key="ttx_finish"):
                _do(lambda ex: ex.finish())
            if not ex.finished:
                _inject_form(ex)
                _decision_form(ex)
        if st.session_state.get("ttx_last_run"):
            st.caption(t("stress.ttx.recorded", lang, run_id=st.session_state["ttx_last_run"]))
        _show(ex.result())
    _replay()


def _replay() -> None:
    lang = _lang()
    st.subheader(t("stress.ttx.replay", lang))
    from prioritizer import door
    from prioritizer.app import auth_gate

    who = auth_gate.caller()
    try:
        runs = [s.run_id for s in door.visible_runs(who, command="ttx", limit=50)]
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    if not runs:
        st.caption(t("stress.ttx.none_recorded", lang))
        return
    rid = st.selectbox(t("stress.ttx.replay", lang), runs, key="ttx_replay_run")
    if st.button(t("stress.ttx.replay_button", lang), key="ttx_replay"):
        try:
            rep = door.replay(who, rid)
        except PrioritizerError as exc:
            auth_gate.refused(exc)
            return
        st.session_state["ttx_replayed"] = {"run_id": rid, "identical": rep.identical, "n": rep.n_differences}
        if rep.identical:
            st.success(t("stress.ttx.replay_same", lang))
        else:
            st.error(t("stress.ttx.replay_differs", lang, n=rep.n_differences))
        _show(rep.result, prefix="ttx_replayed")


def page() -> None:
    lang = _lang()
    st.header(t("page.stress", lang))
    try:
        data = build(state.case())
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    try:
        _comparison(data)
    except PrioritizerError as exc:
        state.show_error(exc)
    _tabletop(data)
