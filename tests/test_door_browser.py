"""The door in a real browser (issue 25): a signed-in viewer sees no restricted row on any page,
is not offered a save on the data page, and is refused the diff of a secret run — while an admin,
as the positive control, sees the secret good on the same server."""

from __future__ import annotations

import pytest
from test_auth_browser import (
    ARTIFACTS,
    _free_port,
    _need_chromium,
    _open,
    _settle,
    _sign_in,
    _start_app,
    _stop,
    browser,  # noqa: F401 - the Chromium fixture, shared
)

from prioritizer import door
from prioritizer.audit import open_store
from prioritizer.audit.events import list_events
from prioritizer.auth import accounts
from prioritizer.auth.identity import Identity

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PW = "a long enough password"
MARKERS = ("zq_secret", "秘匿", "Hidden Alloy")


@pytest.fixture(scope="module")
def secret_app(tmp_path_factory):
    from test_door_walk import make_secret_case

    _need_chromium()
    tmp = tmp_path_factory.mktemp("door-browser")
    case = make_secret_case(tmp / "case")
    db = f"sqlite:///{tmp / 'audit.sqlite'}"
    store = open_store(db)
    accounts.add_user(store, "boss", "admin", PW, display_name="管理者", clearance="secret")
    accounts.add_user(store, "yamada", "viewer", PW, display_name="山田 次郎", clearance="secret")
    boss = door.app_caller(Identity("boss", "管理者", "admin", "local", "secret"), store)
    secret = door.compute(boss, "rank", case, {}, reason="秘匿合金ZQ を含む案").run_id
    public = door.compute(
        door.app_caller(Identity("pub", "公開", "planner", "local", "public"), store),
        "rank",
        case,
        {},
        reason="公開案",
    ).run_id
    proc = _start_app(tmp, db, case, _free_port())
    yield proc.args[proc.args.index("--server.port") + 1], store, secret, public
    _stop(proc)


PAGES = (
    "ranking",
    "weights",
    "allocation",
    "compare",
    "robustness",
    "monitoring",
    "committee",
    "decision",
    "audit",
    "data",
    "stress",
    "studies",
)


def test_a_signed_in_viewer_sees_no_secret_row_on_any_page_and_cannot_save(secret_app, browser):  # noqa: F811
    from prioritizer.app.main import PAGE_PATHS

    assert set(PAGES) == set(PAGE_PATHS)  # every page of the app is visited
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port, store, secret, public = secret_app
    ctx, page = _open(browser, port, "/ranking")
    sent = _listen(page)
    _sign_in(page, "yamada", PW)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=120_000)
    from prioritizer.app.main import PAGE_SPEC
    from prioritizer.text import t

    titles = {path: t(key, "ja") for _fn, key, path in PAGE_SPEC}
    for name in PAGES:
        # the sidebar's links keep the signed-in session (a new URL would open a new one)
        page.locator("[data-testid='stSidebar']").get_by_role("link", name=titles[name], exact=True).click()
        _settle(page)
        html = page.content()
        assert "山田 次郎" in html, name  # still signed in: the page itself was drawn
        for m in MARKERS:
            assert m not in html, (name, m)
        if name == "data":
            # no editor, no save: the role is told it may only view
            page.get_by_text("表の閲覧のみ可能です", exact=False).wait_for(timeout=60_000)
            assert page.get_by_role("button", name="新しい版として保存").count() == 0
            page.screenshot(path=str(ARTIFACTS / "door_viewer_data.png"), full_page=True)
    # Tables are drawn on a canvas, so the page's HTML does not hold their cells: what the server
    # sent over the websocket (Arrow tables in protobuf) is checked too — nothing secret was sent.
    assert len(sent) > 20
    for m in MARKERS:
        assert not any(m.encode() in frame for frame in sent), m
    ctx.close()
    # a link to the diff of a secret run is refused, in words, and recorded
    ctx, page = _open(browser, port, f"/audit?diff={public},{secret}")
    _sign_in(page, "yamada", PW)
    page.get_by_text("閲覧権限を超える情報", exact=False).first.wait_for(timeout=60_000)
    html = page.content()
    assert all(m not in html for m in MARKERS)
    page.screenshot(path=str(ARTIFACTS / "door_viewer_diff_refused.png"), full_page=True)
    ctx.close()
    refused = [(e["actor"], e["ref"]) for e in list_events(store, "refused")]
    assert ("yamada", secret) in refused

    # positive control: the admin sees the secret good on the same server
    ctx, page = _open(browser, port, f"/audit?diff={public},{secret}")
    sent = _listen(page)
    _sign_in(page, "boss", PW)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=120_000)
    assert "閲覧権限を超える情報" not in page.content()
    page.locator("[data-testid='stSidebar']").get_by_role("link", name=titles["data"], exact=True).click()
    _settle(page)
    assert any(b"zq_secret_alloy" in frame for frame in sent)
    page.screenshot(path=str(ARTIFACTS / "door_admin_data.png"), full_page=True)
    ctx.close()
    assert store.verify().ok


def _listen(page) -> list[bytes]:
    """Every websocket frame the server sends this page (what reached the reader's browser)."""
    frames: list[bytes] = []

    def on_ws(ws) -> None:  # type: ignore[no-untyped-def]
        ws.on("framereceived", lambda f: frames.append(f if isinstance(f, bytes) else str(f).encode()))

    page.on("websocket", on_ws)
    page.reload(wait_until="networkidle")
    page.get_by_label("アカウント名").wait_for(timeout=120_000)
    return frames
