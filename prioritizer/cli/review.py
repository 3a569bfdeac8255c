"""``prioritizer review comment|approve|show``: comments and approvals on recorded runs.

Both are chained events in the audit store (``comment``, ``approval``), authored by the account
signed in with ``prioritizer login`` (refused without a session when the store has accounts;
``--actor`` is a free note). JSON of ``show``: ``{"run_id", "discussion": [{"seq", "kind",
"actor", "at", "text", "decision", "note", "head"}]}``; ``head`` is, for an approval, the chain
head it was made at (``SEQ:HASH``, an anchor for ``audit verify --anchor``).
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
            "head": f"{e['detail']['head_seq']}:{e['detail']['head_hash']}"
            if "head_hash" in e["detail"]
            else None,
        }
        for e in events
    ]


def _show(who, run_id: str | None, fmt: OutputFormat, out) -> None:  # type: ignore[no-untyped-def]
    from prioritizer import door

    rows = discussion_rows(door.discussion(who, run_id)) if who.store is not None else []
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
    from prioritizer import door
    from prioritizer.cli.common import caller

    with clean_errors(fmt):
        who = caller(db, actor)
        door.enter(who, "comment", target=run_id)  # a write: refused first without a session
        rid = door.stored_run(who, run_id, "review.show").run_id
        door.comment(who, rid, text)
        _show(who, rid, fmt, out)


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
    from prioritizer import door
    from prioritizer.cli.common import caller

    with clean_errors(fmt):
        # The approver is the account signed in with `prioritizer login`; --actor is a note.
        who = caller(db, actor)
        door.enter(who, "approve", target=run_id)
        rid = door.stored_run(who, run_id, "review.show").run_id
        door.approve(who, rid, decision, note)
        _show(who, rid, fmt, out)


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
    from prioritizer.cli.common import caller

    with clean_errors(fmt):
        _show(caller(db, create=False), run_id, fmt, out)
