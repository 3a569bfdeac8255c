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


def compute(case: Case, command: str, params: dict[str, Any], actor: str = "", reason: str = "") -> Run:
    return execute(command, case, params, actor=actor, reason=reason)


def record(run: Run, actor: str, reason: str, db: str | None = None) -> str:
    """Record a computed Run with who and why; returns its run id (raises AuditError)."""
    from prioritizer.audit import record_run

    if not actor.strip() or not reason.strip():
        raise InputError([Issue("scenario", None, "actor/reason", None, "enter both an actor and a reason")])
    # The computed Run is shared by every session through the app's cache: record a copy so
    # that one person's save never stamps actor, reason or run id on another's result. The
    # copy keeps ``created_at``, the time the result was computed.
    return record_run(copy_for_record(run, actor.strip(), reason.strip()), db)


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
    contrib = item.get("contributions") or {}
    total = sum(abs(v) for v in contrib.values()) or 1.0
    top = sorted(contrib.items(), key=lambda kv: -abs(kv[1]))[:2]
    parts = [f"{criteria_labels.get(c, c)} {abs(v) / total:.0%}" for c, v in top]
    from prioritizer.text import name_of, render

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


# --------------------------------------------------------------------------- allocation views

#: constraint kinds that are the model's own bookkeeping, not a rule a planner set
STRUCTURAL_KINDS = frozenset({"divisible", "shortfall", "capacity"})


def with_names(df: pd.DataFrame, case: Case, lang: str = "ja", *, id_col: str = "id") -> pd.DataFrame:
    """Adds ``name`` (in ``lang``) and, for projects, ``instrument`` next to the id column."""
    from prioritizer.text import name_of

    out = df.copy()
    table = case.goods if id_col == "good_id" else case.projects
    names: dict[str, str] = {}
    if table is not None:
        names = {str(r["id"]): name_of(r, lang) for r in table.to_dict("records")}  # type: ignore[arg-type]
    out["name"] = [
        names.get(str(i)) or name_of(r, lang)  # type: ignore[arg-type]
        for i, r in zip(out[id_col], out.to_dict("records"), strict=False)
    ]
    if id_col == "id" and table is not None and "instrument" in table.columns and "instrument" not in out:
        out["instrument"] = out["id"].map(dict(zip(table["id"], table["instrument"], strict=False)))
    return out


def entry_gap(value: float | None, needed: float | None) -> float | None:
    """How far an unfunded project's value is from entering, as a share of its value."""
    if value is None or needed is None or not value:
        return None
    return (needed - value) / abs(value)


def unfunded_view(unfunded: pd.DataFrame, lang: str = "ja") -> pd.DataFrame:
    """Unfunded projects with the value they would need and, in words, why they are out."""
    from prioritizer.text import fmt_pct, t, vocab

    out = unfunded.copy()
    gaps, reasons = [], []
    for r in out.to_dict("records"):
        gap = entry_gap(r.get("value"), r.get("needed_value"))
        method = r.get("needed_value_method")
        if method == "cannot_enter" or gap is None:
            gaps.append("—")
        elif gap < 1e-3:
            gaps.append(t("alloc.within_entering", lang))  # type: ignore[arg-type]
        else:
            gaps.append("+" + fmt_pct(gap, lang))  # type: ignore[arg-type]
        reasons.append(vocab("needed_value_method", method, lang) if method else "—")  # type: ignore[arg-type]
    out["entry_gap"] = gaps
    out["reason"] = reasons
    # Enough digits to tell a needed value from the value itself (149.6 vs 149.63).
    for col in ("value", "needed_value"):
        if col in out:
            out[col] = [_precise(v) for v in out[col]]
    return out


def _precise(v: Any) -> str:
    from prioritizer.text import fmt_num

    if v is None or (isinstance(v, float) and v != v):
        return "—"
    return fmt_num(float(v), "ja", 3 if abs(float(v)) < 1000 else 1)


def constraints_view(constraints: list[dict[str, Any]], lang: str = "ja") -> pd.DataFrame:
    """The planner's rules (not the model's bookkeeping rows), described in ``lang``."""
    rows = [c for c in constraints if c.get("kind") not in STRUCTURAL_KINDS and not c.get("ignored")]
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df["description"] = [c.get(f"description_{lang}") or c.get("name") for c in rows]
    if "relax_gain" not in df:
        # Runs recorded before relax_gain existed: the textbook price of a <= row is the gain.
        df["relax_gain"] = [c.get("shadow_price") if c.get("sense") == "<=" else None for c in rows]
    if "rhs_range" not in df:
        df["rhs_range"] = [
            [c["ranging"].get("rhs_low"), c["ranging"].get("rhs_high")] if c.get("ranging") else None
            for c in rows
        ]
    df["_order"] = [-(abs(g) if isinstance(g, int | float) else -1) for g in df["relax_gain"]]
    return df.sort_values(["_order"], kind="mergesort").drop(columns="_order")


def allocation_changes(
    base: dict[str, Any], new: dict[str, Any], case: Case, lang: str = "ja"
) -> dict[str, Any]:
    """What a what-if changes against the case's own allocation: benefit, spend, funding, domains."""
    from prioritizer.text import field, fmt_oku, t, vocab
    from prioritizer.text.tables import present

    def spent(r: dict[str, Any]) -> float:
        b = r.get("budget") or {}
        return float(b["spent_total"]) if b.get("spent_total") is not None else total_spend(r)

    bb, nb = base.get("benefit"), new.get("benefit")
    ch = funding_changes(base, new)
    ch = with_names(ch, case, lang) if not ch.empty else ch
    if not ch.empty:
        ch["change"] = [
            t("alloc.newly_funded", lang)
            if a > 1e-9 and b <= 1e-9  # type: ignore[arg-type]
            else t("alloc.dropped", lang)
            if a <= 1e-9  # type: ignore[arg-type]
            else t("alloc.share_changed", lang)  # type: ignore[arg-type]
            for b, a in zip(ch["before"], ch["after"], strict=True)
        ]
    projects = (
        present(
            ch,
            lang,
            columns=["id", "name", "change", "before", "after", "cost"],
            digits={"before": 2, "after": 2, "cost": 0},
        )
        if not ch.empty
        else pd.DataFrame()
    )  # type: ignore[arg-type]
    db = spend_by(base, case, "domain").set_index("domain")["spend"]
    dn = spend_by(new, case, "domain").set_index("domain")["spend"]
    keys = sorted(set(db.index) | set(dn.index), key=str)
    domains = pd.DataFrame(
        {
            field("domain", lang): [vocab("domain", k, lang) for k in keys],  # type: ignore[arg-type]
            t("alloc.spend_before", lang): [fmt_oku(float(db.get(k, 0.0)), lang) for k in keys],  # type: ignore[arg-type]
            t("alloc.spend_after", lang): [fmt_oku(float(dn.get(k, 0.0)), lang) for k in keys],  # type: ignore[arg-type]
        }
    )
    return {
        "benefit_before": bb,
        "benefit_after": nb,
        "benefit_delta": (nb - bb) if bb is not None and nb is not None else None,
        "spend_before": spent(base),
        "spend_after": spent(new),
        "spend_delta": spent(new) - spent(base),
        "projects": projects,
        "domains": domains,
    }


def run_labels(runs: list[Any], lang: str = "ja") -> dict[str, tuple[str, str]]:
    """run id -> ("R000012 · 予算・備蓄配分 · 2026-11-30 10:02 · 田中 · 第3回委員会", command)."""
    from prioritizer.text import vocab

    out: dict[str, tuple[str, str]] = {}
    for r in runs:
        d = r if isinstance(r, dict) else vars(r)
        when = str(d.get("created_at") or "")[:16].replace("T", " ")
        reason = str(d.get("reason") or "")
        reason = reason if len(reason) <= 30 else reason[:29] + "…"
        parts = [
            d["run_id"],
            vocab("command", d.get("command"), lang),
            when,
            d.get("actor") or "—",
            reason or "—",
        ]  # type: ignore[arg-type]
        out[d["run_id"]] = (" · ".join(str(p) for p in parts), str(d.get("command")))
    return out


def compare_ranks(
    base: dict[str, Any], variants: dict[str, dict[str, Any]], lang: str = "ja"
) -> pd.DataFrame:
    """Baseline rank and each variant's rank and move, by name, with localised headers."""
    from prioritizer.text import field, name_of, t

    names = {r["id"]: name_of(r, lang) for r in base.get("ranking", [])}  # type: ignore[arg-type]
    order = [r["id"] for r in sorted(base.get("ranking", []), key=lambda r: r["rank"])]
    out = pd.DataFrame({field("id", lang): order, field("name", lang): [names[i] for i in order]})  # type: ignore[arg-type]
    out[field("base_rank", lang)] = [{r["id"]: r["rank"] for r in base["ranking"]}[i] for i in order]  # type: ignore[arg-type]
    for v, res in variants.items():
        m = rank_moves(base, res).set_index("id")
        out[t("compare.rank_in", lang, run=v)] = [_int_or_dash(m["rank"].get(i)) for i in order]  # type: ignore[arg-type]
        out[t("compare.move_in", lang, run=v)] = [_signed(m["move"].get(i)) for i in order]  # type: ignore[arg-type]
    return out


def compare_funding(
    base: dict[str, Any], variants: dict[str, dict[str, Any]], case: Case, lang: str = "ja"
) -> pd.DataFrame:
    from prioritizer.text import t
    from prioritizer.text.tables import present

    frames = []
    for v, res in variants.items():
        f = funding_changes(base, res)
        if f.empty:
            continue
        f = with_names(f, case, lang)
        f.insert(0, "variant", v)
        frames.append(f)
    if not frames:
        return pd.DataFrame({t("compare.variant", lang): [], t("alloc.no_funding_change", lang): []})  # type: ignore[arg-type]
    df = pd.concat(frames, ignore_index=True)
    return present(
        df,
        lang,  # type: ignore[arg-type]
        columns=["variant", "id", "name", "before", "after", "cost"],
        labels={"variant": t("compare.variant", lang)},  # type: ignore[arg-type]
        digits={"before": 2, "after": 2, "cost": 0},
    )


def _int_or_dash(v: Any) -> str:
    return "—" if v is None or (isinstance(v, float) and v != v) else f"{int(v)}"


def _signed(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "—"
    return f"{int(v):+d}" if int(v) else "0"


# --------------------------------------------------------------------------- case editing and versions


@dataclass
class EditOutcome:
    """An edited case: the files it would save, and either the loaded case or every problem."""

    files: dict[str, bytes]
    case: Case | None
    issues: list[Issue] = field(default_factory=list)


def table_csv(df: pd.DataFrame) -> bytes:
    """A table as the CSV bytes the loader reads (UTF-8, blanks for missing values)."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == bool:
            out[c] = out[c].map({True: "true", False: "false"})
        elif out[c].map(lambda v: isinstance(v, list | tuple)).any():
            # requires / excludes are loaded as lists; the file holds them ;-separated
            out[c] = out[c].map(lambda v: ";".join(map(str, v)) if isinstance(v, list | tuple) else v)
    return out.to_csv(index=False).encode("utf-8")


def raw_table(case: Case, table: str) -> pd.DataFrame | None:
    """A table as its file holds it (text cells), so that editing one row re-saves the others unchanged.

    The loaded table carries defaults the loader filled in (a project's domain from its good,
    cost from the yearly columns); writing those back would look like edits of every row.
    """
    import io

    data = case.files.get(TABLES[table])
    if data is None:
        df = case.table(table)
        return None if df is None else df.copy()
    for enc in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # the loader accepted it, so one of the two decodes
        return case.table(table)
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def edit_case(case: Case, tables: dict[str, pd.DataFrame], workdir: Path | None = None) -> EditOutcome:
    """Replace whole tables of ``case`` and validate the result with the normal loader.

    Nothing is saved here: the caller records a version only when ``issues`` is empty.
    """
    files = {n: b for n, b in case.files.items() if not n.lower().endswith((".xlsx", ".xlsm"))}
    if len(files) != len(case.files):  # a workbook case is saved as CSV files from now on
        for table, fname in TABLES.items():
            df = case.table(table)
            if df is not None:
                files[fname] = table_csv(df)
        if case.policy is not None:
            import yaml

            files["policy.yaml"] = yaml.safe_dump(
                case.policy.model_dump(mode="json", exclude_none=True), allow_unicode=True
            ).encode()
    for table, df in tables.items():
        files[TABLES[table]] = table_csv(df)
    folder = Path(tempfile.mkdtemp(prefix="prioritizer-edit-", dir=workdir))
    for name, data in files.items():
        (folder / Path(name).name).write_bytes(data)
    try:
        return EditOutcome(files, load_case(folder))
    except InputError as exc:
        return EditOutcome(files, None, exc.issues)


def add_row(df: pd.DataFrame | None, row: dict[str, Any]) -> pd.DataFrame:
    """``df`` with one more row (blank cells for columns the row does not give)."""
    cells = {k: v for k, v in row.items() if v not in (None, "")}
    if df is None:
        return pd.DataFrame([cells])
    if all(df[c].dtype == object for c in df.columns):  # a raw text table: keep it text
        cells = {k: ("true" if v is True else "false" if v is False else str(v)) for k, v in cells.items()}
        new = pd.DataFrame([{c: cells.get(c, "") for c in df.columns} | cells])
    else:
        new = pd.DataFrame([cells])
    return pd.concat([df, new], ignore_index=True)


def save_version(
    files: dict[str, bytes],
    actor: str,
    reason: str,
    case_name: str,
    parent: str | None,
    db: str | None,
    base_files: dict[str, bytes] | None = None,
) -> Any:
    from prioritizer.audit import open_store
    from prioritizer.audit.versions import save_version as _save

    if not actor.strip() or not reason.strip():
        raise InputError(
            [Issue("case version", None, "actor/reason", None, "enter both an actor and a reason")]
        )
    return _save(
        open_store(db),
        files,
        actor=actor.strip(),
        reason=reason.strip(),
        case_name=case_name,
        parent=parent,
        base_files=base_files,
    )


def load_version(version_id: str, db: str | None, workdir: Path | None = None) -> Case:
    """A saved version as a case; raises (naming the files) when its snapshot is missing."""
    from prioritizer.audit import open_store
    from prioritizer.audit.versions import get_files

    files = get_files(open_store(db), version_id)
    folder = Path(tempfile.mkdtemp(prefix=f"prioritizer-{version_id}-", dir=workdir)) / version_id
    folder.mkdir()
    for name, data in files.items():
        (folder / Path(name).name).write_bytes(data)
    return load_case(folder)


def change_summary(changes: dict[str, dict[str, list[str]]], lang: str = "ja") -> list[str]:
    from prioritizer.text import render

    out = []
    for name, ch in changes.items():
        out.append(
            render(
                {
                    "kind": "version.changes",
                    "file": name,
                    "added": len(ch.get("added", [])),
                    "removed": len(ch.get("removed", [])),
                    "changed": len(ch.get("changed", [])),
                    "ids": ", ".join(
                        (ch.get("added", []) + ch.get("removed", []) + ch.get("changed", []))[:8]
                    ),
                },
                lang,  # type: ignore[arg-type]
            )
        )
    return out


# --------------------------------------------------------------------------- trade statistics


@dataclass
class TradeImport:
    """An import of official trade files into the active case: what it brings, and the files."""

    preview: Any
    report: Any | None
    outcome: EditOutcome | None


def trade_import(
    case: Case,
    source: str,
    files: list[tuple[str, bytes]],
    hs_map: tuple[str, bytes] | None,
    *,
    fx: tuple[str, bytes] | None = None,
    country_codes: tuple[str, bytes] | None = None,
    world: bool = False,
    workdir: Path | None = None,
) -> TradeImport:
    """Preview official trade files against the case's HS map and merge them into its files.

    Nothing is written anywhere a user sees: the merge runs on a scratch copy of the case,
    and the merged files are validated like any edit before the caller saves a version.
    """
    from prioritizer.trade import api as trade

    hs = hs_map
    if hs is None and "hs_map.csv" in case.files:
        hs = ("hs_map.csv", case.files["hs_map.csv"])
    on_disk = Path(case.root) / "hs_map.csv"
    if hs is None and Path(case.root).is_dir() and on_disk.is_file():
        # The HS map is not a case table (the loader does not read it), so it sits beside them.
        hs = ("hs_map.csv", on_disk.read_bytes())
    if hs is None:
        raise InputError(
            [
                Issue(
                    "hs_map.csv",
                    None,
                    None,
                    None,
                    "the case has no hs_map.csv; upload an HS map with the files",
                )
            ]
        )
    opts: dict[str, Any] = {"world": world}
    if fx is not None:
        opts["fx"] = fx
    if country_codes is not None:
        opts["country_codes"] = country_codes
    scratch = Path(tempfile.mkdtemp(prefix="prioritizer-trade-", dir=workdir))
    for name, data in case.files.items():
        (scratch / Path(name).name).write_bytes(data)
    report = trade.import_trade(source, list(files), hs, scratch, **opts)
    merged = {n: b for n, b in case.files.items() if not n.lower().endswith((".xlsx", ".xlsm"))}
    merged.update({n: t.encode("utf-8") for n, t in report.files.items()})
    if hs_map is not None:
        merged["hs_map.csv"] = hs_map[1]
    folder = Path(tempfile.mkdtemp(prefix="prioritizer-trade-case-", dir=workdir))
    for name, data in merged.items():
        (folder / Path(name).name).write_bytes(data)
    try:
        outcome = EditOutcome(merged, load_case(folder))
    except InputError as exc:
        outcome = EditOutcome(merged, None, exc.issues)
    return TradeImport(report.preview, report, outcome)
