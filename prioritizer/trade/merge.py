"""Write or merge an import into a case folder, atomically.

* ``flows.csv``: existing rows whose (good_id, partner, period) the import covers are
  replaced (and counted); a good whose existing periods are of the other kind
  (monthly vs annual) is an error — mixing them would double count.
* ``exports.csv`` (Customs exports): rows replaced by (good_id, period).
* ``world_supply.csv`` (``--world``): every row of an imported good is replaced.
* ``countries.csv``: partners not listed are appended with a blank governance and
  ``source`` saying so (reported as flagged).
* ``goods.csv``: written from the HS map only when the case has none.

Each rewritten file keeps its encoding (UTF-8 with or without BOM, or CP932), its line
ends and, when written (:mod:`prioritizer.case.journal`), its mode; new files are UTF-8.
An imported flow row never lowers a tier: it keeps the tier of the row it replaces and at
least the tier of its good in ``goods.csv`` (issue 25).
"""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prioritizer.case.tiers import TIERS
from prioritizer.errors import InputError, Issue
from prioritizer.trade.build import Built
from prioritizer.trade.concordance import CountryMap
from prioritizer.trade.hsmap import HsMap

FLOW_KEY = ["good_id", "partner", "period"]
#: the case files a merge may read and rewrite
WRITES = ("goods.csv", "flows.csv", "exports.csv", "world_supply.csv", "countries.csv")
ADDED_SOURCE = "added by import-trade: governance, concern and partner not yet assessed"


@dataclass
class Merged:
    """The case files after the merge (name -> CSV bytes, in each file's encoding) and what changed."""

    files: dict[str, bytes]
    replaced: int = 0
    replaced_exports: int = 0
    kept: int = 0
    added_rows: int = 0
    partners_added: list[dict[str, Any]] = field(default_factory=list)
    goods_created: bool = False
    #: imported flow rows written above public: the tier of the row replaced, or of the good
    tiers_kept: int = 0


@dataclass(frozen=True)
class Form:
    """How a case file is written: its encoding, byte-order mark and line end."""

    encoding: str = "utf-8"
    bom: bool = False
    newline: str = "\n"


NEW_FILE = Form()


def _decode(data: bytes, where: Path) -> tuple[str, Form]:
    """Text and form of a case CSV, in the encodings the loader accepts (UTF-8, BOM, CP932)."""
    newline = "\r\n" if b"\r\n" in data[: 1 << 16] else "\n"
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8-sig"), Form("utf-8", bom, newline)
    except UnicodeDecodeError:
        pass
    try:
        if bom:
            raise UnicodeDecodeError(
                "utf-8", data, 0, 3, "a UTF-8 byte-order mark before bytes that are not UTF-8"
            )
        return data.decode("cp932"), Form("cp932", False, newline)
    except UnicodeDecodeError as exc:
        raise InputError(
            [
                Issue(
                    str(where),
                    None,
                    None,
                    None,
                    f"cannot read {where.name}: neither UTF-8 nor CP932 ({exc.reason}); save it as UTF-8 CSV",
                )
            ]
        ) from None


def _read(case_dir: Path, name: str, forms: dict[str, Form] | None = None) -> pd.DataFrame | None:
    """A case CSV as text cells; ``forms[name]`` records how to write it back."""
    p = case_dir / name
    if not p.exists():
        return None
    text, form = _decode(p.read_bytes(), p)
    if forms is not None:
        forms[name] = form
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _csv(df: pd.DataFrame, name: str = "", form: Form = NEW_FILE) -> bytes:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator=form.newline, float_format="%.10g")
    text = buf.getvalue()
    try:
        data = text.encode(form.encoding)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        line = text.count(form.newline, 0, exc.start) + 1
        raise InputError(
            [
                Issue(
                    name,
                    line,
                    None,
                    bad,
                    f"{name} is CP932 (Shift_JIS) and '{bad}' cannot be written in it; save {name} "
                    "as UTF-8 CSV and import again",
                )
            ]
        ) from None
    return (codecs.BOM_UTF8 if form.bom else b"") + data


def _rank(label: Any) -> int:
    t = str(label).strip().lower()
    return TIERS.index(t) if t in TIERS else 0


def _keep_tiers(new: pd.DataFrame, old: pd.DataFrame | None, goods: pd.DataFrame | None) -> int:
    """Give each imported row the higher of the replaced row's tier and its good's tier.

    An import never lowers a tier (issue 25): re-importing public statistics over a secret
    row leaves it secret, and a secret good's imported flows are secret. Returns how many
    imported rows are above public.
    """
    rank = np.zeros(len(new), dtype=np.int64)
    if old is not None and "tier" in old.columns and len(old):
        o = old.assign(_r=old["tier"].map(_rank))
        o = o[o["_r"] > 0]
        if len(o):
            top = o.groupby(FLOW_KEY)["_r"].max()
            got = pd.MultiIndex.from_frame(new[FLOW_KEY]).map(lambda k: top.get(k, 0))
            rank = np.maximum(rank, np.asarray(got, dtype=np.int64))
    if goods is not None and "tier" in goods.columns and "id" in goods.columns:
        gt = dict(zip(goods["id"].str.strip(), goods["tier"].map(_rank), strict=True))
        rank = np.maximum(rank, new["good_id"].map(lambda g: gt.get(g, 0)).to_numpy(dtype=np.int64))
    if rank.any() or (old is not None and "tier" in old.columns):
        new["tier"] = np.where(rank > 0, np.asarray(TIERS, dtype=object)[rank], "")
    return int((rank > 0).sum())


def _fmt(v: pd.Series) -> pd.Series:
    x = v.to_numpy(dtype=float)
    return pd.Series(["" if np.isnan(a) else f"{a:.10g}" for a in x], index=v.index, dtype=object)


def merge(case_dir: Path, built: Built, hmap: HsMap, countries: CountryMap) -> Merged:
    files: dict[str, bytes] = {}
    forms: dict[str, Form] = {}
    m = Merged(files)
    goods = _read(case_dir, "goods.csv")
    case_goods = goods
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
        files["goods.csv"] = _csv(goods, "goods.csv")
        m.goods_created = True
    new = built.flows.copy()
    new["value"] = _fmt(new["value"])
    new["quantity"] = _fmt(new["quantity"])
    old = _read(case_dir, "flows.csv", forms)
    m.tiers_kept = _keep_tiers(new, old, case_goods)
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
    files["flows.csv"] = _csv(out, "flows.csv", forms.get("flows.csv", NEW_FILE))
    if built.exports is not None and len(built.exports):
        ne = built.exports.copy()
        ne["value"] = _fmt(ne["value"])
        oe = _read(case_dir, "exports.csv", forms)
        if oe is not None and len(oe) and "period" in oe.columns:
            k_old = pd.MultiIndex.from_frame(oe[["good_id", "period"]])
            cov = k_old.isin(pd.MultiIndex.from_frame(ne[["good_id", "period"]]))
            m.replaced_exports = int(cov.sum())
            cols = list(dict.fromkeys([*oe.columns, *ne.columns]))
            ne = pd.concat(
                [oe[~cov].reindex(columns=cols, fill_value=""), ne.reindex(columns=cols, fill_value="")],
                ignore_index=True,
            )
        files["exports.csv"] = _csv(
            ne.sort_values(["good_id", "period"], kind="mergesort"),
            "exports.csv",
            forms.get("exports.csv", NEW_FILE),
        )
    if built.world is not None:
        nw = built.world.copy()
        nw["share"] = _fmt(nw["share"])
        ow = _read(case_dir, "world_supply.csv", forms)
        if ow is not None and len(ow):
            keep = ow[~ow["good_id"].isin(set(nw["good_id"]))]
            cols = list(dict.fromkeys([*ow.columns, *nw.columns]))
            nw = pd.concat(
                [keep.reindex(columns=cols, fill_value=""), nw.reindex(columns=cols, fill_value="")],
                ignore_index=True,
            )
        files["world_supply.csv"] = _csv(nw, "world_supply.csv", forms.get("world_supply.csv", NEW_FILE))
    ctry = _read(case_dir, "countries.csv", forms)
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
        files["countries.csv"] = _csv(ctry, "countries.csv", forms.get("countries.csv", NEW_FILE))
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
