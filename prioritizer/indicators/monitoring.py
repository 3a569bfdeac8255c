"""Monitoring: month-over-month / year-over-year changes and rising-dependence alerts.

METI's monitoring tool lists 「前月に比して依存度が高まった物資」 (goods whose dependence
rose against the previous month; shared/sources/DIGEST.md R6). Here:

* ``Δ_MoM x_t = x_t − x_{t−1}`` and ``Δ_YoY x_t = x_t − x_{t−12}`` (absolute change in
  the indicator's own unit: shares in fractions, so +0.05 is +5 points). Undefined
  (NaN) when either month has no data.
* The rise condition at month t is ``Δ_MoM x_t > θ`` (θ = the indicator's threshold).
* Persistence filter "k of the last n months": an alert is raised at t when the rise
  condition holds at t **and** held in at least k of the n months t−n+1 … t (so
  k = n = 1 is the plain "rose since last month" list; k = 2, n = 3 ignores a single
  spike). Months without data count as "did not rise".
* Severity = Δ_MoM x_t / θ (how many thresholds the rise spans), so rises in
  different indicators are comparable; the list is sorted by severity, descending.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from prioritizer.errors import InputError, Issue

#: default rise thresholds per month (indicator unit; shares are fractions: 0.05 = 5 points)
DEFAULT_THRESHOLDS: dict[str, float] = {"concern_share": 0.05, "hhi": 0.05, "import_reliance": 0.05}

ALERT_COLUMNS = (
    "good_id",
    "name_ja",
    "name_en",
    "indicator",
    "period",
    "previous",
    "current",
    "change",
    "threshold",
    "severity",
    "rises_in_window",
)


@dataclass(frozen=True)
class Persistence:
    """Alert only if the rise held in at least ``k`` of the last ``n`` months."""

    k: int = 1
    n: int = 1

    def as_dict(self) -> dict[str, int]:
        return {"k": self.k, "n": self.n}


def lag_change(x: np.ndarray, lag: int) -> np.ndarray:
    """``x[:, t] − x[:, t − lag]`` on a goods × months array; NaN where undefined."""
    out = np.full(x.shape, np.nan)
    if lag < x.shape[1]:
        out[:, lag:] = x[:, lag:] - x[:, :-lag]
    return out


def rise_alerts(x: np.ndarray, threshold: float, persistence: Persistence) -> tuple[np.ndarray, np.ndarray]:
    """Boolean goods × months alert mask and the per-cell count of rises in the window."""
    d = lag_change(x, 1)
    with np.errstate(invalid="ignore"):
        rise = np.nan_to_num(d, nan=-np.inf) > threshold
    c = np.cumsum(rise, axis=1, dtype=np.int64)
    window = c.copy()
    n = persistence.n
    if n < x.shape[1]:
        window[:, n:] = c[:, n:] - c[:, :-n]
    return rise & (window >= persistence.k), window


def parse_thresholds(
    raw: Mapping[str, Any] | str | None, allowed: tuple[str, ...], *, defaults: bool = True
) -> dict[str, float]:
    """Defaults overridden by ``raw`` ({"hhi": 0.1} or "hhi=0.1,concern_share=off").

    ``off`` removes an indicator from monitoring; ``defaults=False`` takes ``raw`` as
    the complete set. Every problem is reported at once.
    """
    out = dict(DEFAULT_THRESHOLDS) if defaults else {}
    if raw is None or raw == "":
        return out
    items: list[tuple[str, Any]]
    if isinstance(raw, str):
        items = []
        for part in [p.strip() for p in raw.split(",") if p.strip()]:
            key, sep, val = part.partition("=")
            items.append((key.strip(), val.strip() if sep else None))
    else:
        items = list(raw.items())
    issues: list[Issue] = []
    for key, val in items:
        if key not in allowed:
            issues.append(
                Issue(
                    "--thresholds",
                    None,
                    key,
                    val,
                    f"unknown indicator '{key}'; choose from {', '.join(allowed)}",
                )
            )
            continue
        if isinstance(val, str) and val.lower() in ("off", "none"):
            out.pop(key, None)
            continue
        try:
            num = float(val)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            num = float("nan")
        if not (num >= 0 and np.isfinite(num)):
            issues.append(
                Issue(
                    "--thresholds",
                    None,
                    key,
                    val,
                    "threshold must be a non-negative number in the indicator's unit "
                    "(shares as fractions: 0.05 = 5 points), or 'off'",
                )
            )
            continue
        out[key] = num
    if issues:
        raise InputError(issues)
    return out


def parse_persistence(raw: Any) -> Persistence:
    """``"2/3"``, ``[2, 3]``, ``{"k": 2, "n": 3}`` or None (1 of 1)."""
    if isinstance(raw, Persistence):
        return raw
    if raw is None or raw == "":
        return Persistence()
    try:
        if isinstance(raw, str):
            k_s, _, n_s = raw.partition("/")
            k, n = int(k_s), int(n_s or k_s)
        elif isinstance(raw, Mapping):
            k, n = int(raw["k"]), int(raw["n"])
        else:
            k, n = (int(x) for x in raw)
    except (KeyError, TypeError, ValueError):
        k, n = 0, 0
    if not (1 <= k <= n <= 36):
        raise InputError(
            [
                Issue(
                    "--persistence",
                    None,
                    "persistence",
                    str(raw),
                    "write persistence as K/N with 1 ≤ K ≤ N ≤ 36 (alert if the rise held in K of the last N months)",
                )
            ]
        )
    return Persistence(k, n)


def alerts_table(
    *,
    goods: np.ndarray,
    periods: list[str],
    values: Mapping[str, np.ndarray],
    thresholds: Mapping[str, float],
    persistence: Persistence,
    eligible: np.ndarray,
    names: Mapping[str, tuple[str, str]],
    month: int | None,
) -> pd.DataFrame:
    """Alerts at month index ``month`` (or at every month when None), severity-sorted.

    ``eligible`` (G,) masks goods whose indicators are reported (status ok).
    """
    frames = []
    for ind, thr in thresholds.items():
        x = values[ind]
        mask, window = rise_alerts(x, thr, persistence)
        mask &= eligible[:, None]
        if month is not None:
            keep = np.zeros_like(mask)
            keep[:, month] = mask[:, month]
            mask = keep
        gi, ti = np.nonzero(mask)
        if not len(gi):
            continue
        cur = x[gi, ti]
        prev = x[gi, ti - 1]
        change = cur - prev
        with np.errstate(divide="ignore"):
            sev = change / thr if thr > 0 else np.full(len(gi), np.inf)
        frames.append(
            pd.DataFrame(
                {
                    "good_id": goods[gi],
                    "indicator": ind,
                    "period": np.asarray(periods, dtype=object)[ti],
                    "previous": prev,
                    "current": cur,
                    "change": change,
                    "threshold": thr,
                    "severity": sev,
                    "rises_in_window": [f"{int(w)}/{persistence.n}" for w in window[gi, ti]],
                }
            )
        )
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ALERT_COLUMNS})
    df = pd.concat(frames, ignore_index=True)
    df["name_ja"] = [names.get(g, ("", ""))[0] for g in df["good_id"]]
    df["name_en"] = [names.get(g, ("", ""))[1] for g in df["good_id"]]
    df = df.sort_values(
        ["severity", "period", "good_id", "indicator"], ascending=[False, False, True, True], kind="mergesort"
    )
    return df[list(ALERT_COLUMNS)].reset_index(drop=True)
