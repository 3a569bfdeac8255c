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
    from prioritizer import door
    from prioritizer.cli.common import caller

    with clean_errors():
        # Refused (and recorded) above the reader's clearance; the export itself is recorded.
        who = caller(db, actor)
        rid = door.stored_run(who, run_id, "report").run_id
        earlier = door.stored_run(who, against, "report").run_id if against else None
        lang = cli_lang(lang_opt)  # --lang, else $PRIORITIZER_LANG, else ja: as every command
        target = out or Path(f"report-{rid}.{lang}.{fmt.value}")
        path = door.report(who, rid, fmt.value, lang, target, against=earlier)
        write_text(
            dumps(
                {
                    "run_id": rid,
                    "against": earlier,
                    "format": fmt.value,
                    "lang": lang,
                    "out": str(path),
                }
            ),
            None,
        )
