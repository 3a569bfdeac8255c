"""The app keeps a reader's filtered case per session, and filters again when the clearance changes.

The memo (``app/state.case``) took the load test's largest per-what-if cost away; what must hold
is that it never shows rows from a clearance the reader no longer has, nor hides rows from one
newly granted.
"""

from __future__ import annotations

from pathlib import Path

from _browser_sessions import tiered_case
from streamlit.testing.v1 import AppTest

import prioritizer.app.auth_gate as gate
import prioritizer.app.state as state
from prioritizer.auth.identity import Identity

ROOT = Path(__file__).resolve().parents[1]


def test_the_filtered_case_follows_the_clearance(tmp_path, monkeypatch):
    case = tiered_case(tmp_path / "case")  # pfas_alternatives is restricted
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PRIORITIZER_CASE", str(case))
    monkeypatch.setattr(state, "DEFAULT_CASE", case)  # read from the environment at import
    monkeypatch.setenv("PRIORITIZER_AUTH", "none")
    monkeypatch.setenv("PRIORITIZER_DB", f"sqlite:///{tmp_path / 'audit.sqlite'}")
    clearance = {"now": "public"}

    def reader() -> Identity:
        return Identity("reader", "Reader", "planner", "none", clearance["now"])

    monkeypatch.setattr(gate, "anonymous", reader)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["_visible_case"][1] == "public", at.session_state["_visible_case"][1]
    first = at.session_state["_visible_case"][2]
    assert "pfas_alternatives" not in set(first.goods["id"])
    at.run()  # same reader, same case: the same filtered case, not filtered again
    assert at.session_state["_visible_case"][2] is first
    clearance["now"] = "restricted"
    at.run()
    granted = at.session_state["_visible_case"][2]
    assert "pfas_alternatives" in set(granted.goods["id"])
    clearance["now"] = "public"  # clearance taken away: hidden again on the next rerun
    at.run()
    assert "pfas_alternatives" not in set(at.session_state["_visible_case"][2].goods["id"])
