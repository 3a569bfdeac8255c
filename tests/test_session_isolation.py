"""Two people on one app server, in two browser contexts: nothing of one session shows in the other's.

Issue 27 item 4. A planner (Japanese) and a committee member (English) sign in to the same
``streamlit run`` server and work at the same moment: budget what-ifs on the allocation page,
weight sliders, a case version made active. Each page keeps its own edits, language and
signed-in identity; the other's never appear. The server shares one case cache and one run
cache between sessions, so these are the places where one session's state could leak.
"""

from __future__ import annotations

import asyncio

import pytest
from _browser_sessions import PW, Session, allowed_words, tiered_case, wording_problems
from test_auth_browser import CHROME_ARGS, CHROMIUM, _free_port, _need_chromium, _start_app, _stop

from prioritizer import door
from prioritizer.audit import open_store
from prioritizer.auth import accounts
from prioritizer.auth.identity import Identity
from prioritizer.text import field, t, vocab

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _signed_in(s: Session) -> str:
    return t(
        "auth.signed_in",
        s.lang,  # type: ignore[arg-type]
        name=s.display,
        role=vocab("role", s.role, s.lang),  # type: ignore[arg-type]
        method=vocab("auth_method", "local", s.lang),  # type: ignore[arg-type]
    )


async def _weights(s: Session) -> list[str]:
    sliders = s.page.locator("[data-testid='stSlider'] input[type='range']")
    await sliders.first.wait_for(timeout=60_000)
    return [await sliders.nth(i).input_value() for i in range(await sliders.count())]


async def _scenarios(s: Session) -> int:
    ms = s.page.locator("[data-testid='stMultiSelect']").filter(has_text=s.tr("alloc.scenarios"))
    await ms.first.wait_for(timeout=60_000)
    return await ms.locator("[data-tag]").count()


async def _scenario(sato: Session, brown: Session, version_id: str, words: set[str]) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_ARGS)
        try:
            for s in (sato, brown):
                await s.open(browser)
                await s.sign_in()
            await asyncio.gather(*(s.goto("page.allocation") for s in (sato, brown)))
            assert await sato.budget() == await brown.budget() == 9500.0  # the case's own
            n_scen = await _scenarios(sato)
            # Both recompute at the same moment, each with its own budget; the planner also drops a
            # scenario. (Concurrent reruns are where a shared formatter or cache would mix them.)
            await asyncio.gather(sato.set_budget(9123), brown.set_budget(7777))
            await sato.toggle_first_scenario()
            await brown.act(
                "recompute",
                brown.page.get_by_role("button", name=brown.tr("action.recompute"), exact=True).click,
            )
            assert await sato.budget() == 9123.0
            assert await brown.budget() == 7777.0
            assert await _scenarios(sato) == n_scen - 1
            assert await _scenarios(brown) == n_scen
            # Weights: the planner moves the first slider up twice, the committee member the second down.
            await asyncio.gather(*(s.goto("page.weights") for s in (sato, brown)))
            before = await _weights(brown)
            assert await _weights(sato) == before
            await sato.nudge_weight(0)
            await sato.nudge_weight(2)  # the third slider up too
            await brown.nudge_weight(1)  # the second slider down
            w_sato, w_brown = await _weights(sato), await _weights(brown)
            assert w_sato[0] == f"{float(before[0]) + 0.01:.2f}" and w_sato[1] == before[1]
            assert w_brown[0] == before[0] and w_brown[1] == f"{float(before[1]) - 0.01:.2f}"
            # The planner makes a case version active; the committee member's case stays the default.
            await sato.goto("page.data")
            pick = sato.page.locator("[data-testid='stSelectbox']").filter(has_text=field("version", "ja"))
            await pick.first.wait_for(timeout=60_000)
            await sato.act(
                "restore",
                sato.page.get_by_role("button", name=sato.tr("data.restore"), exact=True).click,
            )
            restored = t("data.restored", "ja", version=version_id)
            await sato.page.get_by_text(restored, exact=False).first.wait_for(timeout=60_000)
            await brown.goto("page.data")
            await brown.page.get_by_text(brown.tr("data.versions"), exact=True).first.wait_for(timeout=60_000)
            brown_text = await brown.snapshot("data")
            assert t("data.active_version", "en", version=version_id) not in brown_text
            # Back on the allocation page each sees its own what-if, not the other's nor the version's.
            await asyncio.gather(*(s.goto("page.allocation") for s in (sato, brown)))
            # (Streamlit drops a form's widget values when its page is left, so coming back shows
            # the case's budget again, not the 7777 typed before — but never the planner's 9123.)
            assert await brown.budget() in (7777.0, 9500.0)
            assert await _scenarios(brown) == n_scen
            assert await sato.budget() == 8000.0  # the planner's active version: its policy's budget
            # Identity and language: each sidebar names its own account, in its own language only.
            for me, other in ((sato, brown), (brown, sato)):
                text = await me.snapshot("end")
                assert _signed_in(me) in text
                assert other.display not in text and other.user not in text
                found = wording_problems(text, me.lang, words, {me.display})
                assert found == [], (me.user, found)
                assert me.errors == [], me.errors
        finally:
            for s in (sato, brown):
                await s.close()
            await browser.close()


def test_two_sessions_on_one_server_keep_their_own_edits_identity_and_language(tmp_path):
    _need_chromium()
    case = tiered_case(tmp_path / "case")
    db = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    store = open_store(db)
    accounts.add_user(store, "sato", "planner", PW, display_name="佐藤 花子", clearance="restricted")
    accounts.add_user(store, "brown", "committee", PW, display_name="Emma Brown", clearance="restricted")
    # A case version whose policy has another budget, recorded before the server starts.
    files = {f.name: f.read_bytes() for f in case.iterdir() if f.is_file()}
    files["policy.yaml"] = files["policy.yaml"].replace(b"total: 9500", b"total: 8000")
    boss = door.app_caller(Identity("boss", "管理者", "admin", "local", "secret"), store)
    v = door.save_version(boss, files, reason="予算 8000 億円の案", case_name=case.name)
    proc = _start_app(tmp_path, db, case, _free_port())
    port = int(proc.args[proc.args.index("--server.port") + 1])
    sato = Session("sato", "planner", "restricted", "ja", port, "佐藤 花子")
    brown = Session("brown", "committee", "restricted", "en", port, "Emma Brown")
    try:
        asyncio.run(_scenario(sato, brown, v.version_id, allowed_words(case)))
    finally:
        _stop(proc)
    assert store.verify().ok
