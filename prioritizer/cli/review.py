"""``prioritizer review comment|approve|show``: comments and approvals on recorded runs.

Both are chained events in the audit store (``comment``, ``approval``), authored by the CLI
identity: ``--actor`` (else the OS user) with the role of its account if it has one. JSON of
``show``: ``{"run_id", "discussion": [{"seq", "kind", "actor", "at", "text", "decision", "note"}]}``.
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from prioritizer.cli import app
from prioritizer.cli.common import (
    ActorOpt,
    DbOpt,
    FormatOpt,
    LangOpt,
    NoAuditOpt,
    OutOpt,
    OutputFormat,
    clean_errors,
    render,
    write_text,
)

review_app = typer.Typer(help="Comments and approvals on recorded runs.", no_args_is_help=True)
app.add_typer(review_app, name="review")
COLUMNS = ["seq", "kind", "actor", "role", "at", "decision", "text"]


def discussion_rows(events: list[dict]) -> list[dict]:
    return [
        {
            "seq": e["seq"],
            "kind": e["kind"],
            "run_id": e["ref"],
            "actor": e["actor"],
            "display_name": (e.get("identity") or {}).get("display_name"),
            "role": (e.get("identity") or {}).get("role"),
            "method": (e.get("identity") or {}).get("method"),
            "at": e["at"],
            "decision": e["detail"].get("decision"),
            "text": e["detail"].get("text") or e["detail"].get("note") or "",
        }
        for e in events
    ]


def _show(store, run_id: str | None, fmt: OutputFormat, out) -> None:  # type: ignore[no-untyped-def]
    from prioritizer.auth.services import discussion

    rows = discussion_rows(discussion(store, run_id))
    write_text(render({"run_id": run_id, "discussion": rows}, pd.DataFrame(rows, columns=COLUMNS), fmt), out)


@review_app.command("comment")
def comment_cmd(
    run_id: Annotated[str, typer.Argument(help="Run id (or 'latest').")],
    text: Annotated[str, typer.Argument(help="The comment.")],
    actor: ActorOpt = "",
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    lang: LangOpt = None,
) -> None:
    """Comment on a recorded run."""
    from prioritizer.audit import open_store
    from prioritizer.auth.accounts import cli_identity_for
    from prioritizer.auth.services import comment_run

    with clean_errors(fmt):
        store = open_store(db)
        rid = store.resolve(run_id)
        comment_run(cli_identity_for(store, actor), rid, text, store)
        _show(store, rid, fmt, out)


@review_app.command("approve")
def approve_cmd(
    run_id: Annotated[str, typer.Argument(help="Run id (or 'latest').")],
    decision: Annotated[str, typer.Option("--decision", help="approve | reject")] = "approve",
    note: Annotated[str, typer.Option("--note", help="Why.")] = "",
    actor: ActorOpt = "",
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    lang: LangOpt = None,
) -> None:
    """Approve or reject a recorded run (committee members and admins)."""
    from prioritizer.audit import open_store
    from prioritizer.auth.accounts import cli_identity_for
    from prioritizer.auth.services import approve_run

    with clean_errors(fmt):
        store = open_store(db)
        rid = store.resolve(run_id)
        approve_run(cli_identity_for(store, actor), rid, decision, note, store)
        _show(store, rid, fmt, out)


@review_app.command("show")
def show_cmd(
    run_id: Annotated[str | None, typer.Argument(help="Run id; all runs when omitted.")] = None,
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    lang: LangOpt = None,
) -> None:
    """Comments and approvals, oldest first."""
    from prioritizer.audit import open_store

    with clean_errors(fmt):
        store = open_store(db)
        _show(store, store.resolve(run_id) if run_id else None, fmt, out)
