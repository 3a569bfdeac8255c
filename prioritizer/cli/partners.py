"""``prioritizer partners CASE GOOD`` (DESIGN §7): the alternative suppliers of a good, ranked.

The computation and its documented score are in :mod:`prioritizer.partners`
(docs/methodology/partners.md); this module parses and prints. Recorded as a Run (service
``partners``) unless ``--no-audit``; like every computing command it sees only the case rows
the acting identity's clearance allows.
"""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
import typer

from prioritizer.cli import app
from prioritizer.cli.common import (
    ActorOpt,
    CaseArg,
    DbOpt,
    FormatOpt,
    NoAuditOpt,
    OutOpt,
    OutputFormat,
    ReasonOpt,
    cli_lang,
    render,
    run_service,
)


def _present(payload: dict[str, Any], table: pd.DataFrame | None, fmt: OutputFormat) -> str | None:
    if fmt is not OutputFormat.table:
        return None
    from prioritizer.text import t

    lang = cli_lang()
    sep = "、" if lang == "ja" else ", "
    weights = sep.join(f"{t(f'partners.crit.{k}', lang)} {w:.2f}" for k, w in payload["weights"].items())  # type: ignore[arg-type]
    head = (
        t("partners.head", lang, name=payload[f"name_{lang}"], id=payload["good_id"], weights=weights) + "\n"
    )  # type: ignore[arg-type]
    return head + render(payload, table, fmt)


@app.command("partners")
def partners(
    case: CaseArg,
    good: Annotated[str, typer.Argument(help="Good id (goods.csv).")],
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    actor: ActorOpt = "",
    reason: ReasonOpt = "",
) -> None:
    """Alternative supplier countries of GOOD, best first, each with the reason for its place."""
    from prioritizer.partners import table_of

    run_service(
        "partners",
        case,
        {"good_id": good},
        fmt=fmt,
        out=out,
        db=db,
        no_audit=no_audit,
        actor=actor,
        reason=reason,
        table_of=lambda payload: table_of(payload, cli_lang()),
        present=_present,
    )
