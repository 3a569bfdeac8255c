"""``prioritizer import-supply usgs-mcs …`` and ``prioritizer import-governance wgi …`` (DESIGN §7).

Reference statistics into a case folder, with import-trade's rules: everything is read and
checked before anything is written, the files are written atomically, and a Run records
the inputs' SHA-256 unless ``--no-audit``. ``--out`` is the case folder.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from prioritizer.cli import app
from prioritizer.cli.common import (
    ActorOpt,
    DbOpt,
    FormatOpt,
    NoAuditOpt,
    OutputFormat,
    ReasonOpt,
    caller,
    clean_errors,
    dumps,
    write_text,
)
from prioritizer.errors import InputError, Issue


def _table(payload: dict[str, Any], lines: list[tuple[str, str, Any]]) -> pd.DataFrame:
    from prioritizer import text

    lang = "ja"
    rows = [
        {text.field("ref_item", lang): text.vocab("ref_section", s, lang), "": k, " ": v} for s, k, v in lines
    ]
    for p in payload["problems"]:
        rows.append(
            {
                text.field("ref_item", lang): text.vocab("ref_section", "problems", lang),
                "": "",
                " ": text.render(p, lang),
            }
        )
    return pd.DataFrame(rows)


def _door(db: str | None, actor: str, no_audit: bool, dry_run: bool, target: str) -> Any:
    """The caller of an import: a write to the case needs a signed-in planner or admin (or sign-in
    off), checked before any file is read or written; the record names that account."""
    from prioritizer import door

    who = caller(db, actor, create=not no_audit)
    if not dry_run:
        door.enter(who, "import", target=target)
    return who


def _finish(
    imp: Any,
    fmt: OutputFormat,
    dry_run: bool,
    no_audit: bool,
    db: str | None,
    actor: str,
    reason: str,
    lines: list[tuple[str, str, Any]],
) -> dict[str, Any]:
    from prioritizer.trade import refapi

    who = _door(db, actor, no_audit, dry_run, "case")
    written: dict[str, bytes] = {}
    if not dry_run:
        written = refapi.write_case(imp)
    payload = imp.as_dict()
    run_id = None
    if not dry_run and not no_audit:
        run = refapi.run_of(imp, written, actor=who.identity.actor, reason=reason)
        run.identity = who.identity.as_record()
        who.store.record(run)
        run_id = run.run_id
    if fmt is OutputFormat.json:
        out = dumps({"run_id": run_id, **payload})
    else:
        t = _table(payload, lines)
        out = t.to_csv(index=False) if fmt is OutputFormat.csv else t.to_string(index=False)
        if run_id:
            out = f"run_id: {run_id}\n{out}"
    write_text(out, None)
    return payload


@app.command("import-supply")
def import_supply(
    source: Annotated[str, typer.Argument(help="usgs-mcs")],
    files: Annotated[
        list[Path], typer.Argument(help="MCS data-release world tables (mcs<YYYY>-<code>_world.csv).")
    ],
    map_file: Annotated[
        Path, typer.Option("--map", help="CSV: good_id, file_prefix or commodity[, type, reserves].")
    ],
    case_dir: Annotated[Path, typer.Option("--out", "-o", help="Case folder to write or merge into.")],
    year: Annotated[
        int | None, typer.Option("--year", help="Production year (default: the latest column).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; write nothing.")] = False,
    fmt: FormatOpt = OutputFormat.table,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    actor: ActorOpt = "",
    reason: ReasonOpt = "",
) -> None:
    """World production shares from the USGS Mineral Commodity Summaries into world_supply.csv."""
    from prioritizer.trade import refapi

    with clean_errors(fmt):
        _door(db, actor, no_audit, dry_run, str(case_dir))
        if source != "usgs-mcs":
            raise InputError([Issue("SOURCE", None, None, source, "unknown source; choose usgs-mcs")])
        imp = refapi.import_supply(list(files), map_file, case_dir, year=year)
        lines = [
            ("goods", g["good_id"], f"{g['column']} · {g['countries']} + other {g['rest_share']:.3f}")
            for g in imp.summary["goods"]
        ] + [("countries_added", c["iso3"], c["name_en"]) for c in imp.summary["countries_added"]]
        payload = _finish(imp, fmt, dry_run, no_audit, db, actor, reason, lines)
    verb = "checked" if dry_run else "wrote"
    sys.stderr.write(f"{verb} {payload['rows']} world_supply rows for {case_dir}\n")


@app.command("import-governance")
def import_governance(
    source: Annotated[str, typer.Argument(help="wgi")],
    file: Annotated[Path, typer.Argument(help="World Bank WGI bulk CSV (WGIData.csv).")],
    case_dir: Annotated[Path, typer.Option("--out", "-o", help="Case folder whose countries.csv is filled.")],
    year: Annotated[
        int | None, typer.Option("--year", help="Year of the estimates (default: the latest).")
    ] = None,
    release: Annotated[
        str, typer.Option("--release", help="Release named in the source cell, e.g. '2023 update'.")
    ] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; write nothing.")] = False,
    fmt: FormatOpt = OutputFormat.table,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    actor: ActorOpt = "",
    reason: ReasonOpt = "",
) -> None:
    """Governance (mean of the six WGI estimates) into countries.csv."""
    from prioritizer.trade import refapi

    with clean_errors(fmt):
        _door(db, actor, no_audit, dry_run, str(case_dir))
        if source != "wgi":
            raise InputError([Issue("SOURCE", None, None, source, "unknown source; choose wgi")])
        imp = refapi.import_governance(file, case_dir, year=year, release=release)
        s = imp.summary
        lines = [("governance", "year", s["year"]), ("governance", "updated", s["updated"])]
        payload = _finish(imp, fmt, dry_run, no_audit, db, actor, reason, lines)
    verb = "checked" if dry_run else "wrote"
    sys.stderr.write(f"{verb} governance of {payload['updated']} countries for {case_dir}\n")
