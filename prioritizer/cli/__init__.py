"""``prioritizer`` command line (DESIGN §5). Each sub-module registers its commands on ``app``."""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import os
import sys
import threading
from typing import NoReturn

import typer

app = typer.Typer(
    name="prioritizer",
    help="Transparent prioritisation, dependence indicators and budget/stockpile allocation "
    "for economic-security policy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """prioritizer: transparent prioritisation for economic-security policy (経済安全保障)."""
    from prioritizer.cli.common import forget_lang

    forget_lang()  # a command without --lang reads $PRIORITIZER_LANG, never an earlier command's --lang


# One module per command family; each does ``@app.command()`` / ``app.add_typer`` on import.
_COMMAND_MODULES = (
    "validate",
    "rank",
    "weights",
    "indicators",
    "allocate",
    "robustness",
    "study",
    "generate",
    "audit",
    "report",
    "serve",
    "case",
    "import_trade",
    "import_ref",
    "stress",
    "users",
    "review",
    "session",
    "bundle",
    "partners",
)


def _register() -> None:
    for name in _COMMAND_MODULES:
        importlib.import_module(f"prioritizer.cli.{name}")


_register()


#: the cyclic collector's first-generation threshold for a CLI process (CPython's default: 700)
GC_GEN0 = 100_000


def main() -> None:
    # A command builds millions of small, acyclic objects (a national result holds two million
    # values) and then exits. With the default thresholds the collector ran 1,739 times on the
    # national allocate, 1.1–1.2 s of walking live objects that are never garbage; at 100,000
    # it runs 10 times (0.2–0.3 s). Cycles are still collected, only later.
    gc.set_threshold(GC_GEN0, 50, 1000)
    try:
        app()
    except SystemExit as exc:  # click ends every standalone run with sys.exit
        _exit(exc.code)
    _exit(0)


def _exit(code: object) -> NoReturn:
    """End the process without tearing its heap down object by object.

    After a national allocate that teardown freed the case, the model and a result of two
    million values one by one: 0.6–0.8 s after the answer was written and recorded. Exit
    handlers still run (logging, finalizers), the streams are flushed, and the audit record
    was committed before; with other threads alive the normal exit joins them instead.
    """
    if threading.active_count() > 1:
        sys.exit(code)
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): what the interpreter would print, and status 1
        sys.stderr.write(f"{code}\n")
        status = 1
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
    except (OSError, ValueError):  # e.g. a closed pipe; the interpreter exits with 120 then
        status = status or 120
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    from prioritizer.allocation.quiet import flush_c_stdio

    flush_c_stdio()  # a C library (HiGHS) may still hold buffered output
    os._exit(status)
