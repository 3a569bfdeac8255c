"""Tables of the audit store (SQLAlchemy Core).

All tables carry the ``audit_`` prefix so the store can live inside a shared
PostgreSQL database without clashing with other applications' tables. JSON is
stored as canonical JSON *text* (:func:`prioritizer.audit.chain.canonical`), not as a
native JSON type, so the exact bytes that were hashed survive on every backend.

``audit_records`` is the append-only hash chain; every other table is a readable
projection of what a record covers, and ``verify`` checks the two agree:

* ``audit_records``   seq, kind (``run`` | ``weight_change`` | ``case_version`` | ``event``), ref,
                      content, prev_hash, hash
* ``audit_head``      one row (id = 1): last seq, last hash, number of runs — the row
                      writers lock so appends are serialised
* ``audit_runs``      one row per Run (record kind ``run``; ``ref`` = run id)
* ``audit_run_files`` run id, file name → digest of the input file snapshot
* ``audit_blobs``     content-addressed file contents (deduplicated by SHA-256)
* ``audit_weight_events`` one row per changed criterion weight (record kind ``weight_change``)
* ``audit_case_versions`` / ``audit_case_version_files`` case versions saved from the app
  (record kind ``case_version``): a manifest of file name → blob digest
* ``audit_events``    sign-in failures, account changes, refusals, comments, approvals,
                      judgement submissions (record kind ``event``; see ``events.py``)
* ``audit_users``     local accounts (not chained row by row: each change is an ``audit_events``
                      row carrying the account's resulting security state, which ``verify``
                      holds the row to — see ``accounts_chain.py``; lockout counters excluded)
* ``audit_drafts``    judgements a committee member has not submitted yet (not chained)

The schema is created and upgraded by the Alembic migrations in ``migrations/``;
this module is the reference the migrations were written from.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

#: Alembic's version table for this store
VERSION_TABLE = "audit_schema_version"

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

records = Table(
    "audit_records",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(32), nullable=False),
    Column("ref", String(255), nullable=False),
    Column("content", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
)

head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("runs", Integer, nullable=False),
)

runs = Table(
    "audit_runs",
    metadata,
    Column("run_id", String(32), primary_key=True),
    Column("seq", Integer, nullable=False, unique=True),
    Column("command", String(64), nullable=False, index=True),
    Column("actor", String(255), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("created_at", String(40), nullable=False, index=True),
    Column("case_path", Text, nullable=False),
    Column("model_name", String(255), nullable=True, index=True),
    Column("params", Text, nullable=False),
    Column("model", Text, nullable=False),
    Column("policy", Text, nullable=False),
    Column("method", Text, nullable=False),
    Column("versions", Text, nullable=False),
    Column("weights", Text, nullable=False),
    Column("result", Text, nullable=False),
    Column("input_digests", Text, nullable=False),
    Column("hash", String(64), nullable=False),
    #: how the author was established (JSON, see prioritizer.auth.identity); null before 0003
    Column("identity", Text, nullable=True),
)

blobs = Table(
    "audit_blobs",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

run_files = Table(
    "audit_run_files",
    metadata,
    Column("run_id", String(32), ForeignKey("audit_runs.run_id"), primary_key=True),
    Column("name", String(512), primary_key=True),
    Column("digest", String(64), ForeignKey("audit_blobs.digest"), nullable=False, index=True),
)

weight_events = Table(
    "audit_weight_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("run_id", String(32), ForeignKey("audit_runs.run_id"), nullable=False, index=True),
    Column("model_name", String(255), nullable=False, index=True),
    Column("criterion", String(255), nullable=False),
    Column("from_weight", Float, nullable=True),
    Column("to_weight", Float, nullable=True),
    Column("actor", String(255), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", String(40), nullable=False),
)

#: case versions saved from the app (record kind ``case_version``; ``ref`` = version id)
case_versions = Table(
    "audit_case_versions",
    metadata,
    Column("version_id", String(32), primary_key=True),
    Column("seq", Integer, nullable=False, unique=True),
    Column("parent_id", String(32), nullable=True),
    Column("created_at", String(40), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("reason", Text, nullable=False),
    Column("case_name", String(255), nullable=False),
    Column("digest", String(64), nullable=False, index=True),
    Column("manifest", Text, nullable=False),
    Column("changes", Text, nullable=False),
    Column("hash", String(64), nullable=False),
)

case_version_files = Table(
    "audit_case_version_files",
    metadata,
    Column("version_id", String(32), ForeignKey("audit_case_versions.version_id"), primary_key=True),
    Column("name", String(512), primary_key=True),
    Column("digest", String(64), ForeignKey("audit_blobs.digest"), nullable=False),
)

users = Table(
    "audit_users",
    metadata,
    Column("user", String(255), primary_key=True),
    Column("display_name", String(255), nullable=False),
    Column("role", String(32), nullable=False),
    Column("clearance", String(32), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("password_hash", Text, nullable=True),
    Column("must_reset", Boolean, nullable=False),
    Column("failures", Integer, nullable=False),
    Column("locked_until", String(40), nullable=True),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

events = Table(
    "audit_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(64), nullable=False, index=True),
    Column("ref", String(255), nullable=False, index=True),
    Column("actor", String(255), nullable=False),
    Column("identity", Text, nullable=False),
    Column("at", String(40), nullable=False),
    Column("detail", Text, nullable=False),
)

drafts = Table(
    "audit_drafts",
    metadata,
    Column("user", String(255), primary_key=True),
    Column("topic", String(255), primary_key=True),
    Column("payload", Text, nullable=False),
    Column("updated_at", String(40), nullable=False),
)

sessions = Table(
    "audit_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user", String(255), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("started_at", String(40), nullable=False),
    Column("last_seen", String(40), nullable=False),
    Column("ended_at", String(40), nullable=True),
    Column("ended_reason", String(32), nullable=True),
)
