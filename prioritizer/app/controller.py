"""State transitions and computations for the app, free of streamlit.

Every number the app shows comes from a :class:`prioritizer.runs.Run` produced by the
same services the CLI uses; saving a scenario records exactly that Run. Pages only
lay out what this module returns, so the controller is testable without a browser.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from prioritizer.case import Case, load_case
from prioritizer.case.types import TABLES
from prioritizer.errors import InputError, Issue
from prioritizer.runs import Run, execute


def params_key(case: Case, command: str, params: dict[str, Any]) -> str:
    """Scenario hash: the case's file digests plus the command's canonical params."""
    blob = json.dumps(
        {"case": case.digests, "command": command, "params": params},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def compute(case: Case, command: str, params: dict[str, Any], actor: str = "", reason: str = "") -> Run:
    return execute(command, case, params, actor=actor, reason=reason)


def record(run: Run, actor: str, reason: str, db: str | None = None) -> str:
    """Record a computed Run with who and why; returns its run id (raises AuditError)."""
    from prioritizer.audit import record_run

    if not actor.strip() or not reason.strip():
        raise InputError([Issue("scenario", None, "actor/reason", None, "enter both an actor and a reason")])
    run.actor, run.reason = actor.strip(), reason.strip()
    return record_run(run, db)


def save(identity: Any, run: Run, reason: str, db: str | None = None) -> str:
    """Record ``run`` authored by the signed-in ``identity`` (the service checks its role)."""
    from prioritizer.audit import open_store
    from prioritizer.auth.services import save_run

    return save_run(identity, run, reason, open_store(db))


# --------------------------------------------------------------------------- uploads


@dataclass
class UploadOutcome:
    case: Case | None
    issues: list[Issue] = field(default_factory=list)
    folder: Path | None = None


def load_upload(files: list[tuple[str, bytes]], workdir: Path | None = None) -> UploadOutcome:
    """Validate uploaded CSV files (+ policy.yaml) or one XLSX workbook as a case.

    The files are written to a fresh folder and loaded with the normal loader, so an
    upload gets exactly the validation a case folder gets. On any problem the caller
    keeps its previous case: nothing of a rejected upload is used.
    """
    known = set(TABLES.values()) | {"policy.yaml", "policy.yml"}
    issues: list[Issue] = []
    xlsx = [n for n, _ in files if n.lower().endswith((".xlsx", ".xlsm"))]
    if xlsx and len(files) > 1:
        issues.append(
            Issue(xlsx[0], None, None, None, "upload either one XLSX workbook or CSV files, not both")
        )
    for name, _ in files:
        if not xlsx and Path(name).name not in known:
            issues.append(
                Issue(
                    name, None, None, None, f"unknown file name; expected one of {', '.join(sorted(known))}"
                )
            )
    if issues:
        return UploadOutcome(None, issues)
    folder = Path(tempfile.mkdtemp(prefix="prioritizer-upload-", dir=workdir))
    for name, data in files:
        (folder / Path(name).name).write_bytes(data)
    target = folder / Path(xlsx[0]).name if xlsx else folder
    try:
        return UploadOutcome(load_case(target), [], folder)
    except InputError as exc:
        return UploadOutcome(None, exc.issues, folder)


# --------------------------------------------------------------------------- view models


def ranking_frame(result: dict[str, Any], lang: str = "ja") -> pd.DataFrame:
    """Flat table of a rank result: one row per item, contributions as columns."""
    rows = []
    for r in result.get("ranking", []):
        row = {
            "rank": r.get("rank"),
            "id": r.get("id"),
            "name": (r.get("name_ja") if lang == "ja" else r.get("name_en"))
            or r.get("name_en")
            or r.get("id"),
            "score": r.get("score"),
            "domain": r.get("domain"),
            "sector": r.get("sector"),
            "ministry": r.get("ministry"),
            "specified_critical": r.get("specified_critical"),
        }
        for c, v in (r.get("contributions") or {}).items():
            row[f"contrib:{c}"] = v
        rows.append(row)
    return pd.DataFrame(rows)


def rank_moves(base: dict[str, Any], new: dict[str, Any]) -> pd.DataFrame:
    """Rank change of every item between two rank results (positive = moved up)."""
    b = {r["id"]: r["rank"] for r in base.get("ranking", [])}
    rows = [
        {
            "id": r["id"],
            "base_rank": b.get(r["id"]),
            "rank": r["rank"],
            "move": (b[r["id"]] - r["rank"]) if r["id"] in b else None,
        }
        for r in new.get("ranking", [])
    ]
    return pd.DataFrame(rows, columns=["id", "base_rank", "rank", "move"])


def funding_changes(base: dict[str, Any], new: dict[str, Any]) -> pd.DataFrame:
    b = {p["id"]: p.get("funded_fraction", 0.0) for p in base.get("projects", [])}
    rows = []
    for p in new.get("projects", []):
        before, after = b.get(p["id"], 0.0), p.get("funded_fraction", 0.0)
        if abs(after - before) > 1e-9:
            rows.append({"id": p["id"], "before": before, "after": after, "cost": p.get("cost")})
    return pd.DataFrame(rows, columns=["id", "before", "after", "cost"])


def project_spend(p: dict[str, Any]) -> float:
    """億円 spent on one project of an allocate result: the optimiser's ``spent``, else share × cost."""
    if p.get("spent") is not None:
        return float(p["spent"])
    return float((p.get("funded_fraction") or 0.0) * (p.get("cost") or 0.0))


def total_spend(result: dict[str, Any]) -> float:
    return sum(project_spend(p) for p in result.get("projects", []))


def spend_by(result: dict[str, Any], case: Case, group: str) -> pd.DataFrame:
    """Spend (億円) of funded projects by a project or good attribute (domain, sector, instrument...)."""
    if case.projects is None:
        return pd.DataFrame(columns=[group, "spend"])
    proj = case.projects.set_index("id")
    goods = case.goods.set_index("id")
    rows = []
    for p in result.get("projects", []):
        frac = p.get("funded_fraction") or 0.0
        if frac <= 1e-9 or p["id"] not in proj.index:
            continue
        pr = proj.loc[p["id"]]
        if group in proj.columns and isinstance(pr.get(group), str) and pr.get(group):
            key = pr.get(group)
        elif group in goods.columns and pr.get("good_id") in goods.index:
            key = goods.loc[pr.get("good_id"), group]
        else:
            key = "—"
        rows.append({group: key, "spend": project_spend(p)})
    df = pd.DataFrame(rows, columns=[group, "spend"])
    return df.groupby(group, as_index=False)["spend"].sum().sort_values("spend", ascending=False)


def justification(
    item: dict[str, Any], n_items: int, criteria_labels: dict[str, str], lang: str = "ja"
) -> str:
    """One paragraph a committee member can read: rank, score and the criteria that drive it."""
    contrib = item.get("contributions") or {}
    total = sum(abs(v) for v in contrib.values()) or 1.0
    top = sorted(contrib.items(), key=lambda kv: -abs(kv[1]))[:2]
    parts = [f"{criteria_labels.get(c, c)} {abs(v) / total:.0%}" for c, v in top]
    name = item.get("name_ja" if lang == "ja" else "name_en") or item.get("id")
    hint = item.get("hint_ja" if lang == "ja" else "hint_en") or item.get("hint") or ""
    if lang == "ja":
        s = f"{name}は {n_items} 件中 {item.get('rank')} 位（スコア {item.get('score', 0):.3f}）。"
        if parts:
            s += "主な要因は " + "、".join(parts) + " の寄与です。"
        if hint:
            s += f"政策手段の目安: {hint}。"
    else:
        s = f"{name} ranks {item.get('rank')} of {n_items} (score {item.get('score', 0):.3f})."
        if parts:
            s += " Main drivers: " + ", ".join(parts) + " of the score."
        if hint:
            s += f" Instrument hint: {hint}."
    return s
