"""Replay a stored run from its snapshot and compare with the stored result.

The case is rebuilt byte for byte from the content-addressed file blobs (each checked
against its recorded SHA-256), loaded with :func:`prioritizer.case.load_case`, and the
command's service is called with the stored parameters plus the stored model and
policy snapshots (``params["model_snapshot"]`` / ``params["policy_snapshot"]``, which
services honour over names and the case policy). The new result is compared with the
stored one as canonical JSON: "identical" means equal to the last bit; otherwise every
differing value is listed with its path. Library versions that differ from the
recorded ones are reported too, since they are the usual cause of a difference.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from prioritizer.audit.chain import canonical, normalise, sha256_bytes
from prioritizer.audit.entities import StoredRun
from prioritizer.errors import AuditError

#: differences listed in full; the rest are counted
MAX_LISTED = 50
#: top-level result keys that say *where* an input was read from, not what was computed:
#: a replay reads the model from its snapshot, so these differ by construction and are
#: reported apart from the result comparison
PROVENANCE_KEYS = frozenset({"model_file", "policy_file", "case_path", "case"})


@dataclass
class Difference:
    path: str
    stored: Any
    replayed: Any

    def __str__(self) -> str:
        return f"{self.path}: {_short(self.stored)} → {_short(self.replayed)}"


@dataclass
class ReplayReport:
    """``identical`` is true when the replayed result equals the stored one exactly."""

    run_id: str
    command: str
    identical: bool
    differences: list[Difference] = field(default_factory=list)
    #: differences only in where inputs were read from (see PROVENANCE_KEYS)
    provenance: list[Difference] = field(default_factory=list)
    n_differences: int = 0
    max_abs_difference: float | None = None
    versions: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "command": self.command,
            "identical": self.identical,
            "n_differences": self.n_differences,
            "max_abs_difference": self.max_abs_difference,
            "differences": [asdict(d) for d in self.differences],
            "provenance": [asdict(d) for d in self.provenance],
            "versions": {k: {"recorded": a, "now": b} for k, (a, b) in self.versions.items()},
            "text_ja": self.text("ja"),
            "text_en": self.text("en"),
        }

    def text(self, lang: str = "ja") -> str:
        from prioritizer.text import render

        def say(kind: str, **kw: Any) -> str:
            return render({"kind": kind, "run_id": self.run_id, "command": self.command, **kw}, lang)  # type: ignore[arg-type]

        if self.identical:
            lines = [say("replay.identical")]
        else:
            kind = "replay.differs_max" if self.max_abs_difference else "replay.differs"
            lines = [say(kind, n=self.n_differences, max=self.max_abs_difference)]
            lines += [f"- {d}" for d in self.differences]
            if self.n_differences > len(self.differences):
                lines.append("- " + say("replay.more", n=self.n_differences - len(self.differences)))
        lines += ["- " + say("replay.provenance", what=str(d)) for d in self.provenance]
        lines += ["- " + say("replay.version", lib=lib, a=a, b=b) for lib, (a, b) in self.versions.items()]
        return "\n".join(lines)


def _short(v: Any) -> str:
    s = canonical(v)
    return s if len(s) <= 80 else s[:77] + "…"


def compare(stored: Any, replayed: Any, path: str = "") -> list[Difference]:
    """Every leaf where two JSON documents differ, with a ``a.b[3].c`` path."""
    if isinstance(stored, dict) and isinstance(replayed, dict):
        out: list[Difference] = []
        for k in sorted(set(stored) | set(replayed)):
            p = f"{path}.{k}" if path else str(k)
            if k not in stored or k not in replayed:
                out.append(Difference(p, stored.get(k), replayed.get(k)))
            else:
                out += compare(stored[k], replayed[k], p)
        return out
    if isinstance(stored, list) and isinstance(replayed, list):
        out = []
        for i in range(max(len(stored), len(replayed))):
            p = f"{path}[{i}]"
            if i >= len(stored) or i >= len(replayed):
                out.append(
                    Difference(
                        p, stored[i] if i < len(stored) else None, replayed[i] if i < len(replayed) else None
                    )
                )
            else:
                out += compare(stored[i], replayed[i], p)
        return out
    return (
        [] if canonical(stored) == canonical(replayed) else [Difference(path or "result", stored, replayed)]
    )


def rebuild_case_folder(run: StoredRun, folder: Path) -> Path:
    """Write the run's input files into ``folder``; return what to pass to ``load_case``."""
    missing = sorted(set(run.input_digests) - set(run.case_files))
    if missing:
        raise AuditError(
            f"run {run.run_id}: no stored snapshot of {', '.join(missing)}; it cannot be replayed"
        )
    for name, data in run.case_files.items():
        if Path(name).name != name or name in (".", ".."):
            raise AuditError(f"run {run.run_id}: stored file name {name!r} is not a plain file name")
        want = run.input_digests.get(name)
        if want is not None and sha256_bytes(data) != want:
            raise AuditError(
                f"run {run.run_id}: stored file {name} does not match its digest (run `audit verify`)"
            )
        (folder / name).write_bytes(data)
    books = sorted(n for n in run.case_files if n.lower().endswith((".xlsx", ".xlsm")))
    return folder / books[0] if books else folder


def replay_run(run: StoredRun) -> ReplayReport:
    from prioritizer.case import load_case
    from prioritizer.runs import library_versions, service

    params = dict(run.params)
    if run.model is not None:
        params["model_snapshot"] = run.model
    if run.policy is not None:
        params["policy_snapshot"] = run.policy
    with tempfile.TemporaryDirectory(prefix=f"prioritizer-replay-{run.run_id}-") as tmp:
        target = rebuild_case_folder(run, Path(tmp))
        policy_path = None
        if target.is_file():  # a workbook; a separate policy file travels beside it
            yaml = sorted(n for n in run.case_files if n.lower().endswith((".yaml", ".yml")))
            policy_path = Path(tmp) / yaml[0] if yaml else None
        case = load_case(target, policy_path=policy_path)
        case.root = Path(run.case_path) if run.case_path else case.root
        out = service(run.command)(case, params)
        from prioritizer.case.tiers import case_tier

        # Runs on restricted inputs carry their tier label (prioritizer.auth.tiers.labelled).
        if case_tier(case) != "public":
            out.result["tier"] = case_tier(case)
    replayed = normalise(out.result)
    every = compare(run.result, replayed)
    provenance = [d for d in every if d.path in PROVENANCE_KEYS]
    diffs = [d for d in every if d.path not in PROVENANCE_KEYS]
    numeric = [
        abs(float(d.stored) - float(d.replayed))
        for d in diffs
        if isinstance(d.stored, int | float)
        and isinstance(d.replayed, int | float)
        and not isinstance(d.stored, bool)
        and math.isfinite(float(d.stored))
        and math.isfinite(float(d.replayed))
    ]
    now = library_versions()
    versions = {
        k: (run.versions.get(k), now.get(k))
        for k in sorted(set(run.versions) | set(now))
        if run.versions.get(k) != now.get(k)
    }
    return ReplayReport(
        run_id=run.run_id,
        command=run.command,
        identical=not diffs,
        differences=diffs[:MAX_LISTED],
        provenance=provenance,
        n_differences=len(diffs),
        max_abs_difference=max(numeric) if numeric else None,
        versions=versions,
        result=replayed,
    )
