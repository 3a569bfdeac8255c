"""Audit: run log, diff of two runs in words, integrity verification."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from prioritizer.app import state
from prioritizer.errors import PrioritizerError


def page() -> None:
    lang = state.lang()
    try:
        from prioritizer.audit import open_store

        store = open_store(st.session_state.get("db"))
        runs = store.runs(limit=200)
    except (PrioritizerError, ImportError) as exc:
        st.error(str(exc))
        return
    st.subheader(state.tr("audit.log"))
    log = pd.DataFrame([r if isinstance(r, dict) else vars(r) for r in runs])
    st.dataframe(log, hide_index=True, width="stretch")
    if not log.empty:
        state.download(log, "audit_log")
    st.subheader(state.tr("audit.diff"))
    ids = list(log["run_id"]) if not log.empty else []
    if len(ids) >= 2:
        c1, c2 = st.columns(2)
        a = c1.selectbox("A", ids, index=1, key="diff-a")
        b = c2.selectbox("B", ids, index=0, key="diff-b")
        if a != b:
            try:
                st.markdown(store.diff(a, b).text(lang))
            except PrioritizerError as exc:
                st.error(str(exc))
    st.subheader(state.tr("audit.verify"))
    if st.button(state.tr("audit.verify")):
        rep = store.verify()
        if rep.ok:
            st.success(state.tr("audit.ok", n=rep.checked))
        else:
            st.error(state.tr("audit.broken", where=rep.first_broken))
