"""Roles are enforced in the services: each role calls them directly; refusals are recorded.

Expected rights (issue 17): admin all; planner edits, runs what-ifs, saves; committee views,
submits judgements, comments, approves; viewer views the public tier only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from prioritizer.audit import open_store
from prioritizer.audit.events import list_events
from prioritizer.auth import accounts, services
from prioritizer.auth.errors import Forbidden
from prioritizer.auth.identity import Identity
from prioritizer.case import load_case
from prioritizer.runs import execute

ROLES = ("admin", "planner", "committee", "viewer")
WHO = {r: Identity(f"u_{r}", f"User {r}", r, "local", "secret") for r in ROLES}


@pytest.fixture
def store(tmp_path):
    return open_store(f"sqlite:///{tmp_path / 'audit.sqlite'}")


DEFAULT_CASE = Path(__file__).resolve().parents[1] / "inputs" / "default"


@pytest.fixture(scope="module")
def default_case():
    return load_case(DEFAULT_CASE)


@pytest.fixture
def rank_run(default_case):
    return lambda: execute("rank", default_case, {})


def _refusals(store):
    return [(e["actor"], e["detail"]["action"]) for e in list_events(store, "refused")]


@pytest.mark.parametrize(
    ("role", "may"), [("admin", True), ("planner", True), ("committee", False), ("viewer", False)]
)
def test_only_admins_and_planners_save_runs(store, rank_run, role, may):
    run = rank_run()
    if may:
        rid = services.save_run(WHO[role], run, "budget what-if", store)
        got = store.get(rid)
        assert got.actor == f"u_{role}"
        assert got.identity == {
            "user": f"u_{role}",
            "display_name": f"User {role}",
            "role": role,
            "method": "local",
            "clearance": "secret",
        }
        assert _refusals(store) == []
    else:
        with pytest.raises(Forbidden):
            services.save_run(WHO[role], run, "budget what-if", store)
        assert store.runs() == []
        assert _refusals(store) == [(f"u_{role}", "save_run")]
    assert store.verify().ok


@pytest.mark.parametrize(
    ("role", "comment", "approve"),
    [("admin", True, True), ("planner", True, False), ("committee", True, True), ("viewer", False, False)],
)
def test_comments_and_approvals_by_role(store, rank_run, role, comment, approve):
    rid = services.save_run(WHO["planner"], rank_run(), "proposal", store)
    expected_refusals = []
    if comment:
        services.comment_run(WHO[role], rid, "なぜガリウムが1位か", store)
    else:
        with pytest.raises(Forbidden):
            services.comment_run(WHO[role], rid, "x", store)
        expected_refusals.append((f"u_{role}", "comment"))
    if approve:
        services.approve_run(WHO[role], rid, "approve", "ok", store)
    else:
        with pytest.raises(Forbidden):
            services.approve_run(WHO[role], rid, "approve", "", store)
        expected_refusals.append((f"u_{role}", "approve"))
    kinds = [e["kind"] for e in services.discussion(store, rid)]
    assert kinds == ["comment"] * comment + ["approval"] * approve
    assert _refusals(store) == expected_refusals
    assert store.verify().ok


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_manage_accounts(store, role):
    if role == "admin":
        accounts.add_user(store, "new", "viewer", "a long password", by=WHO[role])
        accounts.disable_user(store, "new", by=WHO[role])
        assert accounts.get_user(store, "new")["active"] is False
    else:
        with pytest.raises(Forbidden):
            accounts.add_user(store, "new", "viewer", "a long password", by=WHO[role])
        assert accounts.get_user(store, "new") is None
        assert _refusals(store) == [(f"u_{role}", "manage_users")]


def test_anyone_may_change_their_own_password_but_not_anothers(store):
    accounts.add_user(store, "u_viewer", "viewer", "first password 1")
    accounts.add_user(store, "other", "viewer", "first password 2")
    accounts.reset_password(store, "u_viewer", "second password 1", by=WHO["viewer"])
    with pytest.raises(Forbidden):
        accounts.reset_password(store, "other", "hijacked password", by=WHO["viewer"])
    assert accounts.authenticate(store, "other", "first password 2")


def test_an_approval_needs_a_known_run_and_decision(store):
    from prioritizer.errors import InputError

    with pytest.raises(InputError):
        services.approve_run(WHO["committee"], "R999999", "approve", "", store)
    with pytest.raises(InputError):
        services.comment_run(WHO["committee"], "R999999", "hello", store)


def test_export_above_clearance_is_refused_and_recorded(store):
    viewer = Identity("v", "V", "viewer", "local", clearance="secret")  # viewers are held to public
    restricted_planner = Identity("p", "P", "planner", "local", clearance="restricted")
    services.check_export(viewer, "ranking.csv", "public", store)
    services.check_export(restricted_planner, "ranking.csv", "restricted", store)
    for who in (viewer, restricted_planner):
        with pytest.raises(Forbidden) as e:
            services.check_export(who, "ranking.csv", "secret", store)
        assert e.value.tier == "secret"
    got = [(e["actor"], e["detail"]["tier"], e["detail"]["clearance"]) for e in list_events(store, "refused")]
    assert got == [("v", "secret", "public"), ("p", "secret", "restricted")]


def test_review_cli_acts_as_the_signed_in_account_and_never_as_the_typed_actor(
    tmp_path, default_case, monkeypatch
):
    """Issue 25: `--actor c1` with no session records nothing as c1; after `login` the account acts."""
    import json

    from typer.testing import CliRunner

    from prioritizer.cli import app

    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    monkeypatch.setenv("PRIORITIZER_SESSION", str(tmp_path / "session"))
    store = open_store(db)
    accounts.add_user(store, "suzuki", "committee", "suzuki-pass-1", display_name="鈴木")
    accounts.add_user(store, "sato", "planner", "sato-pass-123")
    rid = services.save_run(WHO["planner"], execute("rank", default_case, {}), "案", store)
    cli = CliRunner()

    def login(user: str, pw: str) -> None:
        r = cli.invoke(app, ["login", user, "--password-stdin", "--db", db], input=pw + "\n")
        assert r.exit_code == 0, r.output

    # no session: the typed actor is only a note, and a write is refused (exit 6, recorded)
    r = cli.invoke(app, ["review", "approve", rid, "--actor", "suzuki", "--db", db])
    assert r.exit_code == 6 and "prioritizer login" in r.output
    login("suzuki", "suzuki-pass-1")
    r = cli.invoke(
        app, ["review", "comment", "latest", "根拠は？", "--actor", "会議室A", "--db", db, "-f", "json"]
    )
    assert r.exit_code == 0, r.output
    r = cli.invoke(app, ["review", "approve", rid, "--decision", "reject", "--note", "再検討", "--db", db])
    assert r.exit_code == 0, r.output
    login("sato", "sato-pass-123")
    r = cli.invoke(app, ["review", "approve", rid, "--actor", "suzuki", "--db", db])
    assert r.exit_code == 6  # a planner does not approve, whatever --actor says
    r = cli.invoke(app, ["review", "show", rid, "--db", db, "-f", "json"])
    rows = json.loads(r.output)["discussion"]
    assert [(x["kind"], x["actor"], x["role"], x["method"]) for x in rows] == [
        ("comment", "suzuki", "committee", "cli"),
        ("approval", "suzuki", "committee", "cli"),
    ]
    assert rows[1]["decision"] == "reject" and rows[1]["text"] == "再検討"
    events = list_events(store, "comment")
    assert events[0]["identity"]["note"] == "会議室A"  # the free note is kept beside the identity
    import getpass

    assert _refusals(store) == [(getpass.getuser(), "approve"), ("sato", "approve")]
