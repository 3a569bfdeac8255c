"""Each finding of the hostile test in issue 25 that the door closes, as a regression test.

Every test here fails on commit 3591036 (before the door): there, a viewer could save a case
version under a typed author, a workbook's snapshot kept its secret rows, a CP932 tiered case
crashed the filter, an edit by a restricted reader dropped the rows it could not see,
validation named hidden goods, `audit show` had no clearance check, a disabled account's
session kept working, and `--actor` named an account.
"""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import pytest
from test_audit_helpers import db_url, pg_schema_url  # noqa: F401 - the store fixtures
from typer.testing import CliRunner

from prioritizer import door
from prioritizer.audit import open_store
from prioritizer.audit.events import list_events
from prioritizer.auth import accounts
from prioritizer.auth.errors import Forbidden
from prioritizer.auth.identity import Identity
from prioritizer.cli import app
from prioritizer.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def secret_case(tmp_path):
    from test_door_walk import make_secret_case

    return make_secret_case(tmp_path / "case")


@pytest.fixture
def store(tmp_path):
    return open_store(f"sqlite:///{tmp_path / 'audit.sqlite'}")


def who(store, role: str, clearance: str = "secret", user: str | None = None) -> door.Caller:
    return door.app_caller(Identity(user or f"u_{role}", user or role, role, "local", clearance), store)


def _refused(store) -> list[tuple[str, str]]:
    return [(e["actor"], e["detail"]["action"]) for e in list_events(store, "refused")]


def test_a_viewer_cannot_save_a_case_version_and_the_refusal_is_recorded(store, secret_case):
    files = {p.name: p.read_bytes() for p in secret_case.iterdir() if p.is_file()}
    with pytest.raises(Forbidden):
        door.save_version(who(store, "viewer"), files, reason="上書き", case_name="x")
    assert _refused(store) == [("u_viewer", "edit_case")]
    # a planner's save names the planner: there is no author to type
    v = door.save_version(who(store, "planner", user="sato"), files, reason="追加", case_name="x")
    assert v.actor == "sato"


def test_a_workbook_cases_snapshot_holds_no_row_above_the_readers_clearance(tmp_path, secret_case, store):
    import pandas as pd
    from openpyxl import load_workbook

    book = tmp_path / "case.xlsx"
    with pd.ExcelWriter(book) as xw:
        for f in sorted(secret_case.glob("*.csv")):
            if f.stem == "hs_map":
                continue
            pd.read_csv(f, dtype=str, keep_default_na=False).to_excel(xw, sheet_name=f.stem, index=False)
    assert b"zq_secret" not in book.read_bytes() or True  # zipped: check the sheets below
    run = door.compute(who(store, "planner", "public"), "rank", book, {}, reason="公開")
    stored = store.get(run.run_id)
    ((_name, data),) = ((n, d) for n, d in stored.case_files.items() if n.endswith(".xlsx"))
    wb = load_workbook(io.BytesIO(data), read_only=True)
    cells = " ".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    assert "zq_secret" not in cells and "秘匿" not in cells
    assert "semiconductors" in cells  # the public rows are kept
    assert "tier" not in run.result  # computed on public rows only
    assert store.replay(run.run_id).identical  # the filtered workbook replays to the same result


def test_a_tiered_cp932_case_is_filtered_without_a_traceback(secret_case, store):
    for name in ("goods.csv", "projects.csv", "flows.csv", "scenarios.csv"):
        p = secret_case / name
        p.write_bytes(p.read_text(encoding="utf-8").encode("cp932", errors="replace"))
    run = door.compute(who(store, "planner", "public"), "rank", secret_case, {}, reason="公開")
    snap = store.get(run.run_id).case_files
    assert all("秘匿".encode() not in b and b"zq_secret" not in b for b in snap.values())
    assert "半導体" in snap["goods.csv"].decode("utf-8")  # re-encoded as UTF-8, names intact


def test_an_edit_by_a_restricted_reader_keeps_the_rows_it_cannot_see(secret_case):
    from prioritizer.app import controller
    from prioritizer.case import load_case

    full = load_case(secret_case)
    seen = door.visible(who(None, "planner", "public"), full)
    goods = controller.raw_table(seen, "goods")
    assert "zq_secret_alloy" not in set(goods["id"])
    goods.loc[goods["id"] == "gallium", "name_en"] = "Gallium (edited)"
    out = controller.edit_case(seen, {"goods": goods}, full=full, clearance="public")
    assert out.case is not None, out.issues
    ids = set(out.case.goods["id"])
    assert "zq_secret_alloy" in ids  # the hidden row is still there
    assert len(out.case.goods) == len(full.goods)
    assert "Gallium (edited)" in set(out.case.goods["name_en"])
    secret = out.case.goods.set_index("id").loc["zq_secret_alloy"]
    assert secret["tier"] == "secret"


def test_validation_never_names_a_row_above_the_readers_clearance(secret_case, store):
    text = (secret_case / "goods.csv").read_text(encoding="utf-8")
    (secret_case / "goods.csv").write_text(
        text.replace("秘匿合金ZQ,Hidden Alloy ZQ", "秘匿合金ZQ,Hidden Alloy ZQ").replace(
            ",secret\n", ",secret\n"
        ),
        encoding="utf-8",
    )
    # break the secret row (unknown sector) and one public row (bad autonomy)
    lines = (secret_case / "goods.csv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    si = head.index("sector")
    last = lines[-1].split(",")
    last[si] = "zq_secret_sector"
    lines[-1] = ",".join(last)
    (secret_case / "goods.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        door.load_case(who(store, "viewer", "public"), secret_case)
    text = json.dumps([i.as_dict() for i in e.value.issues], ensure_ascii=False)
    assert "zq_secret" not in text and "秘匿" not in text
    assert "above your clearance" in text  # counted, not named
    with pytest.raises(InputError) as e:
        door.load_case(who(store, "admin", "secret"), secret_case)
    assert "zq_secret_sector" in json.dumps([i.as_dict() for i in e.value.issues])


def _cli(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), input=stdin)


def test_audit_show_diff_replay_and_export_above_clearance_are_refused_and_recorded(tmp_path, secret_case):
    from _signin import add, login

    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    store = open_store(db)
    add(store, "boss", "admin", "secret")
    add(store, "kato", "committee", "restricted")
    secret = door.compute(who(store, "admin", user="boss"), "rank", secret_case, {}, reason="案").run_id
    files = {p.name: p.read_bytes() for p in secret_case.iterdir() if p.is_file()}
    door.save_version(who(store, "admin", user="boss"), files, reason="秘匿", case_name="c")
    login(db, "kato")
    for args in (
        ["audit", "show", secret],
        ["audit", "diff", secret, secret],
        ["audit", "replay", secret],
        ["report", secret, "--format", "html", "--out", str(tmp_path / "r.html")],
        ["case", "export", "latest", str(tmp_path / "x")],
    ):
        r = _cli(*args, "--db", db)
        assert r.exit_code == 6, (args, r.output)
        assert "zq_secret" not in r.output
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "x").exists()
    assert [a for u, a in _refused(store) if u == "kato"] == ["view", "view", "view", "export", "export"]
    login(db, "boss")
    assert _cli("audit", "show", secret, "--db", db).exit_code == 0
    r = _cli("case", "export", "latest", str(tmp_path / "x"), "--db", db)
    assert r.exit_code == 0 and (tmp_path / "x" / "goods.csv").exists()
    exported = list_events(store, "exported")
    assert [(e["actor"], e["detail"]["action"]) for e in exported] == [("boss", "case.export")]


def test_a_disabled_or_reset_accounts_sessions_end_at_once(tmp_path, secret_case, monkeypatch):
    from _signin import add, login

    from prioritizer.auth.sessions import check_session, open_session

    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    store = open_store(db)
    add(store, "boss", "admin", "secret")
    add(store, "sato", "planner", "secret")
    login(db, "sato")
    app_token = open_session(store, accounts.authenticate(store, "sato", "test-password-1").identity, "app")
    assert _cli("rank", str(secret_case), "--db", db, "--reason", "ok").exit_code == 0
    boss = who(store, "admin", user="boss").identity
    accounts.disable_user(store, "sato", by=boss)
    # the command line: the next write is refused, saying why; a read sees public rows only
    r = _cli("review", "comment", "latest", "まだ使える？", "--db", db)
    assert r.exit_code == 6 and "disabled" in r.output
    r = _cli("whoami", "--format", "json", "--db", db)
    assert json.loads(r.stdout)["session"] == "no session"
    # the app's session too
    assert check_session(store, app_token, "app").identity is None
    # a reset (which re-enables) does not revive an old session
    accounts.reset_password(store, "sato", "a new password 1", by=boss)
    assert check_session(store, app_token, "app").identity is None
    # both open sessions (command line and app) were ended by the disabling, in its record
    assert list_events(store, "user_disabled")[0]["detail"]["sessions_ended"] == 2


def test_auth_none_is_refused_by_a_store_with_accounts(tmp_path, secret_case, monkeypatch):
    from _signin import add

    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    r = _cli("rank", str(secret_case), "--db", db, "--format", "json")
    assert r.exit_code == 0  # no accounts: sign-in off, the OS user sees everything
    assert "zq_secret_alloy" in r.stdout
    add(open_store(db), "boss", "admin", "secret")
    monkeypatch.setenv("PRIORITIZER_AUTH", "none")
    r = _cli("rank", str(secret_case), "--db", db, "--format", "json")
    assert r.exit_code == 6 and "only by a store without accounts" in r.output


def test_the_session_file_is_the_owners_only_and_a_one_time_password_is_replaced_at_login(tmp_path):
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    store = open_store(db)
    secret = accounts.bootstrap_admin(store)
    assert secret
    r = _cli("login", "admin", "--password-stdin", "--db", db, stdin=secret + "\n")
    assert r.exit_code == 2 and "new password" in r.output  # must choose its own
    r = _cli("login", "admin", "--password-stdin", "--db", db, stdin=f"{secret}\nmy own password 1\n")
    assert r.exit_code == 0, r.output
    path = Path(os.environ["PRIORITIZER_SESSION"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(_cli("whoami", "--format", "json", "--db", db).stdout)["established"] == "cli"
    r = _cli("login", "admin", "--password-stdin", "--db", db, stdin=secret + "\n")
    assert r.exit_code != 0  # the one-time password no longer signs in
    assert _cli("logout", "--db", db).exit_code == 0 and not path.exists()


def test_run_tiers_are_read_inside_the_database_as_the_runs_record_them(secret_case, db_url):  # noqa: F811
    """The listing filter reads each run's tier with one query (no run is loaded): it must agree
    with the tier the run's own result carries, on SQLite and PostgreSQL."""
    store = open_store(db_url)
    secret = door.compute(who(store, "admin"), "rank", secret_case, {}, reason="s").run_id
    public = door.compute(who(store, "planner", "public"), "rank", secret_case, {}, reason="p").run_id
    assert store.get(secret).result["tier"] == "secret" and "tier" not in store.get(public).result
    assert store.tiers([secret, public, "R999999"]) == {secret: "secret", public: "public"}
