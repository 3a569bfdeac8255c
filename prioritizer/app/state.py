"""Session state and cached access to cases and runs (the app's only shared state)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from prioritizer.app import controller
from prioritizer.case import Case

if TYPE_CHECKING:
    from prioritizer.runs import Run
from prioritizer.text import DEFAULT_LANG, Lang, t
from prioritizer.text.tables import present

DEFAULT_CASE = Path(os.environ.get("PRIORITIZER_CASE", "inputs/default"))


def init() -> None:
    """Initialise session state once, at the top of every rerun (Streamlit example-app style)."""
    ss = st.session_state
    ss.setdefault("lang", DEFAULT_LANG)
    ss.setdefault("case_path", str(DEFAULT_CASE))
    ss.setdefault("case_error", None)
    ss.setdefault("weights", None)  # criterion -> weight overrides; None = the model's own
    ss.setdefault("method", None)
    ss.setdefault("normalisation", None)
    ss.setdefault("baseline", None)  # rank result dict the planner compares against
    ss.setdefault("alloc_params", {})
    ss.setdefault("saved", [])  # [(label, command, result)] for the Compare page
    ss.setdefault("db", os.environ.get("PRIORITIZER_DB"))


def lang() -> Lang:
    return st.session_state.get("lang", DEFAULT_LANG)


def tr(key: str, **fmt: object) -> str:
    return t(key, lang(), **fmt)


@st.cache_resource(show_spinner=False, max_entries=8)
def _load(path: str, mtime_key: float) -> Case:
    from prioritizer import door

    # The whole case, shared by the server's sessions; pages read it only through case().
    return door.load_whole(Path(path))


def _mtime(path: Path) -> float:
    if path.is_dir():
        return max((p.stat().st_mtime for p in path.iterdir()), default=0.0)
    return path.stat().st_mtime if path.exists() else 0.0


def case() -> Case:
    """The active case as the signed-in reader may see it (rows at or below its clearance)."""
    from prioritizer import door
    from prioritizer.app.auth_gate import caller

    who = caller()
    full = full_case()
    clearance = who.identity.effective_clearance
    # Filtering costs ~45 ms CPU on the default case and a page asks for the case five or six
    # times a rerun (issue 27 load test: the largest cost per what-if). The filtered case is kept
    # per session for the same whole case and clearance; either changing filters again.
    memo = st.session_state.get("_visible_case")
    if memo is not None and memo[0] is full and memo[1] == clearance:
        return memo[2]
    shown = door.visible(who, full)
    st.session_state["_visible_case"] = (full, clearance, shown)
    return shown


def full_case() -> Case:
    """The active case (uploads replace it only when they validate)."""
    ss = st.session_state
    uploaded = ss.get("uploaded_case")
    if uploaded is not None:
        return uploaded
    p = Path(ss["case_path"])
    return _load(str(p.resolve()), _mtime(p))


@st.cache_resource(show_spinner=False, max_entries=64)
def _compute(key: str, _caller: Any, _case: Case, command: str, params_json: str) -> Run:
    import json

    # ``key`` covers the case's (filtered) digests and the params, so readers of different
    # clearances never share a result
    return controller.compute(_caller, _case, command, json.loads(params_json))


def run(command: str, params: dict[str, Any]) -> Run:
    """Compute (or reuse) the Run for this scenario: cached by the scenario hash."""
    import json

    from prioritizer.app.auth_gate import caller

    c = case()
    key = controller.params_key(c, command, params)
    return _compute(key, caller(), c, command, json.dumps(params, sort_keys=True, ensure_ascii=False))


def rank_params() -> dict[str, Any]:
    ss = st.session_state
    p: dict[str, Any] = {}
    if ss.get("method"):
        p["method"] = ss["method"]
    if ss.get("normalisation"):
        p["normalisation"] = ss["normalisation"]
    if ss.get("weights"):
        p["weights"] = dict(ss["weights"])
        if ss.get("judgements"):
            p["judgements"] = ss["judgements"]
    from prioritizer.app import in_force  # the committee's adopted weights unless the session's

    return in_force.apply(p)


def multiselect(container: Any, label: str, options: Any, **kw: Any) -> Any:
    """``multiselect`` whose empty-box prompt speaks the reader's language (Streamlit's is English)."""
    kw.setdefault("placeholder", tr("widget.choose"))
    return container.multiselect(label, options, **kw)


def show_table(df: Any, name: str | None = None, *, height: int | None = None, **kw: Any) -> Any:
    """A table as the reader sees it (localised headers, text cells) and, with ``name``, its CSV.

    The download is the same presented table, so an export says what the page says.
    """
    shown = present(df, lang(), **kw)
    args: dict[str, Any] = {"hide_index": True, "width": "stretch"}
    if height:
        args["height"] = height
    st.dataframe(shown, **args)
    if name:
        download(shown, name)
    return shown


def download(df: Any, name: str) -> None:
    from prioritizer.csvsafe import to_csv

    # an export people open in Excel: text that would run as a formula is neutralised (csvsafe.py)
    st.download_button(
        tr("download.csv"),
        to_csv(df).encode("utf-8-sig"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"dl-{name}",
    )


def alloc_params() -> dict[str, Any]:
    # Interactive what-ifs explain from the fixed LP and the LP relaxation (fast); the full
    # forced in/out re-solves run when the planner asks for them.
    p = {"explain": "full" if st.session_state.get("explain_full") else "prices"}
    p.update(st.session_state.get("alloc_params") or {})
    if st.session_state.get("weights"):
        p["weights"] = dict(st.session_state["weights"])
    from prioritizer.app import in_force  # the committee's adopted weights unless the session's

    return in_force.apply(p)


def criteria_labels(run: Run) -> dict[str, str]:
    """criterion id -> label in the current language, from the model snapshot stored in the Run."""
    model = run.output.model or {}
    key = "label_ja" if lang() == "ja" else "label_en"
    return {c["id"]: c.get(key) or c["id"] for c in model.get("criteria", [])}


def show_error(exc: Exception) -> None:
    """Errors as messages with the issue table, never a traceback."""
    from prioritizer.errors import InputError

    if isinstance(exc, InputError):
        # the library's summary is English ("3 problems found in the input"): say it in the
        # reader's language; the table below names each problem
        st.error(tr("error.input_summary", n=len(exc.issues)))
        st.dataframe(issues_frame(exc.issues), hide_index=True, width="stretch")
    else:
        st.error(str(exc))


def issues_frame(issues: list) -> Any:
    import pandas as pd

    cols = ["file", "row", "column", "value", "message"]
    return present(pd.DataFrame([i.as_dict() for i in issues], columns=cols), lang())
