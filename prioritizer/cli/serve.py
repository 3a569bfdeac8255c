"""``prioritizer app``: start the Streamlit what-if app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from prioritizer.cli import app
from prioritizer.cli.common import DbOpt

APP_FILE = Path(__file__).resolve().parents[2] / "app.py"


@app.command("app")
def serve(
    case: Annotated[Path, typer.Option("--case", help="Case loaded on start.")] = Path("inputs/default"),
    port: Annotated[int, typer.Option("--port")] = 8501,
    address: Annotated[str, typer.Option("--address")] = "localhost",
    headless: Annotated[bool, typer.Option("--headless/--no-headless")] = True,
    db: DbOpt = None,
    auth: Annotated[
        str | None,
        typer.Option("--auth", help="Sign-in: local (default; accounts + OIDC if configured) or none."),
    ] = None,
) -> None:
    """Start the Streamlit app (Japanese by default) on CASE with the audit store."""
    from prioritizer.auth.config import check_start

    env = dict(os.environ)
    if auth:
        env["PRIORITIZER_AUTH"] = auth
    problem = check_start(env, Path.cwd())
    if problem:
        sys.stderr.write(f"error: {problem}\n")
        raise typer.Exit(2)
    env["PRIORITIZER_CASE"] = str(case.resolve())
    if db:
        env["PRIORITIZER_DB"] = db
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_FILE),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true" if headless else "false",
        "--browser.gatherUsageStats",
        "false",
        # A served app is not a development session: no source watching or rerun prompts.
        "--server.fileWatcherType",
        "none",
    ]
    raise typer.Exit(subprocess.call(cmd, env=env))
