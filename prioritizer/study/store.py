"""Finished tasks, stored as they finish, so that an interrupted study resumes.

A study directory holds

    manifest.json           study key, grid, task count, status (running | complete | incomplete)
    tasks/t000123.json      one finished task (phase 1)
    regret/<cand>-t000123.json   one evaluation of a candidate portfolio (phase 2)

Every file is written to a temporary name in the same directory, flushed and fsynced,
then moved into place with :func:`os.replace` (atomic on POSIX and Windows): a crash
leaves either the old file or the new one, never half of one. A record is trusted on
resume only if it belongs to this study (same key) and to the same task spec, so a
changed grid or case never mixes with old results.

Why files and not a table in the audit database: the engine writes a record the moment
a task finishes, from the client, thousands of times per study; one small file each
needs no schema migration, no lock shared with the audit store, survives the loss of the
database connection and can be copied with the study. The audit trail keeps the study's
one Run (grid, seeds, digests, engine, results) — the durable record.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def atomic_write_json(path: Path, obj: Any) -> None:
    from prioritizer.audit.filemode import make_private_dirs

    # beside the audit store and as private: folders made here are 0700 (files are mkstemp's 0600)
    make_private_dirs(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, ensure_ascii=False, sort_keys=True, allow_nan=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def spec_digest(spec: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]


def default_root() -> Path:
    """``$PRIORITIZER_STUDIES`` or ``studies/`` beside the embedded audit database."""
    env = os.environ.get("PRIORITIZER_STUDIES", "").strip()
    if env:
        return Path(env)
    from prioritizer.audit.store import default_sqlite_path

    return Path(default_sqlite_path()).parent / "studies"


class StudyStore:
    def __init__(self, directory: str | Path, key: str):
        self.dir = Path(directory)
        self.key = key

    @property
    def manifest_path(self) -> Path:
        return self.dir / "manifest.json"

    def manifest(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def write_manifest(self, **fields: Any) -> None:
        old = self.manifest() or {}
        if old.get("key") not in (None, self.key):
            old = {}
        atomic_write_json(self.manifest_path, {**old, **fields, "key": self.key})

    def _path(self, phase: str, name: str) -> Path:
        return self.dir / ("tasks" if phase == "task" else "regret") / f"{name}.json"

    def put(self, phase: str, name: str, spec: dict[str, Any], record: dict[str, Any]) -> None:
        atomic_write_json(
            self._path(phase, name), {"key": self.key, "spec": spec_digest(spec), "record": record}
        )

    def load(self, phase: str, names_specs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Stored records of ``names_specs`` that belong to this study and spec (others ignored)."""
        folder = self.dir / ("tasks" if phase == "task" else "regret")
        out: dict[str, dict[str, Any]] = {}
        if not folder.is_dir():
            return out
        for p in folder.glob("*.json"):
            name = p.stem
            spec = names_specs.get(name)
            if spec is None:
                continue
            try:
                doc = json.loads(p.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # unreadable: the task simply runs again
            if doc.get("key") == self.key and doc.get("spec") == spec_digest(spec):
                out[name] = doc["record"]
        return out
