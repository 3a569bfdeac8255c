"""Page declaration (st.navigation), language switch and the save-scenario form."""

from __future__ import annotations

import streamlit as st

from prioritizer.app import auth_gate, state
from prioritizer.app.pages import (
    allocation,
    audit,
    committee,
    compare,
    data,
    decision,
    monitoring,
    ranking,
    robustness,
    stress,
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
    from prioritizer.auth.roles import allowed

    ident = auth_gate.identity()
    if not allowed(ident, "save_run"):
        # The service refuses anyway (and records it); the form is not offered.
        st.caption(state.tr("auth.cannot_save"))
        return
    with st.expander(state.tr("save.title")), st.form("save-scenario", clear_on_submit=False):
        # The author is the signed-in identity; it cannot be typed in.
        st.caption(f"{state.tr('auth.author')}: {ident.display_name}")
        reason = st.text_area(state.tr("save.reason"), key="save_reason")
        if st.form_submit_button(state.tr("save.button")):
            if not reason.strip():
                st.warning(state.tr("auth.need_reason"))
                return
            try:
                ids = []
                # Both runs are computed before either is recorded: an allocation that fails (bad
                # input) must not leave the ranking saved alone, half a scenario in the trail.
                runs = [
                    (command, state.run(command, params))
                    for command, params in (("rank", state.rank_params()), ("allocate", state.alloc_params()))
                ]
                for command, run in runs:
                    ids.append(controller.save(auth_gate.caller(), run, reason))
                    st.session_state["saved"].append((ids[-1], command, run.result))
                st.success(state.tr("save.done", run_id=", ".join(ids)))
            except PrioritizerError as exc:
                auth_gate.refused(exc)


#: every page: (draw function, title key, URL path) — the menu's order
PAGE_SPEC = [
    (decision.page, "page.decision", "decision"),
    (ranking.page, "page.ranking", "ranking"),
    (weights.page, "page.weights", "weights"),
    (allocation.page, "page.allocation", "allocation"),
    (compare.page, "page.compare", "compare"),
    (robustness.page, "page.robustness", "robustness"),
    (monitoring.page, "page.monitoring", "monitoring"),
    (committee.page, "page.committee", "committee"),
    (audit.page, "page.audit", "audit"),
    (data.page, "page.data", "data"),
    (stress.page, "page.stress", "stress"),
    (studies.page, "page.studies", "studies"),
]
#: the URL path of every page (tests open each one)
PAGE_PATHS = tuple(path for _fn, _key, path in PAGE_SPEC)


def main() -> None:
    st.set_page_config(page_title="prioritizer", page_icon="🛡️", layout="wide")
    state.init()
    _language()
    st.title(state.tr("app.title"))
    # A shared link to a diff (``?diff=R1,R2``) survives the sign-in form: it is kept for the
    # audit page, which checks it through the door like any other request.
    if st.query_params.get("diff") and "linked_diff" not in st.session_state:
        st.session_state["linked_diff"] = str(st.query_params.get("diff"))
        st.session_state["start_page"] = "audit"
    # Nothing below this line runs (no case is loaded, no page drawn) until a session is signed in.
    auth_gate.require()
    auth_gate.tier_banner()
    # ``start_page`` lets a link or a test open the app on a given page.
    # A committee member opens on the decision under review; everyone else on the ranking.
    start = st.session_state.get("start_page") or (
        "decision" if auth_gate.identity().role == "committee" else "ranking"
    )
    pages = [st.Page(fn, title=state.tr(key), url_path=path) for fn, key, path in PAGE_SPEC]
    # Streamlit serves its default page at "/" only, so a default page named "ranking" made
    # the deep link /ranking "Page not found". The root is an unlisted page showing the start
    # page, every page keeps its own path, and the menu is drawn with page links.
    start_fn, start_key = next((fn, key) for fn, key, path in PAGE_SPEC if path == start)
    home = st.Page(start_fn, title=state.tr(start_key), url_path="home", default=True)
    nav = st.navigation([home, *pages], position="hidden")
    with st.sidebar:
        for p in pages:
            st.page_link(p, label=p.title)
    _sidebar()
    nav.run()
