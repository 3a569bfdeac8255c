"""Error types shared by every layer.

Validation never stops at the first problem: loaders and model parsers collect
:class:`Issue` records and raise one :class:`InputError` carrying all of them, so a
planner fixing a spreadsheet sees every problem in one pass.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Issue:
    """One problem in user input, located precisely enough to fix it.

    ``row`` is the 1-based data row as a spreadsheet user counts it (the header is
    row 1, so the first data row is 2), or ``None`` when the problem concerns the
    whole file or a YAML key. ``column`` is a column name or a dotted YAML key path.
    """

    file: str
    row: int | None
    column: str | None
    value: Any
    message: str

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        v = d["value"]
        if v is not None and not isinstance(v, str | int | float | bool):
            d["value"] = str(v)
        return d


class PrioritizerError(Exception):
    """Base class for errors that the CLI reports as a clean message (no traceback)."""

    exit_code = 1


class InputError(PrioritizerError):
    """User input (case, model, policy, matrix, options) is invalid. Carries every issue found."""

    exit_code = 2

    def __init__(self, issues: list[Issue], summary: str | None = None) -> None:
        self.issues = list(issues)
        n = len(self.issues)
        super().__init__(summary or f"{n} problem{'s' if n != 1 else ''} found in the input")


class SolverError(PrioritizerError):
    """The optimiser failed in a way that is not the user's input (crash, unknown status)."""

    exit_code = 4


class AuditError(PrioritizerError):
    """The audit store cannot be reached, written or verified."""

    exit_code = 3
