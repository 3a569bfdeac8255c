"""Case versions: a case's files saved as a content-addressed manifest in the audit store.

A version is ``{file name: SHA-256}`` over blobs already deduplicated in ``audit_blobs``;
its identity is the digest of that manifest, so saving the same content twice returns the
existing version. Every version is a record (kind ``case_version``) in the same hash chain as
runs, so ``audit verify`` detects an edited or deleted version. Each version carries the rows
added, removed and changed against its parent, table by table.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, update

from prioritizer.audit import schema as t
from prioritizer.audit.chain import canonical, digest_of, link_hash, sha256_bytes
from prioritizer.errors import AuditError, InputError, Issue


@dataclass
class TableChange:
    """Rows of one table added, removed or changed between two versions (by ``id`` where it has one)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class CaseVersion:
    version_id: str
    parent_id: str | None
    created_at: str
    actor: str
    reason: str
    case_name: str
    digest: str
    manifest: dict[str, str]
    changes: dict[str, dict[str, list[str]]]
    hash: str
    created: bool = True  # False when saving returned an identical existing version

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class UnknownVersionError(InputError):
    def __init__(self, version_id: str, known: list[str]) -> None:
        import difflib

        close = difflib.get_close_matches(version_id, known, n=3, cutoff=0.5)
        hint = (
            f"; did you mean {', '.join(close)}?" if close else "; list them with `prioritizer case versions`"
        )
        super().__init__([Issue("case version", None, "version", version_id, f"no such case version{hint}")])


def version_content(row: dict[str, Any]) -> dict[str, Any]:
    """What the chain record of a case version covers (everything but its own hash)."""
    return {
        "version_id": row["version_id"],
        "seq": row["seq"],
        "parent_id": row["parent_id"],
        "created_at": row["created_at"],
        "actor": row["actor"],
        "reason": row["reason"],
        "case_name": row["case_name"],
        "digest": row["digest"],
        "manifest": _loads(row["manifest"]),
        "changes": _loads(row["changes"]),
    }


def _loads(text: str) -> Any:
    import json

    return json.loads(text)


# --------------------------------------------------------------------------- row differences


def _rows(name: str, data: bytes) -> dict[str, str] | None:
    """Row key -> canonical row text of a CSV file (key = ``id``, or a table's natural key)."""
    import csv

    if not name.lower().endswith(".csv"):
        return None
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    fields = reader.fieldnames or []
    key_cols = next(
        (
            cols
            for cols in (
                ["id"],
                ["iso3"],
                ["good_id", "partner", "period"],
                ["good_id", "input_id"],
                ["good_id", "country"],
                ["good_id", "period"],
            )
            if all(c in fields for c in cols)
        ),
        None,
    )
    out: dict[str, str] = {}
    for n, row in enumerate(reader, start=2):
        key = "/".join(row.get(c) or "" for c in key_cols) if key_cols else f"row {n}"
        out[key] = canonical({k: _norm(row.get(k)) for k in sorted(fields) if _norm(row.get(k)) != ""})
    return out


def _norm(v: str | None) -> str:
    """A cell as a value, so that re-saving ``1`` as ``1.0`` or ``TRUE`` as ``true`` is no change."""
    s = (v or "").strip()
    if s.lower() in ("true", "false"):
        return s.lower()
    try:
        return repr(float(s))
    except ValueError:
        return s


def diff_files(old: dict[str, bytes], new: dict[str, bytes]) -> dict[str, TableChange]:
    """Rows added, removed and changed per file between two versions' contents."""
    out: dict[str, TableChange] = {}
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name), new.get(name)
        if a == b:
            continue
        ch = TableChange()
        ra = _rows(name, a) if a is not None else {}
        rb = _rows(name, b) if b is not None else {}
        if ra is None or rb is None:  # policy.yaml and other non-tables: the file as a whole
            (ch.added if a is None else ch.removed if b is None else ch.changed).append(name)
        else:
            ch.added = sorted(set(rb) - set(ra))
            ch.removed = sorted(set(ra) - set(rb))
            ch.changed = sorted(k for k in set(ra) & set(rb) if ra[k] != rb[k])
        if not ch.empty:
            out[name] = ch
    return out


# --------------------------------------------------------------------------- store operations


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def save_version(
    store: Any,
    files: dict[str, bytes],
    *,
    actor: str,
    reason: str,
    case_name: str,
    parent: str | None = None,
    base_files: dict[str, bytes] | None = None,
) -> CaseVersion:
    """Record ``files`` as a case version (one transaction; nothing half-written).

    Rows are compared with ``parent``'s files, or with ``base_files`` (the case the edit
    started from, e.g. the folder on disk) when the version has no parent.
    """
    if not files:
        raise InputError([Issue("case version", None, None, None, "a case version needs at least one file")])
    manifest = {str(n): sha256_bytes(bytes(d)) for n, d in sorted(files.items())}
    digest = digest_of(manifest)
    existing = next((v for v in list_versions(store) if v.digest == digest), None)
    if existing is not None:
        existing.created = False
        return existing
    parent_files = get_files(store, parent) if parent else dict(base_files or {})
    changes = {n: asdict(c) for n, c in diff_files(parent_files, files).items()}
    with store._write() as conn:
        h = conn.execute(select(t.head.c.seq, t.head.c.hash).where(t.head.c.id == 1).with_for_update()).one()
        n_versions = conn.execute(select(t.case_versions.c.version_id)).all()
        version_id = f"V{len(n_versions) + 1:06d}"
        seq = h.seq + 1
        row = {
            "version_id": version_id,
            "seq": seq,
            "parent_id": parent,
            "created_at": _now(),
            "actor": actor,
            "reason": reason,
            "case_name": case_name,
            "digest": digest,
            "manifest": canonical(manifest),
            "changes": canonical(changes),
        }
        content = canonical(version_content(row))
        row["hash"] = link_hash(h.hash, content)
        conn.execute(
            t.records.insert().values(
                seq=seq,
                kind="case_version",
                ref=version_id,
                content=content,
                prev_hash=h.hash,
                hash=row["hash"],
            )
        )
        conn.execute(t.case_versions.insert().values(**row))
        have = set(
            conn.execute(select(t.blobs.c.digest).where(t.blobs.c.digest.in_(sorted(set(manifest.values())))))
            .scalars()
            .all()
        )
        for name, d in manifest.items():
            if d not in have:
                conn.execute(
                    t.blobs.insert().values(digest=d, size=len(files[name]), content=bytes(files[name]))
                )
                have.add(d)
            conn.execute(t.case_version_files.insert().values(version_id=version_id, name=name, digest=d))
        conn.execute(update(t.head).where(t.head.c.id == 1).values(seq=seq, hash=row["hash"]))
    return _from_row(row)


def _from_row(row: Any) -> CaseVersion:
    r = dict(row)
    return CaseVersion(
        version_id=r["version_id"],
        parent_id=r["parent_id"],
        created_at=r["created_at"],
        actor=r["actor"],
        reason=r["reason"],
        case_name=r["case_name"],
        digest=r["digest"],
        manifest=_loads(r["manifest"]),
        changes=_loads(r["changes"]),
        hash=r["hash"],
    )


def list_versions(store: Any) -> list[CaseVersion]:
    with store._read() as conn:
        rows = conn.execute(select(t.case_versions).order_by(t.case_versions.c.seq)).mappings().all()
    return [_from_row(r) for r in rows]


def get_version(store: Any, version_id: str) -> CaseVersion:
    versions = {v.version_id: v for v in list_versions(store)}
    if version_id == "latest" and versions:
        return list(versions.values())[-1]
    if version_id not in versions:
        raise UnknownVersionError(version_id, list(versions))
    return versions[version_id]


def get_files(store: Any, version_id: str) -> dict[str, bytes]:
    """The files of a version; a missing or damaged snapshot is an error naming the files."""
    v = get_version(store, version_id)
    with store._read() as conn:
        return _files(conn, v)


def _files(conn: Connection, v: CaseVersion) -> dict[str, bytes]:
    blobs = {
        d: bytes(c)
        for d, c in conn.execute(
            select(t.blobs.c.digest, t.blobs.c.content).where(
                t.blobs.c.digest.in_(sorted(set(v.manifest.values())))
            )
        )
    }
    missing = sorted(n for n, d in v.manifest.items() if d not in blobs or sha256_bytes(blobs[d]) != d)
    if missing:
        raise AuditError(
            f"case version {v.version_id} cannot be restored: the snapshot of {', '.join(missing)} "
            "is missing or damaged in the audit store"
        )
    return {n: blobs[d] for n, d in v.manifest.items()}


def export_version(store: Any, version_id: str, out_dir: Path) -> Path:
    """Write a version's files to ``out_dir`` as a case folder, atomically (all files or none)."""
    files = get_files(store, version_id)
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise InputError(
            [Issue(str(out_dir), None, None, None, "the folder is not empty; give a new or empty folder")]
        )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".case-export-", dir=out_dir.parent))
    try:
        for name, data in files.items():
            target = tmp / Path(name).name
            target.write_bytes(data)
        if out_dir.exists():
            out_dir.rmdir()
        os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir
