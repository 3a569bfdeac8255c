"""Cases: the validated input tables of one prioritisation problem (DESIGN §3)."""

from prioritizer.case.types import TABLES, Case

__all__ = ["TABLES", "Case", "load_case"]


def load_case(path, *, policy_path=None, engine="arrow"):  # type: ignore[no-untyped-def]
    """Load and validate a case folder or XLSX workbook; raise InputError listing every problem.

    ``engine="python"`` reads CSV tables with the row-by-row reference path instead of Arrow.
    """
    from prioritizer.case.load import load_case as _load

    return _load(path, policy_path=policy_path, engine=engine)
