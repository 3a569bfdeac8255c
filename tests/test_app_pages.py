"""Streamlit AppTest: every page renders on the default case; main interactions work.

These run the real app script against the real library and a real SQLite audit store
(a temp file), the same code path as ``./run-app.sh``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from prioritizer.app.main import PAGE_PATHS

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGES = list(PAGE_PATHS)


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PRIORITIZER_CASE", str(ROOT / "inputs" / "default"))
    monkeypatch.setenv("PRIORITIZER_DB", f"sqlite:///{tmp_path / 'audit.sqlite'}")
    # Sign-in has its own tests (tests/test_auth_app.py); these exercise the pages.
    monkeypatch.setenv("PRIORITIZER_AUTH", "none")
    return tmp_path


def _run(page: str | None = None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if lang:
        at.session_state["lang"] = lang
    if page:
        at.session_state["start_page"] = page
    at.run()
    return at


def _texts(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.title] + [e.value for e in at.subheader]
    parts += [e.value for e in at.caption] + [e.label for e in at.button]
    return "\n".join(str(p) for p in parts)


def test_ranking_page_japanese_by_default(app_env):
    at = _run()
    assert not at.exception, at.exception
    assert "経済安全保障" in at.title[0].value
    df = at.dataframe[0].value
    assert len(df) >= 50  # every good of the default case is ranked
    assert "順位" in df.columns
    # The item page of the top good shows its dependence indicators as labelled figures.
    labels = {m.label for m in at.metric}
    assert {"輸入依存度", "懸念国シェア"} <= labels


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(app_env, page):
    at = _run(page)
    assert not at.exception, at.exception


def test_language_switch_to_english(app_env):
    at = _run()
    at.sidebar.radio[0].set_value("English").run()
    assert not at.exception
    assert "prioritisation" in at.title[0].value.lower()
    assert "Rank" in at.dataframe[0].value.columns


def test_changing_a_weight_changes_the_ranking(app_env):
    at = _run()
    before = list(
        at.dataframe[0].value["ID"] if "ID" in at.dataframe[0].value else at.dataframe[0].value.iloc[:, 1]
    )
    at.session_state["weights"] = {
        "autonomy": 0.0,
        "indispensability": 1.0,
        "cost": 0.0,
        "foreign_dependence": 0.0,
    }
    at.run()
    assert not at.exception
    after = list(at.dataframe[0].value.iloc[:, 1])
    assert before != after


def test_all_weights_zero_gives_a_message_not_a_traceback(app_env):
    at = _run()
    at.session_state["weights"] = {
        "autonomy": 0.0,
        "indispensability": 0.0,
        "cost": 0.0,
        "foreign_dependence": 0.0,
    }
    at.run()
    assert not at.exception
    assert at.error or at.warning


def test_audit_page_builds_a_report_for_download(app_env):
    import os

    from prioritizer.audit import record_run
    from prioritizer.case import load_case
    from prioritizer.runs import execute

    run = execute("rank", load_case(ROOT / "inputs" / "default"), {}, actor="佐藤", reason="委員会資料")
    record_run(run, os.environ["PRIORITIZER_DB"])
    at = _run("audit")
    assert not at.exception, at.exception
    before = len(at.get("download_button"))  # the log's CSV download is already there
    at.selectbox(key="report-fmt").set_value("html").run()
    at.button(key="report-build").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert len(at.get("download_button")) == before + 1, "no report download button after building the report"
