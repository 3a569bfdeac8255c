"""``prioritizer allocate`` and ``prioritizer frontier`` (DESIGN §5)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
)
from prioritizer.errors import InputError, Issue

if TYPE_CHECKING:
    import pandas as pd


def _policy_snapshot(path: Path | None) -> dict | None:
    if path is None:
        return None
    import yaml

    from prioritizer import yamlsafe

    try:
        data = yamlsafe.load(path.read_text(encoding="utf-8"))
    except yamlsafe.YamlRefused as exc:
        raise InputError([Issue(str(path), None, None, None, f"{exc.where()}{exc.message}")]) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(
            [Issue(str(path), None, None, None, f"cannot read the policy file: {exc}")]
        ) from None
    if not isinstance(data, dict):
        raise InputError([Issue(str(path), None, None, None, "the policy file must be a YAML mapping")])
    from pydantic import ValidationError

    from prioritizer.case.policy import Policy
    from prioritizer.case.policyfile import policy_issues

    try:
        return Policy.model_validate(data).model_dump(mode="json")
    except ValidationError as exc:
        raise InputError(policy_issues(exc, str(path))) from None


def _must(items: list[str]) -> dict[str, str]:
    out, bad = {}, []
    for it in items:
        pid, _, v = it.partition("=")
        if v not in ("in", "out", ""):
            bad.append(Issue("--must", None, "must", it, "write PROJECT=in, PROJECT=out or PROJECT="))
        out[pid] = v
    if bad:
        raise InputError(bad)
    return out


@app.command("allocate")
def allocate_cmd(
    case: CaseArg,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="policy.yaml to use instead of the case's.")
    ] = None,
    budget: Annotated[
        float | None, typer.Option("--budget", help="Total budget (億円), overrides the policy.")
    ] = None,
    relax: Annotated[
        bool, typer.Option("--relax", help="Solve the LP relaxation (fractional projects).")
    ] = False,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Solver time limit (seconds).")
    ] = None,
    gap: Annotated[
        float | None, typer.Option("--gap", help="Relative MIP gap to stop at, e.g. 0.01.")
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option("--ignore", help="Constraint name to switch off (repeatable).")
    ] = None,
    must: Annotated[
        list[str] | None, typer.Option("--must", help="PROJECT=in|out|'' override (repeatable).")
    ] = None,
    scenario: Annotated[
        list[str] | None, typer.Option("--scenario", help="Scenario id to include (repeatable; default all).")
    ] = None,
    frontier: Annotated[bool, typer.Option("--frontier", help="Add the objective-vs-budget sweep.")] = False,
    points: Annotated[int, typer.Option("--points", help="Frontier points.")] = 11,
    no_explain: Annotated[bool, typer.Option("--no-explain", help="Skip forced in/out re-solves.")] = False,
    backend: Annotated[
        str,
        typer.Option(
            "--backend",
            help="Model builder: auto (the structured solve for large cases), pulp, arrays or structured.",
        ),
    ] = "auto",
    model: ModelOpt = None,
    actor: ActorOpt = "",
    reason: ReasonOpt = "",
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    lang: LangOpt = None,
) -> None:
    """Fund projects and size stockpiles under the budget; explain prices, entry values and conflicts."""
    with clean_errors(fmt):
        params: dict = {"relax": relax}
        snap = _policy_snapshot(policy)
        if snap is not None:
            params["policy_snapshot"] = snap
        for key, val in (("budget", budget), ("time_limit", time_limit), ("gap", gap), ("model", model)):
            if val is not None:
                params[key] = val
        if ignore:
            params["ignore"] = list(ignore)
        if must:
            params["must"] = _must(list(must))
        if scenario:
            params["scenarios"] = list(scenario)
        if frontier:
            params["frontier"] = True
            params["frontier_points"] = points
        if backend != "auto":
            params["backend"] = backend
        if no_explain:
            # Prices, ranges and LP entry values stay; only the forced in/out re-solves go.
            params["explain"] = "prices"
        params = in_force.apply(params, case, db, no_audit)  # the committee's adopted weights unless --model
    from prioritizer.allocation.progress import reporting, stage

    with reporting(_stderr_stage):
        stage("load")
        run_service(
            "allocate",
            case,
            params,
            fmt=fmt,
            out=out,
            db=db,
            no_audit=no_audit,
            actor=actor,
            reason=reason,
            table_of=_csv_table,
            present=reader_table("allocate"),
        )


def _csv_table(payload: dict) -> pd.DataFrame:
    """``--format csv``: the table it has always written (Japanese headers), whatever the reader's
    language — scripts read those names."""
    from prioritizer.presentation.allocation import allocation_table

    return allocation_table(payload, "ja")


def _stderr_stage(msg: dict) -> None:
    """Stages of a long run on stderr (stdout carries the result only)."""
    import sys

    from prioritizer.text import render

    sys.stderr.write(render(msg, cli_lang()) + "\n")  # type: ignore[arg-type]
    sys.stderr.flush()


@app.command("frontier")
def frontier_cmd(
    case: CaseArg,
    points: Annotated[int, typer.Option("--points", help="Number of budget levels.")] = 11,
    relax: Annotated[bool, typer.Option("--relax", help="LP relaxation (concave frontier).")] = False,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="policy.yaml to use instead of the case's.")
    ] = None,
    model: ModelOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    lang: LangOpt = None,
) -> None:
    """Objective versus total budget (every yearly budget scaled alike); not recorded in the audit trail.

    Computed on the rows the reader may see, like every command (the door filters the case)."""
    import pandas as pd

    from prioritizer import door
    from prioritizer.allocation.frontier import sweep
    from prioritizer.allocation.service import data_from_params
    from prioritizer.cli.common import caller, dumps, render, write_text

    with clean_errors(fmt):
        params: dict = {}
        snap = _policy_snapshot(policy)
        if snap is not None:
            params["policy_snapshot"] = snap
        if model:
            params["model"] = model
        data = data_from_params(door.load_case(caller(db, create=False), case, action="frontier"), params)
        pts = sweep(data, points=points, relax=relax)
        payload = {"frontier": pts}
        table = pd.DataFrame([{k: v for k, v in p.items() if k != "funded"} for p in pts])
        if fmt is OutputFormat.json:
            write_text(dumps(payload), out)
        else:
            write_text(render(payload, table, fmt), out)
