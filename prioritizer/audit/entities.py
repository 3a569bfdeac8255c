"""What the audit store hands back: run summaries, stored runs, weight events, verify reports.

Every object supports both attribute access (``run.result``) and item access
(``run["result"]``), so callers that treat runs as dicts keep working.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


class _ItemAccess:
    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)

    def keys(self) -> list[str]:
        return [f.name for f in fields(self)]  # type: ignore[arg-type]


@dataclass
class RunSummary(_ItemAccess):
    """One line of ``audit log``."""

    run_id: str
    seq: int
    created_at: str
    command: str
    actor: str
    reason: str
    model_name: str | None
    method: str | None
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StoredRun(_ItemAccess):
    """A recorded Run with everything needed to read, diff, replay or report it.

    ``model`` / ``policy`` are the snapshots the service used; ``method`` the method
    choices (method, normalisation, tie rule, solver…); ``weights`` criterion → weight
    actually used (``None`` for commands without weights); ``input_digests`` file name →
    SHA-256; ``case_files`` file name → bytes (rebuilt from the content-addressed blobs);
    ``hash`` the record's chain hash (quote it in reports; ``audit verify`` checks it).
    """

    run_id: str
    seq: int
    command: str
    actor: str
    reason: str
    created_at: str
    case_path: str
    model_name: str | None
    params: dict[str, Any]
    model: dict[str, Any] | None
    policy: dict[str, Any] | None
    method: dict[str, Any]
    versions: dict[str, str]
    weights: dict[str, float] | None
    result: dict[str, Any]
    input_digests: dict[str, str]
    hash: str
    case_files: dict[str, bytes] = field(default_factory=dict, repr=False)
    #: how the author was established ({user, display_name, role, method, …}; None before sign-in existed)
    identity: dict[str, Any] | None = None

    def as_dict(self, files: bool = False) -> dict[str, Any]:
        """JSON-able dict; file contents only when ``files`` (as text where UTF-8)."""
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "case_files"}
        d["input_files"] = {
            n: {"sha256": h, "size": len(self.case_files.get(n, b""))} for n, h in self.input_digests.items()
        }
        if files:
            d["case_files"] = {n: _text_or_hex(b) for n, b in self.case_files.items()}
        return d


def _text_or_hex(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "hex:" + data.hex()


@dataclass(frozen=True)
class BrokenRecord:
    """Where the chain is broken: record ``seq`` of ``kind`` about ``ref``, and why."""

    seq: int
    kind: str
    ref: str
    reason: str

    def __str__(self) -> str:
        return f"record {self.seq} ({self.kind} {self.ref}): {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class VerifyReport(_ItemAccess):
    """Outcome of :meth:`AuditStore.verify`.

    ``ok`` is true when every record links to its predecessor, every hash matches its
    content, every table row matches its record, the head row matches the last record
    and (if given) the anchor hash occurs in the chain. ``first_broken`` is the lowest
    broken record; ``problems`` lists all that were found.
    """

    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    first_broken: BrokenRecord | None = None
    problems: list[BrokenRecord] = field(default_factory=list)
    anchor: str | None = None
    anchor_seq: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "first_broken": self.first_broken.as_dict() if self.first_broken else None,
            "problems": [p.as_dict() for p in self.problems],
            "anchor": self.anchor,
            "anchor_seq": self.anchor_seq,
        }
