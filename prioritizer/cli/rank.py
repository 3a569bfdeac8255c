"""``prioritizer rank CASE`` (DESIGN §5): rank goods (or projects) under a decision model.

Runs the ``rank`` service (recorded in the audit store unless ``--no-audit``). The
JSON output is DESIGN §5's ``rank`` shape plus every choice that can change it
(method, normalisation, inversion, weight normalisation, tie rule, criterion sources,
elicitation record). Methods: wsm, wpm, topsis, vikor, promethee_ii.

``--why A,B`` adds DESIGN §6's ``why`` (the gap split by criterion, values and weights side by
side, the smallest weight change that swaps the two; :mod:`prioritizer.scoring.why`); the table
and CSV output then show that explanation in ``--lang`` (Japanese by default) instead of the ranking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from prioritizer.cli import app, in_force
from prioritizer.cli.common import (
    ActorOpt,
    CaseArg,
    DbOpt,
    FormatOpt,
    LangOpt,
    ModelOpt,
    NoAuditOpt,
    OutOpt,
    OutputFormat,
    ReasonOpt,
    clean_errors,
    cli_lang,
    csv_text,
    reader_table,
    run_service,
)
from prioritizer.model import METHODS, NORMALISATIONS
from prioritizer.text.views import why_table

if TYPE_CHECKING:
    pass


def present_why(payload: dict[str, Any], fmt: OutputFormat, lang: str) -> str | None:
    """``--format table``: the sentences then the breakdown; ``csv``: the breakdown. None without --why."""
    why = payload.get("why")
    if not why:
        return None
    import pandas as pd

    table = why_table(why, lang)
    if fmt is OutputFormat.csv:
        return csv_text(table)
    head = f"run_id: {payload['run_id']}\n" if payload.get("run_id") else ""
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250):
        return head + why[f"text_{lang}"] + "\n\n" + table.to_string(index=False)


@app.command("rank")
def rank(
    case: CaseArg,
    model: ModelOpt = None,
    method: Annotated[
        str | None,
        typer.Option("--method", help=f"Scoring method: {' | '.join(METHODS)} (default: the model's)."),
    ] = None,
    normalisation: Annotated[
        str | None,
        typer.Option(
            "--normalisation", help=f"Normalisation: {' | '.join(NORMALISATIONS)} (default: the model's)."
        ),
    ] = None,
    weights: Annotated[
        str | None,
        typer.Option(
            "--weights", help="Override weights, e.g. 'autonomy=0.4,cost=0.1' (others keep the model's)."
        ),
    ] = None,
    invert: Annotated[
        str | None,
        typer.Option("--invert", help="Inversion of min criteria: auto | reflect | reciprocal | negate."),
    ] = None,
    domain: Annotated[
        list[str] | None,
        typer.Option("--domain", help="Rank only this domain (disruptive | advantage | dependence)."),
    ] = None,
    sector: Annotated[list[str] | None, typer.Option("--sector", help="Rank only this sector.")] = None,
    ministry: Annotated[
        list[str] | None, typer.Option("--ministry", help="Rank only this ministry's items.")
    ] = None,
    specified_critical: Annotated[
        bool, typer.Option("--specified-critical", help="Rank only specified critical goods (特定重要物資).")
    ] = False,
    why: Annotated[
        str | None,
        typer.Option(
            "--why",
            help="Explain the order of two items, e.g. 'gallium,natural_graphite': the gap by criterion "
            "and the smallest weight change that swaps them.",
        ),
    ] = None,
    lang: LangOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    actor: ActorOpt = "",
    reason: ReasonOpt = "",
) -> None:
    """Rank goods (or projects) with per-criterion contributions and policy-instrument hints."""
    from prioritizer.scoring.api import parse_weights
    from prioritizer.scoring.why import parse_pair

    params: dict[str, Any] = {}
    with clean_errors(fmt):
        w = parse_weights(weights)
        if why is not None:
            params["why"] = list(parse_pair(why))
    if model:
        params["model"] = model
    if method:
        params["method"] = method
    if normalisation:
        params["normalisation"] = normalisation
    if invert:
        params["invert"] = invert
    if w:
        params["weights"] = w
    filt: dict[str, Any] = {}
    if domain:
        filt["domain"] = domain
    if sector:
        filt["sector"] = sector
    if ministry:
        filt["ministry"] = ministry
    if specified_critical:
        filt["specified_critical"] = True
    if filt:
        params["filter"] = filt
    with clean_errors(fmt):
        params = in_force.apply(params, case, db, no_audit)  # the committee's adopted weights unless given
    run_service(
        "rank",
        case,
        params,
        fmt=fmt,
        out=out,
        db=db,
        no_audit=no_audit,
        actor=actor,
        reason=reason,
        present=reader_table("rank", lambda payload, _table, f: present_why(payload, f, cli_lang(lang))),
    )
