"""Data: upload a case (CSV files or one XLSX); errors as a table; the previous case stays active."""

from __future__ import annotations

import streamlit as st

from prioritizer.app import controller, state
from prioritizer.case.types import TABLES


def page() -> None:
    lang = state.lang()
    files = st.file_uploader(
        state.tr("data.upload"), type=["csv", "xlsx", "yaml", "yml"], accept_multiple_files=True, key="upload"
    )
    if files and st.button("検証して読み込む / Validate and load"):
        outcome = controller.load_upload([(f.name, f.getvalue()) for f in files])
        if outcome.case is None:
            st.error(state.tr("data.errors"))
            st.dataframe(state.issues_frame(outcome.issues), hide_index=True, width="stretch")
        else:
            st.session_state["uploaded_case"] = outcome.case
            st.session_state["baseline"] = None
            st.success(state.tr("data.loaded"))
    if st.session_state.get("uploaded_case") is not None and st.button(
        "既定ケースに戻す / Back to the default case"
    ):
        st.session_state["uploaded_case"] = None
        st.rerun()
    case = state.case()
    st.subheader(f"{state.tr('data.active')}: {case.name}")
    st.write({t: n for t, n in case.counts().items()})
    for table in TABLES:
        df = case.table(table)
        if df is not None:
            with st.expander(f"{table} ({len(df)})", expanded=table == "goods"):
                st.dataframe(df, hide_index=True, width="stretch")
    if case.digests:
        with st.expander("SHA-256" if lang == "en" else "入力ファイルのハッシュ (SHA-256)"):
            st.json(case.digests)
