"""``prioritizer app``: start the Streamlit what-if app and stay its supervisor.

The command runs Streamlit as a child process and forwards stopping to it: SIGTERM, SIGINT
and SIGHUP to ``prioritizer app`` stop the Streamlit server and every process below it
(SIGTERM first, SIGKILL after :data:`GRACE_S` seconds). Before, only the parent died and the
orphaned server kept serving. On Linux the child also gets SIGTERM if the parent is killed
outright (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer

from prioritizer.cli import app
from prioritizer.cli.common import DbOpt

APP_FILE = Path(__file__).resolve().parents[2] / "app.py"


@app.command("app")
def serve(
    case: Annotated[Path, typer.Option("--case", help="Case loaded on start.")] = Path("inputs/default"),
    port: Annotated[int, typer.Option("--port")] = 8501,
    address: Annotated[
        str,
        typer.Option(
            "--address",
            help="Address the server listens on; loopback only by default. Serve other machines "
            "(e.g. 0.0.0.0) only behind a TLS reverse proxy.",
        ),
    ] = "127.0.0.1",
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
        # Streamlit's developer menu and "Deploy" button are not for a ministry's users.
        "--client.toolbarMode",
        "minimal",
    ]
    raise typer.Exit(supervise(cmd, env))


#: seconds the server and its children get to stop after SIGTERM before they are killed
GRACE_S = 10.0
_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the server gets SIGTERM when the supervising process dies, even by SIGKILL."""
    import ctypes

    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def supervise(cmd: list[str], env: dict[str, str]) -> int:
    """Run ``cmd`` until it ends or this process is told to stop; returns the exit code.

    A stop signal (SIGTERM, SIGINT, SIGHUP) is passed on as SIGTERM to the child and every
    process below it; whatever still runs :data:`GRACE_S` seconds later (or at a second stop
    signal) is killed. A stop asked for and obeyed is exit code 0; a child ended by signal N
    otherwise gives 128 + N.
    """
    import psutil

    started: list[subprocess.Popen[bytes]] = []
    asked: list[int] = []
    tree: dict[int, psutil.Process] = {}
    killer: list[threading.Timer] = []

    def _collect() -> list[psutil.Process]:
        # Descendants are listed while the child still runs: once it exits they are orphans
        # that no longer show as its children.
        with contextlib.suppress(psutil.Error):
            root = psutil.Process(started[0].pid)
            tree.setdefault(root.pid, root)
            for p in root.children(recursive=True):
                tree.setdefault(p.pid, p)
        return list(tree.values())

    def _kill_all() -> None:
        for p in _collect():
            with contextlib.suppress(psutil.Error):
                p.kill()

    def _begin_stop() -> None:
        if killer or not started:  # already stopping (a second signal) or nothing started yet
            return
        timer = threading.Timer(GRACE_S, _kill_all)
        timer.daemon = True
        killer.append(timer)
        for p in _collect():
            with contextlib.suppress(psutil.Error):
                p.terminate()
        timer.start()

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        # Runs in the main thread while it waits for the child (waitpid resumes afterwards).
        asked.append(signum)
        if killer:  # a second stop (Ctrl-C twice): do not wait out the grace period
            _kill_all()
        else:
            _begin_stop()

    previous = {s: signal.signal(s, _on_signal) for s in _STOP_SIGNALS}
    try:
        preexec = _die_with_parent if sys.platform.startswith("linux") else None
        # preexec_fn is safe here: the CLI has started no threads yet
        started.append(subprocess.Popen(cmd, env=env, preexec_fn=preexec))
        if asked:  # a signal that came while the child was being started
            _begin_stop()
        code = started[0].wait()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for timer in killer:
            timer.cancel()
    if not asked:
        return 128 - code if code < 0 else code  # killed by a signal: the shell's 128 + N
    _reap(list(tree.values()))
    if code in (0, -signal.SIGTERM):
        return 0
    return 128 - code if code < 0 else code


def _reap(procs: list[Any]) -> None:
    """End what is left of a stopped server's process tree (psutil.Process list): SIGTERM, then SIGKILL."""
    import psutil

    alive = [p for p in procs if p.is_running()]
    for p in alive:
        with contextlib.suppress(psutil.Error):
            p.terminate()
    _gone, alive = psutil.wait_procs(alive, timeout=GRACE_S)
    for p in alive:
        with contextlib.suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(alive, timeout=GRACE_S)
