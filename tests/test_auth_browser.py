"""Sign-in in a real browser: Playwright drives headless Debian Chromium against the app.

Local flow: accounts in a real SQLite audit store. OIDC flow: Streamlit's ``st.login``
(Authlib) against a real OpenID provider on loopback (``oidc-provider-mock``, a Flask
server in a thread of this test process). Both check that nothing with data is drawn before
sign-in, that a wrong password shows nothing, and what each role gets. In CI a missing
Chromium is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from prioritizer.audit import open_store
from prioritizer.auth import accounts

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "_artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PW = "a long enough password"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must install the Debian 'chromium' package")
        pytest.skip("Chromium not installed on this machine (apt-get install chromium)")


def _tiered_case(dst: Path) -> Path:
    shutil.copytree(ROOT / "inputs" / "default", dst)
    lines = (dst / "goods.csv").read_text(encoding="utf-8-sig").splitlines()
    out = [lines[0] + ",tier"] + [
        ln + (",restricted" if ln.startswith("antimony,") else ",") for ln in lines[1:]
    ]
    (dst / "goods.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    return dst


def _start_app(cwd: Path, db: str, case: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PRIORITIZER_CASE": str(case), "PRIORITIZER_DB": db, "PRIORITIZER_AUTH": "local"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    pytest.fail("streamlit did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def local_app(tmp_path_factory):
    _need_chromium()
    tmp = tmp_path_factory.mktemp("local")
    db = f"sqlite:///{tmp / 'audit.sqlite'}"
    store = open_store(db)
    accounts.add_user(store, "sato", "planner", PW, display_name="佐藤 花子", clearance="restricted")
    accounts.add_user(store, "suzuki", "committee", PW, display_name="鈴木 一郎", clearance="restricted")
    accounts.add_user(store, "yamada", "viewer", PW, display_name="山田 次郎", clearance="restricted")
    proc = _start_app(tmp, db, _tiered_case(tmp / "case"), _free_port())
    yield proc.args[proc.args.index("--server.port") + 1], store
    _stop(proc)


def _settle(page) -> None:
    page.wait_for_timeout(500)
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=120_000)


def _wait_text(page, text: str, timeout: int = 120_000) -> None:
    """Wait until `text` is anywhere in the page's HTML (chart labels and the like that no locator
    reaches); a plain `in page.content()` races the rerun that draws it on a loaded machine."""
    page.wait_for_function("t => document.documentElement.innerHTML.includes(t)", arg=text, timeout=timeout)


def _sign_in(page, user: str, password: str) -> None:
    page.get_by_label("アカウント名").fill(user)
    page.get_by_label("パスワード", exact=True).fill(password)
    page.get_by_role("button", name="サインイン").click()
    _settle(page)


def _open(browser, port: str, path: str = "/"):
    ctx = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = ctx.new_page()
    page.goto(f"http://127.0.0.1:{port}{path}", wait_until="networkidle")
    page.get_by_label("アカウント名").wait_for(timeout=120_000)
    return ctx, page


def test_local_sign_in_gate_roles_and_tiers_in_a_real_browser(local_app, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port, store = local_app
    ctx, page = _open(browser, port)
    # Before sign-in: the form, and nothing from the case.
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    assert "アンチモン" not in page.content() and "ガリウム" not in page.content()
    _sign_in(page, "sato", "wrong password!")
    page.get_by_text("パスワードが違う", exact=False).wait_for(timeout=60_000)
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    assert "ガリウム" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "auth_01_wrong_password.png"), full_page=True)
    # The right password: the planner's ranking, restricted rows included and the page labelled.
    _sign_in(page, "sato", PW)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=120_000)
    _settle(page)
    page.get_by_text("機密性2", exact=False).first.wait_for(timeout=60_000)
    _wait_text(page, "佐藤 花子")
    # Positive control for the viewer below: the restricted good is drawn for a restricted reader.
    _wait_text(page, "アンチモン")
    page.get_by_text("シナリオを保存", exact=False).first.wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "auth_02_planner.png"), full_page=True)
    ctx.close()

    # A committee member sees the allocation page but is not offered saving it.
    ctx, page = _open(browser, port, "/allocation")
    _sign_in(page, "suzuki", PW)
    page.get_by_text("保存は企画担当・管理者のみ", exact=False).wait_for(timeout=120_000)
    assert page.get_by_text("シナリオを保存", exact=False).count() == 0
    page.screenshot(path=str(ARTIFACTS / "auth_03_committee.png"), full_page=True)
    ctx.close()

    # A viewer sees the public tier only: the restricted good is in no part of the page.
    ctx, page = _open(browser, port)
    _sign_in(page, "yamada", PW)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=120_000)
    _settle(page)
    page.get_by_text("1 行を表示していません", exact=False).wait_for(timeout=60_000)
    assert "アンチモン" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "auth_04_viewer.png"), full_page=True)
    ctx.close()
    from prioritizer.audit.events import list_events

    assert [e["ref"] for e in list_events(store, "sign_in_failed")] == ["sato"]
    assert store.verify().ok


def test_oidc_sign_in_through_a_local_openid_provider(tmp_path, browser):
    from oidc_provider_mock import User, run_server_in_thread

    sub = "tanaka@example.go.jp"
    with run_server_in_thread(
        port=_free_port(), user_claims=[User(sub=sub, claims={"email": sub, "name": "田中 三郎"})]
    ) as idp:
        port = _free_port()
        (tmp_path / ".streamlit").mkdir()
        (tmp_path / ".streamlit" / "secrets.toml").write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "test-cookie-secret-not-for-production"\n'
            'client_id = "prioritizer"\n'
            'client_secret = "test-client-secret"\n'
            f'server_metadata_url = "http://localhost:{idp.server_port}/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        db = f"sqlite:///{tmp_path / 'audit.sqlite'}"
        store = open_store(db)
        accounts.add_user(store, sub, "committee", None, display_name="田中 三郎", clearance="restricted")
        proc = _start_app(tmp_path, db, _tiered_case(tmp_path / "case"), port)
        try:
            ctx, page = _open(browser, str(port))
            assert page.locator("[data-testid='stDataFrame']").count() == 0
            page.get_by_role("button", name="組織のシングルサインオンでサインイン").click()
            # The provider's consent page: pick the predefined user.
            page.get_by_role("button", name=sub).click(timeout=60_000)
            # a committee member opens on the decision under review (issue 30): none saved yet
            page.get_by_text("まだ保存された配分", exact=False).wait_for(timeout=120_000)
            _settle(page)
            _wait_text(page, "田中 三郎")
            _wait_text(page, "シングルサインオン")  # the method shown beside the name
            page.get_by_text("保存は企画担当・管理者のみ", exact=False).wait_for(timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "auth_05_oidc.png"), full_page=True)
            ctx.close()
        finally:
            _stop(proc)
