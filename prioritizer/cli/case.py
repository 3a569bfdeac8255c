"""``prioritizer case versions | export VERSION DIR`` — case versions saved from the app (DESIGN §6)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from prioritizer.cli import app
from prioritizer.cli.common import (
    DbOpt,
    FormatOpt,
    LangOpt,
    NoAuditOpt,
    OutOpt,
    OutputFormat,
    clean_errors,
    dumps,
    render,
    write_text,
)

case_app = typer.Typer(
    name="case",
    help="Case versions saved from the app: list them, or write one back to CSV files.",
    no_args_is_help=True,
)
app.add_typer(case_app, name="case")


def _summary(changes: dict[str, dict[str, list[str]]]) -> str:
    parts = []
    for name, ch in changes.items():
        bits = [
            f"+{len(ch['added'])}" if ch["added"] else "",
            f"-{len(ch['removed'])}" if ch["removed"] else "",
            f"~{len(ch['changed'])}" if ch["changed"] else "",
        ]
        parts.append(f"{name} {' '.join(b for b in bits if b)}")
    return "; ".join(parts) or "—"


@case_app.command("versions")
def versions(
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    lang: LangOpt = None,
) -> None:
    """List case versions, oldest first, with who saved them, why, and the rows they changed."""
    from prioritizer import door
    from prioritizer.cli.common import caller

    with clean_errors(fmt):
        vs = door.versions(caller(db, create=False))
        payload = {"versions": [v.as_dict() for v in vs]}
        table = pd.DataFrame(
            [
                {
                    "version": v.version_id,
                    "created_at": v.created_at[:19],
                    "actor": v.actor,
                    "reason": v.reason,
                    "case": v.case_name,
                    "parent": v.parent_id or "—",
                    "files": len(v.manifest),
                    "changes": _summary(v.changes),
                }
                for v in vs
            ],
            columns=["version", "created_at", "actor", "reason", "case", "parent", "files", "changes"],
        )
        write_text(dumps(payload) if fmt is OutputFormat.json else render(payload, table, fmt), out)


@case_app.command("export")
def export(
    version: Annotated[str, typer.Argument(help="Version id (see `prioritizer case versions`) or 'latest'.")],
    out_dir: Annotated[Path, typer.Argument(help="A new or empty folder to write the case files into.")],
    fmt: FormatOpt = OutputFormat.table,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    lang: LangOpt = None,
) -> None:
    """Write one case version back to CSV files (all files or none)."""
    from prioritizer import door
    from prioritizer.cli.common import caller

    with clean_errors(fmt):
        # Refused (and recorded) when the version holds rows above the reader's clearance.
        v, path = door.export_version(caller(db), version, out_dir)
        payload = {"version": v.version_id, "out": str(path), "files": sorted(v.manifest)}
        write_text(
            dumps(payload)
            if fmt is OutputFormat.json
            else f"{v.version_id} → {path} ({len(v.manifest)} files)",
            None,
        )
