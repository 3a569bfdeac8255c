"""Data: upload a case (CSV files or one XLSX); errors as a table; the previous case stays active."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from prioritizer.app import controller, state
from prioritizer.case.types import TABLES
from prioritizer.text import field
from prioritizer.text.tables import present


def page() -> None:
    lang = state.lang()
    files = st.file_uploader(
        state.tr("data.upload"), type=["csv", "xlsx", "yaml", "yml"], accept_multiple_files=True, key="upload"
    )
    if files and st.button(state.tr("action.validate_load")):
        outcome = controller.load_upload([(f.name, f.getvalue()) for f in files])
        if outcome.case is None:
            st.error(state.tr("data.errors"))
            st.dataframe(state.issues_frame(outcome.issues), hide_index=True, width="stretch")
        else:
            st.session_state["uploaded_case"] = outcome.case
            st.session_state["baseline"] = None
            st.success(state.tr("data.loaded"))
    if st.session_state.get("uploaded_case") is not None and st.button(state.tr("action.back_default")):
        st.session_state["uploaded_case"] = None
        st.rerun()
    case = state.case()
    st.subheader(f"{state.tr('data.active')}: {case.name}")
    counts = case.counts()
    st.caption(
        state.tr("data.counts") + ": " + " · ".join(f"{TABLES.get(t, t)} {n:,}" for t, n in counts.items())
    )
    for table, fname in TABLES.items():
        df = case.table(table)
        if df is not None:
            with st.expander(f"{fname}（{len(df):,}）", expanded=table == "goods"):
                # The planner edits these files, so the header also names the column itself.
                st.dataframe(present(df, lang, show_keys=True), hide_index=True, width="stretch")
    if case.digests:
        with st.expander(state.tr("data.digests")):
            st.dataframe(
                pd.DataFrame(
                    {field("file", lang): list(case.digests), "SHA-256": list(case.digests.values())}
                ),
                hide_index=True,
                width="stretch",
            )
