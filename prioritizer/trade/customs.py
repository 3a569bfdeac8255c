"""Japan Customs / e-Stat 品別国別表 (commodity by country) CSV files.

Layouts (as downloaded from customs.go.jp / e-Stat):

* yearly file, one row per (flow, year, HS, country):
  ``Exp or Imp,Year,HS,Country,Unit1,Unit2,Quantity1-Year,Quantity2-Year,Value-Year,
  Quantity1-Jan,Quantity2-Jan,Value-Jan,…,Quantity1-Dec,Quantity2-Dec,Value-Dec``;
* monthly variant, one row per month: a ``YYYY/MM`` column, …, ``HS``, ``Country``,
  ``Quantity1``, ``Quantity2``, ``Value``.

``Exp or Imp`` is 1 (exports) or 2 (imports); ``HS`` is the 9-digit statistical code,
often quoted ``'250410000'``; ``Country`` the Customs 3-digit code; values are 千円
(1 億円 = 100,000 千円). Files are CP932 or UTF-8. Imports become flows, exports the
exports table. A month with neither value nor quantity is no trade and is skipped.
The HS edition follows the year (HS 2022 from 2022, HS 2017 for 2017–2021).
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from prioritizer.errors import InputError, Issue
from prioritizer.trade.extract import (
    Extract,
    InputFile,
    Mapped,
    aggregate,
    decode_head,
    guess_source,
    header_of,
    layout_error,
    unmapped_totals,
)

SOURCE = "japan-customs"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WIDE_EXPECTED = (
    "`Exp or Imp,Year,HS,Country,Unit1,Unit2,Quantity1-Year,Quantity2-Year,Value-Year,"
    "Quantity1-Jan,Quantity2-Jan,Value-Jan,…,Value-Dec` (yearly) or `YYYY/MM,…,HS,Country,"
    "Quantity1,Quantity2,Value` (monthly)"
)
_YM = re.compile(r"^\s*'?(\d{4})/(\d{1,2})'?\s*$")


def edition_of_year(year: int) -> str:
    return "2022" if year >= 2022 else "2017"


def _norm(h: str) -> str:
    return re.sub(r"[\s_]", "", h).lower()


def _table(f: InputFile, encoding: str, columns: list[str], types: dict[str, pa.DataType]) -> pa.Table:
    try:
        return pacsv.read_csv(
            io.BytesIO(f.data),
            read_options=pacsv.ReadOptions(encoding=encoding, block_size=1 << 24),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                include_columns=columns,
                null_values=["", "-", "NA"],
                strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise InputError([Issue(f.name, None, None, None, f"cannot read the file as CSV: {exc}")]) from None


def _codes(col: pa.ChunkedArray) -> pa.ChunkedArray:
    # '250410000' -> 250410000 ; 105 -> "105"
    return pc.utf8_trim(pc.cast(col, pa.string()), characters="'\" ")


def read(files: list[InputFile], mapped: Mapped) -> Extract:
    out_lines: list[pd.DataFrame] = []
    out_exp: list[pd.DataFrame] = []
    unm_hs: list[pd.Series] = []
    unm_val: list[pd.Series] = []
    ex = Extract(SOURCE, "thousand_yen", Extract.empty_lines(), pd.DataFrame())
    editions: set[str] = set()
    for f in files:
        encoding, text = decode_head(f.data)
        header = header_of(text)
        norm = {_norm(h): h for h in header}
        ex.files.append({"file": f.name, "sha256": f.sha256, "bytes": len(f.data), "encoding": encoding})
        if {"hs", "country"} <= set(norm) and "value-year" in norm:
            lines, exp, uh, uv, years = _wide(f, encoding, header, norm, mapped, ex)
        elif {"hs", "country", "value"} <= set(norm):
            lines, exp, uh, uv, years = _long(f, encoding, header, norm, text, mapped, ex)
        else:
            raise layout_error(f.name, "Japan Customs", WIDE_EXPECTED, header, guess_source(header))
        out_lines.append(lines)
        out_exp.append(exp)
        unm_hs.append(uh)
        unm_val.append(uv)
        editions |= {edition_of_year(y) for y in years}
    ex.lines = aggregate(pd.concat(out_lines, ignore_index=True))
    exp_all = pd.concat(out_exp, ignore_index=True)
    ex.exports = exp_all
    ex.unmapped = unmapped_totals(pd.concat(unm_hs, ignore_index=True), pd.concat(unm_val, ignore_index=True))
    ex.edition = editions.pop() if len(editions) == 1 else (max(editions) if editions else None)
    if len(editions) > 1:
        ex.notes.append({"kind": "trade_mixed_editions", "editions": sorted(editions)})
    return ex


def _flow_codes(t: pa.Table, col: str | None, f: InputFile, ex: Extract) -> np.ndarray:
    """2 = imports, 1 = exports; anything else is an error naming the rows."""
    if col is None:
        return np.full(t.num_rows, 2, dtype=np.int64)
    raw = pc.utf8_trim(pc.cast(t[col], pa.string()), characters="'\" ").to_numpy(zero_copy_only=False)
    flow = np.where(raw == "2", 2, np.where(raw == "1", 1, 0))
    bad = np.flatnonzero(flow == 0)
    if len(bad):
        raise InputError(
            [
                Issue(f.name, int(i) + 2, col, raw[i], "'Exp or Imp' must be 1 (exports) or 2 (imports)")
                for i in bad[:50]
            ]
        )
    return flow


def _wide(f, encoding, header, norm, mapped, ex):
    need = ["hs", "country", "year", "unit1", "unit2", "quantity1-year", "quantity2-year", "value-year"]
    need += [f"{k}-{m.lower()}" for m in MONTHS for k in ("quantity1", "quantity2", "value")]
    missing = [n for n in need if n not in norm]
    if missing:
        raise layout_error(
            f.name, "Japan Customs", WIDE_EXPECTED, header, f" (missing: {', '.join(missing[:6])})"
        )
    flow_col = norm.get("exporimp")
    cols = [norm[n] for n in need] + ([flow_col] if flow_col else [])
    num = {norm[n]: pa.float64() for n in need if n.startswith(("quantity", "value"))}
    types = {
        norm["hs"]: pa.string(),
        norm["country"]: pa.string(),
        norm["unit1"]: pa.string(),
        norm["unit2"]: pa.string(),
        **num,
    }
    t = _table(f, encoding, cols, types)
    n = t.num_rows
    ex.rows_read += n
    flow = _flow_codes(t, flow_col, f, ex)
    hs = _codes(t[norm["hs"]]).to_numpy(zero_copy_only=False).astype(str)
    country = _codes(t[norm["country"]]).to_numpy(zero_copy_only=False).astype(str)
    year_raw = pc.cast(t[norm["year"]], pa.string()).to_numpy(zero_copy_only=False).astype(str)
    years = pd.to_numeric(pd.Series(year_raw).str.strip().str.strip("'"), errors="coerce").to_numpy()
    bad = np.flatnonzero(~np.isfinite(years))
    if len(bad):
        raise InputError(
            [
                Issue(f.name, int(i) + 2, norm["year"], year_raw[i], "Year must be four digits (e.g. 2024)")
                for i in bad[:50]
            ]
        )
    years = years.astype(np.int64)
    uniq, inv = np.unique(hs, return_inverse=True)
    ok = mapped(uniq)[inv]
    imp = flow == 2
    ex.excluded["exports"] = ex.excluded.get("exports", 0) + int((~imp).sum())
    val_year = t[norm["value-year"]].to_numpy()
    unm = imp & ~ok
    uh, uv = pd.Series(hs[unm]), pd.Series(np.nan_to_num(val_year[unm]))
    sel = np.flatnonzero(ok)
    ex.rows_used += int((imp & ok).sum())
    unit1 = t[norm["unit1"]].to_numpy(zero_copy_only=False).astype(str)[sel]
    unit2 = t[norm["unit2"]].to_numpy(zero_copy_only=False).astype(str)[sel]
    frames = []
    for k, m in enumerate(MONTHS, start=1):
        q1 = t[norm[f"quantity1-{m.lower()}"]].to_numpy()[sel]
        q2 = t[norm[f"quantity2-{m.lower()}"]].to_numpy()[sel]
        v = t[norm[f"value-{m.lower()}"]].to_numpy()[sel]
        frames.append(
            _month_frame(f, sel, hs[sel], country[sel], years[sel], k, flow[sel], unit1, unit2, q1, q2, v)
        )
    allm = pd.concat(frames, ignore_index=True)
    return (*_split(allm), uh, uv, set(np.unique(years).tolist()))


def _month_frame(f, sel, hs, country, years, month, flow, unit1, unit2, q1, q2, v):
    v = np.nan_to_num(v)
    q1 = np.where(np.isnan(q1), np.nan, q1)
    # the first quantity when the code has one, else the second (Customs lists KG there)
    has1 = np.char.str_len(np.char.strip(unit1.astype(str))) > 0 if len(unit1) else np.zeros(0, dtype=bool)
    qty = np.where(has1, q1, q2)
    unit = np.where(has1, unit1, unit2)
    keep = (v > 0) | (np.nan_to_num(qty) > 0)
    period = np.char.add(np.char.add(years.astype(str), "-"), f"{month:02d}")
    return pd.DataFrame(
        {
            "hs": hs[keep],
            "code": country[keep],
            "period": period[keep],
            "value": v[keep],
            "quantity": qty[keep],
            "unit": np.char.strip(unit[keep].astype(str)),
            "row": sel[keep] + 2,
            "file": f.name,
            "flow": flow[keep],
        }
    )


def _split(allm: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    imp = allm[allm["flow"] == 2].drop(columns="flow")
    exp = allm[allm["flow"] == 1][["hs", "period", "value", "row", "file"]]
    return imp, exp


def _long(f, encoding, header, norm, text, mapped, ex):
    import csv

    rows = list(csv.reader(io.StringIO("\n".join(text.splitlines()[:6]))))
    period_col = None
    for j, h in enumerate(header):
        vals = [r[j] for r in rows[1:] if len(r) > j and r[j].strip()]
        if vals and all(_YM.match(x) for x in vals):
            period_col = h
            break
    if period_col is None:
        raise layout_error(
            f.name, "Japan Customs", WIDE_EXPECTED, header, " (no column of months written YYYY/MM)"
        )
    flow_col = norm.get("exporimp")
    need = {"hs": norm["hs"], "country": norm["country"], "value": norm["value"]}
    for k in ("quantity1", "quantity2", "unit1", "unit2"):
        if k in norm:
            need[k] = norm[k]
    cols = [period_col, *need.values()] + ([flow_col] if flow_col else [])
    types = {
        period_col: pa.string(),
        need["hs"]: pa.string(),
        need["country"]: pa.string(),
        need["value"]: pa.float64(),
    }
    for k in ("quantity1", "quantity2"):
        if k in need:
            types[need[k]] = pa.float64()
    for k in ("unit1", "unit2"):
        if k in need:
            types[need[k]] = pa.string()
    t = _table(f, encoding, cols, types)
    n = t.num_rows
    ex.rows_read += n
    flow = _flow_codes(t, flow_col, f, ex)
    hs = _codes(t[need["hs"]]).to_numpy(zero_copy_only=False).astype(str)
    country = _codes(t[need["country"]]).to_numpy(zero_copy_only=False).astype(str)
    ym = pd.Series(t[period_col].to_numpy(zero_copy_only=False)).astype(str).str.extract(_YM)
    bad = np.flatnonzero(ym[0].isna().to_numpy())
    if len(bad):
        raise InputError(
            [
                Issue(
                    f.name,
                    int(i) + 2,
                    period_col,
                    t[period_col][int(i)].as_py(),
                    "write the month as YYYY/MM (e.g. 2024/03)",
                )
                for i in bad[:50]
            ]
        )
    years = ym[0].astype(int).to_numpy()
    months = ym[1].astype(int).to_numpy()
    period = np.array([f"{y:04d}-{m:02d}" for y, m in zip(years, months, strict=True)], dtype=object)
    uniq, inv = np.unique(hs, return_inverse=True)
    ok = mapped(uniq)[inv]
    imp = flow == 2
    ex.excluded["exports"] = ex.excluded.get("exports", 0) + int((~imp).sum())
    v = np.nan_to_num(t[need["value"]].to_numpy())
    unm = imp & ~ok
    ex.rows_used += int((imp & ok).sum())
    q1 = t[need["quantity1"]].to_numpy() if "quantity1" in need else np.full(n, np.nan)
    q2 = t[need["quantity2"]].to_numpy() if "quantity2" in need else np.full(n, np.nan)
    u1 = (
        t[need["unit1"]].to_numpy(zero_copy_only=False).astype(str)
        if "unit1" in need
        else np.full(n, "", dtype=object)
    )
    u2 = (
        t[need["unit2"]].to_numpy(zero_copy_only=False).astype(str)
        if "unit2" in need
        else np.full(n, "", dtype=object)
    )
    has1 = pd.Series(u1).str.strip().str.len().to_numpy() > 0
    has1 = has1 | (~np.isnan(q1) & np.isnan(q2))
    qty = np.where(has1, q1, q2)
    unit = np.where(has1, u1, u2)
    keep = ok & ((v > 0) | (np.nan_to_num(qty) > 0))
    allm = pd.DataFrame(
        {
            "hs": hs[keep],
            "code": country[keep],
            "period": period[keep],
            "value": v[keep],
            "quantity": qty[keep],
            "unit": pd.Series(unit[keep]).astype(str).str.strip().to_numpy(),
            "row": np.flatnonzero(keep) + 2,
            "file": f.name,
            "flow": flow[keep],
        }
    )
    return (*_split(allm), pd.Series(hs[unm]), pd.Series(v[unm]), set(np.unique(years).tolist()))
