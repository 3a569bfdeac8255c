"""Generated allocation cases shared by the backend-equivalence tests (arrays, structured)."""

from __future__ import annotations

from typing import Any

from prioritizer.case.policy import Policy


def vary_policy(case: Any, seed: int) -> Any:
    """The rule mix the equivalence tests cover, chosen by ``seed``: hard 5-day targets without a
    storage cap (seed ≡ 3 mod 4) and a stockpile-instrument cap counting stock spending (seed ≡ 0
    mod 5, when a good can be stocked). Returns ``case`` with its policy replaced."""
    pol = case.policy.model_dump()
    if seed % 4 == 3:
        pol["stockpile"]["target_mode"] = "hard"
        pol["stockpile"]["target_days"] = 5
        pol["stockpile"]["target_days_by_good"] = {}
        pol["stockpile"]["storage_capacity"] = None
    if seed % 5 == 0 and case.goods["stockpilable"].astype(bool).any():
        pol["limits"] = [
            *pol.get("limits", []),
            {"group": "instrument", "value": "stockpile", "max": 0.05 * (pol["budget"]["total"] or 100)},
        ]
    case.policy = Policy.model_validate(pol)
    return case
