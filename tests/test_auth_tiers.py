"""Information tiers: rows above a reader's clearance never reach its results, records or exports.

The default case with two goods marked by hand: antimony restricted (機密性2), lithium secret.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prioritizer.audit import open_store
from prioritizer.case import load_case
from prioritizer.case.tiers import case_tier, hidden_rows, visible_case
from prioritizer.cli import app

ROOT = Path(__file__).resolve().parents[1]
MARKS = {"antimony": "restricted", "lithium": "secret"}


@pytest.fixture
def tiered_case(tmp_path):
    dst = tmp_path / "tiered"
    shutil.copytree(ROOT / "inputs" / "default", dst)
    rows = list(csv.DictReader(io.StringIO((dst / "goods.csv").read_text(encoding="utf-8-sig"))))
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=[*rows[0].keys(), "tier"], lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({**r, "tier": MARKS.get(r["id"], "")})
    (dst / "goods.csv").write_text(out.getvalue(), encoding="utf-8")
    return dst


def _ids(df):
    return set(df["id"]) if "id" in df.columns else set()


def test_a_clearance_sees_only_rows_at_or_below_it(tiered_case):
    case = load_case(tiered_case)
    assert case_tier(case) == "secret"
    pub = visible_case(case, "public")
    assert not ({"antimony", "lithium"} & _ids(pub.goods))
    assert not ({"antimony", "lithium"} & set(pub.projects["good_id"]))
    assert not ({"antimony", "lithium"} & set(pub.flows["good_id"]))
    assert not ({"antimony", "lithium"} & set(pub.scenarios["good_id"].dropna()))
    assert len(pub.goods) == len(case.goods) - 2
    # The file snapshots are the same view: nothing secret is left in what a run would record.
    for name, data in pub.files.items():
        if name.endswith(".csv"):
            assert b"lithium" not in data and b"antimony" not in data, name
    res = visible_case(case, "restricted")
    assert "antimony" in _ids(res.goods) and "lithium" not in _ids(res.goods)
    assert case_tier(res) == "restricted"
    assert visible_case(case, "secret") is case
    assert hidden_rows(case, "public")["goods"] == 2


def test_cli_output_and_records_follow_the_accounts_clearance(tiered_case, tmp_path):
    from _signin import add, login

    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    store = open_store(db)
    add(store, "yamada", "viewer", clearance="secret")  # viewers are held to public
    add(store, "sato", "planner", clearance="restricted")
    login(db, "yamada")
    r = CliRunner().invoke(app, ["rank", str(tiered_case), "--format", "json", "--db", db])
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    ids = {x["id"] for x in got["ranking"]}
    assert not ({"antimony", "lithium"} & ids)
    assert "tier" not in got  # computed on public rows only
    login(db, "sato")
    r = CliRunner().invoke(app, ["rank", str(tiered_case), "--format", "json", "--db", db])
    got = json.loads(r.output)
    ids = {x["id"] for x in got["ranking"]}
    assert "antimony" in ids and "lithium" not in ids
    assert got["tier"] == "restricted"  # labelled with the tier of its inputs
    stored = store.get(got["run_id"])
    assert stored.identity["user"] == "sato" and stored.identity["method"] == "cli"
    assert stored.identity["os_user"]
    assert all(b"lithium" not in v for v in stored.case_files.values())
    # Replaying from the recorded (filtered) snapshot gives the same, labelled result.
    assert store.replay(got["run_id"]).identical
    assert store.verify().ok


def test_a_bad_tier_is_named_by_file_row_and_column(tiered_case):
    from prioritizer.errors import InputError

    text = (tiered_case / "goods.csv").read_text(encoding="utf-8").replace(",secret\n", ",top-secret\n")
    (tiered_case / "goods.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_case(tiered_case)
    assert any(
        i.file == "goods.csv" and i.column == "tier" and i.value == "top-secret" for i in e.value.issues
    )


def test_reports_print_their_tier_and_hold_the_runs_discussion(tiered_case, tmp_path):
    from pypdf import PdfReader

    from prioritizer.auth import services
    from prioritizer.auth.identity import Identity
    from prioritizer.reports import build_report
    from prioritizer.runs import execute

    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    store = open_store(db)
    planner = Identity("sato", "佐藤", "planner", "local", "restricted")
    case = visible_case(load_case(tiered_case), "restricted")
    from prioritizer.case.tiers import labelled

    rid = services.save_run(planner, labelled(execute("rank", case, {}), case), "案", store)
    services.comment_run(
        Identity("suzuki", "鈴木 一郎", "committee", "local"), rid, "根拠を確認したい", store
    )
    out = build_report(rid, "pdf", "ja", tmp_path / "r.pdf", db)
    pages = [p.extract_text() for p in PdfReader(out).pages]
    # Typst sets CJK–Latin spacing, so the extracted text may read 「機密性 2」.
    assert len(pages) > 1 and all("機密性2" in p.replace(" ", "") for p in pages)
    assert any("根拠を確認したい" in p for p in pages)


def test_a_report_above_the_readers_clearance_is_refused_and_recorded(tiered_case, tmp_path):
    from _signin import add, login

    from prioritizer.audit.events import list_events
    from prioritizer.auth import services
    from prioritizer.auth.identity import Identity
    from prioritizer.case.tiers import labelled
    from prioritizer.runs import execute

    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    store = open_store(db)
    add(store, "yamada", "viewer")
    add(store, "sato", "planner", clearance="restricted")
    case = visible_case(load_case(tiered_case), "restricted")
    rid = services.save_run(
        Identity("sato", "佐藤", "planner", "local", "restricted"),
        labelled(execute("rank", case, {}), case),
        "案",
        store,
    )
    out = tmp_path / "r.html"
    login(db, "yamada")
    r = CliRunner().invoke(app, ["report", rid, "--format", "html", "--out", str(out), "--db", db])
    assert r.exit_code == 6 and not out.exists()
    refused = list_events(store, "refused")
    assert [(e["actor"], e["detail"]["action"], e["detail"]["tier"]) for e in refused] == [
        ("yamada", "export", "restricted")
    ]
    login(db, "sato")
    r = CliRunner().invoke(app, ["report", rid, "--format", "html", "--out", str(out), "--db", db])
    assert r.exit_code == 0, r.output  # a planner cleared for restricted may export it
    assert "機密性2" in out.read_text(encoding="utf-8")
