"""Input checks for the indicator computation, robust to a Case built directly in code.

The case loader checks most of this too, but the indicator API is also called on
Cases assembled from DataFrames (tests, the app's what-if edits, ``generate``), so it
re-checks everything it relies on and reports **every** problem at once as
:class:`~prioritizer.errors.Issue` records. Rows are spreadsheet rows (header = 1, so
DataFrame position ``i`` is row ``i + 2``); this assumes the DataFrame keeps the file
order, which the loader guarantees (RangeIndex).

All checks are vectorised: they run on the 36-million-row benchmark panel in about a
second, so they stay on in production.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from prioritizer.errors import Issue

#: per check, at most this many rows are listed; the rest are summarised in one issue
MAX_ROWS_PER_CHECK = 50
#: tolerance on "shares add up to 1"
SHARE_TOLERANCE = 0.01


def spreadsheet_row(pos: int) -> int:
    """DataFrame position -> spreadsheet row (header is row 1)."""
    return int(pos) + 2


def _rows(
    out: list[Issue],
    file: str,
    column: str | None,
    positions: Iterable[int],
    values: Iterable[Any],
    message: str,
) -> None:
    pos = list(positions)
    vals = list(values)
    for p, v in zip(pos[:MAX_ROWS_PER_CHECK], vals[:MAX_ROWS_PER_CHECK], strict=False):
        out.append(Issue(file, spreadsheet_row(p), column, _plain(v), message))
    if len(pos) > MAX_ROWS_PER_CHECK:
        out.append(
            Issue(
                file,
                None,
                column,
                None,
                f"{len(pos) - MAX_ROWS_PER_CHECK} more rows with the same problem: {message}",
            )
        )


def _plain(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def require_columns(df: pd.DataFrame, file: str, columns: Iterable[str]) -> list[Issue]:
    return [
        Issue(file, 1, c, None, f"column '{c}' is missing; add it to the header row")
        for c in columns
        if c not in df.columns
    ]


def numeric(df: pd.DataFrame, file: str, column: str, issues: list[Issue], *, required: bool) -> np.ndarray:
    """Column as float64; non-numeric cells (and blanks when ``required``) are reported."""
    raw = df[column]
    vals = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad_text = np.isnan(vals) & raw.notna().to_numpy()
    # A non-blank cell that did not parse is always an error; a blank is one only if required.
    bad = bad_text | (np.isnan(vals) & required)
    if bad.any():
        idx = np.flatnonzero(bad)
        _rows(issues, file, column, idx, raw.to_numpy()[idx], f"'{column}' must be a number")
    inf = np.isinf(vals)
    if inf.any():
        idx = np.flatnonzero(inf)
        _rows(issues, file, column, idx, vals[idx], f"'{column}' must be finite")
        vals = np.where(inf, np.nan, vals)
    return vals


def in_range(
    vals: np.ndarray, file: str, column: str, lo: float, hi: float, issues: list[Issue], unit: str = ""
) -> None:
    with np.errstate(invalid="ignore"):
        bad = (vals < lo) | (vals > hi)
    if bad.any():
        idx = np.flatnonzero(bad)
        _rows(issues, file, column, idx, vals[idx], f"'{column}' must be between {lo:g} and {hi:g}{unit}")


def non_negative(vals: np.ndarray, file: str, column: str, issues: list[Issue], what: str = "") -> None:
    with np.errstate(invalid="ignore"):
        bad = vals < 0
    if bad.any():
        idx = np.flatnonzero(bad)
        _rows(
            issues,
            file,
            column,
            idx,
            vals[idx],
            f"'{column}' must not be negative{what}; enter the amount as a positive number (億円)",
        )


def period_kinds(raw: pd.Series) -> tuple[bool, bool]:
    """(any annual ``YYYY`` value, any other value) among the distinct periods."""
    uniq = pd.unique(raw.astype(str).str.strip())
    annual = np.array([len(u) == 4 and u.isdigit() for u in uniq], dtype=bool)
    return bool(annual.any()), bool((~annual).any())


def parse_periods(
    raw: pd.Series, file: str, column: str, issues: list[Issue], *, freq: str = "M"
) -> np.ndarray:
    """Period strings -> ordinals; -1 where invalid (reported).

    ``freq="M"``: ``YYYY-MM`` -> year * 12 + month - 1. ``freq="A"``: ``YYYY`` -> the year
    (annual flows, e.g. UN Comtrade annual or CEPII BACI). Parsing is done on the
    distinct values only (a 36-million-row panel has ~36 of them).
    """
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    ords = np.full(len(uniques) + 1, -1, dtype=np.int64)  # last slot: NA sentinel (-1 code)
    for i, u in enumerate(uniques):
        s = str(u).strip()
        if freq == "A":
            if len(s) == 4 and s.isdigit() and 1900 <= int(s) <= 2200:
                ords[i] = int(s)
        elif len(s) == 7 and s[4] == "-" and s[:4].isdigit() and s[5:].isdigit():
            y, m = int(s[:4]), int(s[5:])
            if 1 <= m <= 12 and 1900 <= y <= 2200:
                ords[i] = y * 12 + m - 1
    out = ords[codes]  # code -1 maps to the sentinel slot
    bad = out < 0
    if bad.any():
        idx = np.flatnonzero(bad)
        what = "a year written YYYY (e.g. 2025)" if freq == "A" else "a month written YYYY-MM (e.g. 2025-03)"
        _rows(issues, file, column, idx, raw.to_numpy()[idx], f"'{column}' must be {what}")
    return out


def period_label(ordinal: int, freq: str = "M") -> str:
    if freq == "A":
        return f"{ordinal:04d}"
    return f"{ordinal // 12:04d}-{ordinal % 12 + 1:02d}"


def unknown_ids(
    values: pd.Series, known: Iterable[str], file: str, column: str, target: str, issues: list[Issue]
) -> np.ndarray:
    """Flag values not in ``known``; returns the boolean mask of unknown rows."""
    known_idx = pd.Index(pd.unique(pd.Series(list(known), dtype=object)))
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    ok_unique = np.asarray(uniques.isin(known_idx), dtype=bool)
    ok = np.append(ok_unique, False)[codes]
    if (~ok).any():
        idx = np.flatnonzero(~ok)
        _rows(
            issues,
            file,
            column,
            idx,
            values.to_numpy()[idx],
            f"'{column}' is not listed in {target}; add it there or correct the id",
        )
    return ~ok


def series_order(
    keys: list[np.ndarray],
    months: np.ndarray,
    file: str,
    column: str,
    labels: pd.Series,
    issues: list[Issue],
    key_desc: str,
) -> None:
    """Within each series (same ``keys``), periods must strictly increase in file order.

    A repeated period is a duplicate (the same month entered twice, which would be
    double-counted); a period earlier than the row above it in the same series is
    "out of order" (typically a block pasted in the wrong place). Sorting a file by
    ``key_desc`` then ``period`` satisfies this check.
    """
    n = len(months)
    if n == 0:
        return
    # Combine the integer key codes into one int64 key.
    combined = keys[0].astype(np.int64)
    for k in keys[1:]:
        combined *= int(k.max()) + 1
        combined += k
    # Already grouped (the common case) is detected in O(n) and needs no sort.
    grouped = bool(np.all(combined[1:] >= combined[:-1]))
    order = None if grouped else np.argsort(combined, kind="stable")
    ck = combined if order is None else combined[order]
    mo = months if order is None else months[order]
    same = ck[1:] == ck[:-1]
    dmo = mo[1:] - mo[:-1]
    dup = same & (dmo == 0)
    back = same & (dmo < 0)

    def rows(mask: np.ndarray) -> np.ndarray:
        return np.flatnonzero(mask) + 1 if order is None else order[1:][mask]

    if dup.any():
        idx = rows(dup)
        _rows(
            issues,
            file,
            column,
            idx,
            labels.to_numpy()[idx],
            f"duplicate row: this {key_desc} and period already appear above; "
            "remove one of them (values would be double-counted)",
        )
    if back.any():
        idx = rows(back)
        _rows(
            issues,
            file,
            column,
            idx,
            labels.to_numpy()[idx],
            f"period out of order: earlier than the row above for the same {key_desc}; "
            f"sort the rows by {key_desc} and period",
        )


def shares_add_up(df: pd.DataFrame, shares: np.ndarray, file: str, key: str, issues: list[Issue]) -> None:
    """Per ``key``, shares must sum to 1 (± SHARE_TOLERANCE)."""
    sums = pd.Series(shares).groupby(df[key].to_numpy()).sum()
    bad = sums[(sums - 1.0).abs() > SHARE_TOLERANCE]
    first_row = pd.Series(np.arange(len(df))).groupby(df[key].to_numpy()).min()
    for k, s in bad.items():
        issues.append(
            Issue(
                file,
                spreadsheet_row(first_row[k]),
                "share",
                round(float(s), 6),
                f"shares for {key} '{k}' add up to {s:.4f}, not 1; "
                "add the missing countries (or an 'other' row with a governance value) or correct the shares",
            )
        )
