"""The audit store: append Runs to a hash chain, read them back, verify the chain.

Backends: an embedded SQLite file (default; WAL journal, ``synchronous=FULL``) or a
PostgreSQL server (``postgresql+psycopg://user@host/db``; plain ``postgresql://`` is
accepted and means psycopg 3). The schema is created and upgraded by Alembic when the
store is opened.

Concurrency. Every append runs in **one** transaction that first takes the write lock
— ``BEGIN IMMEDIATE`` on SQLite (writers queue behind SQLite's reserved lock, waiting
up to ``busy_timeout``), ``SELECT … FOR UPDATE`` of the single ``audit_head`` row on
PostgreSQL — then reads the head (last seq and hash), writes the run, its file blobs,
its weight-change events and their chain records, and moves the head. Two writers
therefore never chain onto the same predecessor, and a writer killed mid-way leaves
no trace (the transaction is rolled back), so the store always verifies.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import json
import os
import re
import sqlite3
import sys
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Connection, Engine, create_engine, event, func, literal_column, select, update
from sqlalchemy import cast as sa_cast
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from prioritizer.audit import schema as t
from prioritizer.audit.chain import GENESIS, canonical, link_hash, sha256_bytes, sha256_text
from prioritizer.audit.entities import RunSummary, StoredRun, VerifyReport
from prioritizer.audit.filemode import create_private_file, make_private_dirs, tighten
from prioritizer.errors import AuditError, InputError, Issue

#: seconds a writer waits for the lock before giving up with a clear error
LOCK_TIMEOUT_S = 60.0
#: weights closer than this are the same weight (float noise from normalising to sum 1)
WEIGHT_TOL = 1e-12
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: key of the PostgreSQL advisory lock serialising schema migrations
_PG_MIGRATION_LOCK = 0x5052494F  # "PRIO"


class UnknownRunError(InputError, KeyError):
    """No run with that id (also a ``KeyError`` so ``store.get`` reads like a mapping)."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        super().__init__(
            [
                Issue(
                    "audit store",
                    None,
                    "run_id",
                    run_id,
                    "no such run; list runs with `prioritizer audit log`",
                )
            ],
            f"no run {run_id!r} in the audit store",
        )

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else f"no run {self.run_id!r}"


# --------------------------------------------------------------------------- location


def default_db_url() -> str:
    """``$PRIORITIZER_DB`` if set, else the per-user SQLite file.

    Per-user data directory: ``$XDG_DATA_HOME/prioritizer/audit.sqlite`` (default
    ``~/.local/share/prioritizer/audit.sqlite``) on Linux; ``%LOCALAPPDATA%\\prioritizer\\
    audit.sqlite`` on Windows; ``~/Library/Application Support/prioritizer/audit.sqlite``
    on macOS.
    """
    env = os.environ.get("PRIORITIZER_DB", "").strip()
    if env:
        return env
    return f"sqlite:///{default_sqlite_path()}"


def default_sqlite_path() -> Path:
    if os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "prioritizer" / "audit.sqlite"


def normalise_url(url: str) -> str:
    """Accept ``postgres://`` / ``postgresql://`` (→ psycopg 3) and bare SQLite file paths."""
    url = url.strip()
    if re.match(r"^postgres(ql)?://", url):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:  # a file path
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    return url


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


# --------------------------------------------------------------------------- engine


def _sqlite_engine(url: str) -> Engine:
    u = make_url(url)
    db = u.database
    memory = not db or db == ":memory:"
    if not memory:
        # sqlite:///file:/path?mode=ro&uri=true is SQLite's URI form (read-only opening).
        path = Path(db.removeprefix("file:").split("?", 1)[0]).expanduser()
        read_only = u.query.get("mode") == "ro" or "mode=ro" in db
        # owner-only folder and file (audit/filemode.py); a read-only opening creates nothing
        try:
            make_private_dirs(path.parent)
        except OSError as exc:
            raise AuditError(
                f"cannot create the folder for the audit store {path.parent}: {exc.strerror}; "
                "set PRIORITIZER_DB or --db to a writable location"
            ) from None
        if not read_only:
            try:
                create_private_file(path)
            except OSError as exc:
                raise AuditError(
                    f"cannot create the audit store {path}: {exc.strerror}; "
                    "set PRIORITIZER_DB or --db to a writable location"
                ) from None
        tighten(path)
    kwargs: dict[str, Any] = {"connect_args": {"timeout": LOCK_TIMEOUT_S}}
    if memory:
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _rec: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself, so writers can ask
        # for BEGIN IMMEDIATE (pysqlite would otherwise begin lazily and deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(LOCK_TIMEOUT_S * 1000)}")
        cur.execute("PRAGMA foreign_keys = ON")
        if not memory:
            # Pages of 64 KB for a new store (an existing one keeps its size): a run's result is
            # tens of MB of JSON and a file snapshot up to hundreds, written and checkpointed
            # page by page.
            cur.execute("PRAGMA page_size = 65536")
            # A read-only store cannot switch journal mode; it can still be read (writes fail clearly).
            with contextlib.suppress(sqlite3.OperationalError):
                cur.execute("PRAGMA journal_mode = WAL")
            # FULL: a committed run survives power loss, not only a process crash.
            cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("audit_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


#: every engine this process opened, closed at exit (:func:`_close_engines`)
_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


@atexit.register
def _close_engines() -> None:
    """Close the stores' pooled connections while the process exits.

    The last connection to close an SQLite store in WAL mode checkpoints the log into the
    database and deletes it. The CLI ends without tearing its heap down (``cli._exit``), so
    nothing else would close them: the log then grew by every run (1.1 GB after twenty
    national runs) and each next opener had to read all of it to recover. Exit handlers still
    run there, so this one does."""
    for engine in list(_ENGINES):
        with contextlib.suppress(Exception):  # exiting anyway; a store that cannot close keeps its log
            engine.dispose()


def _make_engine(url: str) -> Engine:
    engine = _new_engine(url)
    _ENGINES.add(engine)
    return engine


def _new_engine(url: str) -> Engine:
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise AuditError(
            f"not a database URL: {url!r}; use e.g. sqlite:///path/audit.sqlite or "
            "postgresql+psycopg://user@host/dbname"
        ) from None
    try:
        if backend == "sqlite":
            return _sqlite_engine(url)
        if backend == "postgresql":
            return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    except NoSuchModuleError as exc:
        raise AuditError(f"no database driver for {redact(url)}: {exc}") from None
    raise AuditError(f"unsupported audit database {backend!r}; use SQLite or PostgreSQL")


def _db_error(url: str, exc: BaseException, doing: str) -> AuditError:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    hint = ""
    low = text.lower()
    if "readonly" in low or "read-only" in low or "read only" in low or "permission denied" in low:
        hint = " (the database is read-only for this user; point --db / PRIORITIZER_DB at a writable store)"
    elif "unable to open" in low or "connection" in low or "could not" in low or "timeout" in low:
        hint = " (check that the server is running and the URL, user and password are right)"
    elif "locked" in low or "lock" in low:
        hint = (
            f" (another process held the write lock for more than {LOCK_TIMEOUT_S:.0f} s, or the file is on"
            " a network drive without working file locks; use PostgreSQL for shared stores)"
        )
    return AuditError(f"audit store {redact(url)}: {doing} failed: {text}{hint}")


# --------------------------------------------------------------------------- migrations


def _alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


#: the newest migration's revision (tests/test_audit_store.py holds it equal to Alembic's head)
SCHEMA_HEAD = "0005"


def _at_head(engine: Engine) -> bool:
    """Whether the store's schema is :data:`SCHEMA_HEAD`, read without Alembic.

    Opening a store is part of every recorded command; importing Alembic to find out that
    nothing needs upgrading took 0.18 s of each. A fresh or older store goes to :func:`_migrate`.
    """
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(f"SELECT version_num FROM {t.VERSION_TABLE}").scalars().all()
            conn.rollback()
    except SQLAlchemyError:  # no version table yet (a fresh store), or unreadable: let Alembic say
        return False
    return rows == [SCHEMA_HEAD]


def _migrate(engine: Engine, url: str) -> None:
    """Bring the schema to the newest revision, under a lock so parallel openers agree."""
    if _at_head(engine):
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = _alembic_config()
    script = ScriptDirectory.from_config(cfg)
    target = script.get_current_head()
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(
                conn, opts={"version_table": t.VERSION_TABLE}
            ).get_current_revision()
            conn.rollback()
        if current == target:
            return
        if current is not None and current not in {s.revision for s in script.walk_revisions()}:
            raise AuditError(
                f"audit store {redact(url)} has schema revision {current}, newer than this "
                f"prioritizer knows ({target}); upgrade prioritizer"
            )
        with engine.connect() as conn:
            conn = conn.execution_options(audit_write=True)
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    # Per schema, so separate stores in one database do not wait on each other.
                    conn.exec_driver_sql(
                        "SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))",
                        (_PG_MIGRATION_LOCK,),
                    )
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
    except SQLAlchemyError as exc:
        raise _db_error(url, exc, "opening (schema check/upgrade)") from None


# --------------------------------------------------------------------------- helpers


def _utc_text(value: str | dt.datetime) -> str:
    """ISO-8601 UTC with microseconds and ``+00:00`` — sortable as text on every backend."""
    d = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.UTC)
    return d.astimezone(dt.UTC).isoformat(timespec="microseconds")


def parse_when(text: str, *, end: bool = False) -> str:
    """``YYYY-MM-DD`` or an ISO datetime → UTC text bound; a bare ``until`` date includes that day."""
    s = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            day = dt.datetime.fromisoformat(s).replace(tzinfo=dt.UTC)
            return _utc_text(day + dt.timedelta(days=1) if end else day)
        return _utc_text(s)
    except ValueError:
        raise InputError(
            [
                Issue(
                    "options",
                    None,
                    "until" if end else "since",
                    text,
                    "use a date YYYY-MM-DD or an ISO datetime",
                )
            ]
        ) from None


def _loads(text: str) -> Any:
    return json.loads(text)


def _model_name(model: dict[str, Any] | None, params: dict[str, Any]) -> str | None:
    if isinstance(model, dict) and model.get("name"):
        return str(model["name"])
    ref = params.get("model")
    if isinstance(ref, str) and ref:
        return Path(ref).stem if ref.endswith((".yaml", ".yml")) else ref
    return None


def run_content(row: dict[str, Any], *, canonical_texts: bool = False) -> dict[str, Any]:
    """The chained content of a run record, built from its ``audit_runs`` row.

    Small, decision-relevant fields are verbatim (who, when, why, weights, method, input
    digests) so a reader of the raw chain sees them; the large JSON parts are covered by
    their SHA-256 so the chain stays compact while any edit to them still breaks it.

    The digest of a JSON column is the SHA-256 of its text as stored (it was written by
    :func:`canonical`). ``canonical_texts``: the row was just written, so its texts are not
    parsed again; verify (the default) parses each, so a hand-edited unreadable column is
    reported as such.
    """
    if not canonical_texts:
        for k in ("params", "model", "policy", "versions", "result"):
            _loads(row[k])
    out = {
        "run_id": row["run_id"],
        "command": row["command"],
        "actor": row["actor"],
        "reason": row["reason"],
        "created_at": row["created_at"],
        "case_path": row["case_path"],
        "model_name": row["model_name"],
        "weights": _loads(row["weights"]),
        "method": _loads(row["method"]),
        "input_digests": _loads(row["input_digests"]),
        "sha256": {k: sha256_text(row[k]) for k in ("params", "model", "policy", "versions", "result")},
    }
    # Runs recorded before sign-in existed have no identity; their content stays as it was hashed.
    if row.get("identity"):
        out["identity"] = _loads(row["identity"])
    return out


def event_content(row: dict[str, Any]) -> dict[str, Any]:
    """The chained content of a weight-change record, from its ``audit_weight_events`` row."""
    return {
        "run_id": row["run_id"],
        "model_name": row["model_name"],
        "criterion": row["criterion"],
        "from": row["from_weight"],
        "to": row["to_weight"],
        "actor": row["actor"],
        "reason": row["reason"],
        "at": row["at"],
    }


def weight_changes(
    before: dict[str, float] | None, after: dict[str, float]
) -> list[tuple[str, float | None, float | None]]:
    """(criterion, from, to) for every criterion whose weight changed, appeared or disappeared."""
    before = before or {}
    out: list[tuple[str, float | None, float | None]] = []
    for c in sorted(set(before) | set(after)):
        a, b = before.get(c), after.get(c)
        if a is None or b is None or abs(float(a) - float(b)) > WEIGHT_TOL:
            out.append((c, None if a is None else float(a), None if b is None else float(b)))
    return out


# --------------------------------------------------------------------------- store


class AuditStore:
    """A tamper-evident audit store (see the module docstring).

    Reading: :meth:`runs` (filtered summaries), :meth:`get` (a full :class:`StoredRun`),
    :meth:`latest`, :meth:`weight_history`, :meth:`head_hash`.
    Checking: :meth:`verify` (→ :class:`VerifyReport`), :meth:`diff` (→ ``Diff``),
    :meth:`replay` (→ ``ReplayReport``). Writing: :meth:`record` (used by
    :func:`prioritizer.audit.record_run`).
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = normalise_url(url or default_db_url())
        self.engine = _make_engine(self.url)
        _migrate(self.engine, self.url)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"AuditStore({redact(self.url)!r})"

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                if conn.dialect.name == "postgresql":
                    # One consistent snapshot for multi-table reads such as verify.
                    conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    yield conn
        except SQLAlchemyError as exc:
            raise _db_error(self.url, exc, "reading") from None

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(audit_write=True)
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(LOCK_TIMEOUT_S)}s'")
                    yield conn
        except SQLAlchemyError as exc:
            raise _db_error(self.url, exc, "recording") from None

    # ------------------------------------------------------------------ writing

    def record(self, run: Any) -> str:
        """Append ``run`` (a :class:`prioritizer.runs.Run`) and its weight-change events.

        Sets ``run.run_id`` and ``run.hash`` only after the transaction committed and
        returns the run id. Raises :class:`AuditError` (nothing written) on any failure.
        """
        out = run.output
        params = dict(run.params or {})
        model = out.model
        weights = None if out.weights is None else {str(k): float(v) for k, v in out.weights.items()}
        name = _model_name(model, params)
        files = {str(k): bytes(v) for k, v in (run.case_files or {}).items()}
        digests = {str(k): str(v) for k, v in (run.input_digests or {}).items()}
        for fname in digests:
            if fname not in files:
                raise AuditError(
                    f"the run has a digest for {fname} but no snapshot of the file; cannot record it"
                )
        # Each snapshot hashed once (a national flows.csv: 216 MB, 0.15 s), in a second thread
        # while this one writes the canonical texts (hashlib releases the GIL, orjson holds it).
        with ThreadPoolExecutor(max_workers=1) as pool:
            hashed = pool.submit(lambda: {fname: sha256_bytes(data) for fname, data in files.items()})
            texts = self._texts(run, params, model, weights, name)
            for fname, h in hashed.result().items():
                if digests.setdefault(fname, h) != h:
                    raise AuditError(
                        f"input file {fname} does not match its digest; the case changed while running"
                    )
        created = texts["created_at"]

        row: dict[str, Any] = {**texts, "input_digests": canonical(digests)}
        with self._write() as conn:
            h = conn.execute(
                select(t.head.c.seq, t.head.c.hash, t.head.c.runs).where(t.head.c.id == 1).with_for_update()
            ).one()
            seq, prev, n_runs = h.seq, h.hash, h.runs + 1
            run_id = f"R{n_runs:06d}"
            seq += 1
            row.update(run_id=run_id, seq=seq)
            content = canonical(run_content(row, canonical_texts=True))
            run_hash = link_hash(prev, content)
            row["hash"] = run_hash
            conn.execute(
                t.records.insert().values(
                    seq=seq, kind="run", ref=run_id, content=content, prev_hash=prev, hash=run_hash
                )
            )
            conn.execute(t.runs.insert().values(**row))
            self._store_files(conn, run_id, files, digests)
            prev = run_hash
            if weights is not None:
                before = self._previous_weights(conn, name, run_id)
                for crit, a, b in weight_changes(before, weights):
                    seq += 1
                    ev = {
                        "seq": seq,
                        "run_id": run_id,
                        "model_name": name or "",
                        "criterion": crit,
                        "from_weight": a,
                        "to_weight": b,
                        "actor": row["actor"],
                        "reason": row["reason"],
                        "at": created,
                    }
                    c = canonical(event_content(ev))
                    eh = link_hash(prev, c)
                    conn.execute(
                        t.records.insert().values(
                            seq=seq,
                            kind="weight_change",
                            ref=f"{run_id}/{crit}",
                            content=c,
                            prev_hash=prev,
                            hash=eh,
                        )
                    )
                    conn.execute(t.weight_events.insert().values(**ev))
                    prev = eh
            conn.execute(update(t.head).where(t.head.c.id == 1).values(seq=seq, hash=prev, runs=n_runs))
        run.run_id, run.hash = run_id, run_hash
        return run_id

    @staticmethod
    def _texts(
        run: Any, params: dict[str, Any], model: Any, weights: Any, name: str | None
    ) -> dict[str, Any]:
        """The run's row but its input digests: plain fields and canonical JSON texts."""
        out = run.output
        return {
            "command": str(run.command),
            "actor": str(run.actor or ""),
            "reason": str(run.reason or ""),
            "created_at": _utc_text(run.created_at),
            "case_path": str(run.case_path or ""),
            "model_name": name,
            "params": canonical(params),
            "model": canonical(model),
            "policy": canonical(out.policy),
            "method": canonical(out.method or {}),
            "versions": canonical(run.versions or {}),
            "weights": canonical(weights),
            "result": canonical(out.result),
            "identity": canonical(run.identity) if getattr(run, "identity", None) else None,
        }

    def _store_files(
        self, conn: Connection, run_id: str, files: dict[str, bytes], digests: dict[str, str]
    ) -> None:
        have = set()
        wanted = sorted(set(digests.values()))
        if wanted:
            have = set(conn.execute(select(t.blobs.c.digest).where(t.blobs.c.digest.in_(wanted))).scalars())
        for fname, h in sorted(digests.items()):
            if h not in have:
                self._insert_blob(conn, h, files[fname])
                have.add(h)
            conn.execute(t.run_files.insert().values(run_id=run_id, name=fname, digest=h))

    #: file snapshots from this size on are streamed into SQLite (see :meth:`_insert_blob`)
    STREAM_BLOB_FROM = 8 << 20

    def _insert_blob(self, conn: Connection, digest: str, data: bytes) -> None:
        """One content-addressed blob, in the caller's transaction.

        SQLite copies a bound parameter before writing it (sqlite3 binds with
        SQLITE_TRANSIENT), so a national ``flows.csv`` (216 MB) would briefly be in memory twice.
        Large blobs are therefore inserted as a ``zeroblob`` and written through SQLite's
        incremental blob I/O in 16 MB pieces — same row, same bytes, same transaction."""
        if conn.dialect.name != "sqlite" or len(data) < self.STREAM_BLOB_FROM:
            conn.execute(t.blobs.insert().values(digest=digest, size=len(data), content=data))
            return
        conn.execute(t.blobs.insert().values(digest=digest, size=len(data), content=func.zeroblob(len(data))))
        rowid = conn.execute(
            select(literal_column("rowid")).select_from(t.blobs).where(t.blobs.c.digest == digest)
        ).scalar_one()
        raw = conn.connection.driver_connection
        view = memoryview(data)
        step = 16 << 20
        with raw.blobopen(t.blobs.name, "content", rowid) as blob:
            for i in range(0, len(data), step):
                blob.write(view[i : i + step])

    def _previous_weights(self, conn: Connection, name: str | None, run_id: str) -> dict[str, float] | None:
        q = select(t.runs.c.weights).where(t.runs.c.run_id != run_id, t.runs.c.weights != "null")
        q = q.where(t.runs.c.model_name.is_(None) if name is None else t.runs.c.model_name == name)
        text = conn.execute(q.order_by(t.runs.c.seq.desc()).limit(1)).scalar()
        return None if text is None else _loads(text)

    # ------------------------------------------------------------------ reading

    def runs(
        self,
        actor: str | None = None,
        command: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
    ) -> list[RunSummary]:
        """Run summaries, newest first. ``since`` / ``until``: ``YYYY-MM-DD`` (until
        includes that whole day, UTC) or ISO datetimes; ``actor`` / ``command`` exact."""
        c = t.runs.c
        q = select(
            c.run_id, c.seq, c.created_at, c.command, c.actor, c.reason, c.model_name, c.method, c.hash
        )
        if actor:
            q = q.where(c.actor == actor)
        if command:
            q = q.where(c.command == command)
        if since:
            q = q.where(c.created_at >= parse_when(since))
        if until:
            bound = parse_when(until, end=True)
            q = q.where(
                c.created_at < bound
                if re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", until)
                else c.created_at <= bound
            )
        q = q.order_by(c.seq.desc())
        if limit:
            q = q.limit(int(limit))
        with self._read() as conn:
            rows = conn.execute(q).mappings().all()
        out = []
        for r in rows:
            method = _loads(r["method"]) or {}
            out.append(
                RunSummary(
                    run_id=r["run_id"],
                    seq=r["seq"],
                    created_at=r["created_at"],
                    command=r["command"],
                    actor=r["actor"],
                    reason=r["reason"],
                    model_name=r["model_name"],
                    method=method.get("method") if isinstance(method, dict) else None,
                    hash=r["hash"],
                )
            )
        return out

    def latest(self, command: str | None = None) -> RunSummary | None:
        """The newest run (of ``command`` if given), or ``None`` for an empty store."""
        got = self.runs(command=command, limit=1)
        return got[0] if got else None

    def resolve(self, run_id: str) -> str:
        """``run_id`` itself, or the newest run's id for ``"latest"`` (InputError on an empty store)."""
        if run_id != "latest":
            return run_id
        newest = self.latest()
        if newest is None:
            raise InputError([Issue("audit store", None, "run_id", run_id, "the store has no runs yet")])
        return newest.run_id

    def get(self, run_id: str) -> StoredRun:
        """The full stored run; raises :class:`UnknownRunError` (a ``KeyError``) if absent."""
        with self._read() as conn:
            r = conn.execute(select(t.runs).where(t.runs.c.run_id == run_id)).mappings().first()
            if r is None:
                raise UnknownRunError(run_id)
            files = conn.execute(
                select(t.run_files.c.name, t.blobs.c.content)
                .join(t.blobs, t.blobs.c.digest == t.run_files.c.digest)
                .where(t.run_files.c.run_id == run_id)
            ).all()
        return StoredRun(
            run_id=r["run_id"],
            seq=r["seq"],
            command=r["command"],
            actor=r["actor"],
            reason=r["reason"],
            created_at=r["created_at"],
            case_path=r["case_path"],
            model_name=r["model_name"],
            params=_loads(r["params"]),
            model=_loads(r["model"]),
            policy=_loads(r["policy"]),
            method=_loads(r["method"]),
            versions=_loads(r["versions"]),
            weights=_loads(r["weights"]),
            result=_loads(r["result"]),
            input_digests=_loads(r["input_digests"]),
            hash=r["hash"],
            case_files={name: bytes(content) for name, content in files},
            identity=_loads(r["identity"]) if r.get("identity") else None,
        )

    def tiers(self, run_ids: list[str]) -> dict[str, str]:
        """Each known run's information tier (``result.tier``, public when absent), read from the
        result column inside the database: a listing filtered by clearance does not load runs."""
        c = t.runs.c
        ids = sorted(set(run_ids))
        if not ids:
            return {}
        with self._read() as conn:
            if conn.dialect.name == "postgresql":
                tier = sa_cast(c.result, JSON)["tier"].as_string()
            else:
                tier = func.json_extract(c.result, "$.tier")
            rows = conn.execute(select(c.run_id, tier).where(c.run_id.in_(ids))).all()
        return {rid: (str(v) if v else "public") for rid, v in rows}

    def weight_history(self, model_name: str | None = None) -> list[dict[str, Any]]:
        """Weight-change events, oldest first: ``{at, actor, reason, criterion, from, to,
        run_id, model_name, seq}`` (``from`` is ``None`` for a new criterion, ``to`` for a
        removed one)."""
        c = t.weight_events.c
        q = select(t.weight_events).order_by(c.seq)
        if model_name is not None:
            q = q.where(c.model_name == model_name)
        with self._read() as conn:
            rows = conn.execute(q).mappings().all()
        return [
            {
                "at": r["at"],
                "actor": r["actor"],
                "reason": r["reason"],
                "criterion": r["criterion"],
                "from": r["from_weight"],
                "to": r["to_weight"],
                "run_id": r["run_id"],
                "model_name": r["model_name"],
                "seq": r["seq"],
            }
            for r in rows
        ]

    def head_hash(self) -> str:
        """Hash of the newest record (``GENESIS`` for an empty store): file it with a
        report, and later ``audit verify --anchor HASH`` proves nothing before it changed."""
        with self._read() as conn:
            return str(conn.execute(select(t.head.c.hash).where(t.head.c.id == 1)).scalar() or GENESIS)

    def head(self) -> dict[str, Any]:
        """The chain's head as an anchor to publish: ``{seq, hash, anchor, recorded_at, read_at}``.

        ``anchor`` is ``"SEQ:HASH"``, what ``audit verify --anchor`` takes back; ``recorded_at``
        the time stamp inside the head record (``None`` for an empty store); ``read_at`` now.
        Filed outside the store, it is what exposes records cut off the end of the chain.
        """
        read_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._read() as conn:
            h = conn.execute(select(t.head.c.seq, t.head.c.hash).where(t.head.c.id == 1)).first()
            seq, digest = (h.seq, h.hash) if h is not None else (0, GENESIS)
            content = conn.execute(select(t.records.c.content).where(t.records.c.seq == seq)).scalar()
        recorded_at = None
        if content is not None:
            with contextlib.suppress(ValueError, AttributeError):
                body = json.loads(content)
                recorded_at = body.get("at") or body.get("created_at")
        return {
            "seq": int(seq),
            "hash": str(digest),
            "anchor": f"{int(seq)}:{digest}",
            "recorded_at": recorded_at,
            "read_at": read_at,
        }

    # ------------------------------------------------------------------ checking

    def verify(self, anchor: str | None = None) -> VerifyReport:
        """Check the whole chain and every table row against it (see ``verify.py``)."""
        from prioritizer.audit.verify import verify_store

        with self._read() as conn:
            return verify_store(conn, anchor=anchor)

    def diff(self, a: str, b: str):  # type: ignore[no-untyped-def]
        """Structured, plain-words difference between runs ``a`` and ``b`` (→ ``Diff``)."""
        from prioritizer.audit.diff import diff_runs

        return diff_runs(self.get(a), self.get(b))

    def replay(self, run_id: str):  # type: ignore[no-untyped-def]
        """Re-run ``run_id`` from its stored snapshot and compare (→ ``ReplayReport``)."""
        from prioritizer.audit.replay import replay_run

        return replay_run(self.get(run_id))


_STORES: dict[tuple[str, int], AuditStore] = {}


def open_store(db_url: str | None = None) -> AuditStore:
    """Open (creating or migrating if needed) the store at ``db_url`` or the default.

    Stores are cached per URL and process (a forked child opens its own connections).
    """
    url = normalise_url(db_url or default_db_url())
    key = (url, os.getpid())
    store = _STORES.get(key)
    if store is None:
        store = AuditStore(url)
        if not url.startswith("sqlite://") or make_url(url).database not in (None, "", ":memory:"):
            _STORES[key] = store
    return store


def record_run(run: Any, db_url: str | None = None) -> str:
    """Record ``run`` in the store at ``db_url`` (default: :func:`default_db_url`).

    Returns the run id and sets ``run.run_id`` / ``run.hash``; raises
    :class:`~prioritizer.errors.AuditError` and writes nothing if the store cannot be
    reached or written.
    """
    try:
        return open_store(db_url).record(run)
    except DBAPIError as exc:  # pragma: no cover - _write already maps these
        raise _db_error(db_url or default_db_url(), exc, "recording") from None
