"""Information tiers on case rows: 機密性1 public < 機密性2 restricted < 機密性3 secret.

``goods``, ``projects`` and ``flows`` rows may carry ``tier`` (blank = public). A reader
sees only rows at or below its clearance: :func:`visible_case` drops the others (and every
row naming a good it cannot see, so no restricted good leaks through a project or flow). :func:`case_tier` is the highest tier of the rows a computation used; a
result computed on restricted inputs carries that label.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

TIERS: tuple[str, ...] = ("public", "restricted", "secret")


def tier_rank(tier: Any) -> int:
    """0 public, 1 restricted, 2 secret; a blank (or missing) tier is public."""
    if tier is None or isinstance(tier, float) or str(tier).strip() == "":
        return 0
    return TIERS.index(str(tier).strip())


def highest_tier(tiers: Any) -> str:
    """The highest of an iterable of tiers (public when empty)."""
    return TIERS[max((tier_rank(x) for x in tiers), default=0)]


TIERED_TABLES: tuple[str, ...] = ("goods", "projects", "flows")


def _ranks(df: pd.DataFrame) -> pd.Series:
    if "tier" not in df.columns:
        return pd.Series(0, index=df.index)
    # rank the distinct labels only: a national flows table has millions of rows but ≤ 4 labels
    codes, labels = pd.factorize(df["tier"], use_na_sentinel=True)
    ranks = np.array([tier_rank(x) for x in labels] + [0], dtype=np.int64)
    return pd.Series(ranks[codes], index=df.index)


def case_tier(case: Any) -> str:
    """The highest tier among the case's tiered rows."""
    top = 0
    for name in TIERED_TABLES:
        df = getattr(case, name, None)
        if isinstance(df, pd.DataFrame) and len(df):
            top = max(top, int(_ranks(df).max()))
    return TIERS[top]


#: tables whose rows name goods, and the columns that do (a hidden good hides them too)
GOOD_REFS: dict[str, tuple[str, ...]] = {
    "projects": ("good_id",),
    "flows": ("good_id",),
    "links": ("good_id", "input_id"),
    "scenarios": ("good_id",),
    "world_supply": ("good_id",),
    "production": ("good_id",),
    "exports": ("good_id",),
}


def visible_case(case: Any, clearance: str) -> Any:
    """A copy of ``case`` holding only the rows a reader cleared for ``clearance`` may see.

    Rows above the clearance go, and so does every row of another table that names a hidden
    good (a project, flow, link, scenario …), so nothing restricted leaks through a reference.
    The file snapshots are filtered the same way, so a run recorded on this view holds (and
    replays from) exactly what the reader saw. Returns ``case`` itself when nothing is above
    the clearance (the common, all-public case).
    """
    limit = tier_rank(clearance)
    if tier_rank(case_tier(case)) <= limit:
        return case
    goods = case.goods[_ranks(case.goods) <= limit]
    keep = set(goods["id"].astype(str))
    changes: dict[str, Any] = {"goods": goods.reset_index(drop=True)}
    for name, refs in GOOD_REFS.items():
        df = getattr(case, name, None)
        if not isinstance(df, pd.DataFrame):
            continue
        mask = _ranks(df) <= limit
        for col in refs:
            if col in df.columns:
                v = df[col]
                mask &= v.isna() | (v.astype(str).str.strip() == "") | v.astype(str).isin(keep)
        changes[name] = df[mask].reset_index(drop=True)
    files = dict(case.files)
    for fname, data in case.files.items():
        stem = fname.rsplit("/", 1)[-1].removesuffix(".csv")
        if fname.endswith(".csv") and (stem == "goods" or stem in GOOD_REFS):
            files[fname] = _filter_csv(data, limit, keep, GOOD_REFS.get(stem, ()))
    return dataclasses.replace(case, files=files, **changes)


def _filter_csv(data: bytes, limit: int, goods: set[str], refs: tuple[str, ...]) -> bytes:
    import csv
    import io

    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return data
    head = [h.strip() for h in rows[0]]
    ti = head.index("tier") if "tier" in head else None
    ri = [head.index(c) for c in refs if c in head]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(rows[0])
    for r in rows[1:]:
        cell = r[ti] if ti is not None and ti < len(r) else ""
        if tier_rank(cell) > limit:
            continue
        if any(i < len(r) and r[i].strip() and r[i].strip() not in goods for i in ri):
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


def labelled(run: Any, case: Any) -> Any:
    """Label ``run``'s result with the highest tier of the inputs it was computed on
    (``result["tier"]``), when that is above public; returns ``run``."""
    tier = case_tier(case)
    if tier != "public" and run.output is not None:
        run.output.result["tier"] = tier
    return run
