"""Stress tests and tabletop exercises: a disruption played out month by month against a portfolio.

    data = build(case)                                   # arrays, validated (stress.data)
    port = resolve(case, "optimal" | "nothing" | RUN_ID)  # stock + funded projects (stress.portfolio)
    res = play(data, port, scenarios=[...], months=24, release="cover")   # stress.simulate
    res.months_rows(), res.summary_rows(), res.battery_rows()
    battery_headline(stress_json) -> structured message for the report
    Exercise(...) — the tabletop state machine (stress.exercise)

The kernel (stress.kernel) is pure numpy over (scenarios × goods) per month; the formulas are in
its docstring and docs/methodology/stress.md.
"""

from __future__ import annotations

from prioritizer.stress.data import StressData, build
from prioritizer.stress.headline import battery_headline, first_short_message, ttx_report_messages
from prioritizer.stress.portfolio import Portfolio, resolve
from prioritizer.stress.simulate import Shocks, StressResult, play

__all__ = [
    "Portfolio",
    "Shocks",
    "StressData",
    "StressResult",
    "battery_headline",
    "build",
    "first_short_message",
    "play",
    "resolve",
    "ttx_report_messages",
]
