"""The committee home page (issue 30 item 3): the decision under review with its approvals against
the quorum, what changed since the last approved decision, the weights in force, runs described by
who / what / when / why — and the same spend as the allocation page."""

from __future__ import annotations

from pathlib import Path

import pytest
from _signin import PASSWORD, app_session, login
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from prioritizer.app.decisions import describe, display_names, home
from prioritizer.audit import open_store
from prioritizer.auth import accounts, committee
from prioritizer.auth.identity import Identity
from prioritizer.auth.services import approve_run
from prioritizer.case import load_case
from prioritizer.cli import app

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "inputs" / "default"
APP = str(ROOT / "app.py")
V = [4.0, 2.0, 1.0, 3.0]
IDS = ["autonomy", "indispensability", "cost", "foreign_dependence"]
M1 = Identity("suzuki", "鈴木 一郎", "committee", "local", "public")
M2 = Identity("tanaka", "田中 次郎", "committee", "local", "public")
CHAIR = Identity("sato", "佐藤 花子", "planner", "local", "public")


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.setenv("PRIORITIZER_CASE", str(CASE))
    monkeypatch.setenv("PRIORITIZER_DB", url)
    monkeypatch.setenv("PRIORITIZER_AUTH", "local")
    store = open_store(url)
    for u, name in (("suzuki", "鈴木 一郎"), ("tanaka", "田中 次郎"), ("yamada", "山田 三郎")):
        accounts.add_user(store, u, "committee", PASSWORD, display_name=name)
    accounts.add_user(store, "sato", "planner", PASSWORD, display_name="佐藤 花子")
    login(url, "sato")  # the decisions below are recorded by the signed-in planner
    return store


def _allocate(budget: str, reason: str) -> str:
    res = CliRunner().invoke(
        app,
        [
            "allocate",
            str(CASE),
            "--relax",
            "--no-explain",
            "--budget",
            budget,
            "--reason",
            reason,
        ],
    )
    assert res.exit_code == 0, res.output
    return open_store().latest("allocate").run_id


def test_home_view_finds_the_decision_under_review_and_the_last_approved_one(env):
    first = _allocate("8000", "第2回委員会")
    approve_run(M1, first, "approve", "", env)
    approve_run(M2, first, "approve", "", env)
    second = _allocate("9000", "第3回委員会 予算増")
    view = home(env)
    assert view["under_review"].run_id == second and view["status"]["status"] == "pending"
    assert view["last_decision"].run_id == first and view["last_status"]["status"] == "approved"
    label = describe(view["under_review"], display_names(env), "ja")
    # who, what, why (and when, in JST) — the id only in brackets at the end
    assert "佐藤 花子" in label and "第3回委員会 予算増" in label and label.endswith(f"（{second}）")
    assert "年" in label and "T" not in label.split("（")[0]


def test_home_page_shows_status_changes_weights_in_force_and_one_spend(env):
    first = _allocate("8000", "第2回委員会")
    approve_run(M1, first, "approve", "", env)
    approve_run(M2, first, "approve", "", env)
    committee.submit(M1, "default", IDS, [[a / b for b in V] for a in V], env)
    committee.submit(M2, "default", IDS, [[a / b for b in V] for a in V], env)
    committee.adopt(CHAIR, "default", load_case(CASE), env, reason="第3回委員会で採用")
    second = _allocate("9000", "第3回委員会 予算増")
    approve_run(M1, second, "approve", "賛成", env)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["start_page"] = "decision"
    app_session(at, env, "suzuki")
    at.run()
    assert not at.exception, at.exception
    assert [h.value for h in at.header] == ["審議中の決定"]
    warn = "\n".join(str(w.value) for w in at.warning)
    # three committee accounts: quorum 2, one approval so far
    assert "審議中：承認 1 件／定足数 2 件（有効な委員アカウントの過半数）" in warn
    infos = "\n".join(str(i.value) for i in at.info)
    assert "委員会が採用した重み" in infos and "佐藤 花子" in infos
    md = "\n".join(str(m.value) for m in at.markdown)
    assert "配分総額" in md  # the audit diff of the two decisions, in words
    spent = next(m.value for m in at.metric if m.label == "配分額（事業＋備蓄）")
    stored = env.get(second).result["budget"]["spent_total"]
    assert spent == f"{stored:,.0f}億円"  # the allocation page's figure, projects + stock


def test_one_total_spend_in_the_diff_the_report_and_the_json(env):
    # issue 30: 8,000 on the allocation page, 6,222 (projects only) on the compare and audit pages
    from prioritizer.reports.content import build_context, decision_text
    from prioritizer.summaries import total_spend
    from prioritizer.text import fmt_oku

    a, b = _allocate("7000", "案A"), _allocate("8000", "案B")
    rb = env.get(b).result
    total = rb["budget"]["spent_total"]
    assert total == pytest.approx(rb["budget"]["spent_projects"] + rb["budget"]["spent_stockpiles"])
    assert rb["budget"]["spent_stockpiles"] > 0  # the default case buys stock: the two figures differ
    assert total_spend(rb) == pytest.approx(total)  # compare page and allocation page
    assert env.diff(a, b).spend_b == pytest.approx(total)  # audit diff
    assert f"総額 {fmt_oku(total, 'ja')}" in decision_text(build_context(env, b, "ja"))  # report
