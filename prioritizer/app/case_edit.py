"""Editing a case in the app: raw tables, added rows, validation, case versions, trade imports.

Nothing here writes where a user sees it: edits are validated in scratch folders with the
normal loader, and a version is recorded in the audit store only when the caller saves.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from prioritizer.case import Case
from prioritizer.case.types import TABLES
from prioritizer.errors import InputError, Issue


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
    from prioritizer.case.readers import IssueLog, decode

    # The loader's own decoding rules (UTF-8, BOM, CP932): the file already passed them.
    text, _ = decode(data, TABLES[table], IssueLog())
    if text is None:
        return case.table(table)
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def edit_case(
    case: Case,
    tables: dict[str, pd.DataFrame],
    workdir: Path | None = None,
    *,
    full: Case | None = None,
    clearance: str = "secret",
) -> EditOutcome:
    """Replace whole tables of ``case`` and validate the result with the normal loader.

    ``case`` is what the editor sees; ``full`` (default: the same) the whole case. Rows of
    ``full`` the editor cannot see are kept as they are in every edited table, so an edit by
    someone who cannot see every row never deletes the hidden ones; problems in those rows are
    counted, never named (:func:`prioritizer.door.redact`).
    Nothing is saved here: the caller records a version only when ``issues`` is empty.
    """
    from prioritizer.door import check_folder

    if full is not None and full is not case:
        tables = {name: _with_hidden(full, case, name, df) for name, df in tables.items()}
        case = full
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
    loaded, issues = check_folder(folder, files, clearance)
    return EditOutcome(files, loaded, issues)


def _with_hidden(full: Case, seen: Case, table: str, edited: pd.DataFrame) -> pd.DataFrame:
    """``edited`` (a table as its reader saw it) plus the rows of ``full`` that reader could not see."""
    whole, shown = raw_table(full, table), raw_table(seen, table)
    if whole is None or shown is None or "id" not in whole.columns:
        return edited
    hidden = whole[~whole["id"].astype(str).isin(set(shown["id"].astype(str)))]
    if hidden.empty:
        return edited
    out = pd.concat([edited.astype(object), hidden.astype(object)], ignore_index=True)
    return out.fillna("")


def hidden_count(full: Case, seen: Case, tables: tuple[str, ...]) -> int:
    """How many rows of ``tables`` the reader of ``seen`` does not see in ``full``."""
    n = 0
    for table in tables:
        a, b = full.table(table), seen.table(table)
        if a is not None and b is not None:
            n += len(a) - len(b)
    return n


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
    caller: Any,
    files: dict[str, bytes],
    reason: str,
    case_name: str,
    parent: str | None,
    base_files: dict[str, bytes] | None = None,
) -> Any:
    """Record ``files`` as a case version authored by the signed-in caller (through the door:
    role checked, refusal recorded); there is no author to type."""
    from prioritizer import door

    return door.save_version(
        caller, files, reason=reason, case_name=case_name, parent=parent, base_files=base_files
    )


def load_version(caller: Any, version_id: str, workdir: Path | None = None) -> Case:
    """A saved version as a case; raises (naming the files) when its snapshot is missing.

    The whole version is loaded (the pages filter it to the reader's clearance); restoring a
    version needs the right to read case versions."""
    from prioritizer import door

    _, files = door.version_files(caller, version_id, "case.versions")
    folder = Path(tempfile.mkdtemp(prefix=f"prioritizer-{version_id}-", dir=workdir)) / version_id
    folder.mkdir()
    for name, data in files.items():
        (folder / Path(name).name).write_bytes(data)
    return door.load_whole(folder)


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
    clearance: str = "secret",
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
    merged.update(report.files)  # bytes, each in the encoding of the file it replaces
    if hs_map is not None:
        merged["hs_map.csv"] = hs_map[1]
    folder = Path(tempfile.mkdtemp(prefix="prioritizer-trade-case-", dir=workdir))
    for name, data in merged.items():
        (folder / Path(name).name).write_bytes(data)
    from prioritizer.door import check_folder

    loaded, issues = check_folder(folder, merged, clearance)
    outcome = EditOutcome(merged, loaded, issues)
    return TradeImport(report.preview, report, outcome)
