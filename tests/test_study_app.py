"""The Studies page (AppTest on the real app script, real audit store): a small study runs,
its funding frequencies and robust portfolio are shown, and one study Run is recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from prioritizer.audit import open_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PRIORITIZER_CASE", str(ROOT / "inputs" / "default"))
    monkeypatch.setenv("PRIORITIZER_DB", f"sqlite:///{tmp_path / 'audit.sqlite'}")
    monkeypatch.setenv("PRIORITIZER_AUTH", "none")  # one person on a laptop: sign-in off
    monkeypatch.setenv("PRIORITIZER_STUDIES", str(tmp_path / "studies"))
    return tmp_path


def _open(lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state["lang"] = lang
    at.session_state["start_page"] = "studies"
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("lang", "start", "budget"),
    [("ja", "スタディを開始", "予算の下限（億円）"), ("en", "Start the study", "Lowest budget (100M JPY)")],
)
def test_studies_page_renders_in_both_languages(app_env, lang, start, budget):
    at = _open(lang)
    assert start in [b.label for b in at.button]
    assert budget in [n.label for n in at.number_input]


def test_a_small_study_shows_frequencies_and_robust_portfolio_and_is_recorded(app_env):
    at = _open("ja")
    ni = {n.label: n for n in at.number_input}
    ni["予算の下限（億円）"].set_value(8000.0)
    ni["予算の刻み（億円）"].set_value(1500.0)
    ni["重みのサンプル数"].set_value(2)
    at.text_input(key="study_reason").input("app study")
    next(b for b in at.button if b.label == "スタディを開始").click()
    at.run()
    assert not at.exception, at.exception
    assert any("完了: 4 / 4 件" in s.value for s in at.success)
    assert len(at.get("plotly_chart")) == 2  # funding frequencies, benefit by budget
    table = at.dataframe[0].value
    assert "最大後悔（億円）" in table.columns
    assert "最大後悔最小化ポートフォリオ" in " ".join(table.iloc[:, 0].astype(str))
    runs = open_store().runs()
    # the signed-in identity (sign-in off here), never a typed name
    assert [(r.command, r.actor) for r in runs] == [("study", "anonymous (sign-in off)")]


def test_starting_without_actor_and_reason_asks_for_both(app_env):
    at = _open("en")
    next(b for b in at.button if b.label == "Start the study").click()
    at.run()
    assert [w.value for w in at.warning]
    assert open_store().runs() == []
