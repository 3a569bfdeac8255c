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
    files = filter_snapshots(case.files, limit, keep)
    hidden = _hidden_ids(case, changes)
    if case.policy is not None and hidden:
        policy, text = _scrubbed_policy(case.policy, hidden)
        if policy is not None:
            changes["policy"] = policy
            for name in ("policy.yaml", "policy.yml"):
                if name in files:
                    files[name] = text
    return dataclasses.replace(case, files=files, **changes)


def _hidden_ids(case: Any, changes: dict[str, Any]) -> set[str]:
    """Ids of goods, projects and scenarios the filtered view no longer holds."""
    out: set[str] = set()
    for name in ("goods", "projects", "scenarios"):
        full, seen = getattr(case, name, None), changes.get(name)
        if isinstance(full, pd.DataFrame) and isinstance(seen, pd.DataFrame) and "id" in full.columns:
            out |= set(full["id"].astype(str)) - set(seen["id"].astype(str))
    return out


def _scrub(obj: Any, hidden: set[str]) -> Any:
    """``obj`` (a policy as JSON) without what names a hidden id: map keys (``target_days_by_good``,
    per-good storage), list items naming one (limits by good, pools of a hidden good), and ids in
    lists (chosen scenarios, must-fund projects)."""
    if isinstance(obj, dict):
        return {k: _scrub(v, hidden) for k, v in obj.items() if not (isinstance(k, str) and k in hidden)}
    if isinstance(obj, list):
        out = []
        for x in obj:
            if isinstance(x, str) and x in hidden:
                continue
            if isinstance(x, dict) and any(
                isinstance(x.get(f), str) and x[f] in hidden for f in ("good_id", "value", "id")
            ):
                continue
            out.append(_scrub(x, hidden))
        return out
    return obj


def _scrubbed_policy(policy: Any, hidden: set[str]) -> tuple[Any, bytes]:
    """The policy a reader of the filtered view sees (None when it names no hidden id), and its
    YAML snapshot: a run recorded on the view names no hidden row even in its policy file."""
    import yaml

    raw = policy.model_dump(mode="json", exclude_none=True)
    clean = _scrub(raw, hidden)
    if clean == raw:
        return None, b""
    return type(policy).model_validate(clean), yaml.safe_dump(
        clean, allow_unicode=True, sort_keys=False
    ).encode()


def filter_snapshots(files: dict[str, bytes], limit: int, goods: set[str]) -> dict[str, bytes]:
    """The case's file snapshots as a reader of tier rank ``limit`` may see them.

    CSV tables in any encoding the loader accepts (UTF-8 with or without BOM, CP932) are
    rewritten as UTF-8 without the hidden rows; a workbook is rewritten without them sheet by
    sheet. A run recorded for that reader therefore stores, and replays from, only what it saw.
    """
    out = dict(files)
    for fname, data in files.items():
        base = fname.rsplit("/", 1)[-1]
        stem = base.removesuffix(".csv")
        if base.endswith(".csv") and (stem == "goods" or stem in GOOD_REFS):
            out[fname] = _filter_csv(data, limit, goods, GOOD_REFS.get(stem, ()))
        elif base.lower().endswith((".xlsx", ".xlsm")):
            out[fname] = _filter_xlsx(data, limit, goods)
    return out


def _hidden(
    head: list[str], rows: list[list[str]], limit: int, goods: set[str], refs: tuple[str, ...]
) -> list[bool]:
    ti = head.index("tier") if "tier" in head else None
    ri = [head.index(c) for c in refs if c in head]
    out = []
    for r in rows:
        cell = r[ti] if ti is not None and ti < len(r) else ""
        hide = tier_rank(cell) > limit if cell.strip() in TIERS or not cell.strip() else True
        hide = hide or any(i < len(r) and r[i].strip() and r[i].strip() not in goods for i in ri)
        out.append(hide)
    return out


def _decoded(data: bytes) -> str | None:
    from prioritizer.case.readers import IssueLog, decode

    text, _ = decode(data, "", IssueLog())
    return text


def _filter_csv(data: bytes, limit: int, goods: set[str], refs: tuple[str, ...]) -> bytes:
    import csv
    import io

    text = _decoded(data)
    if text is None:  # the loader would have refused it; nothing readable to keep
        return b""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return data
    head = [h.strip().lower() for h in rows[0]]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(rows[0])
    for r, hide in zip(rows[1:], _hidden(head, rows[1:], limit, goods, refs), strict=True):
        if not hide:
            w.writerow(r)
    return out.getvalue().encode("utf-8")


def _filter_xlsx(data: bytes, limit: int, goods: set[str]) -> bytes:
    import io

    from openpyxl import load_workbook

    from prioritizer.case.readers import xlsx_cell_text

    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        table = str(ws.title).strip().lower()
        if table != "goods" and table not in GOOD_REFS:
            continue
        records = [[xlsx_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        if not records:
            continue
        head = [h.strip().lower() for h in records[0]]
        hidden = _hidden(head, records[1:], limit, goods, GOOD_REFS.get(table, ()))
        # delete from the bottom so the row numbers still to delete stay put
        for i in range(len(hidden) - 1, -1, -1):
            if hidden[i]:
                ws.delete_rows(i + 2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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


def hidden_locations(files: dict[str, bytes], clearance: str) -> tuple[dict[str, set[int]], set[str]]:
    """Where the rows above ``clearance`` are in the raw files, and the ids they hold.

    ``({issue file name: {spreadsheet rows}}, {ids of hidden goods and projects})``: what a
    message for that reader must not name (:func:`prioritizer.door.cases.redact`). Read from the
    bytes, so it works when the case does not load.
    """
    import csv
    import io

    limit = tier_rank(clearance)
    rows_out: dict[str, set[int]] = {}
    ids: set[str] = set()

    def scan(label: str, table: str, records: list[list[str]]) -> None:
        if not records:
            return
        head = [h.strip().lower() for h in records[0]]
        if "tier" not in head:
            return
        ti = head.index("tier")
        idc = head.index("id") if "id" in head else None
        for n, r in enumerate(records[1:], start=2):
            cell = r[ti].strip() if ti < len(r) else ""
            if cell and (cell not in TIERS or tier_rank(cell) > limit):
                rows_out.setdefault(label, set()).add(n)
                if idc is not None and idc < len(r) and r[idc].strip():
                    ids.add(r[idc].strip())

    for fname, data in files.items():
        base = fname.rsplit("/", 1)[-1]
        stem = base.removesuffix(".csv")
        if base.endswith(".csv") and stem in TIERED_TABLES:
            text = _decoded(data)
            if text is not None:
                scan(base, stem, list(csv.reader(io.StringIO(text, newline=""))))
        elif base.lower().endswith((".xlsx", ".xlsm")):
            from openpyxl import load_workbook

            from prioritizer.case.readers import xlsx_cell_text

            try:
                wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            except Exception:  # unreadable: the loader names the problem, and it names no row
                continue
            for ws in wb.worksheets:
                table = str(ws.title).strip().lower()
                if table in TIERED_TABLES:
                    recs = [[xlsx_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
                    scan(f"{base}[{ws.title}]", table, recs)
            wb.close()
    # rows of other tables that name a hidden good are hidden too
    if ids:
        for fname, data in files.items():
            base = fname.rsplit("/", 1)[-1]
            stem = base.removesuffix(".csv")
            if base.endswith(".csv") and stem in GOOD_REFS:
                text = _decoded(data)
                if text is None:
                    continue
                recs = list(csv.reader(io.StringIO(text, newline="")))
                if not recs:
                    continue
                head = [h.strip().lower() for h in recs[0]]
                ri = [head.index(c) for c in GOOD_REFS[stem] if c in head]
                idc = head.index("id") if "id" in head else None
                named: set[str] = set()
                for n, r in enumerate(recs[1:], start=2):
                    if any(i < len(r) and r[i].strip() in ids for i in ri):
                        rows_out.setdefault(base, set()).add(n)
                        if idc is not None and idc < len(r) and r[idc].strip():
                            named.add(r[idc].strip())
                ids |= named
    return rows_out, ids
