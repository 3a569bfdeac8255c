"""Tamper-evident audit trail of Runs, weights, inputs, rationale and results.

Usage::

    from prioritizer.audit import record_run, open_store
    run_id = record_run(run)              # default store: $PRIORITIZER_DB or the per-user SQLite file
    store = open_store()                  # or open_store("postgresql+psycopg://user@host/db")
    store.runs(actor="田中", command="rank", since="2025-04-01")   # newest first, RunSummary list
    store.get(run_id)                     # StoredRun: result, weights, method, model/policy snapshots,
                                          #   input digests + file snapshots, versions, hash
    store.verify()                        # VerifyReport(ok, checked, first_broken, problems, head_hash)
    store.diff("R000001", "R000002").text("ja")
    store.replay(run_id).identical
    store.weight_history("default")       # [{at, actor, reason, criterion, from, to, run_id, ...}]
    store.head_hash()                     # file this with a report; later `audit verify --anchor HASH`

See ``docs/audit.md`` for the threat model and where the SQLite file lives.
"""

from __future__ import annotations

from prioritizer.audit.entities import BrokenRecord, RunSummary, StoredRun, VerifyReport
from prioritizer.audit.store import (
    AuditStore,
    UnknownRunError,
    default_db_url,
    default_sqlite_path,
    open_store,
    record_run,
)
from prioritizer.errors import AuditError

__all__ = [
    "AuditError",
    "AuditStore",
    "BrokenRecord",
    "RunSummary",
    "StoredRun",
    "UnknownRunError",
    "VerifyReport",
    "default_db_url",
    "default_sqlite_path",
    "open_store",
    "record_run",
]
