"""``prioritizer study CASE --grid STUDY.yaml``: thousands of what-if allocations on Dask."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from prioritizer.cli import app, in_force
from prioritizer.cli.common import (
    ActorOpt,
    CaseArg,
    DbOpt,
    FormatOpt,
    ModelOpt,
    NoAuditOpt,
    OutOpt,
    OutputFormat,
    ReasonOpt,
    clean_errors,
    cli_lang,
    run_service,
    stage_progress,
)


def _default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _progress(enabled: bool) -> Any:
    """A progress bar with ETA on stderr while the study runs (only on a terminal); it stays after."""
    from prioritizer.study.service import PROGRESS
    from prioritizer.text import t

    lang = cli_lang()
    return stage_progress(PROGRESS, enabled, lambda stage: t(f"study.stage.{stage}", lang), transient=False)


@app.command("study")
def study_cmd(
    case: CaseArg,
    grid: Annotated[
        Path, typer.Option("--grid", "-g", help="STUDY.yaml: budgets, weights, scenarios, policies.")
    ],
    workers: Annotated[
        int,
        typer.Option(
            "--workers", "-w", help="Dask LocalCluster worker processes (0 = in this process, serial)."
        ),
    ] = _default_workers(),
    address: Annotated[
        str | None,
        typer.Option(
            "--address", help="An existing Dask scheduler, e.g. tcp://host:8786 (then --workers is ignored)."
        ),
    ] = None,
    retries: Annotated[
        int, typer.Option("--retries", help="Retries of a failed task before it is reported.")
    ] = 2,
    max_tasks: Annotated[
        int | None,
        typer.Option("--max-tasks", help="Refuse a grid of more tasks (default: the grid's, else 20,000)."),
    ] = None,
    study_dir: Annotated[
        Path | None,
        typer.Option(
            "--study-dir", help="Where finished tasks are kept for resuming (default: beside the audit DB)."
        ),
    ] = None,
    model: ModelOpt = None,
    actor: ActorOpt = "",
    reason: ReasonOpt = "",
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
) -> None:
    """Run a grid of what-if allocations: funding frequencies, rank and benefit quantiles, regret.

    Stopped (Ctrl-C), the study is recorded as incomplete with how far it got; run the same
    command again to resume from the finished tasks.
    """
    from prioritizer.study.grid import read_grid

    with clean_errors(fmt):
        raw = read_grid(grid)  # the grid is checked against the case before any task runs
        params: dict[str, Any] = {
            "grid": raw,
            "grid_file": grid.name,
            "workers": workers,
            "retries": retries,
        }
        for key, val in (
            ("address", address),
            ("max_tasks", max_tasks),
            ("study_dir", str(study_dir) if study_dir else None),
            ("model", model),
        ):
            if val is not None:
                params[key] = val
        if not (isinstance(raw, dict) and raw.get("weights")):  # a grid that samples weights owns them
            params = in_force.apply(params, case, db, no_audit)
    show = sys.stderr.isatty()
    with _progress(show):
        payload = run_service(
            "study",
            case,
            params,
            fmt=fmt,
            out=out,
            db=db,
            no_audit=no_audit,
            actor=actor,
            reason=reason,
        )
    if not payload.get("complete", True):
        st = payload.get("study", {})
        from prioritizer.text import render

        msg = {"kind": "study_incomplete", "done": st.get("tasks_done", 0), "total": st.get("tasks_total", 0)}
        sys.stderr.write(render(msg, cli_lang()) + "\n")
        raise typer.Exit(130)
