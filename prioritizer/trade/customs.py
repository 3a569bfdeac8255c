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
    check_periods,
    decode_head,
    guess_source,
    header_of,
    layout_error,
    negative_issues,
    refuse_duplicates,
    unmapped_sum,
)

SOURCE = "japan-customs"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WIDE_EXPECTED = (
    "`Exp or Imp,Year,HS,Country,Unit1,Unit2,Quantity1-Year,Quantity2-Year,Value-Year,"
    "Quantity1-Jan,Quantity2-Jan,Value-Jan,…,Value-Dec` (yearly) or `YYYY/MM,…,HS,Country,"
    "Quantity1,Quantity2,Value` (monthly)"
)
_QUOTES = "'\" "  # around codes: '250410000', "105"
_YM = re.compile(r"^\s*'?(\d{4})/(\d{1,2})'?\s*$")


def edition_of_year(year: int) -> str:
    return "2022" if year >= 2022 else "2017"


def period_col_of(norm: dict[str, str], header: list[str]) -> str:
    """The column a line's period comes from (for error messages): Year, or the YYYY/MM column."""
    if "year" in norm:
        return norm["year"]
    return next((h for h in header if h.strip().strip('"').upper().startswith("YYYY")), "YYYY/MM")


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
    unm: list[pd.DataFrame] = []
    ex = Extract(SOURCE, "thousand_yen", Extract.empty_lines(), pd.DataFrame())
    editions: set[str] = set()
    for f in files:
        encoding, text = decode_head(f.data)
        header = header_of(text)
        norm = {_norm(h): h for h in header}
        ex.files.append({"file": f.name, "sha256": f.sha256, "bytes": len(f.data), "encoding": encoding})
        if {"hs", "country"} <= set(norm) and "value-year" in norm:
            lines, exp, un, years = _wide(f, encoding, header, norm, mapped, ex)
        elif {"hs", "country", "value"} <= set(norm):
            lines, exp, un, years = _long(f, encoding, header, norm, text, mapped, ex)
        else:
            raise layout_error(f.name, "Japan Customs", WIDE_EXPECTED, header, guess_source(header))
        out_lines.append(lines.assign(period_column=period_col_of(norm, header)))
        out_exp.append(exp)
        unm.append(un)
        editions |= {edition_of_year(y) for y in years}
    all_lines = pd.concat(out_lines, ignore_index=True)
    column = str(all_lines["period_column"].iat[0]) if len(all_lines) else "Year"
    ex.lines = aggregate(all_lines.drop(columns="period_column"), column)
    exp_all = pd.concat(out_exp, ignore_index=True)
    check_periods(exp_all, column)
    refuse_duplicates(exp_all, ["hs", "code", "period"], "export")
    ex.exports = exp_all.drop(columns="code")
    ex.unmapped = unmapped_sum(unm)
    ex.edition = editions.pop() if len(editions) == 1 else (max(editions) if editions else None)
    if len(editions) > 1:
        ex.notes.append({"kind": "trade_mixed_editions", "editions": sorted(editions)})
    return ex


def _distinct(col: pa.ChunkedArray, trim: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values, index of each row's value): each distinct cell is handled once.

    A year of Customs data has ~1 M rows but only ~9,000 codes, ~240 countries and a
    handful of units: hashing the column (Arrow ``unique`` + ``index_in``, in C++) and
    cleaning the distinct values only is what makes the import fast. ``trim``: characters
    stripped from both ends (quotes and blanks around codes), or ``"ws"`` for white space
    (around units); values equal after trimming share one index. Nulls become ``""``.
    """
    col = pc.fill_null(pc.cast(col, pa.string()), "")
    raw = pc.unique(col)
    idx = pc.index_in(col, value_set=raw).to_numpy(zero_copy_only=False)
    if trim == "ws":
        raw = pc.utf8_trim_whitespace(raw)
    elif trim:
        raw = pc.utf8_trim(raw, characters=trim)
    vals = raw
    canon, back = np.unique(np.asarray(vals.to_pylist(), dtype=str), return_inverse=True)
    return canon, back.reshape(-1)[idx]


def _flow_codes(t: pa.Table, col: str | None, f: InputFile, ex: Extract) -> np.ndarray:
    """2 = imports, 1 = exports; anything else is an error naming the rows."""
    if col is None:
        return np.full(t.num_rows, 2, dtype=np.int64)
    vals, idx = _distinct(t[col], _QUOTES)
    code = np.where(vals == "2", 2, np.where(vals == "1", 1, 0))
    flow = code[idx]
    bad = np.flatnonzero(flow == 0)
    if len(bad):
        raise InputError(
            [
                Issue(
                    f.name,
                    int(i) + 2,
                    col,
                    str(vals[idx[i]]),
                    "'Exp or Imp' must be 1 (exports) or 2 (imports)",
                )
                for i in bad[:50]
            ]
        )
    return flow


_MONTH_FIELDS = [f"{k}-{m.lower()}" for m in MONTHS for k in ("quantity1", "quantity2", "value")]


def _wide(f, encoding, header, norm, mapped, ex):
    """The yearly layout: 12 months side by side, melted to one line per (row, month).

    Two passes, both Arrow: the first reads the columns that decide what a row is (flow,
    year, code, country, units, Value-Year) for every row; the second parses the 36 month
    cells of the rows of mapped codes only (a 100-good map uses a few % of a year's ~1 M
    rows). Codes, countries, years and units are cleaned once per distinct value
    (:func:`_distinct`); the months are melted as a (12, rows) block, month-major like
    reading the months one after another.
    """
    need = ["hs", "country", "year", "unit1", "unit2", "quantity1-year", "quantity2-year", "value-year"]
    need += _MONTH_FIELDS
    missing = [n for n in need if n not in norm]
    if missing:
        raise layout_error(
            f.name, "Japan Customs", WIDE_EXPECTED, header, f" (missing: {', '.join(missing[:6])})"
        )
    flow_col = norm.get("exporimp")
    head = ["hs", "country", "year", "unit1", "unit2", "value-year"]
    cols = [norm[n] for n in head] + ([flow_col] if flow_col else [])
    types = {
        norm["hs"]: pa.string(),
        norm["country"]: pa.string(),
        norm["unit1"]: pa.string(),
        norm["unit2"]: pa.string(),
        norm["value-year"]: pa.float64(),
    }
    t = _table(f, encoding, cols, types)
    n = t.num_rows
    ex.rows_read += n
    flow = _flow_codes(t, flow_col, f, ex)
    hs_vals, hs_idx = _distinct(t[norm["hs"]], _QUOTES)
    co_vals, co_idx = _distinct(t[norm["country"]], _QUOTES)
    yr_vals, yr_idx = _distinct(t[norm["year"]])
    yr_num = pd.to_numeric(pd.Series(yr_vals).str.strip().str.strip("'"), errors="coerce").to_numpy()
    bad = np.flatnonzero(~np.isfinite(yr_num[yr_idx]))
    if len(bad):
        raise InputError(
            [
                Issue(
                    f.name,
                    int(i) + 2,
                    norm["year"],
                    str(yr_vals[yr_idx[i]]),
                    "Year must be four digits (e.g. 2024)",
                )
                for i in bad[:50]
            ]
        )
    yr_int = yr_num.astype(np.int64)
    years = set(np.unique(yr_int[np.unique(yr_idx)]).tolist())
    ok = mapped(hs_vals)[hs_idx]
    imp = flow == 2
    ex.excluded["exports"] = ex.excluded.get("exports", 0) + int((~imp).sum())
    negative = negative_issues(f.name, np.arange(n) + 2, t[norm["value-year"]].to_numpy(), norm["value-year"])
    unm = np.flatnonzero(imp & ~ok)
    val_year = np.nan_to_num(t[norm["value-year"]].to_numpy()[unm])
    unmapped = _unmapped(hs_vals, hs_idx[unm], val_year)
    sel = np.flatnonzero(ok)
    ex.rows_used += int(imp[sel].sum())
    u1_vals, u1_idx = _distinct(t[norm["unit1"]], "ws")
    u2_vals, u2_idx = _distinct(t[norm["unit2"]], "ws")
    del t
    # the first quantity when the code has one, else the second (Customs lists KG there)
    has1 = (np.char.str_len(u1_vals) > 0)[u1_idx[sel]]
    unit = np.where(has1, u1_vals.astype(object)[u1_idx[sel]], u2_vals.astype(object)[u2_idx[sel]])
    block = _rows(f, encoding, sel, n, [norm[k] for k in _MONTH_FIELDS])

    def months(kind: str) -> np.ndarray:
        return np.stack([block[norm[f"{kind}-{m.lower()}"]].to_numpy() for m in MONTHS]).reshape(12, len(sel))

    for name in _MONTH_FIELDS:
        negative += negative_issues(f.name, sel + 2, block[norm[name]].to_numpy(), norm[name])
    if negative:
        raise InputError(sorted(negative, key=lambda i: (i.row or 0, header.index(i.column or ""))))
    v = np.nan_to_num(months("value"))
    qty = np.where(has1, months("quantity1"), months("quantity2"))
    keep = (v > 0) | (np.nan_to_num(qty) > 0)  # (12, rows): a month with no trade is no line
    month, j = np.nonzero(keep)  # month-major, rows in file order within a month
    periods = np.array([f"{y}-{m:02d}" for y in yr_int for m in range(1, 13)], dtype=object)
    r = sel[j]
    allm = pd.DataFrame(
        {
            "hs": hs_vals.astype(object)[hs_idx[r]],
            "code": co_vals.astype(object)[co_idx[r]],
            "period": periods[yr_idx[r] * 12 + month],
            "value": v[month, j],
            "quantity": qty[month, j],
            "unit": unit[j],
            "row": r + 2,
            "file": f.name,
            "flow": flow[r],
        }
    )
    return (*_split(allm), unmapped, years)


def _rows(f: InputFile, encoding: str, sel: np.ndarray, n: int, cols: list[str]) -> pa.Table:
    """Columns ``cols`` (numbers) of data rows ``sel`` only, parsed from their own lines.

    The lines are cut out of the file's bytes (a newline byte cannot occur inside a
    UTF-8 or CP932 character). When the lines do not match the rows one to one (quoted
    line breaks, blank lines), or the selected lines do not parse, the whole file is
    parsed instead, so every error reads exactly as for a full read (row numbers of the
    whole file).
    """
    types = dict.fromkeys(cols, pa.float64())
    if not len(sel):
        return pa.table({c: pa.array([], pa.float64()) for c in cols})
    buf = np.frombuffer(f.data, dtype=np.uint8)
    nl = np.flatnonzero(buf == 10)
    starts = np.concatenate(([0], nl + 1))
    ends = np.concatenate((nl + 1, [len(buf)]))  # one past each line's newline
    last = np.maximum(ends - 1, 0)
    has_nl = (ends > starts) & (buf[last] == 10)
    has_cr = (ends - has_nl > starts) & (buf[np.maximum(ends - 1 - has_nl, 0)] == 13)
    lines = np.flatnonzero(ends - starts - has_nl - has_cr > 0)  # Arrow skips empty lines too
    if len(lines) == n + 1:
        first = lines[0]
        pick = lines[sel + 1]
        data = f.data
        body = b"".join([data[a:b] for a, b in zip(starts[pick].tolist(), ends[pick].tolist(), strict=True)])
        try:
            part = _table(InputFile(f.name, data[starts[first] : ends[first]] + body), encoding, cols, types)
        except InputError:
            part = None
        if part is not None and part.num_rows == len(sel):
            return part
    return _table(f, encoding, cols, types).take(pa.array(sel, type=pa.int64()))


def _unmapped(hs_vals: np.ndarray, idx: np.ndarray, value: np.ndarray) -> pd.DataFrame:
    """Unmapped import rows summed per code (hs, value, rows): a year has ~1 M of them."""
    value_sum = np.bincount(idx, weights=value, minlength=len(hs_vals))
    rows = np.bincount(idx, minlength=len(hs_vals))
    hit = np.flatnonzero(rows)
    return pd.DataFrame({"hs": hs_vals[hit].astype(object), "value": value_sum[hit], "rows": rows[hit]})


def _split(allm: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    imp = allm[allm["flow"] == 2].drop(columns="flow")
    exp = allm[allm["flow"] == 1][["hs", "code", "period", "value", "row", "file"]]
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
    rows_all = np.arange(n) + 2
    negative = negative_issues(f.name, rows_all, t[need["value"]].to_numpy(), need["value"])
    for k in ("quantity1", "quantity2"):
        if k in need:
            negative += negative_issues(f.name, rows_all, t[need[k]].to_numpy(), need[k])
    if negative:
        raise InputError(sorted(negative, key=lambda i: (i.row or 0, header.index(i.column or ""))))
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
    codes, inv = np.unique(hs[unm], return_inverse=True)
    return (*_split(allm), _unmapped(codes, inv.reshape(-1), v[unm]), set(np.unique(years).tolist()))
