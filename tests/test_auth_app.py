"""The app's sign-in gate through Streamlit's AppTest (the real app script, a real SQLite store).

The browser flows (local and OIDC) are in tests/test_auth_browser.py; these check the gate's
logic quickly: nothing with data before sign-in, the wrong password shows nothing, roles and
clearances shape what a signed-in reader gets, sign-in off shows its banner.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from prioritizer.audit import open_store
from prioritizer.auth import accounts

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PW = "a long enough password"


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    db = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.setenv("PRIORITIZER_CASE", str(ROOT / "inputs" / "default"))
    monkeypatch.setenv("PRIORITIZER_DB", db)
    monkeypatch.setenv("PRIORITIZER_AUTH", "local")
    return open_store(db)


def _start(page: str | None = None, case: Path | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if page:
        at.session_state["start_page"] = page
    if case is not None:
        # state.DEFAULT_CASE is read once per process; a session names its case explicitly.
        at.session_state["case_path"] = str(case)
    at.run()
    return at


def _sign_in(at: AppTest, user: str, password: str) -> AppTest:
    at.text_input(key="signin_user").input(user)
    at.text_input(key="signin_password").input(password)
    next(b for b in at.button if b.label in ("サインイン", "Sign in")).click()
    at.run()
    return at


def _texts(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.error]
    parts += [e.value for e in at.warning] + [e.value for e in at.info]
    return "\n".join(str(p) for p in parts)


def test_nothing_with_data_is_drawn_before_sign_in(env):
    accounts.add_user(env, "sato", "planner", PW)
    at = _start()
    assert not at.exception, at.exception
    assert len(at.dataframe) == 0 and len(at.metric) == 0
    assert at.text_input(key="signin_password").value == ""


def test_a_wrong_password_shows_no_data_and_is_recorded(env):
    from prioritizer.audit.events import list_events

    accounts.add_user(env, "sato", "planner", PW)
    at = _sign_in(_start(), "sato", "not the password")
    assert len(at.dataframe) == 0
    assert "パスワードが違う" in _texts(at)
    assert [e["ref"] for e in list_events(env, "sign_in_failed")] == ["sato"]


def test_the_right_password_shows_the_ranking_and_saves_under_the_signed_in_name(env):
    accounts.add_user(env, "sato", "planner", PW, display_name="佐藤 花子")
    at = _sign_in(_start(), "sato", PW)
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) >= 50
    assert "佐藤 花子" in _texts(at)
    assert all(ti.key != "save_actor" for ti in at.text_input)  # the author cannot be typed
    at.text_area(key="save_reason").input("予算案の試算")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    runs = env.runs()
    assert {r.command for r in runs} == {"rank", "allocate"}
    got = env.get(runs[0].run_id)
    assert got.actor == "sato" and got.identity["method"] == "local" and got.identity["role"] == "planner"


def test_a_committee_member_is_not_offered_saving(env):
    accounts.add_user(env, "suzuki", "committee", PW)
    at = _sign_in(_start(), "suzuki", PW)
    # a committee member opens on the decision under review (issue 30): none saved yet
    assert [h.value for h in at.header] == ["審議中の決定"]
    assert "まだ保存された配分" in "\n".join(str(i.value) for i in at.info)
    assert "保存は企画担当・管理者のみ" in _texts(at)
    assert not any(ta.key == "save_reason" for ta in at.text_area)


def test_first_start_prints_a_one_time_admin_password_on_the_console(env, capfd):
    at = _start()
    err = capfd.readouterr().err
    line = next(x for x in err.splitlines() if "password:" in x)
    secret = line.split("password:", 1)[1].strip()
    at = _sign_in(at, "admin", secret)
    # A one-time password: the admin must choose its own before anything else.
    assert len(at.dataframe) == 0
    assert "ご自身のパスワード" in _texts(at)


def test_sign_in_off_shows_a_banner_and_records_anonymous(env, monkeypatch):
    monkeypatch.setenv("PRIORITIZER_AUTH", "none")
    at = _start()
    assert "サインインは無効" in _texts(at)
    assert len(at.dataframe) >= 1


def test_sign_in_off_records_name_anonymous(env, monkeypatch):
    monkeypatch.setenv("PRIORITIZER_AUTH", "none")
    at = _start()
    at.text_area(key="save_reason").input("一人で試算")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    got = env.get(env.runs()[0].run_id)
    assert got.actor == "anonymous (sign-in off)" and got.identity["method"] == "none"


def test_a_viewer_sees_no_restricted_row_and_results_are_labelled(env, monkeypatch, tmp_path):
    import shutil

    case = tmp_path / "tiered"
    shutil.copytree(ROOT / "inputs" / "default", case)
    lines = (case / "goods.csv").read_text(encoding="utf-8-sig").splitlines()
    out = [lines[0] + ",tier"]
    for ln in lines[1:]:
        out.append(ln + (",restricted" if ln.startswith("antimony,") else ","))
    (case / "goods.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    monkeypatch.setenv("PRIORITIZER_CASE", str(case))
    accounts.add_user(env, "v", "viewer", PW, clearance="restricted")
    accounts.add_user(env, "p", "planner", PW, clearance="restricted")
    at = _sign_in(_start(case=case), "v", PW)
    ids = set(at.dataframe[0].value["ID"])
    assert ids and "antimony" not in ids
    assert "1 行を表示していません" in _texts(at)
    at = _sign_in(_start(case=case), "p", PW)
    assert "antimony" in set(at.dataframe[0].value["ID"])
    assert "機密性2" in _texts(at)  # the page says it holds restricted information


def test_committee_page_members_submit_and_the_planner_adopts(env):
    accounts.add_user(env, "suzuki", "committee", PW, display_name="鈴木")
    accounts.add_user(env, "tanaka", "committee", PW, display_name="田中")
    accounts.add_user(env, "sato", "planner", PW)
    for who, move in (("suzuki", "3"), ("tanaka", "1/3")):
        at = _sign_in(_start("committee"), who, PW)
        assert not at.exception, at.exception
        first = at.select_slider[0]
        first.set_value(move)
        at.run()
        next(b for b in at.button if b.label == "提出").click()
        at.run()
        assert "提出しました" in "\n".join(s.value for s in at.success)
        assert not any(b.label == "この重みを採用して記録" for b in at.button)  # members do not adopt
    at = _sign_in(_start("committee"), "sato", PW)
    assert {m.label for m in at.metric} >= {"合意度"}
    next(b for b in at.button if b.label == "この重みを採用して記録").click()
    at.run()
    assert not at.exception, at.exception
    run = env.get(env.runs(command="weights_group")[0].run_id)
    assert run.actor == "sato"
    assert [j["member"] for j in run.params["judgements"]] == ["suzuki", "tanaka"]
    # Opposite judgements on the first pair, the rest equal: those two criteria get equal weight.
    w = list(run.weights.values())
    assert w[0] == pytest.approx(w[1])


def test_audit_page_comments_and_approvals_by_role(env):
    from prioritizer.auth import services
    from prioritizer.auth.identity import Identity
    from prioritizer.case import load_case
    from prioritizer.runs import execute

    planner = Identity("sato", "佐藤", "planner", "local", "public")
    rid = services.save_run(planner, execute("rank", load_case(ROOT / "inputs" / "default"), {}), "案", env)
    accounts.add_user(env, "suzuki", "committee", PW, display_name="鈴木")
    accounts.add_user(env, "yamada", "viewer", PW)
    at = _sign_in(_start("audit"), "suzuki", PW)
    assert not at.exception, at.exception
    at.text_area(key="review-text").input("ガリウムの順位の根拠は？")
    next(b for b in at.button if b.label == "コメントを記録").click()
    at.run()
    next(b for b in at.button if b.label == "判断を記録").click()
    at.run()
    got = [(e["kind"], e["actor"]) for e in services.discussion(env, rid)]
    assert got == [("comment", "suzuki"), ("approval", "suzuki")]
    assert "ガリウムの順位の根拠は？" in at.dataframe[-1].value.to_csv()
    at = _sign_in(_start("audit"), "yamada", PW)
    assert not any(b.label in ("コメントを記録", "判断を記録") for b in at.button)
