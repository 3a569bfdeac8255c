"""``prioritizer indicators CASE`` and ``prioritizer exposure CASE GOOD`` (DESIGN §5).

Both run the ``indicators`` service (recorded in the audit store unless
``--no-audit``); ``exposure`` is the supply-chain cut analysis ("what is exposed if
GOOD is cut") and is the same as ``indicators CASE --cut GOOD`` restricted to that
listing.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from prioritizer.cli import app
from prioritizer.cli.common import (
    ActorOpt,
    CaseArg,
    DbOpt,
    FormatOpt,
    LangOpt,
    NoAuditOpt,
    OutOpt,
    OutputFormat,
    ReasonOpt,
    reader_table,
    run_service,
)

PeriodOpt = Annotated[
    str | None, typer.Option("--period", help="Report month YYYY-MM (default: each good's latest month).")
]
MinMonthsOpt = Annotated[
    int, typer.Option("--min-months", help="Months of flows a good needs before it is reported.")
]
HomeOpt = Annotated[str, typer.Option("--home", help="ISO3 of the country whose dependence is measured.")]


@app.command("indicators")
def indicators(
    case: CaseArg,
    period: PeriodOpt = None,
    alerts: Annotated[
        bool, typer.Option("--alerts", help="List goods whose dependence rose since last month.")
    ] = False,
    thresholds: Annotated[
        str | None,
        typer.Option(
            "--thresholds",
            help="Monthly rise thresholds, e.g. 'concern_share=0.05,hhi=0.05,import_reliance=0.05' "
            "(shares as fractions; 'off' disables one). Defaults: those three at 0.05.",
        ),
    ] = None,
    persistence: Annotated[
        str | None,
        typer.Option(
            "--persistence", help="K/N: alert only if the rise held in K of the last N months (default 1/1)."
        ),
    ] = None,
    cut: Annotated[
        str | None,
        typer.Option("--cut", help="Also list what is exposed if this good is cut (needs links.csv)."),
    ] = None,
    min_months: MinMonthsOpt = 3,
    home: HomeOpt = "JPN",
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    actor: ActorOpt = "",
    reason: ReasonOpt = "",
    lang: LangOpt = None,
) -> None:
    """Dependence indicators per good (import reliance, HHI, concern share, supply risk…) and alerts."""
    params: dict[str, Any] = {"alerts": alerts, "min_months": min_months, "home": home}
    if period:
        params["period"] = period
    if thresholds:
        params["thresholds"] = thresholds
    if persistence:
        params["persistence"] = persistence
    if cut:
        params["cut"] = cut
    run_service(
        "indicators",
        case,
        params,
        fmt=fmt,
        out=out,
        db=db,
        no_audit=no_audit,
        actor=actor,
        reason=reason,
        present=reader_table("indicators"),
    )


@app.command("exposure")
def exposure(
    case: CaseArg,
    good: Annotated[str, typer.Argument(help="Good id (goods.csv) that is cut.")],
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    actor: ActorOpt = "",
    reason: ReasonOpt = "",
    lang: LangOpt = None,
) -> None:
    """What is exposed if GOOD is cut: affected products, their requirement of GOOD and the paths."""
    params: dict[str, Any] = {"cut": good, "exposure_only": True}
    run_service(
        "indicators",
        case,
        params,
        fmt=fmt,
        out=out,
        db=db,
        no_audit=no_audit,
        actor=actor,
        reason=reason,
        present=reader_table("indicators"),
    )
