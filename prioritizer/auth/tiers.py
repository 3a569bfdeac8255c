"""Information tiers on case rows: 機密性1 public < 機密性2 restricted < 機密性3 secret.

``goods``, ``projects`` and ``flows`` rows may carry ``tier`` (blank = public). A reader
sees only rows at or below its clearance: :func:`visible_case` drops the others (and the
projects and flows of goods it cannot see, so no restricted good leaks through a project
that names it). :func:`case_tier` is the highest tier of the rows a computation used; a
result computed on restricted inputs carries that label.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from prioritizer.auth.identity import TIERS, highest_tier, tier_rank

TIERED_TABLES: tuple[str, ...] = ("goods", "projects", "flows")


def _ranks(df: pd.DataFrame) -> pd.Series:
    if "tier" not in df.columns:
        return pd.Series(0, index=df.index)
    return df["tier"].map(tier_rank)


def case_tier(case: Any) -> str:
    """The highest tier among the case's tiered rows."""
    top = 0
    for name in TIERED_TABLES:
        df = getattr(case, name, None)
        if isinstance(df, pd.DataFrame) and len(df):
            top = max(top, int(_ranks(df).max()))
    return TIERS[top]


def visible_case(case: Any, clearance: str) -> Any:
    """A copy of ``case`` holding only the rows a reader cleared for ``clearance`` may see.

    Returns ``case`` itself when nothing is above the clearance (the common, all-public case),
    so cached results keyed on the case's digests stay valid.
    """
    limit = tier_rank(clearance)
    if tier_rank(case_tier(case)) <= limit:
        return case
    goods = case.goods[_ranks(case.goods) <= limit]
    # goods.csv's own id column is "id"; the goods table has no good_id to filter on
    keep = set(goods["id"])
    changes: dict[str, Any] = {"goods": goods.reset_index(drop=True)}
    for name in ("projects", "flows"):
        df = getattr(case, name, None)
        if isinstance(df, pd.DataFrame):
            mask = _ranks(df) <= limit
            if "good_id" in df.columns:
                mask &= df["good_id"].isin(keep)
            changes[name] = df[mask].reset_index(drop=True)
    keep_projects = set(changes["projects"]["id"]) if "projects" in changes else None
    files = dict(case.files)
    for fname, data in case.files.items():
        stem = fname.rsplit("/", 1)[-1].removesuffix(".csv")
        if fname.endswith(".csv") and stem in TIERED_TABLES:
            files[fname] = _filter_csv(data, limit, keep, keep_projects if stem == "projects" else None)
    # The recorded file snapshots are exactly the rows this reader saw, so a replay of a run
    # made on this view reproduces it and the record holds nothing above the clearance.
    return dataclasses.replace(case, files=files, **changes)


def _filter_csv(data: bytes, limit: int, goods: set[str], projects: set[str] | None) -> bytes:
    import csv
    import io

    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return data
    head = [h.strip() for h in rows[0]]
    ti = head.index("tier") if "tier" in head else None
    gi = head.index("good_id") if "good_id" in head else None
    ii = head.index("id") if projects is not None and "id" in head else None
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(rows[0])
    for r in rows[1:]:
        cell = r[ti] if ti is not None and ti < len(r) else ""
        if tier_rank(cell) > limit:
            continue
        if gi is not None and gi < len(r) and r[gi].strip() and r[gi].strip() not in goods:
            continue
        if ii is not None and ii < len(r) and r[ii].strip() not in projects:
            continue
        w.writerow(r)
    return out.getvalue().encode("utf-8")


def hidden_rows(case: Any, clearance: str) -> dict[str, int]:
    """How many rows of each tiered table a reader of ``clearance`` does not see."""
    limit = tier_rank(clearance)
    out = {}
    for name in TIERED_TABLES:
        df = getattr(case, name, None)
        if isinstance(df, pd.DataFrame):
            n = int((_ranks(df) > limit).sum())
            if n:
                out[name] = n
    return out


__all__ = ["TIERED_TABLES", "case_tier", "hidden_rows", "highest_tier", "visible_case"]
