"""Write an import into its case folder together with its audit record (issue 26).

Order (each step durable before the next; :mod:`prioritizer.case.journal`):

1. stage: journal (state ``prepared``, with this import's token and where its record goes),
   temporary files (mode of the files they replace), backups;
2. record the Run in the audit store, its ``params.import_id`` = the token;
3. mark the journal ``committed``;
4. move all files in (``os.replace`` each), remove backups and journal.

A store that cannot be reached or written fails step 2: the staged files are removed and
the case is unchanged. A crash (kill -9) anywhere is repaired by the next command that
loads the case or imports into it: after step 3 it finishes the moves; before it, it asks
the store named in the journal whether a run carries the token (:func:`record_exists`) —
yes → finish, no → roll back, unreachable → leave the old, whole case and the journal for
later. Without a record (``audit=False``) an interrupted import is always rolled back.

The acting identity is a parameter (``actor``): the library never decides who is acting.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prioritizer.case import journal
from prioritizer.errors import AuditError, InputError, Issue

if TYPE_CHECKING:
    from prioritizer.trade.api import ImportReport


def store_locator(db: str | None) -> dict[str, Any]:
    """Where the record goes, as the journal keeps it: never a password.

    An SQLite store is its file; any other store is its URL without the password: recovery
    reaches it through ``PRIORITIZER_DB`` when that names the same server, database and user.
    """
    from prioritizer.audit.store import default_db_url, normalise_url, redact

    url = normalise_url(db or default_db_url())
    if url.startswith("sqlite"):
        return {"backend": "sqlite", "url": url}
    return {"backend": "server", "redacted": redact(url)}


def record_exists(meta: dict[str, Any]) -> bool | None:
    """Whether the store named in a journal holds the run of its token (None: cannot tell)."""
    rec = meta.get("record")
    if not rec:
        return False
    from prioritizer.audit.store import default_db_url, normalise_url, open_store, redact

    if rec.get("backend") == "sqlite":
        from sqlalchemy.engine import make_url

        url = str(rec["url"])
        db = make_url(url).database
        if db and db != ":memory:" and not Path(db).exists():
            return False  # no store file: nothing was recorded in it
    elif redact(normalise_url(default_db_url())) == rec.get("redacted"):
        url = default_db_url()
    else:
        return None
    try:
        store = open_store(url)
        for s in store.runs(command="import-trade", since=str(meta["created_at"])):
            if store.get(s.run_id).params.get("import_id") == meta["token"]:
                return True
        return False
    except Exception:  # unreachable or broken store: cannot tell, leave the journal
        return None


def register() -> None:
    """Let every case load in this process resolve an import cut short (idempotent)."""
    journal.register_record_lookup(record_exists)


def write_files(
    case_dir: Path, files: dict[str, bytes], base: dict[str, str | None] | None = None
) -> dict[str, bytes]:
    """All files in together or none, with no record (``--no-audit``, scratch folders)."""
    st = journal.stage(case_dir, files, {"command": "import-trade", "record": None}, base)
    st.apply(rollback_on_error=True)
    return st.written


def commit(
    report: ImportReport,
    *,
    actor: str,
    reason: str = "",
    db: str | None = None,
    audit: bool = True,
    identity: dict[str, Any] | None = None,
) -> str | None:
    """Write ``report``'s files into its case folder and record the Run; returns its run id.

    ``actor`` is the identity the caller established (the CLI's sign-in, the app's session).
    Raises :class:`~prioritizer.errors.AuditError` (case unchanged) when the store fails.
    """
    from prioritizer.trade import api

    register()
    if not audit:
        write_files(report.case_dir, report.files, report.base)
        report.written = True
        return None
    meta = {"command": "import-trade", "record": store_locator(db)}
    st = journal.stage(report.case_dir, report.files, meta, report.base)
    try:
        from prioritizer.audit import record_run

        run = api.run_of(report, st.written, actor=actor, reason=reason, import_id=st.token)
        run.identity = identity
    except BaseException:
        st.abort()
        raise
    try:
        run_id = record_run(run, db)
    except AuditError:
        st.abort()  # the store refused or was unreachable: nothing recorded, nothing changed
        raise
    except BaseException:
        # interrupted (Ctrl-C) while the store may or may not have committed: leave the journal
        # prepared; the next command asks the store and finishes or rolls back accordingly
        st.release()
        raise
    journal.crash_point("recorded")
    with contextlib.suppress(OSError):
        # recorded: if the journal cannot say so, recovery still finds the record by its token
        st.mark_committed(run_id=run_id)
    try:
        st.apply()
    except (OSError, InputError) as exc:
        raise InputError(
            [
                Issue(
                    str(report.case_dir),
                    None,
                    None,
                    run_id,
                    f"the import is recorded as {run_id} but its files could not all be moved in ({exc}); "
                    "the next command that loads this case finishes it",
                )
            ]
        ) from None
    report.written = True
    report.run_id = run_id
    return run_id
