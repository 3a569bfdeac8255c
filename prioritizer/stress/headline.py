"""Structured messages about a stress result, for the report and the app (rendered by ``prioritizer.text``)."""

from __future__ import annotations

from typing import Any


def battery_headline(result: dict[str, Any]) -> dict[str, Any]:
    """The battery's headline as a structured message (kind ``stress_battery_headline``).

    ``result`` is a ``stress`` JSON payload with ``battery`` (``--all``). When no scenario
    produces a shortfall the kind is ``stress_battery_clear``.
    """
    battery = result.get("battery") or []
    short = [b for b in battery if b.get("goods_short")]
    base = {
        "n_scenarios": len(battery),
        "n_short": len(short),
        "months": result.get("horizon"),
        "portfolio": result.get("portfolio"),
    }
    if not short:
        return {"kind": "stress_battery_clear", **base}
    w = short[0]
    return {
        "kind": "stress_battery_headline",
        **base,
        "scenario": w["scenario"],
        "name_ja": w.get("name_ja") or w["scenario"],
        "name_en": w.get("name_en") or w["scenario"],
        "value_short": w["value_short"],
        "first_short_month": w["first_short_month"],
        "longest_short_run": w["longest_short_run"],
        "goods_short": w["goods_short"],
    }


def first_short_message(summary_rows: list[dict[str, Any]], scenario: str) -> dict[str, Any]:
    """``stress_first_short`` (the first month any good runs short) or ``stress_never_short``."""
    rows = [r for r in summary_rows if r["scenario"] == scenario and r.get("first_short_month")]
    if not rows:
        return {"kind": "stress_never_short", "scenario": scenario}
    r = min(rows, key=lambda r: (r["first_short_month"], -r["value_short"], r["good_id"]))
    return {
        "kind": "stress_first_short",
        "scenario": scenario,
        "month": r["first_short_month"],
        "good_id": r["good_id"],
        "name_ja": r.get("name_ja") or r["good_id"],
        "name_en": r.get("name_en") or r["good_id"],
        "total_shortfall": r["total_shortfall"],
        "unit": r.get("unit") or "",
        "longest_short_run": r["longest_short_run"],
        "n_goods": len(rows),
    }
