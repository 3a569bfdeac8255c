"""The report's cover as a ministry document (issue 30 item 8): organisation, document number,
draft / approved with the approval block (display names, JST), the owner's display name, the
weights used."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from prioritizer.audit import open_store
from prioritizer.auth import accounts
from prioritizer.auth.identity import Identity
from prioritizer.auth.services import approve_run
from prioritizer.cli import app
from prioritizer.reports.content import build_document

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "inputs" / "default"
M1 = Identity("suzuki", "鈴木 一郎", "committee", "local", "public")
M2 = Identity("tanaka", "田中 次郎", "committee", "local", "public")


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.setenv("PRIORITIZER_DB", url)
    monkeypatch.setenv("PRIORITIZER_ORGANISATION", "経済産業省 経済安全保障政策室")
    from _signin import PASSWORD, login

    s = open_store(url)
    for u, name in (("suzuki", "鈴木 一郎"), ("tanaka", "田中 次郎"), ("yamada", "山田 三郎")):
        accounts.add_user(s, u, "committee", None, display_name=name)
    accounts.add_user(s, "sato", "planner", PASSWORD, display_name="佐藤 花子")
    login(url, "sato")  # the planner records the decision (the session names the owner)
    return s


def _allocate() -> str:
    res = CliRunner().invoke(
        app, ["allocate", str(CASE), "--relax", "--no-explain", "--reason", "第3回委員会"]
    )
    assert res.exit_code == 0, res.output
    return open_store().latest("allocate").run_id


def test_cover_is_a_draft_until_the_quorum_approves_then_names_the_approvers(store):
    rid = _allocate()
    cover = dict(build_document(store, rid, "ja").cover)
    assert cover["作成組織"] == "経済産業省 経済安全保障政策室"
    run = store.get(rid)
    year = run.created_at[:4]  # a decision made late on 31 Dec UTC would already be next year in JST
    assert cover["文書番号"].startswith("PR-") and cover["文書番号"].endswith(f"-{rid}-{run.hash[:6]}")
    assert cover["文書番号"].split("-")[1] in (year, str(int(year) + 1))
    assert cover["承認の状況"] == "案（審議中）"
    assert cover["決定責任者"] == "佐藤 花子"  # the display name; the account id stays in the record
    assert "年" in cover["決定日時"] and "T" not in cover["決定日時"]  # JST, not ISO
    assert cover["使用した重み"] == "モデルファイルの重み"
    approve_run(M1, rid, "approve", "", store)
    assert dict(build_document(store, rid, "ja").cover)["承認の状況"] == "案（審議中）"  # 1 of quorum 2
    approve_run(M2, rid, "approve", "", store)
    cover = dict(build_document(store, rid, "ja").cover)
    assert cover["承認の状況"] == "承認済み"
    assert cover["承認者"].startswith("鈴木 一郎（") and "田中 次郎（" in cover["承認者"]
    assert cover["承認者"].endswith("（承認 2 件／定足数 2 件）")
    en = dict(build_document(store, rid, "en").cover)
    assert en["Status"] == "Approved" and en["Approved by"].endswith("(2 of a quorum of 2)")
    assert "JST" in en["Decision time"]


def test_summary_names_the_latest_robustness_run_even_when_it_ran_after_the_decision(store):
    rid = _allocate()
    res = CliRunner().invoke(app, ["robustness", str(CASE), "--samples", "200", "--seed", "1"])
    assert res.exit_code == 0, res.output
    rob = open_store().latest("robustness")
    doc = build_document(store, rid, "ja")
    text = "\n".join(
        str(getattr(b, "text", "")) + "\n".join(getattr(b, "items", []) or []) for b in doc.sections[0].blocks
    )
    assert f"頑健性分析（記録 {rob.run_id}、" in text and "頑健性分析は実行されていません" not in text


def test_source_appendix_speaks_the_readers_language_and_names_the_items(store):
    rid = _allocate()
    for lang, goods, semis in (
        ("ja", "物資・技術", "半導体"),
        ("en", "Goods and technologies", "Semiconductors"),
    ):
        doc = build_document(store, rid, lang)
        src = next(t for t in doc.tables() if t.sheet == "sources").frame
        assert "goods" not in set(src["table"]) and goods in set(src["table"])
        assert src["items"].str.contains(semis).any()  # keyed by the item's name, not "表 goods"
