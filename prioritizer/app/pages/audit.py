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
    if ids:
        from prioritizer.app import review

        review.section(store, ids)
        _report(ids)
    st.subheader(state.tr("audit.verify"))
    if st.button(state.tr("audit.verify")):
        rep = store.verify()
        if rep.ok:
            st.success(state.tr("audit.ok", n=rep.checked))
        else:
            st.error(state.tr("audit.broken", where=rep.first_broken))


def _report(ids: list[str]) -> None:
    """Justification report of a recorded run, built by the library and offered as a download."""
    import tempfile
    from pathlib import Path

    from prioritizer.reports import build_report

    st.subheader(state.tr("page.report"))
    c1, c2, c3 = st.columns(3)
    rid = c1.selectbox(state.tr("col.id"), ids, key="report-run")
    fmt = c2.selectbox("format", ["pdf", "html", "xlsx"], key="report-fmt")
    lang = c3.selectbox(
        state.tr("lang.label"), ["ja", "en"], index=0 if state.lang() == "ja" else 1, key="report-lang"
    )
    if st.button("報告書を作成 / Build report", key="report-build"):
        from prioritizer.app import review
        from prioritizer.audit import open_store

        if not review.may_export_run(open_store(st.session_state.get("db")), rid):
            return
        out = Path(tempfile.mkdtemp(prefix="prioritizer-report-")) / f"report-{rid}.{lang}.{fmt}"
        with st.spinner("…"):
            try:
                build_report(rid, fmt, lang, out, st.session_state.get("db"))  # type: ignore[arg-type]
            except PrioritizerError as exc:
                state.show_error(exc)
                return
        mime = {
            "pdf": "application/pdf",
            "html": "text/html",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }[fmt]
        st.download_button(
            state.tr("page.report") + f" ({fmt})",
            out.read_bytes(),
            file_name=out.name,
            mime=mime,
            key="report-download",
        )
