"""Uncertain criterion values: intervals from the case, or a ± relative spread.

Sources (the first that applies to a cell wins):

1. columns ``<criterion>_low`` / ``<criterion>_high`` in the model's target table
   (``goods.csv``, or ``projects.csv`` for project models) — or
   ``<column>_low`` / ``<column>_high`` for the criterion's source column); a blank
   cell, or a missing side, means "no uncertainty on that side" (the point value);
2. ``value_spread = s``: every other value x varies in [x − s|x|, x + s|x|].

Each value is drawn independently and uniformly in its interval (Tervonen & Lahdelma
2007 §2: uniform for interval data). The intervals are given in raw units and carried
to the normalised scale with the *same* per-criterion affine map the point data
received (scale and orientation are fitted from the prepared matrix, so direction
= min criteria flip correctly) — the normaliser is not re-estimated per sample, which
keeps "the value moved within its interval" the only thing that changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from prioritizer.errors import InputError, Issue


@dataclass(frozen=True)
class ValueIntervals:
    #: normalised-scale bounds (n × m); equal where a value is exact
    low: np.ndarray
    high: np.ndarray
    #: criterion -> where its intervals came from ("goods.csv:<col>_low/_high", "spread ±s")
    sources: dict[str, str]
    warnings: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(np.any(self.high > self.low))


def affine_map(raw: np.ndarray, norm: np.ndarray) -> tuple[float, float] | None:
    """(α, β) with norm = α + β raw exactly, or None when ``raw`` is constant."""
    raw, norm = np.asarray(raw, float), np.asarray(norm, float)
    ok = np.isfinite(raw) & np.isfinite(norm)
    raw, norm = raw[ok], norm[ok]
    if raw.size < 2 or np.ptp(raw) <= 1e-15 * max(1.0, np.abs(raw).max()):
        return None
    beta, alpha = np.polyfit(raw, norm, 1)
    resid = np.abs(alpha + beta * raw - norm).max()
    if resid > 1e-8 * max(1.0, np.abs(norm).max()):
        raise ValueError("not affine")
    return float(alpha), float(beta)


def value_intervals(
    goods: pd.DataFrame,
    ids: Sequence[str],
    criteria: Sequence[str],
    columns: Sequence[str | None],
    raw: np.ndarray,
    norm: np.ndarray,
    *,
    spread: float = 0.0,
    use_case_columns: bool = True,
    file: str = "goods.csv",
) -> ValueIntervals | None:
    """Build normalised-scale intervals for every (item, criterion); None if nothing is uncertain.

    Raises InputError listing every non-numeric bound, every bound on the wrong side of
    its point value, and criteria whose normalisation is not affine.
    """
    raw = np.asarray(raw, float)
    norm = np.asarray(norm, float)
    n, m = raw.shape
    lo_raw, hi_raw = raw.copy(), raw.copy()
    explicit = np.zeros((n, m), dtype=bool)
    issues: list[Issue] = []
    sources: dict[str, str] = {}
    warnings: list[str] = []
    row_of: dict[str, int] = {}
    if "id" in goods.columns:
        row_of = {str(g): i for i, g in enumerate(goods["id"].astype(str))}
    for k, crit in enumerate(criteria):
        if not use_case_columns:
            break
        names = [crit] + ([columns[k]] if columns[k] and columns[k] != crit else [])
        for base in names:
            cols = [c for c in (f"{base}_low", f"{base}_high") if c in goods.columns]
            if not cols:
                continue
            sources[crit] = "goods.csv:" + "/".join(cols)
            for col in cols:
                side_low = col.endswith("_low")
                vals = goods[col]
                num = pd.to_numeric(vals, errors="coerce")
                for i, item in enumerate(ids):
                    r = row_of.get(str(item))
                    if r is None:
                        continue
                    v, x = vals.iloc[r], num.iloc[r]
                    blank = v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == ""
                    if blank:
                        continue
                    if not np.isfinite(x):
                        issues.append(
                            Issue(
                                file,
                                r + 2,
                                col,
                                v,
                                f"interval bound must be a number in the unit of {base} (or blank for none)",
                            )
                        )
                        continue
                    point = raw[i, k]
                    if np.isfinite(point) and ((side_low and x > point) or (not side_low and x < point)):
                        issues.append(
                            Issue(
                                file,
                                r + 2,
                                col,
                                v,
                                f"{'low' if side_low else 'high'} bound is on the wrong side of the value "
                                f"{point:g}; the interval must contain the value",
                            )
                        )
                        continue
                    (lo_raw if side_low else hi_raw)[i, k] = x
                    explicit[i, k] = True
            break
    if spread > 0:
        pad = spread * np.abs(raw)
        lo_raw = np.where(explicit, lo_raw, raw - pad)
        hi_raw = np.where(explicit, hi_raw, raw + pad)
        for crit in criteria:
            sources.setdefault(crit, f"spread ±{spread:g}")
    if issues:
        raise InputError(issues, "invalid criterion value intervals")
    if not sources:
        return None
    low, high = norm.copy(), norm.copy()
    for k, crit in enumerate(criteria):
        if crit not in sources or not np.any(hi_raw[:, k] > lo_raw[:, k]):
            continue
        try:
            fit = affine_map(raw[:, k], norm[:, k])
        except ValueError:
            issues.append(
                Issue(
                    "model",
                    None,
                    "normalisation",
                    crit,
                    f"criterion {crit}: value uncertainty needs a linear normalisation (vector, minmax, "
                    "sum, max or none) and a linear inversion for min criteria (invert: reflect or negate, "
                    "not reciprocal) so that intervals keep their meaning",
                )
            )
            continue
        if fit is None:
            warnings.append(
                f"{crit}: all items have the same value, so its scale is undefined; "
                "its value intervals are ignored"
            )
            continue
        a, b = fit
        za, zb = a + b * lo_raw[:, k], a + b * hi_raw[:, k]
        low[:, k], high[:, k] = np.minimum(za, zb), np.maximum(za, zb)
    if issues:
        raise InputError(issues, "value uncertainty cannot be applied")
    return ValueIntervals(low, high, sources, warnings)
