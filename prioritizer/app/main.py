"""Page declaration (st.navigation), language switch and the save-scenario form."""

from __future__ import annotations

import streamlit as st

from prioritizer.app import state
from prioritizer.app.pages import (
    allocation,
    audit,
    compare,
    data,
    monitoring,
    ranking,
    robustness,
    studies,
    weights,
)
from prioritizer.errors import PrioritizerError


def _language() -> None:
    # Read before anything is drawn so every label of this run is in the chosen language.
    with st.sidebar:
        choice = st.radio(
            "表示言語 / Language",
            ["日本語", "English"],
            index=0 if state.lang() == "ja" else 1,
            horizontal=True,
            key="lang_radio",
        )
    st.session_state["lang"] = "ja" if choice == "日本語" else "en"


def _sidebar() -> None:
    with st.sidebar:
        try:
            c = state.case()
            st.caption(f"{state.tr('data.active')}: {c.name}")
        except PrioritizerError:
            st.caption(state.tr("data.errors"))
        _save_form()


def _save_form() -> None:
    """Saving a scenario records the current ranking and allocation Runs with who and why."""
    from prioritizer.app import controller

    with st.expander(state.tr("save.title")), st.form("save-scenario", clear_on_submit=False):
        actor = st.text_input(state.tr("save.actor"), key="save_actor")
        reason = st.text_area(state.tr("save.reason"), key="save_reason")
        if st.form_submit_button(state.tr("save.button")):
            if not actor.strip() or not reason.strip():
                st.warning(state.tr("save.need_both"))
                return
            try:
                ids = []
                for command, params in (("rank", state.rank_params()), ("allocate", state.alloc_params())):
                    run = state.run(command, params)
                    ids.append(controller.record(run, actor, reason, st.session_state.get("db")))
                    st.session_state["saved"].append((ids[-1], command, run.result))
                st.success(state.tr("save.done", run_id=", ".join(ids)))
            except PrioritizerError as exc:
                st.error(str(exc))


def main() -> None:
    st.set_page_config(page_title="prioritizer", page_icon="🛡️", layout="wide")
    state.init()
    _language()
    st.title(state.tr("app.title"))
    # ``start_page`` lets a link or a test open the app on a given page.
    start = st.session_state.get("start_page", "ranking")
    spec = [
        (ranking.page, "page.ranking", "ranking"),
        (weights.page, "page.weights", "weights"),
        (allocation.page, "page.allocation", "allocation"),
        (compare.page, "page.compare", "compare"),
        (robustness.page, "page.robustness", "robustness"),
        (monitoring.page, "page.monitoring", "monitoring"),
        (audit.page, "page.audit", "audit"),
        (data.page, "page.data", "data"),
        (studies.page, "page.studies", "studies"),
    ]
    pages = [
        st.Page(fn, title=state.tr(key), url_path=path, default=(path == start)) for fn, key, path in spec
    ]
    nav = st.navigation(pages)
    _sidebar()
    nav.run()
