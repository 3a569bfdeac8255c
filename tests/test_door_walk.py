"""The walk (issue 25): every CLI subcommand and every app page, run as a reader who may not see a
secret row, shows no trace of it.

The list of commands comes from the Typer app and the list of pages from the files under
``prioritizer/app/pages`` — not from the door's registry — so a new command or page that skips the
door is walked all the same; one that the walk does not know how to run fails here until it is
added below.

The case is the default case plus one good marked ``secret`` (秘匿合金ZQ / Hidden Alloy ZQ), a secret
project for it, its import flows and a scenario naming it. The store has accounts, a secret run
(recorded by an admin), a comment on it and a case version holding the secret rows, so every
path that shows stored material has something secret it could leak.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
#: text that only the secret rows hold (ids, names, the reason and the comment about them)
MARKERS = ("zq_secret", "秘匿", "ZQ")


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    return list(reader.fieldnames or []), list(reader)


def _write(path: Path, head: list[str], rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=head, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def make_secret_case(dst: Path) -> Path:
    shutil.copytree(ROOT / "inputs" / "default", dst)
    head, goods = _rows(dst / "goods.csv")
    base = next(g for g in goods if g.get("stockpilable") == "true")
    secret = {**base, "id": "zq_secret_alloy", "name_ja": "秘匿合金ZQ", "name_en": "Hidden Alloy ZQ"}
    secret.update(parent_id="", tier="secret", source="walk test")
    _write(dst / "goods.csv", [*head, "tier"], [*goods, secret])
    head, projects = _rows(dst / "projects.csv")
    base = next(p for p in projects if p["good_id"] == base["id"])
    proj = {**base, "id": "p_zq_secret_plant", "name_ja": "秘匿工場ZQ", "name_en": "Hidden plant ZQ"}
    proj.update(good_id="zq_secret_alloy", requires="", excludes="", must="", tier="secret")
    _write(dst / "projects.csv", [*head, "tier"], [*projects, proj])
    head, flows = _rows(dst / "flows.csv")
    donor = [f for f in flows if f["good_id"] == base["good_id"]]
    extra = [{**f, "good_id": "zq_secret_alloy", "tier": "secret"} for f in donor]
    _write(dst / "flows.csv", [*head, "tier"], [*flows, *extra])
    head, scen = _rows(dst / "scenarios.csv")
    s0 = {**scen[0], "id": "s_zq_secret", "name_ja": "秘匿合金ZQの途絶", "name_en": "ZQ stop"}
    s0.update(good_id="zq_secret_alloy", partner="")
    _write(dst / "scenarios.csv", head, [*scen, s0])
    return dst


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A store with accounts, a secret run, a public run, a comment and a secret case version."""
    from prioritizer import door
    from prioritizer.audit import open_store
    from prioritizer.auth import accounts
    from prioritizer.auth.identity import Identity

    tmp = tmp_path_factory.mktemp("walk")
    case = make_secret_case(tmp / "case")
    db = f"sqlite:///{tmp / 'audit.sqlite'}"
    store = open_store(db)
    accounts.add_user(store, "boss", "admin", "boss-pass-123", clearance="secret")
    accounts.add_user(store, "mori", "viewer", "mori-pass-123")
    boss = door.app_caller(Identity("boss", "Boss", "admin", "local", "secret"), store)
    secret_run = door.compute(boss, "rank", case, {}, reason="ZQ 秘匿 審議用")
    alloc_run = door.compute(boss, "allocate", case, {"explain": "prices"}, reason="ZQ 配分")
    assert secret_run.result["tier"] == "secret"
    public = door.app_caller(Identity("pub", "Pub", "planner", "local", "public"), store)
    public_run = door.compute(public, "rank", case, {}, reason="公開の順位")
    assert "tier" not in public_run.result
    door.comment(boss, secret_run.run_id, "ZQ の秘匿工場について確認")
    files = {p.name: p.read_bytes() for p in case.iterdir() if p.is_file()}
    door.save_version(boss, files, reason="秘匿合金ZQ を追加", case_name="walk")
    grid = tmp / "grid.yaml"
    grid.write_text("budgets: [6000]\nweights: {samples: 1, seed: 1}\nscenarios: all\n", encoding="utf-8")
    return {
        "case": case,
        "db": db,
        "store": store,
        "secret": secret_run.run_id,
        "secret_alloc": alloc_run.run_id,
        "public": public_run.run_id,
        "grid": grid,
        "tmp": tmp,
    }


def _commands() -> list[str]:
    """Every leaf subcommand of the Typer app ("audit show", "rank", …)."""
    import typer.main

    from prioritizer.cli import app

    root = typer.main.get_command(app)
    ctx = root.context_class(root)

    def walk(c: Any, path: list[str]) -> list[str]:
        if hasattr(c, "list_commands"):
            return [x for n in c.list_commands(ctx) for x in walk(c.get_command(ctx, n), [*path, n])]
        return [" ".join(path)]

    return walk(root, [])


def _invocations(w: dict[str, Any], out: Path) -> dict[str, list[list[str]]]:
    """How the walk runs each command (several ways where the output differs)."""
    case, grid = str(w["case"]), str(w["grid"])
    s, p, a = w["secret"], w["public"], w["secret_alloc"]
    keys = str(out / "keys")
    return {
        "validate": [["validate", case], ["validate", case, "--format", "json"]],
        "rank": [["rank", case], ["rank", case, "--format", "json"], ["rank", case, "--format", "csv"]],
        "indicators": [["indicators", case, "--format", "json"], ["indicators", case, "--alerts"]],
        "exposure": [["exposure", case, "gallium", "--format", "json"]],
        "allocate": [["allocate", case, "--format", "json"], ["allocate", case]],
        "frontier": [["frontier", case, "--points", "2", "--format", "json"]],
        "robustness": [["robustness", case, "--samples", "50", "--seed", "1", "--format", "json"]],
        "study": [["study", case, "--grid", grid, "--workers", "0", "--format", "json"]],
        "generate": [["generate", str(out / "gen"), "--goods", "5", "--projects", "3", "--scenarios", "2"]],
        "report": [
            ["report", s, "--format", "html", "--out", str(out / "s.html")],
            ["report", p, "--format", "html", "--out", str(out / "p.html")],
        ],
        # `app` starts the server: its pages are walked by test_every_page_* below
        "app": [],
        "import-trade": [
            [
                "import-trade",
                "japan-customs",
                str(ROOT / "inputs" / "default" / "flows.csv"),
                "--map",
                str(ROOT / "inputs" / "default" / "hs_map.csv"),
                "--out",
                case,
            ]
        ],
        "stress": [["stress", case, "--all", "--format", "json"], ["stress", case, "--all", "--run", a]],
        "login": [["login", "mori", "--password-stdin"]],
        "logout": [["logout"]],
        "whoami": [["whoami", "--format", "json"]],
        "audit log": [["audit", "log"], ["audit", "log", "--format", "json"]],
        "audit show": [["audit", "show", s], ["audit", "show", p, "--format", "json"]],
        "audit diff": [["audit", "diff", p, s], ["audit", "diff", s, p, "--format", "json"]],
        "audit verify": [["audit", "verify"]],
        "audit replay": [["audit", "replay", s]],
        "weights ahp": [["weights", "ahp", str(ROOT / "models" / "ahp_example.csv")]],
        "weights group ahp": [
            [
                "weights",
                "group",
                "ahp",
                str(ROOT / "models" / "ahp_example.csv"),
                str(ROOT / "models" / "ahp_example.csv"),
            ]
        ],
        "case versions": [["case", "versions"], ["case", "versions", "--format", "json"]],
        "case export": [["case", "export", "latest", str(out / "export")]],
        "users add": [["users", "add", "x1", "--role", "viewer"]],
        "users list": [["users", "list"]],
        "users disable": [["users", "disable", "boss"]],
        "users reset": [["users", "reset", "boss", "--password-stdin"]],
        "review comment": [["review", "comment", s, "見た"]],
        "review approve": [["review", "approve", s]],
        "review show": [["review", "show"], ["review", "show", s]],
        "partners": [
            ["partners", case, "natural_graphite", "--format", "json"],
            ["partners", case, "gallium"],
        ],
        "audit anchor": [["audit", "anchor"]],
        "weights adopt": [["weights", "adopt", s, "--case", case]],
        "weights current": [["weights", "current", case, "--format", "json"]],
        "weights round open": [["weights", "round", "open", "walk"]],
        "weights round close": [["weights", "round", "close", "walk"]],
        "import-supply": [
            ["import-supply", "usgs-mcs", str(out / "none.csv"), "--map", str(out / "m.csv"), "--out", case]
        ],
        "import-governance": [["import-governance", "wgi", str(out / "none.csv"), "--out", case]],
        "users role": [["users", "role", "boss", "viewer"]],
        "users clearance": [["users", "clearance", "boss", "public"]],
        "users enable": [["users", "enable", "boss"]],
        # keys first, so that the bundle commands below have a key pair to sign with
        "keys init": [["keys", "init", "--keys", keys]],
        "keys show": [["keys", "show", "--keys", keys]],
        "bundle export": [
            ["bundle", "export", s, "--out", str(out / "secret.bundle"), "--keys", keys],
            ["bundle", "export", s, "--tier", "secret", "--out", str(out / "secret2.bundle"), "--keys", keys],
            ["bundle", "export", p, "--out", str(out / "public.bundle"), "--keys", keys],
        ],
        "bundle verify": [
            ["bundle", "verify", str(out / "public.bundle"), "--key", str(Path(keys) / "bundle_ed25519.pub")]
        ],
        "bundle replay": [["bundle", "replay", str(out / "public.bundle")]],
    }


def _files_text(folder: Path) -> str:
    parts = []
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            parts.append(f.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)


def test_every_cli_subcommand_as_a_viewer_without_a_session_shows_no_secret_row(world, monkeypatch):
    from prioritizer.cli import app

    out = world["tmp"] / "out"
    out.mkdir()
    monkeypatch.setenv("PRIORITIZER_DB", world["db"])
    monkeypatch.setenv("PRIORITIZER_LANG", "ja")
    monkeypatch.delenv("PRIORITIZER_AUTH", raising=False)
    commands = _commands()
    table = _invocations(world, out)
    unknown = sorted(set(commands) - set(table))
    assert unknown == [], f"add these commands to the walk: {unknown}"
    assert len(commands) >= 30
    runner = CliRunner()
    leaks, ran, codes = [], 0, {}
    # the key pair before the bundles, the bundle before its verification and replay
    commands.sort(key=lambda c: {"keys init": 0, "keys show": 1, "bundle export": 2}.get(c, 3))
    for name in commands:
        for args in table[name]:
            r = runner.invoke(app, args, input="wrong-password\n")
            ran += 1
            text = (r.stdout or "") + (r.stderr or "")
            codes[" ".join(args[:3])] = r.exit_code
            if r.exception is not None and not isinstance(r.exception, SystemExit):
                leaks.append(f"{' '.join(args)}: crashed with {r.exception!r}")
            for m in MARKERS:
                if m in text:
                    leaks.append(f"{' '.join(args)}: output names {m!r}")
    s = world["secret"]
    for m in MARKERS:
        if m in _files_text(out):
            leaks.append(f"a file the walk's commands wrote names {m!r}")
    assert ran >= 40
    assert leaks == []
    # the reads ran (exit 0) and the writes and secret reads were refused (exit 6)
    assert codes["rank " + str(world["case"]) + " --format"] == 0, codes
    assert codes["audit show " + world["secret"]] == 6, codes
    assert codes["review approve " + world["secret"]] == 6, codes
    assert codes["users add x1"] == 6, codes
    assert codes["case export latest"] == 6, codes
    assert codes["import-trade japan-customs " + str(ROOT / "inputs" / "default" / "flows.csv")] == 6, codes
    assert codes["bundle export " + s] == 6, codes
    assert codes["weights adopt " + s] == 6, codes
    assert codes["import-supply usgs-mcs " + str(out / "none.csv")] == 6, codes
    assert codes["import-governance wgi " + str(out / "none.csv")] == 6, (
        codes
    )  # a secret run is not bundled for this reader
    assert (out / "public.bundle").exists() and not (out / "secret.bundle").exists()
    # and the store's version of the case on disk still holds the secret rows (nothing was
    # written over them by the refused import)
    assert b"zq_secret_alloy" in (world["case"] / "goods.csv").read_bytes()


def test_the_refusals_of_the_walk_are_recorded(world):
    from prioritizer.audit.events import list_events

    refused = list_events(world["store"], "refused")
    actions = {e["detail"]["action"] for e in refused}
    # writes without a session, and showing a secret run to a public reader
    assert {"edit_case", "manage_users", "comment", "approve", "export", "view"} <= actions
    assert all(e["identity"]["session"] == "no session" for e in refused if e["actor"] != "boss")


def _page_files() -> list[str]:
    return sorted(
        p.stem for p in (ROOT / "prioritizer" / "app" / "pages").glob("*.py") if not p.stem.startswith("_")
    )


def _app_text(at: Any) -> str:
    import pandas as pd

    out: list[str] = []

    def walk(node: Any) -> None:
        value = getattr(node, "value", None) if type(node).__name__ in ("Dataframe", "Table") else None
        if isinstance(value, pd.DataFrame):
            out.append(value.to_csv())
        elif getattr(node, "proto", None) is not None:
            out.append(str(node.proto))
        kids = getattr(node, "children", None)
        for c in kids.values() if isinstance(kids, dict) else kids or []:
            walk(c)

    walk(at._tree)
    return "\n".join(out)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_page_as_a_signed_in_viewer_shows_no_secret_row(world, monkeypatch, lang):
    from streamlit.testing.v1 import AppTest

    from prioritizer.app.main import PAGE_PATHS
    from prioritizer.auth import accounts
    from prioritizer.auth.sessions import Session, open_session

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PRIORITIZER_DB", world["db"])
    monkeypatch.setenv("PRIORITIZER_AUTH", "local")
    files = _page_files()
    assert len(files) >= 10
    # every page file is a page of the app (a file the menu does not serve would not be walked)
    assert sorted(files) == sorted(set(files) & set(PAGE_PATHS)) or set(files) <= set(PAGE_PATHS), files
    ident = accounts.authenticate(world["store"], "mori", "mori-pass-123").identity
    leaks = []
    for page in files:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
        at.session_state["case_path"] = str(world["case"])
        at.session_state["start_page"] = page
        at.session_state["lang"] = lang
        at.session_state["auth_token"] = open_session(world["store"], ident, "app")
        at.session_state["auth_session"] = Session.start(ident)
        at.run()
        assert not at.exception, (page, at.exception)
        text = _app_text(at)
        assert len(text) > 1000, page  # the page was drawn, not the sign-in form
        for m in MARKERS:
            if m in text:
                leaks.append(f"{page}: names {m!r}")
        # a viewer is offered no save of the case
        if page == "data":
            assert not [b for b in at.button if "保存" in str(b.label) or "Save" in str(b.label)]
    assert leaks == []
    # the same reading of an admin's ranking page finds the secret good: the check can fail
    boss = accounts.authenticate(world["store"], "boss", "boss-pass-123").identity
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["case_path"] = str(world["case"])
    at.session_state["start_page"] = "ranking"
    at.session_state["auth_token"] = open_session(world["store"], boss, "app")
    at.session_state["auth_session"] = Session.start(boss)
    at.run()
    assert "zq_secret_alloy" in _app_text(at)


def test_the_walk_would_see_a_leak(world):
    """The walk can fail: the same checks on an admin's output find the secret rows."""
    from prioritizer.cli import app

    env = {"PRIORITIZER_DB": world["db"], "PRIORITIZER_SESSION": str(world["tmp"] / "boss-session")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        runner = CliRunner()
        assert (
            runner.invoke(app, ["login", "boss", "--password-stdin"], input="boss-pass-123\n").exit_code == 0
        )
        r = runner.invoke(app, ["rank", str(world["case"]), "--format", "json", "--no-audit"])
        assert r.exit_code == 0 and "zq_secret_alloy" in r.stdout
        r = runner.invoke(app, ["audit", "show", world["secret"], "--format", "json"])
        assert r.exit_code == 0 and "秘匿" in r.stdout
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
