"""All-or-nothing changes of several files of a case folder, recoverable after a crash.

A change (a trade import, issue 26) goes through an *intent journal* in the case folder:

1. ``stage``: take the folder's lock, write the journal (state ``prepared``: every file's
   final name, temporary name, new SHA-256, old SHA-256, mode and backup name), then the
   temporary files and hard-link backups of the files they replace;
2. the caller records the change (the audit record), then ``mark_committed``;
3. ``apply``: move every temporary file into place, then delete backups and journal.

Nothing is renamed before the journal says ``committed``, so a crash before it leaves the
case's files as they were; a crash after it leaves a journal that says how to finish.
:func:`recover` — run by :func:`prioritizer.case.load_case` and by every import before it
reads the case — finishes a committed journal, and for a prepared one asks the registered
record lookup (:func:`register_record_lookup`) whether the record was written: yes →
finish, no → roll back, cannot tell (store unreachable) → leave the journal; the case
files are then the old ones, complete. So the case is never seen half-changed, and never
changed without its record.

Readers of a folder with a lock file take a shared lock while reading (:func:`reading`),
so a load never interleaves with the moves of an import. Locks are POSIX ``flock``; where
``fcntl`` does not exist (Windows) only the journal protects the change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import stat
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prioritizer.errors import InputError, Issue

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

JOURNAL = ".prioritizer-journal.json"
LOCK = ".prioritizer-lock"
#: test hook: ``PRIORITIZER_CRASH_AT=<point>`` ends the process with ``os._exit(137)`` there,
#: as a kill -9 would (points: ``staged``, ``recorded``, ``replaced-1``, ``replaced-2``, …)
CRASH_ENV = "PRIORITIZER_CRASH_AT"

#: record lookup: journal ``meta`` -> True (the record exists), False (it does not), None (cannot tell)
RecordLookup = Callable[[dict[str, Any]], bool | None]
_LOOKUPS: list[RecordLookup] = []


def register_record_lookup(fn: RecordLookup) -> None:
    """Let :func:`recover` ask whether a prepared change's record exists (registered by the importer)."""
    if fn not in _LOOKUPS:
        _LOOKUPS.append(fn)


def crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os._exit(137)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(p: Path) -> str | None:
    try:
        return _sha(p.read_bytes())
    except FileNotFoundError:
        return None


def _fsync_dir(d: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a directory be opened
        fd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_file(path: Path, data: bytes, mode: int | None) -> None:
    """Write ``data`` to a new ``path`` and sync it; ``mode`` (else 0666 less the umask)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666 if mode is None else mode)
    try:
        if mode is not None:
            os.fchmod(fd, mode)  # the umask narrowed it: the file keeps the mode it had
        with os.fdopen(fd, "wb", closefd=False) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    finally:
        os.close(fd)


def _write_journal(case_dir: Path, doc: dict[str, Any]) -> None:
    tmp = case_dir / (JOURNAL + ".tmp")
    try:
        _write_file(tmp, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"), None)
        os.replace(tmp, case_dir / JOURNAL)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(case_dir)


def _journal_error(case_dir: Path, message: str) -> InputError:
    return InputError([Issue(str(case_dir / JOURNAL), None, None, None, message)])


class _Lock:
    """An exclusive or shared ``flock`` on the folder's lock file."""

    def __init__(self, case_dir: Path, exclusive: bool, create: bool) -> None:
        self.fd: int | None = None
        if fcntl is None:
            return
        p = case_dir / LOCK
        if not create and not p.exists():
            return
        try:
            self.fd = os.open(p, (os.O_RDWR | os.O_CREAT) if create else os.O_RDONLY, 0o644)
        except OSError:
            if create:
                raise
            return  # a read-only folder: nothing can be changing it through us
        fcntl.flock(self.fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)

    def release(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)  # closing drops the flock
            self.fd = None


@contextlib.contextmanager
def reading(case_dir: Path) -> Iterator[None]:
    """Hold a shared lock while a case folder is read (when an import has ever locked it)."""
    lock = _Lock(case_dir, exclusive=False, create=False)
    try:
        yield
    finally:
        lock.release()


@dataclass
class Staged:
    """A prepared change: the journal and temporary files are on disk, the lock is held."""

    case_dir: Path
    doc: dict[str, Any]
    lock: _Lock
    written: dict[str, bytes] = field(default_factory=dict)
    done: bool = False
    #: the folder did not exist before this change: an abort removes it again
    created: bool = False

    @property
    def token(self) -> str:
        return str(self.doc["token"])

    def mark_committed(self, **extra: Any) -> None:
        """The record is written: from here on the change is finished, never rolled back."""
        self.doc.update(state="committed", **extra)
        _write_journal(self.case_dir, self.doc)

    def apply(self, *, rollback_on_error: bool = False) -> None:
        """Move every file into place, then remove backups and the journal; release the lock.

        ``rollback_on_error`` (a change without a record): a failed move puts the old files
        back. Otherwise the journal stays, committed, for the next command to finish.
        """
        try:
            _forward(self.case_dir, self.doc)
        except BaseException:
            if rollback_on_error and self.doc["state"] == "prepared":
                _backward(self.case_dir, self.doc)
            raise
        finally:
            self.done = True
            self.lock.release()

    def release(self) -> None:
        """Let go of the lock and leave the journal for :func:`recover` (an interrupted change)."""
        self.done = True
        self.lock.release()

    def abort(self) -> None:
        """Undo a change that was not committed (temporary files, backups, journal)."""
        try:
            _backward(self.case_dir, self.doc)
        finally:
            self.done = True
            self.lock.release()
        if self.created:
            with contextlib.suppress(OSError):
                (self.case_dir / LOCK).unlink()
                self.case_dir.rmdir()  # only if empty: nothing else was put there meanwhile


def digests(case_dir: Path, names: tuple[str, ...] | list[str]) -> dict[str, str | None]:
    """SHA-256 of each named file of ``case_dir`` (None: absent) — what a change starts from."""
    return {n: _file_sha(case_dir / n) for n in names}


def stage(
    case_dir: Path,
    files: dict[str, bytes],
    meta: dict[str, Any],
    base: dict[str, str | None] | None = None,
) -> Staged:
    """Journal, then temporary files (same mode as the files they replace), then backups.

    Finishes or rolls back an earlier unfinished change first; refuses when one cannot be
    resolved (its audit store unreachable), so two changes never mix. ``base`` (from
    :func:`digests`, taken before the new files were computed): refuse if any file changed
    since — two imports started together must not lose one another's rows.
    """
    created = not case_dir.exists()
    try:
        case_dir.mkdir(parents=True, exist_ok=True)
        lock = _Lock(case_dir, exclusive=True, create=True)
    except OSError as exc:
        raise _journal_error(
            case_dir, f"cannot write the case folder ({exc.strerror}); choose a folder you may write"
        ) from None
    try:
        if _recover_locked(case_dir, None) == "pending":
            raise _journal_error(
                case_dir,
                "an earlier import into this case is unfinished and its audit store cannot be reached "
                f"to tell whether it was recorded (the store is named in {JOURNAL}); set PRIORITIZER_DB to "
                "that store and run any command on the case. If that store is gone for good, delete "
                f"{JOURNAL} and the .*.tmp / .*.bak files it lists: the case files are the old ones",
            )
        if base is not None:
            moved = [n for n, h in base.items() if _file_sha(case_dir / n) != h]
            if moved:
                raise InputError(
                    [
                        Issue(
                            str(case_dir / n),
                            None,
                            None,
                            None,
                            f"{n} changed while the import was being prepared (another import or an edit); "
                            "nothing was written — run the import again",
                        )
                        for n in moved
                    ]
                )
        token = uuid.uuid4().hex
        entries = []
        for name, data in files.items():
            final = case_dir / name
            try:
                st = final.stat()
                mode: int | None = stat.S_IMODE(st.st_mode)
                old_sha = _file_sha(final)
            except FileNotFoundError:
                mode, old_sha = None, None
            entries.append(
                {
                    "name": name,
                    "temp": f".{name}.{token[:12]}.tmp",
                    "backup": f".{name}.{token[:12]}.bak" if old_sha is not None else None,
                    "sha256": _sha(data),
                    "old_sha256": old_sha,
                    "mode": mode,
                }
            )
        doc = {
            "what": "prioritizer case change (see docs/trade-import.md, 'Writing')",
            "version": 1,
            "token": token,
            "state": "prepared",
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
            "files": entries,
            "meta": meta,
        }
        _write_journal(case_dir, doc)
        staged = Staged(case_dir, doc, lock, dict(files), created=created)
        try:
            for e in entries:
                _write_file(case_dir / e["temp"], files[e["name"]], e["mode"])
                if e["backup"] is not None:
                    _link(case_dir / e["name"], case_dir / e["backup"])
            _fsync_dir(case_dir)
        except OSError as exc:
            staged.abort()
            raise _journal_error(
                case_dir,
                f"cannot write the new case files ({exc}); nothing was changed — free space or fix the folder",
            ) from None
        except BaseException:
            staged.abort()
            raise
        crash_point("staged")
        return staged
    except BaseException as exc:
        lock.release()
        if created:
            with contextlib.suppress(OSError):
                (case_dir / LOCK).unlink()
                case_dir.rmdir()
        if isinstance(exc, OSError):
            raise _journal_error(
                case_dir, f"cannot write the import journal ({exc}); nothing was changed — fix the folder"
            ) from None
        raise


def _link(src: Path, dst: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        dst.unlink()
    try:
        os.link(src, dst)
    except OSError:  # a file system without hard links
        shutil.copy2(src, dst)


def _forward(case_dir: Path, doc: dict[str, Any]) -> None:
    for k, e in enumerate(doc["files"], start=1):
        tmp, final = case_dir / e["temp"], case_dir / e["name"]
        if tmp.exists():
            if _file_sha(tmp) != e["sha256"]:
                raise _journal_error(
                    case_dir,
                    f"the staged copy of {e['name']} ({e['temp']}) was altered; restore the case by hand",
                )
            os.replace(tmp, final)
            crash_point(f"replaced-{k}")
        elif _file_sha(final) != e["sha256"]:
            raise _journal_error(
                case_dir,
                f"{e['name']} is neither the staged copy nor the committed file; restore the case by hand "
                f"(backup: {e['backup']})",
            )
    _fsync_dir(case_dir)
    _cleanup(case_dir, doc)


def _backward(case_dir: Path, doc: dict[str, Any]) -> None:
    for e in doc["files"]:
        final = case_dir / e["name"]
        now = _file_sha(final)
        if now is not None and now == e["sha256"] and now != e["old_sha256"]:
            # moved in already (a rename that failed part-way in this process): put the old back
            if e["backup"] is not None and (case_dir / e["backup"]).exists():
                os.replace(case_dir / e["backup"], final)
            elif e["old_sha256"] is None:
                final.unlink()
    _fsync_dir(case_dir)
    _cleanup(case_dir, doc)


def _cleanup(case_dir: Path, doc: dict[str, Any]) -> None:
    for e in doc["files"]:
        for n in (e["temp"], e["backup"]):
            if n:
                with contextlib.suppress(FileNotFoundError):
                    (case_dir / n).unlink()
    with contextlib.suppress(FileNotFoundError):
        (case_dir / JOURNAL).unlink()
    _fsync_dir(case_dir)


def _read_journal(case_dir: Path) -> dict[str, Any] | None:
    with contextlib.suppress(FileNotFoundError):
        (case_dir / (JOURNAL + ".tmp")).unlink()  # a journal never moved in: nothing followed it
    try:
        doc = json.loads((case_dir / JOURNAL).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise _journal_error(
            case_dir, f"the import journal cannot be read ({exc}); restore the case by hand"
        ) from None
    if not isinstance(doc, dict) or doc.get("state") not in ("prepared", "committed"):
        raise _journal_error(
            case_dir, "the import journal is not one prioritizer wrote; restore the case by hand"
        )
    return doc


def _recover_locked(case_dir: Path, lookup: RecordLookup | None) -> str | None:
    doc = _read_journal(case_dir)
    if doc is None:
        return None
    if doc["state"] == "committed":
        _forward(case_dir, doc)
        return "finished"
    meta = doc.get("meta") or {}
    if meta.get("record") is None:
        found: bool | None = False  # a change without a record is never finished by recovery
    else:
        found = None
        for fn in [lookup] if lookup is not None else list(_LOOKUPS):
            if fn is None:
                continue
            found = fn({**meta, "token": doc["token"], "created_at": doc["created_at"]})
            if found is not None:
                break
    if found is None:
        return "pending"
    if found:
        doc["state"] = "committed"
        _write_journal(case_dir, doc)
        _forward(case_dir, doc)
        return "finished"
    _backward(case_dir, doc)
    return "rolled back"


def recover(case_dir: Path | str, lookup: RecordLookup | None = None) -> str | None:
    """Finish or roll back an unfinished change of ``case_dir``.

    Returns None (no journal), ``"finished"``, ``"rolled back"`` or ``"pending"`` (a
    prepared change whose record cannot be looked up: the files are the old ones).
    """
    case_dir = Path(case_dir)
    if not (case_dir / JOURNAL).exists():
        return None
    try:
        lock = _Lock(case_dir, exclusive=True, create=True)
    except OSError as exc:
        raise _journal_error(
            case_dir,
            f"an import into this case is unfinished and the folder cannot be written ({exc.strerror}); "
            "run the command as a user who may write the case folder",
        ) from None
    try:
        return _recover_locked(case_dir, lookup)
    except OSError as exc:
        raise _journal_error(
            case_dir, f"an unfinished import could not be completed: {exc}; fix the folder and run again"
        ) from None
    finally:
        lock.release()
