"""Structured messages about a stress result, for the report and the app (rendered by ``prioritizer.text``)."""

from __future__ import annotations

from typing import Any

from prioritizer.text import vocab


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


def ttx_report_messages(result: dict[str, Any]) -> list[dict[str, Any]]:
    """A TTX record (``ttx`` result) as structured messages, in order: the record, every event and
    decision by month, and the outcome against no response — the report section's lines."""
    head = {
        "kind": "stress_ttx_record",
        "exercise_id": result["exercise_id"],
        "scenario": result["scenario"],
        "month": result["month"],
        "horizon": result["horizon"],
        "status": result["status"],
        "status_ja": vocab("stress_ttx_status", result["status"], "ja"),
        "status_en": vocab("stress_ttx_status", result["status"], "en"),
        "n_events": len(result.get("events") or []),
        "n_decisions": len(result.get("decisions") or []),
    }
    steps: list[tuple[int, int, dict[str, Any]]] = []
    for i, e in enumerate(result.get("events") or []):
        steps.append((e["month"], i, {k: v for k, v in e.items() if k not in ("text_ja", "text_en")}))
    for i, d in enumerate(result.get("decisions") or []):
        msg = {
            "kind": "stress_ttx_decision",
            "month": d["month"],
            "who": d["who"],
            "why": d["why"],
            "text": d["text"],
        }
        steps.append((d["month"], len(steps) + i, msg))
    steps.sort(key=lambda x: (x[0], x[1]))
    outcome = {k: v for k, v in result["outcome"].items() if k not in ("text_ja", "text_en")}
    return [head, *(m for _, _, m in steps), outcome]
