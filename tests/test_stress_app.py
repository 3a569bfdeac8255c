"""AppTest: the stress page — portfolio comparison and a 12-step tabletop exercise, recorded and replayed.

Runs the real app script against the default case and a real SQLite audit store (temp file).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from prioritizer.audit import open_store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PRIORITIZER_CASE", str(ROOT / "inputs" / "default"))
    monkeypatch.setenv("PRIORITIZER_AUTH", "none")  # one person on a laptop: sign-in off
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.setenv("PRIORITIZER_DB", url)
    return url


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["start_page"] = "stress"
    at.run()
    assert not at.exception, at.exception
    return at


def _click(at: AppTest, key: str) -> None:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def test_page_compares_portfolios_in_japanese(db):
    at = _app()
    assert any("ストレステスト・机上演習" in h.value for h in at.header)
    table = at.dataframe[0].value
    assert list(table.iloc[:, 0]) == ["対策なし", "現在の最適配分"]
    at.selectbox(key="stress_scenario").set_value("s_cn_gallium").run()
    assert not at.exception
    # with no action the gallium cut runs short; the optimal allocation stocks gallium
    table = at.dataframe[0].value
    assert table.iloc[0, 1] != "0"


def test_twelve_step_exercise_with_two_events_and_two_decisions_is_recorded_and_replays(db):
    at = _app()
    at.selectbox(key="ttx_scenario").set_value("s_cn_gallium")
    at.text_input(key="ttx_facilitator").input("内閣府 演習統括")
    at.text_input(key="ttx_purpose").input("ガリウム途絶の机上演習")
    at.selectbox(key="ttx_portfolio").set_value("nothing")
    _click(at, "ttx_start")
    for month in range(12):
        if month == 2:
            at.selectbox(key="ttx_ev_type").set_value("escalation")
            at.number_input(key="ttx_ev_loss").set_value(0.7)
            _click(at, "ttx_inject")
        if month == 4:
            at.selectbox(key="ttx_ev_type").set_value("ally_offer")
            at.selectbox(key="ttx_ev_good").set_value("gallium")
            at.number_input(key="ttx_ev_units").set_value(20.0)
            at.text_input(key="ttx_ev_partner").input("USA")
            _click(at, "ttx_inject")
        if month == 5:
            at.text_input(key="ttx_who").input("経済産業省 課長")
            at.text_input(key="ttx_why").input("代替調達が立ち上がるまでの穴埋め")
            at.text_input(key="ttx_what").input("緊急調達を実施")
            at.selectbox(key="ttx_act_type").set_value("top_up")
            at.selectbox(key="ttx_act_good").set_value("gallium")
            at.number_input(key="ttx_act_units").set_value(15.0)
            at.number_input(key="ttx_act_surge").set_value(3.0)
            _click(at, "ttx_decide")
        if month == 7:
            at.text_input(key="ttx_who").input("外務省")
            at.text_input(key="ttx_why").input("同志国との相互融通を継続")
            at.text_input(key="ttx_what").input("追加の融通を要請しない")
            at.selectbox(key="ttx_act_type").set_value("none")
            _click(at, "ttx_decide")
        _click(at, "ttx_advance")
    _click(at, "ttx_finish")
    ex = at.session_state["ttx"]
    assert ex.month == 12 and ex.finished
    assert len(ex.events) == 2 and len(ex.decisions) == 2
    assert ex.decisions[0]["who"] == "経済産業省 課長"
    store = open_store(db)
    runs = store.runs(command="ttx")
    # start + 2 events + 2 decisions + 12 steps + finish, each kept
    assert len(runs) == 18
    last = store.get(at.session_state["ttx_last_run"])
    assert last.result["status"] == "complete" and last.result["month"] == 12
    assert len(last.result["timeline"]) > 0 and last.result["series"][-1]["month"] == 12
    out = last.result["outcome"]
    assert out["value_none"] > out["value_response"] > 0  # the offer and the purchase helped
    # replay from the page
    at.selectbox(key="ttx_replay_run").set_value(last.run_id)
    _click(at, "ttx_replay")
    assert at.session_state["ttx_replayed"] == {"run_id": last.run_id, "identical": True, "n": 0}
    assert any("完全に一致" in s.value for s in at.success)


def test_page_in_english_uses_the_catalogue_wording(db):
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["start_page"] = "stress"
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    assert any(h.value == "Stress tests & tabletop" for h in at.header)
    assert list(at.dataframe[0].value.iloc[:, 0]) == ["No action", "Current optimal allocation"]
    assert at.button(key="ttx_start").label == "Start the exercise"


def test_starting_an_exercise_without_a_facilitator_is_refused(db):
    at = _app()
    # the facilitator defaults to the signed-in name; emptied, the exercise does not start
    at.text_input(key="ttx_facilitator").set_value("")
    at.button(key="ttx_start").click().run()
    assert "ttx" not in at.session_state
    assert any("誰が" in w.value for w in at.warning)
    assert not open_store(db).runs(command="ttx")
