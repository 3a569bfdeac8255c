"""Anchors (issue 25 item 6): `audit anchor` prints the head; `audit verify --anchor SEQ:HASH`
exposes records cut off the end, which the chain alone cannot; approvals and reports carry the
head they were made at."""

from __future__ import annotations

import json

import pytest
import test_audit_helpers as helpers
from sqlalchemy import text
from test_audit_helpers import make_run, raw_engine
from typer.testing import CliRunner

from prioritizer.audit import open_store, record_run
from prioritizer.audit.chain import GENESIS
from prioritizer.audit.events import list_events
from prioritizer.auth import services
from prioritizer.auth.identity import Identity
from prioritizer.cli import app

db_url = helpers.db_url  # SQLite and PostgreSQL
pg_schema_url = helpers.pg_schema_url

COMMITTEE = Identity("suzuki", "鈴木", "committee", "local", "secret")


def cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def _three_runs(db_url: str) -> None:
    for i in range(3):  # allocate: no weights, so one record per run (seq = run number)
        record_run(make_run(command="allocate", created_at=f"2025-04-0{i + 1}T09:00:00.000000+00:00"), db_url)


def test_anchor_prints_the_head_seq_hash_and_time(db_url):
    r = cli("audit", "anchor", "--db", db_url, "--format", "json")
    assert r.exit_code == 0, r.output
    empty = json.loads(r.stdout)
    assert (empty["seq"], empty["hash"], empty["anchor"], empty["recorded_at"]) == (
        0,
        GENESIS,
        f"0:{GENESIS}",
        None,
    )
    _three_runs(db_url)
    got = json.loads(cli("audit", "anchor", "--db", db_url, "--format", "json").stdout)
    rep = open_store(db_url).verify()
    assert (got["seq"], got["hash"]) == (rep.head_seq, rep.head_hash) == (3, rep.head_hash)
    assert got["anchor"] == f"3:{rep.head_hash}"
    assert got["recorded_at"] == "2025-04-03T09:00:00.000000+00:00"  # the third run's time
    text_en = cli("audit", "anchor", "--db", db_url, "--lang", "en").stdout
    assert f"3:{rep.head_hash}" in text_en and "verify --anchor" in text_en
    assert "アンカー" in cli("audit", "anchor", "--db", db_url).stdout


def _cut_last_run(db_url: str) -> None:
    """Delete the newest run and its record, and rewind the head onto the one before: the chain
    that is left is consistent, so nothing inside the store shows the cut."""
    with raw_engine(db_url).begin() as c:
        last = c.execute(text("SELECT max(seq) FROM audit_records")).scalar()
        prev = c.execute(text("SELECT prev_hash FROM audit_records WHERE seq = :s"), {"s": last}).scalar()
        rid = c.execute(text("SELECT run_id FROM audit_runs WHERE seq = :s"), {"s": last}).scalar()
        c.execute(text("DELETE FROM audit_run_files WHERE run_id = :r"), {"r": rid})
        c.execute(text("DELETE FROM audit_runs WHERE run_id = :r"), {"r": rid})
        c.execute(text("DELETE FROM audit_records WHERE seq = :s"), {"s": last})
        c.execute(
            text("UPDATE audit_head SET seq = :s, hash = :h, runs = runs - 1 WHERE id = 1"),
            {"s": last - 1, "h": prev},
        )


def test_records_cut_off_the_end_are_caught_only_against_a_published_anchor(db_url):
    _three_runs(db_url)
    anchor = open_store(db_url).head()["anchor"]
    _cut_last_run(db_url)
    store = open_store(db_url)
    assert store.verify().ok  # the stated limit: the store cannot vouch for its own end
    rep = store.verify(anchor=anchor)
    assert not rep.ok and rep.first_broken.kind == "anchor"
    assert "records 3–3 were cut off the end" in rep.first_broken.reason
    for flag in ("--anchor", "--head"):
        r = cli("audit", "verify", "--db", db_url, flag, anchor, "--lang", "en")
        assert r.exit_code == 3 and "cut off the end" in r.stdout, flag


def test_an_anchor_still_holds_after_later_appends_and_checks_its_seq(db_url):
    _three_runs(db_url)
    head = open_store(db_url).head()
    record_run(make_run(command="allocate"), db_url)
    assert cli("audit", "verify", "--db", db_url, "--anchor", head["anchor"]).exit_code == 0
    rep = open_store(db_url).verify(anchor=head["anchor"])
    assert rep.ok and rep.anchor_seq == 3
    # the right hash claimed at the wrong record is a rewritten history
    rep = open_store(db_url).verify(anchor=f"2:{head['hash']}")
    assert not rep.ok and rep.first_broken.seq == 2 and "not the anchored head" in rep.first_broken.reason
    r = cli("audit", "verify", "--db", db_url, "--anchor", "x:1234")
    assert r.exit_code == 2 and "SEQ:HASH" in r.output


def test_an_approval_names_the_head_it_was_made_at(db_url):
    _three_runs(db_url)
    store = open_store(db_url)
    before = store.head()
    seq = services.approve_run(COMMITTEE, "R000002", "approve", "予算内", store)
    approval = list_events(store, "approval")[0]
    assert approval["seq"] == seq == before["seq"] + 1
    assert (approval["detail"]["head_seq"], approval["detail"]["head_hash"]) == (3, before["hash"])
    with store._read() as conn:  # the head it names is the record it chains onto
        prev = conn.execute(text("SELECT prev_hash FROM audit_records WHERE seq = :s"), {"s": seq}).scalar()
    assert prev == before["hash"]
    r = cli("review", "show", "R000002", "--db", db_url, "--format", "json")
    assert json.loads(r.stdout)["discussion"][0]["head"] == before["anchor"]
    assert store.verify(anchor=before["anchor"]).ok


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_report_carries_the_head_it_was_made_at(db_url):
    from pathlib import Path

    from prioritizer.case import load_case
    from prioritizer.reports.content import build_document
    from prioritizer.reports.document import KeyValues
    from prioritizer.runs import execute

    rid = record_run(
        execute(
            "rank", load_case(Path(__file__).parents[1] / "inputs" / "default"), {}, actor="佐藤", reason="案"
        ),
        db_url,
    )
    store = open_store(db_url)
    head = store.head()
    doc = build_document(store, rid, "en")
    pairs = dict(
        kv
        for section in doc.sections
        for block in section.blocks
        if isinstance(block, KeyValues)
        for kv in block.items
    )
    assert pairs["Audit store head hash"] == head["hash"]
    assert pairs["Audit store head record at the time of this report"] == str(head["seq"])
    assert store.verify(
        anchor=f"{pairs['Audit store head record at the time of this report']}:{head['hash']}"
    ).ok
