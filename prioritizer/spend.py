"""The one total spend and the one benefit of an ``allocate`` result (DESIGN §7).

Pure and dependency-free so that every reader — app pages, the audit diff, the reports and
the CLI — counts the same money: ``budget.spent_total`` as the optimiser stated it, else (runs
recorded before that field existed) the projects' spend plus ``budget.spent_stockpiles``.
"""

from __future__ import annotations

from typing import Any


def project_spend(p: dict[str, Any]) -> float:
    """億円 spent on one project of an allocate result: the optimiser's ``spent``, else share × cost."""
    if p.get("spent") is not None:
        return float(p["spent"])
    return float((p.get("funded_fraction") or 0.0) * (p.get("cost") or 0.0))


def projects_spend(result: dict[str, Any]) -> float:
    """億円 spent on projects only (the stock is in ``budget.spent_stockpiles``)."""
    return sum(project_spend(p) for p in result.get("projects", []) or [] if isinstance(p, dict))


def spent_total(result: dict[str, Any]) -> float:
    """億円 spent in all: projects + stock (``budget.spent_total`` when the run states it)."""
    b = result.get("budget") or {}
    if b.get("spent_total") is not None:
        return float(b["spent_total"])
    stock = b.get("spent_stockpiles")
    if stock is None:
        stock = sum(float(s.get("cost") or 0.0) for s in result.get("stockpiles", []) or [])
    return projects_spend(result) + float(stock)


def _rederived(result: dict[str, Any]) -> bool:
    """True for a run recorded before DESIGN §7 whose ``benefit`` counted the target penalty."""
    bd = result.get("benefit_breakdown")
    return (
        "target_attainment" not in result
        and isinstance(bd, dict)
        and bd.get("project_value") is not None
        and bd.get("avoided_shortfall_loss") is not None
    )


def benefit_of(result: dict[str, Any]) -> float | None:
    """The benefit a committee can defend: project value + expected shortfall loss avoided.

    Runs recorded before DESIGN §7 stored a ``benefit`` that also counted the avoided target
    penalty; their breakdown still holds the two defensible terms, so every reader shows the
    same figure whichever version recorded the run.
    """
    if _rederived(result):
        bd = result["benefit_breakdown"]
        return float(bd["project_value"]) + float(bd["avoided_shortfall_loss"])
    b = result.get("benefit")
    return None if b is None else float(b)


def benefit_per_oku_of(result: dict[str, Any]) -> float | None:
    """Benefit per 億円 spent: as recorded, or :func:`benefit_of` / :func:`spent_total` for older runs."""
    if not _rederived(result):
        v = result.get("benefit_per_oku")
        return None if v is None else float(v)
    b = benefit_of(result)
    s = spent_total(result)
    return None if b is None or s <= 1e-9 else b / s
