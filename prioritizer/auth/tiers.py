"""Information tiers (re-exported from :mod:`prioritizer.case.tiers`, where the row filter lives
below every service so the audit replay and the CLI can use it too)."""

from __future__ import annotations

from prioritizer.case.tiers import (
    TIERED_TABLES,
    TIERS,
    case_tier,
    hidden_rows,
    highest_tier,
    labelled,
    tier_rank,
    visible_case,
)

__all__ = [
    "TIERED_TABLES",
    "TIERS",
    "case_tier",
    "hidden_rows",
    "highest_tier",
    "labelled",
    "tier_rank",
    "visible_case",
]
