"""Reliability of the audit store under concurrent writers and abrupt kills (SQLite and PostgreSQL).

* 8 writer processes start at the same instant on a store that does not exist yet
  (so they also race to create the schema) and append 5 runs each: no run is lost,
  run ids are unique and the chain verifies.
* A writer is killed with SIGKILL while it is inside its write transaction (after the
  run, its files and chain record were written, before commit): nothing of that run
  is visible, the store verifies, and the next writer is not blocked.
* A writer appending in a loop is killed at arbitrary moments: the store verifies and
  every visible run is complete.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time

import test_audit_helpers as helpers
from sqlalchemy import text
from test_audit_helpers import make_run, raw_engine

from prioritizer.audit import open_store, record_run

db_url = helpers.db_url
pg_schema_url = helpers.pg_schema_url

WRITERS = 8
RUNS_EACH = 5
CTX = mp.get_context("fork")


def _writer(url: str, k: int, barrier, errors) -> None:  # type: ignore[no-untyped-def]
    try:
        barrier.wait(timeout=60)
        for i in range(RUNS_EACH):
            w = round(0.1 + 0.8 * ((k * RUNS_EACH + i) % 7) / 6, 6)
            record_run(make_run({"a": w, "b": 1 - w}, actor=f"writer{k}", reason=f"{k}-{i}"), url)
    except BaseException as exc:  # report to the parent; a child traceback would be lost
        errors.put(f"writer {k}: {type(exc).__name__}: {exc}")
        raise


def test_eight_concurrent_writers_lose_nothing(db_url):
    barrier = CTX.Barrier(WRITERS)
    errors = CTX.Queue()
    procs = [CTX.Process(target=_writer, args=(db_url, k, barrier, errors)) for k in range(WRITERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
    msgs = [errors.get() for _ in range(errors.qsize())] if not errors.empty() else []
    assert all(p.exitcode == 0 for p in procs), msgs
    store = open_store(db_url)
    runs = store.runs()
    assert len(runs) == WRITERS * RUNS_EACH
    assert sorted(r.run_id for r in runs) == [f"R{n:06d}" for n in range(1, WRITERS * RUNS_EACH + 1)]
    assert sorted(r.reason for r in runs) == sorted(
        f"{k}-{i}" for k in range(WRITERS) for i in range(RUNS_EACH)
    )
    rep = store.verify()
    assert rep.ok, rep.first_broken
    # Each weight event's "from" is the weight of the run recorded just before it (same model).
    seen: dict[str, float] = {}
    for ev in store.weight_history("default"):
        assert ev["from"] == seen.get(ev["criterion"])
        seen[ev["criterion"]] = ev["to"]


def _stall_inside_transaction(url: str, ready) -> None:  # type: ignore[no-untyped-def]
    from prioritizer.audit import store as store_mod

    original = store_mod.AuditStore._store_files

    def stalled(self, conn, run_id, files, digests):  # type: ignore[no-untyped-def]
        original(self, conn, run_id, files, digests)
        ready.set()  # record, run row and file rows are written but not committed
        time.sleep(600)

    store_mod.AuditStore._store_files = stalled  # type: ignore[method-assign]
    record_run(make_run({"a": 0.9, "b": 0.1}, actor="killed", reason="never committed"), url)


def test_kill_9_inside_the_write_transaction_leaves_a_valid_store(db_url):
    record_run(make_run(), db_url)
    head = open_store(db_url).head_hash()
    ready = CTX.Event()
    p = CTX.Process(target=_stall_inside_transaction, args=(db_url, ready))
    p.start()
    try:
        assert ready.wait(timeout=60), "child never reached the write"
        os.kill(p.pid, signal.SIGKILL)
        p.join(timeout=30)
    finally:
        if p.is_alive():
            os.kill(p.pid, signal.SIGKILL)
    assert p.exitcode == -signal.SIGKILL
    store = open_store(db_url)
    assert [r.actor for r in store.runs()] == ["佐藤"]
    assert store.head_hash() == head
    assert store.verify().ok
    # The killed writer's lock is gone: the next run is recorded promptly and chains on.
    t0 = time.monotonic()
    nxt = make_run({"a": 0.4, "b": 0.6}, actor="next", reason="after the crash")
    assert record_run(nxt, db_url) == "R000002"
    assert time.monotonic() - t0 < 30
    assert store.verify().ok


def _loop_writer(url: str) -> None:
    i = 0
    while True:
        i += 1
        # A fresh 256 KiB file each time keeps the process inside its transaction most of the time.
        blob = os.urandom(256 * 1024)
        record_run(
            make_run(
                {"a": 0.5, "b": 0.5}, files={"goods.csv": helpers.GOODS, "big.bin": blob}, reason=str(i)
            ),
            url,
        )


def test_kill_9_at_arbitrary_moments_leaves_a_valid_store(db_url):
    open_store(db_url)
    eng = raw_engine(db_url)
    for attempt in range(3):
        p = CTX.Process(target=_loop_writer, args=(db_url,))
        p.start()
        deadline = time.monotonic() + 60
        with eng.connect() as c:
            while c.execute(text("SELECT count(*) FROM audit_runs")).scalar() < 2 * (attempt + 1):
                assert time.monotonic() < deadline
                c.rollback()
                time.sleep(0.02)
        time.sleep(0.013 * (attempt + 1))
        os.kill(p.pid, signal.SIGKILL)
        p.join(timeout=30)
    eng.dispose()
    store = open_store(db_url)
    rep = store.verify()
    assert rep.ok, rep.first_broken
    # Every visible run is complete: its file snapshots are all there.
    for r in store.runs():
        got = store.get(r.run_id)
        assert set(got.case_files) == {"goods.csv", "big.bin"}
