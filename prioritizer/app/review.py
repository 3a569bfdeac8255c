"""Comments and approvals on recorded runs (drawn on the audit page; services do the checking)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from prioritizer import door
from prioritizer.app import auth_gate, state
from prioritizer.auth.roles import allowed
from prioritizer.errors import PrioritizerError
from prioritizer.text import t, vocab


def section(who: Any, ids: list[str]) -> None:
    lang = state.lang()
    st.subheader(state.tr("review.title"))
    if not ids:
        return
    from prioritizer.app.decisions import display_names
    from prioritizer.app.views import run_labels

    labels = run_labels(
        [r for r in door.visible_runs(who, limit=200) if r.run_id in set(ids)], lang, display_names(who.store)
    )
    rid = st.selectbox(
        state.tr("review.run"), ids, key="review-run", format_func=lambda r: labels.get(r, (r, ""))[0]
    )
    events = door.discussion(who, rid)
    if events:
        rows = [
            {
                state.tr("auth.author"): (e.get("identity") or {}).get("display_name") or e["actor"],
                "role": vocab("role", (e.get("identity") or {}).get("role"), lang),
                state.tr("review.decision"): vocab("decision", e["detail"].get("decision"), lang),
                state.tr("review.comment"): e["detail"].get("text") or e["detail"].get("note") or "",
                "at": e["at"][:19].replace("T", " "),
            }
            for e in events
        ]
        df = pd.DataFrame(rows).rename(columns={"role": t("review.role", lang), "at": t("review.at", lang)})
        st.dataframe(df, hide_index=True, width="stretch")
    else:
        st.caption(state.tr("review.none"))
    ident = who.identity
    try:
        if allowed(ident, "comment"):
            text = st.text_area(state.tr("review.comment"), key="review-text")
            if st.button(state.tr("review.add_comment"), key="review-comment"):
                seq = door.comment(who, rid, text)
                st.success(state.tr("review.done", seq=seq))
        if allowed(ident, "approve"):
            c1, c2 = st.columns([1, 3])
            decision = c1.radio(
                state.tr("review.decision"),
                ["approve", "reject"],
                format_func=lambda x: vocab("decision", x, lang),
                key="review-decision",
            )
            note = c2.text_input(state.tr("review.note"), key="review-note")
            if st.button(state.tr("review.record_decision"), key="review-approve"):
                seq = door.approve(who, rid, decision, note)
                st.success(state.tr("review.done", seq=seq))
    except PrioritizerError as exc:
        auth_gate.refused(exc)


REPORT_MIME = {
    "pdf": "application/pdf",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def report_download(run_id: str, fmt: str, lang: str, key: str, against: str | None = None) -> None:
    """Build the report of ``run_id`` through the door (refused and recorded above the reader's
    clearance; the export recorded) and offer it as a download; a refusal is shown in words."""
    import tempfile
    from pathlib import Path

    out = Path(tempfile.mkdtemp(prefix="prioritizer-report-")) / f"report-{run_id}.{lang}.{fmt}"
    with st.spinner("…"):
        try:
            door.report(auth_gate.caller(), run_id, fmt, lang, out, against=against)
        except PrioritizerError as exc:
            auth_gate.refused(exc)
            return
    st.download_button(
        state.tr("page.report") + f" ({fmt})",
        out.read_bytes(),
        file_name=out.name,
        mime=REPORT_MIME[fmt],
        key=key,
    )
