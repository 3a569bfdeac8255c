"""The same scenario against several portfolios: shortfall value per month, side by side."""

from __future__ import annotations

from typing import Any

import numpy as np

from prioritizer.stress.data import StressData
from prioritizer.stress.portfolio import Portfolio
from prioritizer.stress.simulate import DEFAULT_MONTHS, play


def compare_portfolios(
    data: StressData,
    scenario: str,
    portfolios: dict[str, Portfolio],
    *,
    months: int = DEFAULT_MONTHS,
    release: str | None = "cover",
) -> dict[str, Any]:
    """``{"curves": {label: [億円 short in month 1 … T]}, "rows": [{portfolio, value_short, …}]}``."""
    curves: dict[str, list[float]] = {}
    rows = []
    for label, port in portfolios.items():
        res = play(data, port, scenarios=[scenario], months=months, release=release)
        per_month = (res.timeline.shortfall[:, 0, :] * res.price).sum(axis=1)
        curves[label] = [float(v) for v in per_month]
        short = per_month > 1e-9
        rows.append(
            {
                "portfolio": label,
                "source": port.source,
                "run_id": port.run_id,
                "value_short": float(per_month.sum()),
                "months_short": int(short.sum()),
                "first_short_month": int(np.argmax(short)) + 1 if short.any() else None,
                "stock_value_start": float((res.stock0 * res.price).sum()),
            }
        )
    return {"scenario": scenario, "months": months, "curves": curves, "rows": rows}
