"""Audit store on real SQLite and real PostgreSQL: recording, reading back, weight events,
tamper detection (edit, delete, swap, insert), anchors, migrations and clear errors."""

from __future__ import annotations

import json
import sqlite3

import pytest
import test_audit_helpers as helpers
from sqlalchemy import text
from test_audit_helpers import make_run, raw_engine

from prioritizer.audit import AuditError, UnknownRunError, open_store, record_run
from prioritizer.audit.chain import GENESIS, canonical, link_hash
from prioritizer.audit.store import SCHEMA_HEAD

# Shared fixtures (pytest registers fixtures by the module attribute name).
db_url = helpers.db_url
pg_schema_url = helpers.pg_schema_url


def _two_runs(url: str):  # type: ignore[no-untyped-def]
    r1 = make_run(
        {"a": 0.5, "b": 0.5}, actor="佐藤", reason="初期の重み", created_at="2025-04-01T09:00:00+00:00"
    )
    r2 = make_run(
        {"a": 0.8, "b": 0.2}, actor="田中", reason="自律性を重視", created_at="2025-04-03T09:00:00+00:00"
    )
    record_run(r1, url)
    record_run(r2, url)
    return r1, r2


def test_record_and_read_back_everything(db_url):
    r1, r2 = _two_runs(db_url)
    assert (r1.run_id, r2.run_id) == ("R000001", "R000002")
    store = open_store(db_url)
    got = store.get("R000002")
    assert got.actor == "田中" and got.reason == "自律性を重視"
    assert got.weights == {"a": 0.8, "b": 0.2}
    assert got.result == json.loads(canonical(r2.result))
    assert got.model["name"] == "default" and got.policy == {"budget": {"total": 100.0}}
    assert got.method == {"method": "wsm", "normalisation": "none", "tie_rule": "min"}
    assert got.versions["numpy"] == "2.1.0"
    assert got.input_digests == r2.input_digests
    assert got.case_files == r2.case_files  # full snapshot, byte for byte (UTF-8 Japanese names)
    assert got.hash == r2.hash and got["hash"] == r2.hash
    assert got.created_at == "2025-04-03T09:00:00.000000+00:00"
    # The same goods.csv twice is one blob (content-addressed).
    with raw_engine(db_url).connect() as c:
        assert c.execute(text("SELECT count(*) FROM audit_blobs")).scalar() == 1
        assert c.execute(text("SELECT count(*) FROM audit_run_files")).scalar() == 2


def test_hash_chain_is_hand_computable(db_url):
    """hash_1 = SHA-256(GENESIS || content_1), hash_n = SHA-256(hash_{n-1} || content_n)."""
    _two_runs(db_url)
    with raw_engine(db_url).connect() as c:
        rows = c.execute(text("SELECT seq, prev_hash, content, hash FROM audit_records ORDER BY seq")).all()
    prev = GENESIS
    for _seq, prev_hash, content, h in rows:
        assert prev_hash == prev
        assert h == link_hash(prev, content)
        prev = h
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert open_store(db_url).head_hash() == prev


def test_weight_changes_are_events_with_from_to_actor_reason(db_url):
    _two_runs(db_url)
    r3 = make_run({"a": 0.8, "b": 0.1, "c": 0.1}, actor="鈴木", reason="新基準 c を追加")
    record_run(r3, db_url)
    other = make_run({"a": 0.1, "b": 0.9}, model_name="other", actor="x", reason="y")
    record_run(other, db_url)
    hist = open_store(db_url).weight_history("default")
    got = [(e["run_id"], e["criterion"], e["from"], e["to"], e["actor"]) for e in hist]
    assert got == [
        ("R000001", "a", None, 0.5, "佐藤"),
        ("R000001", "b", None, 0.5, "佐藤"),
        ("R000002", "a", 0.5, 0.8, "田中"),
        ("R000002", "b", 0.5, 0.2, "田中"),
        ("R000003", "b", 0.2, 0.1, "鈴木"),  # a unchanged: no event
        ("R000003", "c", None, 0.1, "鈴木"),
    ]
    assert hist[2]["reason"] == "自律性を重視"
    # Another model's history is separate.
    assert [e["run_id"] for e in open_store(db_url).weight_history("other")] == ["R000004"] * 2
    assert len(open_store(db_url).weight_history()) == 8


def test_log_filters_by_actor_command_and_date(db_url):
    _two_runs(db_url)
    record_run(make_run(command="allocate", actor="田中", created_at="2025-04-05T23:59:59+09:00"), db_url)
    store = open_store(db_url)
    assert [r.run_id for r in store.runs()] == ["R000003", "R000002", "R000001"]
    assert [r.run_id for r in store.runs(actor="田中")] == ["R000003", "R000002"]
    assert [r.run_id for r in store.runs(command="rank")] == ["R000002", "R000001"]
    assert [r.run_id for r in store.runs(since="2025-04-02")] == ["R000003", "R000002"]
    assert [r.run_id for r in store.runs(until="2025-04-01")] == ["R000001"]  # whole day included
    # 23:59:59 JST on the 5th is 14:59:59 UTC on the 5th.
    assert [r.run_id for r in store.runs(since="2025-04-05", until="2025-04-05")] == ["R000003"]
    assert [r.run_id for r in store.runs(limit=1)] == ["R000003"]
    assert store.latest("rank").run_id == "R000002"
    assert store.runs()[0]["method"] == "wsm"


def test_unknown_run_is_keyerror_and_input_error(db_url):
    store = open_store(db_url)
    assert store.latest() is None
    assert store.head_hash() == GENESIS
    with pytest.raises(UnknownRunError) as exc:
        store.get("R999999")
    assert isinstance(exc.value, KeyError)
    assert "R999999" in str(exc.value)


def test_empty_store_verifies(db_url):
    rep = open_store(db_url).verify()
    assert rep.ok and rep.checked == 0 and rep.head_hash == GENESIS


# --------------------------------------------------------------------------- tampering


def _broken(url: str):  # type: ignore[no-untyped-def]
    rep = open_store(url).verify()
    assert not rep.ok
    return rep.first_broken


def test_editing_a_stored_weight_names_that_run(db_url):
    _two_runs(db_url)
    assert open_store(db_url).verify().ok
    with raw_engine(db_url).begin() as c:
        c.execute(
            text("UPDATE audit_runs SET weights = :w WHERE run_id = 'R000001'"), {"w": '{"a":0.9,"b":0.1}'}
        )
    fb = _broken(db_url)
    assert (fb.seq, fb.kind, fb.ref) == (1, "run", "R000001")
    assert "weights" in fb.reason


def test_editing_a_weight_event_names_that_event(db_url):
    _two_runs(db_url)
    with raw_engine(db_url).begin() as c:
        seq = c.execute(
            text("SELECT seq FROM audit_weight_events WHERE run_id='R000002' AND criterion='a'")
        ).scalar()
        c.execute(text("UPDATE audit_weight_events SET to_weight = 0.75 WHERE seq = :s"), {"s": seq})
    fb = _broken(db_url)
    assert (fb.seq, fb.kind, fb.ref) == (seq, "weight_change", "R000002/a")
    assert "to" in fb.reason


def test_editing_a_result_or_input_file_is_detected(db_url):
    _two_runs(db_url)
    with raw_engine(db_url).begin() as c:
        res = json.loads(c.execute(text("SELECT result FROM audit_runs WHERE run_id='R000002'")).scalar())
        res["ranking"][0]["score"] += 0.01
        c.execute(text("UPDATE audit_runs SET result = :r WHERE run_id='R000002'"), {"r": canonical(res)})
    fb = _broken(db_url)
    assert fb.ref == "R000002" and "result" in fb.reason


def test_editing_a_stored_input_file_is_detected(db_url):
    _two_runs(db_url)
    with raw_engine(db_url).begin() as c:
        c.execute(text("UPDATE audit_blobs SET content = :b"), {"b": b"id,name_en\ng1,Forged\n"})
    rep = open_store(db_url).verify()
    assert not rep.ok
    assert rep.first_broken.ref == "R000001" and "goods.csv" in rep.first_broken.reason


def test_editing_record_content_with_a_fresh_hash_breaks_the_link(db_url):
    _two_runs(db_url)
    with raw_engine(db_url).begin() as c:
        prev, content = c.execute(text("SELECT prev_hash, content FROM audit_records WHERE seq = 1")).one()
        forged = content.replace("佐藤", "田中")
        c.execute(
            text("UPDATE audit_records SET content = :c, hash = :h WHERE seq = 1"),
            {"c": forged, "h": link_hash(prev, forged)},
        )
    rep = open_store(db_url).verify()
    assert rep.first_broken.seq == 1 and "actor" in rep.first_broken.reason
    # ... and record 2 no longer links to it.
    assert any(p.seq == 2 and "link" in p.reason for p in rep.problems)


def test_deleting_a_record_is_detected(db_url):
    _two_runs(db_url)
    with raw_engine(db_url).begin() as c:
        c.execute(text("DELETE FROM audit_records WHERE seq = 2"))
    fb = _broken(db_url)
    assert (fb.seq, fb.kind, fb.ref) == (2, "weight_change", "R000001/a")
    assert "deleted" in fb.reason


def test_deleting_a_whole_run_is_detected(db_url):
    _two_runs(db_url)
    with raw_engine(db_url).begin() as c:
        c.execute(text("DELETE FROM audit_weight_events WHERE run_id = 'R000001'"))
        c.execute(text("DELETE FROM audit_run_files WHERE run_id = 'R000001'"))
        c.execute(text("DELETE FROM audit_runs WHERE run_id = 'R000001'"))
    fb = _broken(db_url)
    assert (fb.seq, fb.ref) == (1, "R000001") and "deleted" in fb.reason


def test_swapping_two_records_is_detected(db_url):
    _two_runs(db_url)
    with raw_engine(db_url).begin() as c:
        c.execute(text("UPDATE audit_records SET seq = -1 WHERE seq = 2"))
        c.execute(text("UPDATE audit_records SET seq = 2 WHERE seq = 3"))
        c.execute(text("UPDATE audit_records SET seq = 3 WHERE seq = -1"))
    fb = _broken(db_url)
    assert fb.seq == 2 and "link" in fb.reason


def test_swapping_two_run_rows_contents_is_detected(db_url):
    _two_runs(db_url)
    with raw_engine(db_url).begin() as c:
        w1 = c.execute(text("SELECT weights FROM audit_runs WHERE run_id='R000001'")).scalar()
        w2 = c.execute(text("SELECT weights FROM audit_runs WHERE run_id='R000002'")).scalar()
        c.execute(text("UPDATE audit_runs SET weights = :w WHERE run_id='R000001'"), {"w": w2})
        c.execute(text("UPDATE audit_runs SET weights = :w WHERE run_id='R000002'"), {"w": w1})
    rep = open_store(db_url).verify()
    assert rep.first_broken.ref == "R000001"
    assert {p.ref for p in rep.problems} >= {"R000001", "R000002"}


def test_inserting_a_forged_run_row_is_detected(db_url):
    _two_runs(db_url)
    with raw_engine(db_url).begin() as c:
        c.execute(
            text(
                "INSERT INTO audit_runs SELECT 'R000099', 99, command, actor, reason, created_at, case_path, "
                "model_name, params, model, policy, method, versions, weights, result, input_digests, hash, identity "
                "FROM audit_runs WHERE run_id = 'R000002'"
            )
        )
    fb = _broken(db_url)
    assert fb.ref == "R000099" and "inserted" in fb.reason


def test_inserting_a_forged_record_in_the_middle_is_detected(db_url):
    _two_runs(db_url)
    with raw_engine(db_url).begin() as c:
        # Make room at seq 2 and insert a record that correctly links to record 1.
        n = c.execute(text("SELECT max(seq) FROM audit_records")).scalar()
        for s in range(n, 1, -1):
            c.execute(text("UPDATE audit_records SET seq = :t WHERE seq = :s"), {"t": s + 1, "s": s})
        h1 = c.execute(text("SELECT hash FROM audit_records WHERE seq = 1")).scalar()
        content = canonical({"note": "forged"})
        c.execute(
            text("INSERT INTO audit_records VALUES (2, 'run', 'R000077', :c, :p, :h)"),
            {"c": content, "p": h1, "h": link_hash(h1, content)},
        )
    fb = _broken(db_url)
    assert fb.seq == 2 and fb.ref == "R000077"


def test_cutting_records_off_the_end_is_detected(db_url):
    _two_runs(db_url)
    with raw_engine(db_url).begin() as c:
        c.execute(text("DELETE FROM audit_records WHERE seq > 4"))
        c.execute(text("DELETE FROM audit_weight_events WHERE seq > 4"))
    fb = _broken(db_url)
    assert fb.kind == "head" and "cut off" in fb.reason


def test_rewriting_the_whole_chain_is_caught_only_by_an_anchor(db_url):
    """The stated limit: recomputing every hash (and the head) defeats the chain alone."""
    _two_runs(db_url)
    store = open_store(db_url)
    anchor = store.head_hash()
    with raw_engine(db_url).begin() as c:
        c.execute(
            text("UPDATE audit_runs SET weights = :w WHERE run_id = 'R000001'"), {"w": '{"a":0.9,"b":0.1}'}
        )
        row = c.execute(text("SELECT * FROM audit_runs WHERE run_id='R000001'")).mappings().one()
        from prioritizer.audit.store import run_content

        prev = GENESIS
        for seq, ref, content in c.execute(
            text("SELECT seq, ref, content FROM audit_records ORDER BY seq")
        ).all():
            if ref == "R000001":
                content = canonical(run_content(dict(row)))
            h = link_hash(prev, content)
            c.execute(
                text("UPDATE audit_records SET content=:c, prev_hash=:p, hash=:h WHERE seq=:s"),
                {"c": content, "p": prev, "h": h, "s": seq},
            )
            c.execute(text("UPDATE audit_runs SET hash=:h WHERE seq=:s"), {"h": h, "s": seq})
            prev = h
        c.execute(text("UPDATE audit_head SET hash = :h"), {"h": prev})
    assert store.verify().ok  # undetectable from inside the store ...
    rep = store.verify(anchor=anchor)  # ... but the hash filed with the report exposes it
    assert not rep.ok and rep.first_broken.kind == "anchor"
    fresh = store.head_hash()
    assert store.verify(anchor=fresh).ok


def test_anchor_from_an_earlier_point_still_verifies_after_appends(db_url):
    _two_runs(db_url)
    store = open_store(db_url)
    anchor = store.head_hash()
    record_run(make_run({"a": 0.3, "b": 0.7}), db_url)
    rep = store.verify(anchor=anchor)
    assert rep.ok and rep.anchor_seq == 6


# --------------------------------------------------------------------------- errors


def test_unreachable_postgres_is_a_clear_audit_error():
    with pytest.raises(AuditError) as exc:
        open_store("postgresql://nobody:secret@127.0.0.1:1/none")
    msg = str(exc.value)
    assert "127.0.0.1:1" in msg and "secret" not in msg and "server is running" in msg


def test_read_only_sqlite_is_a_clear_audit_error_and_writes_nothing(tmp_path):
    path = tmp_path / "audit.sqlite"
    url = f"sqlite:///{path}"
    record_run(make_run(), url)
    ro = f"sqlite:///file:{path}?mode=ro&uri=true"
    assert open_store(ro).verify().ok  # reading a read-only store works
    run = make_run({"a": 0.1, "b": 0.9})
    with pytest.raises(AuditError) as exc:
        record_run(run, ro)
    assert "read-only" in str(exc.value)
    assert run.run_id is None and run.hash is None  # not claimed as recorded
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT count(*) FROM audit_runs").fetchone()[0] == 1


def test_uncreatable_sqlite_folder_is_a_clear_audit_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(AuditError) as exc:
        open_store(f"sqlite:///{blocker / 'sub' / 'audit.sqlite'}")
    assert "cannot create the folder" in str(exc.value)


def test_not_a_url_is_a_clear_audit_error():
    with pytest.raises(AuditError, match="unsupported audit database"):
        open_store("mysql+nodriver://x/y")


# --------------------------------------------------------------------------- location, schema


def test_default_location_is_per_user_and_env_overrides(monkeypatch, tmp_path):
    from prioritizer.audit import default_db_url

    monkeypatch.delenv("PRIORITIZER_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_url() == f"sqlite:///{tmp_path / 'xdg' / 'prioritizer' / 'audit.sqlite'}"
    record_run(make_run(), None)  # creates the parent folders
    assert (tmp_path / "xdg" / "prioritizer" / "audit.sqlite").is_file()
    with sqlite3.connect(tmp_path / "xdg" / "prioritizer" / "audit.sqlite") as c:
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    monkeypatch.setenv("PRIORITIZER_DB", "sqlite:////elsewhere/x.sqlite")
    assert default_db_url() == "sqlite:////elsewhere/x.sqlite"


def test_migrations_match_the_schema_module(db_url):
    """The Alembic revisions build exactly the tables declared in schema.py."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from prioritizer.audit.schema import VERSION_TABLE, metadata

    open_store(db_url)
    with raw_engine(db_url).connect() as c:
        ctx = MigrationContext.configure(c, opts={"version_table": VERSION_TABLE})
        # The store is at the newest revision the migrations folder declares (one linear chain).
        from alembic.script import ScriptDirectory

        from prioritizer.audit.store import _alembic_config

        heads = ScriptDirectory.from_config(_alembic_config()).get_heads()
        assert len(heads) == 1 and ctx.get_current_revision() == heads[0]
        diffs = compare_metadata(ctx, metadata)
    assert diffs == []

    assert heads[0] == SCHEMA_HEAD  # the check that skips Alembic knows the newest revision


def test_an_up_to_date_store_opens_without_alembic_and_an_older_one_is_upgraded(db_url):
    """Opening a store at the newest revision reads its version row only (no Alembic import,
    checked in a fresh process); a store at an older revision still goes through Alembic."""
    import subprocess
    import sys

    open_store(db_url)  # created and at head
    code = (
        "import sys; from prioritizer.audit import open_store; open_store(sys.argv[1]); "
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code, db_url], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr[-2000:]
    from alembic import command

    from prioritizer.audit.store import _alembic_config

    cfg = _alembic_config()
    with raw_engine(db_url).begin() as c:
        cfg.attributes["connection"] = c
        command.downgrade(cfg, "0002")
    out = subprocess.run([sys.executable, "-c", code, db_url], capture_output=True, text=True, check=False)
    assert out.returncode == 0 and out.stdout.strip() == "True", out.stderr[-2000:]
    with raw_engine(db_url).connect() as c:
        assert c.execute(text("SELECT version_num FROM audit_schema_version")).scalar() == SCHEMA_HEAD


def test_a_store_written_in_the_earlier_float_notation_still_verifies(db_url, monkeypatch):
    """Runs recorded before canonical JSON moved to orjson hold ``1e-07`` where orjson writes
    ``1e-7``. Their hashes cover the text as stored: they verify, later runs chain on, and an
    edit to an old run is still caught."""
    from prioritizer.audit import chain
    from prioritizer.audit import store as store_mod

    def stdlib_canonical(obj):  # the encoder records were written with until 2026-12
        return json.dumps(chain.normalise(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    tiny = {"a": 1e-07, "b": 1.0 - 1e-07}
    old = make_run(tiny, method={"method": "wsm", "tol": 1e-05}, params={"gap": 1e-07})
    monkeypatch.setattr(store_mod, "canonical", stdlib_canonical)
    record_run(old, db_url)
    monkeypatch.undo()
    with raw_engine(db_url).connect() as c:
        content, result = c.execute(
            text(
                "SELECT r.content, u.result FROM audit_records r JOIN audit_runs u ON u.run_id = r.ref"
                " WHERE r.ref = 'R000001'"
            )
        ).one()
    assert '"a":1e-07' in content and '"tol":1e-05' in content and "1e-07" in result
    assert canonical(json.loads(content)) != content  # today's text would differ

    record_run(make_run(tiny, params={"gap": 1e-07}), db_url)
    store = open_store(db_url)
    rep = store.verify()
    assert rep.ok, rep.first_broken
    assert store.get("R000001").weights == tiny

    with raw_engine(db_url).begin() as c:
        c.execute(
            text("UPDATE audit_runs SET result = :r WHERE run_id='R000001'"),
            {"r": result.replace("1e-07", "2e-07", 1)},
        )
    fb = _broken(db_url)
    assert fb.ref == "R000001" and "result" in fb.reason


def test_a_large_snapshot_streamed_into_sqlite_reads_back_byte_for_byte(tmp_path, monkeypatch):
    """Snapshots from AuditStore.STREAM_BLOB_FROM on are written by incremental blob I/O (no
    second in-memory copy); lowered here so a small file takes that path: same bytes, same
    digest, the chain verifies, and an edit to the streamed blob is caught."""
    from prioritizer.audit.store import AuditStore

    url = f"sqlite:///{tmp_path / 'a.db'}"
    monkeypatch.setattr(AuditStore, "STREAM_BLOB_FROM", 64)
    big = ("id,name_en\n" + "".join(f"g{i},商品 {i} ✓\n" for i in range(5000))).encode()
    small = b"id,name_en\ng1,A\n"
    run = make_run(files={"goods.csv": big, "notes.csv": small})
    record_run(run, url)
    store = open_store(url)
    assert store.get(run.run_id).case_files == {"goods.csv": big, "notes.csv": small}
    assert store.verify().ok
    with raw_engine(url).begin() as c:
        assert c.execute(
            text("SELECT typeof(content), length(content) FROM audit_blobs WHERE size > 64")
        ).one() == (
            "blob",
            len(big),
        )
        c.execute(
            text("UPDATE audit_blobs SET content = :b WHERE size > 64"), {"b": big.replace(b"g1,", b"g9,", 1)}
        )
    assert not open_store(url).verify().ok


def test_a_new_sqlite_store_has_64_kb_pages_and_an_existing_one_keeps_its_own(tmp_path):
    """Large results and file snapshots are written page by page: a new store uses SQLite's
    largest page; a store made before keeps its 4 KB pages and still records."""
    new = tmp_path / "new.sqlite"
    record_run(make_run(), f"sqlite:///{new}")
    with sqlite3.connect(new) as c:
        assert c.execute("PRAGMA page_size").fetchone()[0] == 65536
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as c:  # an empty database file written with the old default
        c.execute("PRAGMA page_size = 4096")
        c.execute("CREATE TABLE t(x)")
        c.execute("DROP TABLE t")
    record_run(make_run(), f"sqlite:///{old}")
    with sqlite3.connect(old) as c:
        assert c.execute("PRAGMA page_size").fetchone()[0] == 4096
        assert c.execute("SELECT count(*) FROM audit_runs").fetchone()[0] == 1
