"""``prioritizer study CASE --grid STUDY.yaml``: thousands of what-if allocations on Dask."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

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


def _default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _progress(enabled: bool) -> Any:
    """A progress bar with ETA on stderr while the study runs (only on a terminal); it stays after."""
    from prioritizer.study.service import PROGRESS
    from prioritizer.text import t

    lang = cli_lang()
    return stage_progress(PROGRESS, enabled, lambda stage: t(f"study.stage.{stage}", lang), transient=False)


#: ``PRIORITIZER_PROGRESS=lines``: one plain line per stage and per finished task on stderr, for logs
#: and for whoever waits on a stage (a terminal gets the progress bar instead)
PROGRESS_ENV = "PRIORITIZER_PROGRESS"


def _lines_wanted() -> bool:
    return os.environ.get(PROGRESS_ENV, "").strip().lower() == "lines"


def _line(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


@contextmanager
def _stage_lines(enabled: bool) -> Iterator[None]:
    """``stage: NAME`` as each stage starts and ``progress: STAGE DONE/TOTAL`` as tasks finish."""
    if not enabled:
        yield
        return
    from prioritizer.study.service import PROGRESS, STAGE

    tokens = (
        STAGE.set(lambda name: _line(f"stage: {name}")),
        PROGRESS.set(lambda stage, done, total: _line(f"progress: {stage} {done}/{total}")),
    )
    try:
        yield
    finally:
        PROGRESS.reset(tokens[1])
        STAGE.reset(tokens[0])


@contextmanager
def ctrl_c_stops_the_study() -> Iterator[threading.Event]:
    """Ctrl-C asks the study to stop instead of raising wherever the interpreter happens to be.

    A KeyboardInterrupt can land anywhere — before the tasks start, between two stages, inside a
    finaliser that swallows it — and then the study either ran to the end or was lost unrecorded.
    The handler only sets a flag; the service looks at it before each task, while Dask tasks run,
    between the stages and once more before it sums up, and returns an incomplete result that is
    recorded like any run. A second Ctrl-C ends the process at once with 130 and no record: every
    finished task is already on disk (each written whole) and an audit record is one transaction, so
    nothing is left half-written; the workers go with the parent.
    """
    from prioritizer.study.service import STOP
    from prioritizer.text import render

    aborted = render({"kind": "study_aborted"}, cli_lang())  # type: ignore[arg-type]

    asked = threading.Event()
    if threading.current_thread() is not threading.main_thread():  # only the main thread gets signals
        yield asked
        return

    def on_sigint(signum: int, frame: object) -> None:
        if asked.is_set():
            # raising here could land anywhere (even in the exit that follows a stop) and turn into
            # click's exit 1; the second Ctrl-C means "now"
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.write(aborted + "\n")
                sys.stderr.flush()
            os._exit(130)
        asked.set()
        if _lines_wanted():
            _line("stage: stopping")

    old = signal.signal(signal.SIGINT, on_sigint)
    token = STOP.set(asked.is_set)
    try:
        yield asked
    finally:
        STOP.reset(token)
        signal.signal(signal.SIGINT, old)


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
    lang: LangOpt = None,
) -> None:
    """Run a grid of what-if allocations: funding frequencies, rank and benefit quantiles, regret.

    Stopped (Ctrl-C), the study is recorded as incomplete with how far it got; run the same
    command again to resume from the finished tasks.
    """
    with ctrl_c_stops_the_study() as asked:
        _study(case, grid, workers, address, retries, max_tasks, study_dir, model, actor, reason, fmt, out, db,
               no_audit, asked)  # fmt: skip


def _study(
    case: Path,
    grid: Path,
    workers: int,
    address: str | None,
    retries: int,
    max_tasks: int | None,
    study_dir: Path | None,
    model: str | None,
    actor: str,
    reason: str,
    fmt: OutputFormat,
    out: Path | None,
    db: str | None,
    no_audit: bool,
    asked: threading.Event,
) -> None:
    from prioritizer.study.grid import read_grid
    from prioritizer.text import render

    lines = _lines_wanted()
    if lines:
        _line("stage: start")
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
    with _progress(show and not lines), _stage_lines(lines):
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
            present=reader_table("study"),
        )
    st = payload.get("study", {})
    if not payload.get("complete", True):
        msg = {"kind": "study_incomplete", "done": st.get("tasks_done", 0), "total": st.get("tasks_total", 0)}
        sys.stderr.write(render(msg, cli_lang()) + "\n")
        raise typer.Exit(130)
    if asked.is_set():  # Ctrl-C after the study had summed up: it is complete, and recorded so
        sys.stderr.write(render({"kind": "study_stopped_late"}, cli_lang()) + "\n")
        raise typer.Exit(130)
