"""`prioritizer audit …` end to end, including the issue's done-criterion with the real
`rank` command: two rank runs with different weights → `audit diff` explains it in
words; editing one stored weight by SQL → `audit verify` exits non-zero naming it."""

from __future__ import annotations

import importlib.util
import json

import pytest
import test_audit_helpers as helpers
from sqlalchemy import text
from test_audit_helpers import make_run, raw_engine
from typer.testing import CliRunner

from prioritizer.audit import record_run
from prioritizer.cli import app

db_url = helpers.db_url
pg_schema_url = helpers.pg_schema_url

GOODS = (
    "id,name_ja,name_en,autonomy,indispensability,securing_cost,foreign_dependence\n"
    "g1,ガリウム,Gallium,0.2,0.3,100,0.9\n"
    "g2,黒鉛,Graphite,0.4,0.1,300,0.7\n"
    "g3,半導体,Semiconductors,0.6,0.8,900,0.4\n"
    "g4,永久磁石,Magnets,0.3,0.5,200,0.8\n"
)


def cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def case_dir(tmp_path):  # type: ignore[no-untyped-def]
    d = tmp_path / "case"
    d.mkdir()
    (d / "goods.csv").write_text(GOODS, encoding="utf-8")
    return d


needs_rank = pytest.mark.skipif(
    importlib.util.find_spec("prioritizer.scoring.service") is None,
    reason="the scoring service (prioritizer.scoring) has not landed in this tree",
)


@needs_rank
def test_done_criterion_two_rank_runs_diff_and_tampered_weight(db_url, case_dir):
    r1 = cli("rank", str(case_dir), "--db", db_url, "--actor", "佐藤", "--reason", "初期の重み", "-f", "json")
    assert r1.exit_code == 0, r1.output
    w = "autonomy=0.1,indispensability=0.1,cost=0.1,foreign_dependence=0.7"
    r2 = cli(
        "rank",
        str(case_dir),
        "--weights",
        w,
        "--db",
        db_url,
        "--actor",
        "田中",
        "--reason",
        "対外依存を重視",
        "-f",
        "json",
    )
    assert r2.exit_code == 0, r2.output
    a, b = json.loads(r1.stdout)["run_id"], json.loads(r2.stdout)["run_id"]

    d = cli("audit", "diff", a, b, "--db", db_url, "--lang", "en")
    assert d.exit_code == 0, d.output
    assert "was raised from" in d.stdout and "to 0.700" in d.stdout
    assert "理由" not in d.stdout and "Reason: 対外依存を重視" in d.stdout
    ja = cli("audit", "diff", a, b, "--db", db_url)
    assert "「対外依存度」を" in ja.stdout and "に引き上げました" in ja.stdout

    rep = cli("audit", "replay", b, "--db", db_url, "--lang", "en")
    assert rep.exit_code == 0, rep.output
    assert "identical" in rep.stdout

    assert cli("audit", "verify", "--db", db_url).exit_code == 0
    with raw_engine(db_url).begin() as c:
        stored = json.loads(
            c.execute(text("SELECT weights FROM audit_runs WHERE run_id = :r"), {"r": b}).scalar()
        )
        stored["foreign_dependence"] = 0.5
        c.execute(
            text("UPDATE audit_runs SET weights = :w WHERE run_id = :r"),
            {"w": json.dumps(stored, sort_keys=True, separators=(",", ":")), "r": b},
        )
    v = cli("audit", "verify", "--db", db_url, "--lang", "en")
    assert v.exit_code == 3
    assert f"(run {b}): the run row was edited: weights differ" in v.stdout
    j = cli("audit", "verify", "--db", db_url, "--format", "json")
    assert j.exit_code == 3 and json.loads(j.stdout)["first_broken"]["ref"] == b


def test_log_show_and_filters(db_url):
    record_run(make_run(actor="佐藤", reason="初期", created_at="2025-04-01T00:00:00+00:00"), db_url)
    record_run(
        make_run({"a": 0.9, "b": 0.1}, actor="田中", reason="見直し", created_at="2025-05-01T00:00:00+00:00"),
        db_url,
    )
    r = cli("audit", "log", "--db", db_url, "--format", "json")
    assert [x["run_id"] for x in json.loads(r.stdout)["runs"]] == ["R000002", "R000001"]
    r = cli("audit", "log", "--db", db_url, "--format", "json", "--actor", "佐藤")
    assert [x["run_id"] for x in json.loads(r.stdout)["runs"]] == ["R000001"]
    r = cli("audit", "log", "--db", db_url, "--format", "csv", "--since", "2025-04-15")
    assert r.stdout.splitlines()[0].startswith("run_id,created_at,command,actor")
    assert len(r.stdout.splitlines()) == 2 and "R000002" in r.stdout
    t = cli("audit", "log", "--db", db_url)
    assert "田中" in t.stdout and "見直し" in t.stdout
    s = cli("audit", "show", "latest", "--db", db_url, "--format", "json")
    got = json.loads(s.stdout)
    assert got["run_id"] == "R000002" and got["weights"] == {"a": 0.9, "b": 0.1}
    assert got["input_files"]["goods.csv"]["sha256"] == got["input_digests"]["goods.csv"]
    s = cli("audit", "show", "R000001", "--db", db_url, "--lang", "en")
    assert "goods.csv" in s.stdout and "result:" in s.stdout
    s = cli("audit", "show", "R000001", "--db", db_url)  # Japanese by default, the file names as they are
    assert "goods.csv" in s.stdout and "結果:" in s.stdout
    bad = cli("audit", "log", "--db", db_url, "--since", "April")
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_unknown_run_exits_2(db_url):
    r = cli("audit", "show", "R000042", "--db", db_url)
    assert r.exit_code == 2 and "R000042" in r.output


def test_verify_anchor_and_out_file(db_url, tmp_path):
    record_run(make_run(), db_url)
    out = tmp_path / "verify.json"
    r = cli("audit", "verify", "--db", db_url, "--format", "json", "--out", str(out))
    assert r.exit_code == 0
    head = json.loads(out.read_text(encoding="utf-8"))["head_hash"]
    assert cli("audit", "verify", "--db", db_url, "--anchor", head).exit_code == 0
    r = cli("audit", "verify", "--db", db_url, "--anchor", "ab" * 32, "--lang", "en")
    assert r.exit_code == 3 and "anchored head hash does not occur" in r.stdout


@needs_rank
def test_unreachable_store_fails_the_command_without_claiming_a_record(case_dir):
    r = cli("rank", str(case_dir), "--db", "postgresql://x@127.0.0.1:1/none", "--format", "json")
    assert r.exit_code == 3
    assert r.stdout == ""  # no run_id printed: nothing was recorded
    assert "audit store" in r.stderr and "server is running" in r.stderr
    ok = cli(
        "rank", str(case_dir), "--db", "postgresql://x@127.0.0.1:1/none", "--no-audit", "--format", "json"
    )
    assert ok.exit_code == 0 and json.loads(ok.stdout)["run_id"] is None
