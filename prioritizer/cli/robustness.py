"""``prioritizer robustness``: SMAA-2, rank-reversal thresholds, tornado, portfolio core index.

The table output opens with the verdict a committee can quote (``verdict`` in the JSON:
:mod:`prioritizer.robustness.verdict`), in ``--lang`` (Japanese by default).
"""

from __future__ import annotations

import sys
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
    reader_table,
    run_service,
    stage_progress,
)
from prioritizer.errors import InputError, Issue

if TYPE_CHECKING:
    import pandas as pd

_STAGES = {"smaa": "SMAA-2 weight samples", "portfolio": "portfolio re-optimisations"}


def _weights(text: str | None) -> dict[str, float] | None:
    if not text:
        return None
    out: dict[str, float] = {}
    bad: list[Issue] = []
    for part in text.split(","):
        k, sep, v = part.partition("=")
        try:
            if not sep:
                raise ValueError
            out[k.strip()] = float(v)
        except ValueError:
            bad.append(
                Issue("--weights", None, None, part, "write weights as criterion=number,criterion=number")
            )
    if bad:
        raise InputError(bad)
    return out


def _progress(enabled: bool) -> Any:
    """A progress bar with ETA on stderr while the service runs (only on a terminal)."""
    from prioritizer.robustness.service import PROGRESS

    return stage_progress(PROGRESS, enabled, lambda stage: _STAGES.get(stage, stage))


def present_verdict(
    payload: dict[str, Any], table: pd.DataFrame | None, fmt: OutputFormat, lang: str
) -> str | None:
    """``--format table``: the verdict sentences above the usual table (CSV stays the table)."""
    if fmt is not OutputFormat.table or not payload.get("verdict"):
        return None
    from prioritizer.text import t

    lines = [t("robustness.verdict.title", lang)] + [
        t("robustness.bullet", lang) + m[f"text_{lang}"] for m in payload["verdict"]
    ]  # type: ignore[arg-type]
    return "\n".join(lines) + "\n\n" + (reader_table("robustness")(payload, table, fmt) or "")


@app.command("robustness")
def robustness_cmd(
    case: CaseArg,
    samples: Annotated[
        int, typer.Option("--samples", "-n", help="Number of weight samples (SMAA).")
    ] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (recorded; same seed, same result).")] = 0,
    weights_order: Annotated[
        str | None,
        typer.Option("--weights-order", help="Ordinal weight constraints, e.g. 'autonomy>cost>dependence'."),
    ] = None,
    weights_interval: Annotated[
        str | None,
        typer.Option("--weights-interval", help="Weight bounds, e.g. 'cost=0.1:0.3,autonomy=0.2:0.6'."),
    ] = None,
    value_spread: Annotated[
        float,
        typer.Option(
            "--value-spread", help="± relative uncertainty on criterion values without a case interval."
        ),
    ] = 0.0,
    ignore_value_intervals: Annotated[
        bool,
        typer.Option("--ignore-value-intervals", help="Ignore <criterion>_low/_high columns in goods.csv."),
    ] = False,
    portfolio: Annotated[
        bool, typer.Option("--portfolio", help="Re-optimise the allocation per sampled weight: core index.")
    ] = False,
    portfolio_samples: Annotated[
        int, typer.Option("--portfolio-samples", help="Weight samples for --portfolio (one solve each).")
    ] = 100,
    core_threshold: Annotated[
        float,
        typer.Option("--core-threshold", help="Core index at/above which a project is 'core' (default 1)."),
    ] = 1.0,
    pairs: Annotated[
        str | None,
        typer.Option("--pairs", help="Item pairs for swap thresholds, e.g. 'gallium:graphite,a:b'."),
    ] = None,
    method: Annotated[str | None, typer.Option("--method", help="Scoring method (wsm or topsis).")] = None,
    weights: Annotated[
        str | None, typer.Option("--weights", help="Base weights id=w,... (as for rank).")
    ] = None,
    model: ModelOpt = None,
    actor: ActorOpt = "",
    reason: ReasonOpt = "",
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    lang: LangOpt = None,
) -> None:
    """How stable is the ranking? SMAA-2 acceptabilities, central weights, thresholds, core index."""
    with clean_errors(fmt):
        params: dict[str, Any] = {
            "samples": samples,
            "seed": seed,
            "portfolio": portfolio,
            "portfolio_samples": portfolio_samples,
            "core_threshold": core_threshold,
            "value_spread": value_spread,
            "value_intervals": not ignore_value_intervals,
        }
        for key, val in (
            ("model", model),
            ("weights_order", weights_order),
            ("intervals", weights_interval),
            ("pairs", pairs),
            ("method", method),
            ("weights", _weights(weights)),
        ):
            if val is not None:
                params[key] = val
        params = in_force.apply(params, case, db, no_audit)  # the committee's adopted weights unless given
    show = fmt is not OutputFormat.json and sys.stderr.isatty()
    with _progress(show):
        run_service(
            "robustness",
            case,
            params,
            fmt=fmt,
            out=out,
            db=db,
            no_audit=no_audit,
            actor=actor,
            reason=reason,
            present=lambda payload, table, f: present_verdict(payload, table, f, cli_lang(lang)),
        )
