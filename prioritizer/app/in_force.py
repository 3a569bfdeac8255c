"""Which weights are in force, on the pages that compute with them (ranking, allocation, committee).

The case's adopted weights (:mod:`prioritizer.auth.adoption`) apply to every ranking and
allocation of the app unless the planner is trying weights of their own on the weights page;
:func:`banner` says which of the three it is and where the adopted weights came from.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from prioritizer.app import state
from prioritizer.dates import jst_text


def current() -> dict[str, Any]:
    """The active case's weights in force (all null when none were adopted)."""
    from prioritizer.app.auth_gate import caller
    from prioritizer.auth.adoption import current as cur

    try:
        return cur(caller().store, state.case())
    except Exception:  # the page still draws with the model's weights; the banner says so
        return cur(None, state.case())


def apply(params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with the weights in force unless the session chose its own (weights page)."""
    from prioritizer.auth.adoption import with_weights_in_force

    if st.session_state.get("weights") or params.get("weights") or params.get("model"):
        return params
    return with_weights_in_force(params, current())


def banner() -> None:
    """「使用中の重み: 委員会が採用（記録 …、佐藤 花子、2026年12月4日 15:30）」 or the model's, or the session's."""
    lang = state.lang()
    if st.session_state.get("weights"):
        st.info(state.tr("inforce.session"))
        return
    cur = current()
    if not cur.get("source_run"):
        st.caption(state.tr("inforce.model"))
        return
    st.info(
        state.tr(
            "inforce.adopted",
            run=cur["source_run"],
            who=cur.get("adopted_by_name") or cur.get("adopted_by") or "—",
            when=jst_text(cur.get("adopted_at"), lang),
            reason=cur.get("reason") or "—",
        )
    )
