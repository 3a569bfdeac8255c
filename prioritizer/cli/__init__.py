"""``prioritizer`` command line (DESIGN §5). Each sub-module registers its commands on ``app``."""

from __future__ import annotations

import importlib

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
    "stress",
    "users",
    "review",
)


def _register() -> None:
    for name in _COMMAND_MODULES:
        importlib.import_module(f"prioritizer.cli.{name}")


_register()


def main() -> None:
    app()
