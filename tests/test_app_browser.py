"""Real-browser test: Playwright drives headless Debian Chromium against ``streamlit run app.py``.

Loads the app (Japanese, default case), moves a weight slider and the budget, and
saves screenshots to ``tests/_artifacts/`` for review. In CI (``CI=true``) a missing
Chromium is a failure, not a skip: ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from prioritizer.app.main import PAGE_PATHS

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "_artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags the workplace needs: no sandbox as root, no background network on a closed network.
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

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must install the Debian 'chromium' package")
        pytest.skip("Chromium not installed on this machine (apt-get install chromium)")
    port = _free_port()
    db = tmp_path_factory.mktemp("audit") / "audit.sqlite"
    env = {
        **os.environ,
        "PRIORITIZER_CASE": str(ROOT / "inputs" / "default"),
        "PRIORITIZER_DB": f"sqlite:///{db}",
        # Sign-in flows are driven in tests/test_auth_browser.py.
        "PRIORITIZER_AUTH": "none",
    }
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
            # No file watcher: an edited source file must not put up a "rerun?" prompt mid-test.
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
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
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_ARGS)
        yield b
        b.close()


def _settle(page) -> None:
    # Streamlit shows a running indicator while a script run is in progress.
    page.wait_for_timeout(500)
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=120_000)


def test_ranking_weights_and_allocation_in_a_real_browser(server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(server + "/", wait_until="networkidle")  # the default page (ranking) is served at the root
    page.get_by_text("経済安全保障", exact=False).first.wait_for(timeout=120_000)
    assert page.get_by_text("Page not found").count() == 0
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=120_000)
    _settle(page)
    page.screenshot(path=str(ARTIFACTS / "01_ranking_ja.png"), full_page=True)

    page.goto(server + "/weights", wait_until="networkidle")
    # Streamlit 1.6x draws sliders as react-aria range inputs.
    slider = page.locator("[data-testid='stSlider'] input[type='range']").first
    try:
        slider.wait_for(timeout=120_000)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "02_weights_FAILED.png"), full_page=True)
        raise
    before = slider.get_attribute("aria-valuetext")
    slider.focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    _settle(page)
    after = page.locator("[data-testid='stSlider'] input[type='range']").first.get_attribute("aria-valuetext")
    assert before != after, "the weight slider did not move"
    assert float(after) > float(before)
    page.screenshot(path=str(ARTIFACTS / "02_weights_moved.png"), full_page=True)

    page.goto(server + "/allocation", wait_until="networkidle")
    budget = page.locator("[data-testid='stNumberInput'] input").first
    budget.wait_for(timeout=120_000)
    old = float(budget.input_value().replace(",", ""))
    budget.fill(str(round(old * 0.6)))
    budget.press("Enter")
    page.get_by_role("button", name="再計算").click()
    _settle(page)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=120_000)
    assert page.get_by_text("採択事業").count() > 0
    page.screenshot(path=str(ARTIFACTS / "03_allocation_budget_cut.png"), full_page=True)
    page.close()


PAGES = list(PAGE_PATHS)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_opens_by_its_own_link_in_japanese(server, browser, path):
    """A deep link to each page (the default page included) opens it; a screenshot is kept."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(f"{server}/{path}", wait_until="networkidle")
    page.get_by_text("経済安全保障", exact=False).first.wait_for(timeout=120_000)
    _settle(page)
    assert page.get_by_text("Page not found").count() == 0
    assert page.url.rstrip("/").endswith(path)
    page.screenshot(path=str(ARTIFACTS / f"page_{path}_ja.png"), full_page=True)
    page.close()
