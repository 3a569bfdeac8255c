"""Committee home: the decision under review, its approvals against the quorum, what changed since
the last decision, the weights in force and the report — the first page a committee member sees."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from prioritizer.app import auth_gate, decisions, in_force, review, state
from prioritizer.auth.roles import allowed
from prioritizer.dates import jst_text
from prioritizer.errors import PrioritizerError
from prioritizer.spend import benefit_of, spent_total
from prioritizer.text import fmt_num, fmt_oku, vocab


def page() -> None:
    lang = state.lang()
    st.header(state.tr("home.title"))
    try:
        from prioritizer import door

        # decisions above the reader's clearance are neither listed nor compared
        who = auth_gate.caller()
        store = door.cleared(who)
        policy = state.case().policy
        view = decisions.home(store, policy)
        names = decisions.display_names(store)
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    history = view["history"]
    if not history:
        st.info(state.tr("home.none"))
        _weights(lang)
        return
    labels = {r.run_id: decisions.describe(r, names, lang) for r in history}
    rid = st.selectbox(
        state.tr("home.pick"), list(labels), index=0, format_func=labels.get, key="home-decision"
    )
    if rid != history[0].run_id:  # an earlier decision, reviewed the same way
        from prioritizer.auth.decisions import approval_status

        status = approval_status(store, rid, policy)
        pos = [r.run_id for r in history].index(rid)
        last = history[pos + 1] if pos + 1 < len(history) else None
    else:
        status, last = view["status"], view["last_decision"]
    run = store.get(rid)
    _figures(run.result, lang)
    _status(status, lang)
    _act(store, rid)
    _changes(store, last, rid, names, lang)
    _weights(lang)
    _report(store, rid, last.run_id if last is not None else None)


def _figures(res: dict[str, Any], lang: str) -> None:
    c1, c2, c3 = st.columns(3)
    c1.metric(state.tr("alloc.spent"), fmt_oku(spent_total(res), lang))  # type: ignore[arg-type]
    c2.metric(state.tr("home.benefit"), fmt_num(benefit_of(res), lang, 1))  # type: ignore[arg-type]
    att = res.get("target_attainment") or {}
    if att.get("total"):
        c3.metric(state.tr("home.targets"), f"{att['met']} / {att['total']}")
    st.caption(state.tr("alloc.benefit_hint"))


def _status(status: dict[str, Any], lang: str) -> None:
    st.subheader(state.tr("home.status"))
    word = state.tr(f"home.status.{status['status']}")
    text = state.tr(
        "home.quorum",
        status=word,
        n=len(status["approvals"]),
        quorum=status["quorum"],
        source=state.tr(f"home.quorum_source.{status['quorum_source']}"),
    )
    (
        st.success
        if status["status"] == "approved"
        else st.error
        if status["status"] == "rejected"
        else st.warning
    )(text)
    rows = [
        {
            state.tr("auth.author"): a["display_name"],
            state.tr("review.role"): vocab("role", a.get("role"), lang),  # type: ignore[arg-type]
            state.tr("review.decision"): vocab("decision", a.get("decision"), lang),  # type: ignore[arg-type]
            state.tr("review.note"): a.get("note") or "",
            state.tr("home.when"): jst_text(a["at"], lang),
        }
        for a in status["approvals"] + status["rejections"]
    ]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if status["comments"]:
        st.markdown(f"**{state.tr('home.comments')}**")
        for c in status["comments"]:
            st.markdown(f"- {c['display_name']}（{jst_text(c['at'], lang)}）: {c['text']}")


def _act(store: Any, rid: str) -> None:
    """Approve, reject or comment — the services check the right and record the act."""
    ident = auth_gate.identity()
    lang = state.lang()
    if not (allowed(ident, "comment") or allowed(ident, "approve")):
        return
    with st.form("home-act", clear_on_submit=True):
        text = st.text_area(state.tr("home.comment_or_note"), key="home-text")
        choices = ["comment"] + (["approve", "reject"] if allowed(ident, "approve") else [])
        what = st.radio(
            state.tr("review.decision"),
            choices,
            horizontal=True,
            format_func=lambda x: (
                state.tr("home.act.comment") if x == "comment" else vocab("decision", x, lang)
            ),  # type: ignore[arg-type]
            key="home-what",
        )
        if st.form_submit_button(state.tr("review.record_decision")):
            try:
                from prioritizer import door

                who = auth_gate.caller()
                if what == "comment":
                    door.comment(who, rid, text)
                else:
                    door.approve(who, rid, what, text)
                st.rerun()
            except PrioritizerError as exc:
                auth_gate.refused(exc)


def _changes(store: Any, last: Any, rid: str, names: dict[str, str], lang: str) -> None:
    st.subheader(state.tr("home.changes"))
    if last is None:
        st.caption(state.tr("home.first"))
        return
    st.caption(state.tr("home.against", what=decisions.describe(last, names, lang)))
    try:
        st.markdown(store.diff(last.run_id, rid).text(lang))
    except PrioritizerError as exc:
        state.show_error(exc)


def _weights(lang: str) -> None:
    st.subheader(state.tr("home.weights"))
    in_force.banner()
    cur = in_force.current()
    if cur.get("weights"):
        try:
            run = state.run("rank", state.rank_params())
            labels = state.criteria_labels(run)
        except PrioritizerError:
            labels = {}
        total = sum(cur["weights"].values()) or 1.0
        st.dataframe(
            pd.DataFrame([{labels.get(c, c): f"{100 * w / total:.1f}%" for c, w in cur["weights"].items()}]),
            hide_index=True,
            width="stretch",
        )


def _report(store: Any, rid: str, against: str | None) -> None:
    """The justification report of the decision (with what changed since the last one)."""
    st.subheader(state.tr("page.report"))
    lang = state.lang()
    c1, c2 = st.columns(2)
    fmt = c1.selectbox(state.tr("report.format"), ["pdf", "html", "xlsx"], key="home-report-fmt")
    if c2.button(state.tr("action.build_report"), key="home-report-build"):
        review.report_download(rid, fmt, lang, "home-dl", against=against)
