"""Two app servers on one PostgreSQL store, users signed in to each and saving at the same time.

Two real ``streamlit run app.py`` processes share one PostgreSQL audit store; a planner is signed
in to each through a real browser, and both press "save" together, several times. Every save
records a ranking and an allocation run: none may be lost, each names the user signed in to
that server, and the chain verifies.
"""

from __future__ import annotations

import time

import pytest
import test_audit_helpers as helpers
from test_auth_browser import PW, ROOT, _need_chromium, _settle, _sign_in, _start_app, _stop, browser  # noqa: F401

from prioritizer.audit import open_store
from prioritizer.auth import accounts

pg_schema_url = helpers.pg_schema_url
SAVES = 3

pytestmark = [pytest.mark.postgres, pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_app_servers_saving_at_once_lose_no_record(pg_schema_url, browser, tmp_path):  # noqa: F811
    _need_chromium()
    store = open_store(pg_schema_url)
    accounts.add_user(store, "sato", "planner", PW, display_name="佐藤")
    accounts.add_user(store, "kato", "planner", PW, display_name="加藤")
    ports = [_free_port(), _free_port()]
    procs = [_start_app(tmp_path, pg_schema_url, ROOT / "inputs" / "default", p) for p in ports]
    try:
        pages = []
        for port, user in zip(ports, ("sato", "kato"), strict=True):
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.goto(f"http://127.0.0.1:{port}/", wait_until="networkidle")
            page.get_by_label("アカウント名").wait_for(timeout=120_000)
            _sign_in(page, user, PW)
            page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=120_000)
            page.get_by_text("シナリオを保存", exact=False).first.click()
            pages.append(page)
        for k in range(SAVES):
            for page in pages:
                page.get_by_label("理由").fill(f"同時保存 {k}")
            # Press both save buttons back to back: the two servers write at the same moment.
            for page in pages:
                page.get_by_role("button", name="保存", exact=True).click()
            for page in pages:
                _settle(page)
            deadline = time.time() + 180
            while len(store.runs()) < 4 * (k + 1) and time.time() < deadline:
                time.sleep(0.5)
        runs = store.runs()
        assert len(runs) == 2 * 2 * SAVES  # rank + allocate per save, per server
        assert sorted(r.actor for r in runs) == ["kato"] * (2 * SAVES) + ["sato"] * (2 * SAVES)
        assert len({r.run_id for r in runs}) == len(runs)
        rep = store.verify()
        assert rep.ok, rep.problems
    finally:
        for p in procs:
            _stop(p)
