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
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from prioritizer.runs import Run

from prioritizer.case import Case
from prioritizer.case.types import TABLES
from prioritizer.errors import Issue
from prioritizer.summaries import (  # noqa: F401 - re-exported: pages call controller.*
    funding_changes,
    project_spend,
    rank_moves,
    spend_by,
    total_spend,
)


def params_key(case: Case, command: str, params: dict[str, Any]) -> str:
    """Scenario hash: the case's file digests plus the command's canonical params."""
    blob = json.dumps(
        {"case": case.digests, "command": command, "params": params},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def compute(caller: Any, case: Case, command: str, params: dict[str, Any]) -> Run:
    """A Run computed through the door on what ``caller`` may see (not recorded: saving records
    a copy authored by whoever saves it)."""
    from prioritizer import door

    return door.compute(caller, command, case, params, record=False)


def copy_for_record(run: Run, actor: str, reason: str) -> Run:
    import copy
    import dataclasses

    return dataclasses.replace(
        run,
        params=copy.deepcopy(run.params),
        output=copy.deepcopy(run.output),
        actor=actor,
        reason=reason,
        run_id=None,
        hash=None,
    )


def save(caller: Any, run: Run, reason: str) -> str:
    """Record ``run`` authored by the signed-in caller (through the door: role and tier checked)."""
    from prioritizer import door

    # The computed Run is shared by every session through the app's cache: record a copy so
    # that one person's save never stamps actor, reason or run id on another's result. The
    # copy keeps ``created_at``, the time the result was computed.
    return door.save(caller, copy_for_record(run, caller.identity.actor, reason.strip()), reason)


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
    from prioritizer.door import check_folder

    # the uploader's own files: every problem is named to them
    loaded, problems = check_folder(target, dict(files), "secret")
    return UploadOutcome(loaded, problems, folder)


# --------------------------------------------------------------------------- view models


def ranking_frame(result: dict[str, Any], lang: str = "ja") -> pd.DataFrame:
    """Flat table of a rank result: one row per item, contributions as columns."""
    from prioritizer.text import name_of

    rows = []
    for r in result.get("ranking", []):
        row = {
            "rank": r.get("rank"),
            "id": r.get("id"),
            "name": name_of(r, lang),  # type: ignore[arg-type]
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


def neighbours(case: Case, good_id: str, lang: str = "ja") -> pd.DataFrame:
    """A good's supply-chain neighbours by name: its inputs (↑) and the products that use it (↓)."""
    from prioritizer.text import field, name_of

    links = case.links
    if links is None:
        return pd.DataFrame()
    names = {r["id"]: name_of(r, lang) for r in case.goods.to_dict("records")}  # type: ignore[arg-type]
    up = [names.get(g, g) for g in links.loc[links["good_id"] == good_id, "input_id"]]
    down = [names.get(g, g) for g in links.loc[links["input_id"] == good_id, "good_id"]]
    n = max(len(up), len(down))
    return pd.DataFrame(
        {
            field("inputs_up", lang): up + ["—"] * (n - len(up)),  # type: ignore[arg-type]
            field("used_by", lang): down + ["—"] * (n - len(down)),  # type: ignore[arg-type]
        }
    )


def justification(
    item: dict[str, Any], n_items: int, criteria_labels: dict[str, str], lang: str = "ja"
) -> str:
    """One paragraph a committee member can read: rank, score and the criteria that drive it."""
    from prioritizer.scoring.decompose import shares
    from prioritizer.text import fmt_pct, name_of, render

    contrib = item.get("contributions") or {}
    # signed shares of what the contributions explain (they add up to 100 %), so a criterion
    # pulling the other way reads negative beside its negative contribution
    share = shares(contrib)
    top = sorted(contrib.items(), key=lambda kv: -abs(kv[1]))[:2]
    parts = [
        f"{criteria_labels.get(c, c)} {'+' if share[c] > 0 else ''}{fmt_pct(share[c], lang, 0)}"
        for c, _ in top
    ]  # type: ignore[arg-type]

    name = name_of(item, lang)  # type: ignore[arg-type]
    hint = item.get(f"hint_{lang}") or item.get("hint") or ""
    sep = "、" if lang == "ja" else ", "
    msgs = [
        {
            "kind": "item.rank",
            "name": name,
            "n": n_items,
            "rank": item.get("rank"),
            "score": item.get("score") or 0.0,
        }
    ]
    if parts:
        msgs.append({"kind": "item.drivers", "drivers": sep.join(parts)})
    if hint:
        msgs.append({"kind": "item.hint", "hint": hint})
    return ("" if lang == "ja" else " ").join(render(m, lang) for m in msgs)  # type: ignore[arg-type]


# The pages call these through the controller; they live in their own modules by job.
from prioritizer.app.case_edit import (  # noqa: E402, F401
    EditOutcome,
    TradeImport,
    add_row,
    change_summary,
    edit_case,
    hidden_count,
    load_version,
    raw_table,
    save_version,
    table_csv,
    trade_import,
)
from prioritizer.app.views import (  # noqa: E402, F401
    STRUCTURAL_KINDS,
    allocation_changes,
    compare_funding,
    compare_ranks,
    constraints_view,
    entry_gap,
    run_labels,
    unfunded_view,
    with_names,
)
