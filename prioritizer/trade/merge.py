"""Write or merge an import into a case folder, atomically.

* ``flows.csv``: existing rows whose (good_id, partner, period) the import covers are
  replaced (and counted); a good whose existing periods are of the other kind
  (monthly vs annual) is an error — mixing them would double count.
* ``exports.csv`` (Customs exports): rows replaced by (good_id, period).
* ``world_supply.csv`` (``--world``): every row of an imported good is replaced.
* ``countries.csv``: partners not listed are appended with a blank governance and
  ``source`` saying so (reported as flagged).
* ``goods.csv``: written from the HS map only when the case has none.

Every file is first written to a temporary file in the case folder; only when all
are written are they moved into place with :func:`os.replace`, so an interrupted
import leaves the case as it was.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prioritizer.errors import InputError, Issue
from prioritizer.trade.build import Built
from prioritizer.trade.concordance import CountryMap
from prioritizer.trade.hsmap import HsMap

FLOW_KEY = ["good_id", "partner", "period"]
ADDED_SOURCE = "added by import-trade: governance, concern and partner not yet assessed"


@dataclass
class Merged:
    """The case files after the merge (name -> CSV text) and what changed."""

    files: dict[str, str]
    replaced: int = 0
    replaced_exports: int = 0
    kept: int = 0
    added_rows: int = 0
    partners_added: list[dict[str, Any]] = field(default_factory=list)
    goods_created: bool = False


def _read(case_dir: Path, name: str) -> pd.DataFrame | None:
    p = case_dir / name
    if not p.exists():
        return None
    return pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n", float_format="%.10g")
    return buf.getvalue()


def _fmt(v: pd.Series) -> pd.Series:
    x = v.to_numpy(dtype=float)
    return pd.Series(["" if np.isnan(a) else f"{a:.10g}" for a in x], index=v.index, dtype=object)


def merge(case_dir: Path, built: Built, hmap: HsMap, countries: CountryMap) -> Merged:
    files: dict[str, str] = {}
    m = Merged(files)
    goods = _read(case_dir, "goods.csv")
    if goods is None:
        ids = hmap.goods
        names = [hmap.names.get(g, ("", "")) for g in ids]
        goods = pd.DataFrame(
            {
                "id": ids,
                "name_ja": [n[0] or g for n, g in zip(names, ids, strict=True)],
                "name_en": [n[1] or g for n, g in zip(names, ids, strict=True)],
                "source": f"import-trade: goods of {hmap.file}",
            }
        )
        files["goods.csv"] = _csv(goods)
        m.goods_created = True
    new = built.flows.copy()
    new["value"] = _fmt(new["value"])
    new["quantity"] = _fmt(new["quantity"])
    old = _read(case_dir, "flows.csv")
    if old is not None and len(old):
        for c in FLOW_KEY:
            if c not in old.columns:
                raise InputError(
                    [
                        Issue(
                            str(case_dir / "flows.csv"),
                            1,
                            c,
                            None,
                            f"flows.csv has no {c} column; fix the case first",
                        )
                    ]
                )
        _check_kinds(case_dir, old, new)
        key_old = pd.MultiIndex.from_frame(old[FLOW_KEY])
        key_new = pd.MultiIndex.from_frame(new[FLOW_KEY])
        covered = key_old.isin(key_new)
        m.replaced = int(covered.sum())
        kept = old[~covered]
        m.kept = len(kept)
        cols = list(dict.fromkeys([*old.columns, *new.columns]))
        out = pd.concat(
            [kept.reindex(columns=cols, fill_value=""), new.reindex(columns=cols, fill_value="")],
            ignore_index=True,
        )
    else:
        out = new
    m.added_rows = len(new)
    out = out.sort_values(FLOW_KEY, kind="mergesort").reset_index(drop=True)
    files["flows.csv"] = _csv(out)
    if built.exports is not None and len(built.exports):
        ne = built.exports.copy()
        ne["value"] = _fmt(ne["value"])
        oe = _read(case_dir, "exports.csv")
        if oe is not None and len(oe) and "period" in oe.columns:
            k_old = pd.MultiIndex.from_frame(oe[["good_id", "period"]])
            cov = k_old.isin(pd.MultiIndex.from_frame(ne[["good_id", "period"]]))
            m.replaced_exports = int(cov.sum())
            cols = list(dict.fromkeys([*oe.columns, *ne.columns]))
            ne = pd.concat(
                [oe[~cov].reindex(columns=cols, fill_value=""), ne.reindex(columns=cols, fill_value="")],
                ignore_index=True,
            )
        files["exports.csv"] = _csv(ne.sort_values(["good_id", "period"], kind="mergesort"))
    if built.world is not None:
        nw = built.world.copy()
        nw["share"] = _fmt(nw["share"])
        ow = _read(case_dir, "world_supply.csv")
        if ow is not None and len(ow):
            keep = ow[~ow["good_id"].isin(set(nw["good_id"]))]
            cols = list(dict.fromkeys([*ow.columns, *nw.columns]))
            nw = pd.concat(
                [keep.reindex(columns=cols, fill_value=""), nw.reindex(columns=cols, fill_value="")],
                ignore_index=True,
            )
        files["world_supply.csv"] = _csv(nw)
    ctry = _read(case_dir, "countries.csv")
    partners = sorted(set(built.flows["partner"]))
    known = set(ctry["iso3"].str.upper()) if ctry is not None and "iso3" in ctry.columns else set()
    missing = [p for p in partners if p not in known]
    if missing:
        rows = []
        for p in missing:
            ja, en = countries.names(p)
            rows.append(
                {
                    "iso3": p,
                    "name_ja": ja or en or p,
                    "name_en": en or p,
                    "governance": "",
                    "concern": "false",
                    "partner": "false",
                    "source": ADDED_SOURCE,
                }
            )
            m.partners_added.append({"iso3": p, "name_ja": ja or en or p, "name_en": en or p})
        add = pd.DataFrame(rows)
        if ctry is None:
            ctry = add
        else:
            cols = list(dict.fromkeys([*ctry.columns, *add.columns]))
            ctry = pd.concat(
                [ctry.reindex(columns=cols, fill_value=""), add.reindex(columns=cols, fill_value="")],
                ignore_index=True,
            )
        files["countries.csv"] = _csv(ctry)
    return m


def _check_kinds(case_dir: Path, old: pd.DataFrame, new: pd.DataFrame) -> None:
    """A good keeps one kind of period: the import may not add annual rows to monthly ones."""
    kind_old = old.assign(a=old["period"].str.len() == 4).groupby("good_id")["a"].agg(["min", "max"])
    kind_new = new.assign(a=new["period"].str.len() == 4).groupby("good_id")["a"].first()
    issues = []
    for g, annual in kind_new.items():
        if g not in kind_old.index:
            continue
        lo, hi = kind_old.loc[g]
        if (annual and not hi) or (not annual and lo):
            have = "monthly (YYYY-MM)" if not hi else "annual (YYYY)"
            want = "annual (YYYY)" if annual else "monthly (YYYY-MM)"
            issues.append(
                Issue(
                    str(case_dir / "flows.csv"),
                    None,
                    "period",
                    g,
                    f"good '{g}' has {have} flows in the case and the import brings {want} ones; a good keeps "
                    "one kind of period: import into a new case folder, or delete the good's rows first",
                )
            )
    if issues:
        raise InputError(issues)


def write_atomic(case_dir: Path, files: dict[str, str]) -> dict[str, bytes]:
    """Write every file to a temporary sibling, then move them all into place."""
    case_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    data: dict[str, bytes] = {}
    try:
        for name, text in files.items():
            b = text.encode("utf-8")
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=case_dir)
            with os.fdopen(fd, "wb") as fh:
                fh.write(b)
                fh.flush()
                os.fsync(fh.fileno())
            staged.append((name, Path(tmp)))
            data[name] = b
        for name, tmp in staged:
            os.replace(tmp, case_dir / name)
    finally:
        for _, tmp in staged:
            if tmp.exists():
                tmp.unlink()
    return data
