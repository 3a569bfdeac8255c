"""What a report is built from: the stored run, its related runs and its case snapshot.

Related runs are the most recent runs of the other commands (rank, allocate, robustness,
indicators) recorded on the same input files (identical digests) no later than the primary
one — what a saved scenario records together — so the report shows ranking, allocation and
robustness side by side without recomputing anything.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prioritizer.errors import InputError, Issue
from prioritizer.text import Lang, name_of, t, vocab
from prioritizer.text import field as field_label

#: commands whose runs a report can be written for
REPORTABLE = ("rank", "allocate", "robustness", "indicators", "stress")
#: commands that need the model snapshot to be read
NEEDS_MODEL = ("rank", "allocate", "robustness")


def f(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


@dataclass
class Context:
    lang: Lang
    store: Any
    primary: Any
    runs: dict[str, Any]
    case: Any
    against: Any = None
    against_runs: dict[str, Any] = field(default_factory=dict)

    def result(self, command: str, *, earlier: bool = False) -> dict[str, Any] | None:
        runs = self.against_runs if earlier else self.runs
        return f(runs.get(command), "result")

    @property
    def rank(self) -> dict[str, Any] | None:
        return self.result("rank")

    @property
    def alloc(self) -> dict[str, Any] | None:
        return self.result("allocate")

    @property
    def model(self) -> dict[str, Any]:
        for cmd in ("rank", "allocate", "robustness"):
            m = f(self.runs.get(cmd), "model")
            if isinstance(m, dict) and m:
                return m
        return {}

    @property
    def labels(self) -> dict[str, str]:
        key = "label_ja" if self.lang == "ja" else "label_en"
        return {c["id"]: c.get(key) or c.get("label_en") or c["id"] for c in self.model.get("criteria", [])}

    # wording shortcuts --------------------------------------------------------------
    def t(self, key: str, **kw: Any) -> str:
        return t(key, self.lang, **kw)

    def col(self, key: str) -> str:
        return field_label(f"report.{key}", self.lang)

    def v(self, name: str, value: Any) -> str:
        return vocab(name, value, self.lang)

    def name(self, row: dict[str, Any]) -> str:
        return name_of(row, self.lang)

    @property
    def missing(self) -> str:
        return t("report.not_recorded", self.lang)

    def good_name(self, good_id: str) -> str:
        if self.case is not None:
            from prioritizer.summaries import _index

            g = _index(self.case)[1].get(good_id)
            if g is not None:
                return name_of(g, self.lang)
        return good_id

    def case_country(self, iso3: Any) -> str:
        if not isinstance(iso3, str) or not iso3:
            return "—"
        if self.case is not None and self.case.countries is not None:
            c = self.case.countries[self.case.countries["iso3"] == iso3]
            if not c.empty:
                return name_of(c.iloc[0].to_dict(), self.lang)
        return iso3

    def project_name(self, pid: str) -> str:
        for p in (self.alloc or {}).get("projects", []):
            if p.get("id") == pid:
                return name_of(p, self.lang)
        return pid


def load_case_snapshot(stored: Any) -> Any:
    """Rebuild the case from the stored file snapshot (names, scenarios, sources)."""
    from prioritizer.case import load_case

    files: dict[str, bytes] = f(stored, "case_files") or {}
    if not files:
        return None
    with tempfile.TemporaryDirectory(prefix="prioritizer-report-") as tmp:
        folder = Path(tmp)
        for name, data in files.items():
            (folder / name).write_bytes(data if isinstance(data, bytes) else str(data).encode())
        target = next((folder / n for n in files if n.lower().endswith(".xlsx")), folder)
        try:
            return load_case(target)  # reads every table into memory: the folder can go
        except InputError:
            return None


def check_snapshots(stored: Any, case: Any) -> None:
    """A report needs the run's case files and model: say which is missing, for which run."""
    rid = f(stored, "run_id")
    issues = []
    digests = f(stored, "input_digests") or {}
    files = f(stored, "case_files") or {}
    lost = sorted(set(digests) - set(files))
    if lost or (digests and case is None):
        issues.append(
            Issue(
                "audit store",
                None,
                "case snapshot",
                rid,
                f"the case snapshot of run {rid} is missing or unreadable"
                + (f" ({', '.join(lost)})" if lost else "")
                + "; the report cannot name goods or projects. Re-run the command on the case and report that run.",
            )
        )
    if f(stored, "command") in NEEDS_MODEL and not f(stored, "model"):
        issues.append(
            Issue(
                "audit store",
                None,
                "model snapshot",
                rid,
                f"the model snapshot of run {rid} is missing; re-run the command and report that run",
            )
        )
    if issues:
        raise InputError(issues)


def related_runs(store: Any, primary: Any) -> dict[str, Any]:
    out = {f(primary, "command"): primary}
    digests = f(primary, "input_digests")
    at = str(f(primary, "created_at"))
    seq = f(primary, "seq")
    rid = f(primary, "run_id")
    for summary in store.runs(limit=500):
        cmd = f(summary, "command")
        if cmd in out or cmd not in REPORTABLE:
            continue
        if cmd == "stress":
            # A stress battery is run *against* a recorded allocation, so it comes after it:
            # it belongs to the report of the allocation it played out.
            cand = store.get(f(summary, "run_id"))
            if (f(cand, "result") or {}).get("portfolio") == rid:
                out[cmd] = cand
            continue
        if cmd == "robustness":
            # Robustness is often checked after the decision: the latest one on the same inputs
            # and the same weights speaks for it, whenever it ran (issue 30).
            cand = store.get(f(summary, "run_id"))
            same_w = (f(cand, "params") or {}).get("weights") == (f(primary, "params") or {}).get("weights")
            if f(cand, "input_digests") == digests and same_w:
                out[cmd] = cand
            continue
        if seq is not None and f(summary, "seq") is not None and f(summary, "seq") > seq:
            continue
        cand = store.get(f(summary, "run_id"))
        if f(cand, "input_digests") == digests and str(f(cand, "created_at")) <= at:
            out[cmd] = cand
    return out


def check_against(primary: Any, earlier: Any) -> None:
    """``--against`` compares like with like: the same command."""
    a, b = f(primary, "command"), f(earlier, "command")
    if a != b:
        rid = f(earlier, "run_id")
        raise InputError(
            [
                Issue(
                    "audit store",
                    None,
                    "--against",
                    rid,
                    f"run {rid} is a {b} run but {f(primary, 'run_id')} is a {a} run; "
                    f"compare with an earlier {a} run (list them with `prioritizer audit log --command {a}`)",
                )
            ]
        )
