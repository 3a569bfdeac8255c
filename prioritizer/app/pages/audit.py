"""Audit: run log, diff of two runs in words, integrity verification."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from prioritizer.app import controller, state
from prioritizer.errors import PrioritizerError
from prioritizer.text import field, vocab


def page() -> None:
    lang = state.lang()
    from prioritizer import door
    from prioritizer.app import auth_gate

    who = auth_gate.caller()
    store = who.store
    try:
        # Runs above the reader's clearance are neither listed nor offered for a diff.
        runs = door.visible_runs(who, limit=200)
    except (PrioritizerError, ImportError) as exc:
        st.error(str(exc))
        return
    st.subheader(state.tr("audit.log"))
    log = pd.DataFrame([r if isinstance(r, dict) else vars(r) for r in runs])
    state.show_table(
        log,
        "audit_log" if not log.empty else None,
        columns=["run_id", "created_at", "command", "actor", "reason", "model_name", "method", "hash"],
        labels={"model_name": state.tr("audit.model")},
    )
    st.subheader(state.tr("audit.diff"))
    _linked_diff(who, lang)
    ids = list(log["run_id"]) if not log.empty else []
    if len(ids) >= 2:
        labels = controller.run_labels(runs, lang)
        c0, c1, c2 = st.columns([1, 2, 2])
        commands = list(dict.fromkeys(log["command"]))
        kind = c0.selectbox(
            field("command", lang), commands, format_func=lambda c: vocab("command", c, lang), key="diff-kind"
        )
        same = [r for r in ids if labels[r][1] == kind]
        if len(same) >= 2:
            # Like with like: both sides offer only runs of the chosen kind, newest first.
            a = c1.selectbox("A", same, index=1, key="diff-a", format_func=lambda r: labels[r][0])
            b = c2.selectbox("B", same, index=0, key="diff-b", format_func=lambda r: labels[r][0])
            if a != b:
                try:
                    st.markdown(door.diff(who, a, b).text(lang))
                except PrioritizerError as exc:
                    auth_gate.refused(exc)
        else:
            st.caption(state.tr("audit.need_two", kind=vocab("command", kind, lang)))
    if ids:
        from prioritizer.app import review

        review.section(who, ids)
        _report(ids)
    st.subheader(state.tr("audit.verify"))
    if st.button(state.tr("audit.verify")):
        door.enter(who, "audit.verify")
        rep = store.verify()
        if rep.ok:
            st.success(state.tr("audit.ok", n=rep.checked))
        else:
            st.error(state.tr("audit.broken", where=rep.first_broken))


def _linked_diff(who: Any, lang: str) -> None:
    """A diff named by a link (``?diff=R000001,R000002``), checked like any other: a run above the
    reader's clearance is refused, and the refusal recorded."""
    from prioritizer import door
    from prioritizer.app import auth_gate

    link = st.query_params.get("diff") or st.session_state.get("linked_diff") or ""
    pair = [x.strip() for x in str(link).split(",") if x.strip()]
    if len(pair) != 2:
        return
    try:
        st.markdown(door.diff(who, pair[0], pair[1]).text(lang))
    except PrioritizerError as exc:
        auth_gate.refused(exc)


def _report(ids: list[str]) -> None:
    """Justification report of a recorded run, built through the door and offered as a download."""
    st.subheader(state.tr("page.report"))
    c1, c2, c3 = st.columns(3)
    rid = c1.selectbox(state.tr("report.run"), ids, key="report-run")
    fmt = c2.selectbox(state.tr("report.format"), ["pdf", "html", "xlsx"], key="report-fmt")
    lang = c3.selectbox(
        state.tr("lang.label"),
        ["ja", "en"],
        index=0 if state.lang() == "ja" else 1,
        key="report-lang",
        format_func=lambda x: {"ja": "日本語", "en": "English"}[x],
    )
    if st.button(state.tr("action.build_report"), key="report-build"):
        from prioritizer.app import review

        review.report_download(rid, fmt, lang, "report-download")
