"""A committee's day in a real browser (issue 30 "Done when"): the chair opens a round, members
submit AHP judgements (one inconsistent, warned), the chair closes the round and adopts, the
ranking and allocation show the adopted weights in force, the planner saves a decision, two
members approve on their home page (quorum met), and the report's cover says 承認済み with both
names. Screenshots go to tests/_artifacts/committee_*.png."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from prioritizer.audit import open_store
from prioritizer.auth import accounts, committee
from prioritizer.auth.identity import Identity
from tests.test_auth_browser import (
    ARTIFACTS,
    PW,
    _free_port,
    _need_chromium,
    _open,
    _settle,
    _sign_in,
    _start_app,
    _stop,
    _wait_text,
    browser,  # noqa: F401  (fixture)
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
IDS = ["autonomy", "indispensability", "cost", "foreign_dependence"]
# a cycle (autonomy 9× indispensability 9× cost 9× autonomy): CR far above 0.1
CYCLE = np.ones((4, 4))
for i, j, v in ((0, 1, 9.0), (1, 2, 9.0), (2, 0, 9.0)):
    CYCLE[i, j], CYCLE[j, i] = v, 1 / v


@pytest.fixture(scope="module")
def day_app(tmp_path_factory):
    _need_chromium()
    import shutil

    tmp = tmp_path_factory.mktemp("committee")
    db = f"sqlite:///{tmp / 'audit.sqlite'}"
    store = open_store(db)
    accounts.add_user(store, "sato", "planner", PW, display_name="佐藤 花子")
    accounts.add_user(store, "suzuki", "committee", PW, display_name="鈴木 一郎")
    accounts.add_user(store, "tanaka", "committee", PW, display_name="田中 次郎")
    case = tmp / "default"
    shutil.copytree(ROOT / "inputs" / "default", case)
    proc = _start_app(tmp, db, case, _free_port())
    yield proc.args[proc.args.index("--server.port") + 1], store, db
    _stop(proc)


def _go(page, label: str) -> None:
    """Open a page from the sidebar menu (a deep link is lost through the sign-in form)."""
    page.locator("[data-testid='stSidebar']").get_by_role("link", name=label, exact=True).click()
    _settle(page)


def _click(page, name: str) -> None:
    button = page.get_by_role("button", name=name).first
    try:
        button.wait_for(timeout=120_000)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "committee_failed.png"), full_page=True)
        raise
    button.click()
    _settle(page)


def test_a_committee_day(day_app, browser):  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port, store, db = day_app

    # The chair opens a round on the committee page.
    ctx, page = _open(browser, port, "/committee")
    _sign_in(page, "sato", PW)
    _go(page, "委員会")
    _click(page, "判断の受付を開始")
    page.get_by_text("判断の受付中", exact=False).wait_for(timeout=60_000)
    ctx.close()

    # Suzuki submits consistent judgements (all equal); he sees only his own while the round is open.
    ctx, page = _open(browser, port, "/committee")
    _sign_in(page, "suzuki", PW)
    _go(page, "委員会")
    _click(page, "提出")
    page.get_by_text("提出しました", exact=False).wait_for(timeout=60_000)
    ctx.close()

    # Tanaka's saved draft is a cycle: the page warns about CR before she submits it anyway.
    tanaka = Identity("tanaka", "田中 次郎", "committee", "local", "public")
    committee.save_draft(tanaka, "default", IDS, CYCLE.tolist(), store)
    ctx, page = _open(browser, port, "/committee")
    _sign_in(page, "tanaka", PW)
    _go(page, "委員会")
    page.get_by_text("0.1 を超えています", exact=False).wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "committee_01_cr_warning.png"), full_page=True)
    _click(page, "提出")
    page.get_by_text("提出しました", exact=False).wait_for(timeout=60_000)
    _wait_text(page, "うち 1 件は受付の締め切りまで非表示")
    ctx.close()

    # The chair closes the round and adopts; inconsistent judgements need the stated reason.
    ctx, page = _open(browser, port, "/committee")
    _sign_in(page, "sato", PW)
    _go(page, "委員会")
    _click(page, "判断の受付を締め切る")
    page.get_by_text("整合比が0.1を超える判断", exact=False).wait_for(timeout=60_000)
    page.locator(".st-key-committee-reason input").fill("第3回委員会: 田中委員の判断は確認済み")
    page.locator(".st-key-committee-reason input").press("Enter")
    _settle(page)
    _click(page, "この重みを採用して記録")
    # "使用中の重み" is on the page before adoption too (the model's): wait for the adoption's own line
    page.get_by_text("採用した重みは、このケースの順位付けと配分", exact=False).first.wait_for(timeout=120_000)
    page.screenshot(path=str(ARTIFACTS / "committee_02_adopted.png"), full_page=True)
    adopted = store.latest("weights_group").run_id

    # Ranking and allocation say which weights are in force and where they came from.
    for label in ("優先順位", "予算・備蓄配分"):
        _go(page, label)
        page.get_by_text(f"委員会が採用した重み（記録 {adopted}", exact=False).first.wait_for(timeout=120_000)
        _wait_text(page, "佐藤 花子が")
    page.screenshot(path=str(ARTIFACTS / "committee_03_allocation_in_force.png"), full_page=True)

    # The planner saves the decision (ranking + allocation) with a reason.
    page.get_by_text("シナリオを保存", exact=False).first.click()
    page.locator(".st-key-save_reason textarea").fill("第3回委員会 決定案")
    _click(page, "保存")
    page.get_by_text("記録しました", exact=False).first.wait_for(timeout=120_000)
    decision = store.latest("allocate").run_id
    assert store.get(decision).params["weights"]  # computed with the weights in force
    ctx.close()

    # Both members approve on their home page (their first page); the quorum (2 of 2) is met.
    for user in ("suzuki", "tanaka"):
        ctx, page = _open(browser, port, "/")
        _sign_in(page, user, PW)
        page.get_by_text("審議中の決定", exact=False).first.wait_for(timeout=120_000)
        page.get_by_text("承認", exact=True).first.click()
        _click(page, "判断を記録")
        ctx.close()
    ctx, page = _open(browser, port, "/")
    _sign_in(page, "suzuki", PW)
    page.get_by_text("承認済み：承認 2 件／定足数 2 件", exact=False).wait_for(timeout=120_000)
    _settle(page)
    page.get_by_text("鈴木 一郎", exact=False).first.wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "committee_04_approved.png"), full_page=True)
    ctx.close()

    from prioritizer.reports.content import build_document

    cover = dict(build_document(open_store(db), decision, "ja").cover)
    assert cover["承認の状況"] == "承認済み"
    assert "鈴木 一郎" in cover["承認者"] and "田中 次郎" in cover["承認者"]
