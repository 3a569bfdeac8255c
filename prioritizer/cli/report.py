"""``prioritizer report RUN [--against RUN0] --format pdf|html|xlsx --lang ja|en --out FILE``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from prioritizer.cli import app
from prioritizer.cli.common import (
    ActorOpt,
    DbOpt,
    LangOpt,
    NoAuditOpt,
    clean_errors,
    cli_lang,
    dumps,
    write_text,
)


class ReportFormat(StrEnum):
    pdf = "pdf"
    html = "html"
    xlsx = "xlsx"


@app.command("report")
def report(
    run_id: Annotated[str, typer.Argument(help="Run id from the audit store ('latest' for the newest run).")],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.pdf,
    lang_opt: LangOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Report file (default: report-RUN.LANG.FORMAT).")
    ] = None,
    against: Annotated[
        str | None,
        typer.Option("--against", help="An earlier run of the same command: adds a 'what changed' section."),
    ] = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    actor: ActorOpt = "",
) -> None:
    """Justification report of a stored Run: cover, one-page summary, justification, annex (別冊)."""
    from prioritizer.reports import build_report

    with clean_errors():
        from prioritizer.audit import open_store

        store = open_store(db)
        run_id = store.resolve(run_id)
        from prioritizer.auth.accounts import cli_identity_for
        from prioritizer.auth.services import check_export

        # An export above the reader's clearance is refused and recorded (issue 17).
        check_export(
            cli_identity_for(store, actor),
            f"report {run_id}",
            (store.get(run_id).result or {}).get("tier") or "public",
            store,
        )
        earlier = store.resolve(against) if against else None
        lang = cli_lang(lang_opt)  # --lang, else $PRIORITIZER_LANG, else ja: as every command
        target = out or Path(f"report-{run_id}.{lang}.{fmt.value}")
        path = build_report(run_id, fmt.value, lang, target, db, against=earlier)  # type: ignore[arg-type]
        write_text(
            dumps(
                {
                    "run_id": run_id,
                    "against": earlier,
                    "format": fmt.value,
                    "lang": lang,
                    "out": str(path),
                }
            ),
            None,
        )
