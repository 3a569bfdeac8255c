"""UN Comtrade final-data files (API CSV or JSON, "comtradeapicall" layout).

Columns used: ``freqCode`` (M | A), ``refYear``, ``refMonth``/``period``, ``reporterCode``
/ ``reporterISO``, ``flowCode`` (M = imports), ``partnerCode`` (UN M49 / Comtrade code;
0 = World), ``partner2Code``, ``customsCode``, ``motCode``, ``mosCode``, ``cmdCode``
(HS), ``classificationCode`` (H5 = HS 2017, H6 = HS 2022), ``qty``/``qtyUnitAbbr``,
``netWgt`` (kg), ``primaryValue`` (US dollars).

Only totals are used: imports of the chosen reporter from a single partner country,
with every breakdown at its total (second partner 0, mode of transport 0, customs
procedure C00, mode of supply 0). The World rows (partner 0) and breakdown rows are
counted as left out. When a file holds several HS levels (e.g. chapters and
6-digit lines) only its most detailed level is used, so a code is never counted twice.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd

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
    refuse_negative,
    unmapped_totals,
)

SOURCE = "comtrade"
REQUIRED = ("freqCode", "refYear", "flowCode", "partnerCode", "cmdCode", "primaryValue")
EXPECTED = (
    "`typeCode,freqCode,refYear,refMonth,period,reporterCode,reporterISO,flowCode,partnerCode,"
    "partnerISO,partner2Code,cmdCode,customsCode,motCode,qty,netWgt,primaryValue,…` "
    "(UN Comtrade final data, CSV or JSON)"
)
EDITIONS = {"H5": "2017", "H6": "2022"}


def _frame(f: InputFile) -> pd.DataFrame:
    stripped = f.data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        try:
            doc = json.loads(stripped.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError([Issue(f.name, None, None, None, f"not valid JSON: {exc}")]) from None
        recs = doc.get("data", doc) if isinstance(doc, dict) else doc
        if not isinstance(recs, list):
            raise layout_error(
                f.name, "UN Comtrade", EXPECTED, list(doc)[:12] if isinstance(doc, dict) else []
            )
        return pd.DataFrame.from_records(recs).astype(object).where(lambda d: d.notna(), "").astype(str)
    encoding, text = decode_head(f.data)
    header = header_of(text)
    if not set(REQUIRED) <= set(header):
        raise layout_error(f.name, "UN Comtrade", EXPECTED, header, guess_source(header))
    return pd.read_csv(
        io.BytesIO(f.data),
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig" if encoding == "utf8" else "cp932",
        index_col=False,
    )


def _num(s: pd.Series) -> np.ndarray:
    return pd.to_numeric(s.str.strip(), errors="coerce").to_numpy(dtype=float)


def read(files: list[InputFile], mapped: Mapped, reporter: str, reporter_codes: set[str]) -> Extract:
    ex = Extract(SOURCE, "usd", Extract.empty_lines(), pd.DataFrame())
    lines: list[pd.DataFrame] = []
    unm_h: list[pd.Series] = []
    unm_v: list[pd.Series] = []
    editions: set[str] = set()
    for f in files:
        df = _frame(f)
        df.columns = [str(c).strip() for c in df.columns]
        missing = [c for c in REQUIRED if c not in df.columns]
        if missing:
            raise layout_error(
                f.name, "UN Comtrade", EXPECTED, list(df.columns), f" (missing: {', '.join(missing)})"
            )
        ex.files.append({"file": f.name, "sha256": f.sha256, "bytes": len(f.data)})
        n = len(df)
        ex.rows_read += n
        rows = np.arange(n) + 2

        def col(name: str, default: str = "", df: pd.DataFrame = df) -> pd.Series:
            return df[name].astype(str).str.strip() if name in df.columns else pd.Series([default] * len(df))

        keep = np.ones(n, dtype=bool)

        def drop(mask: np.ndarray, reason: str) -> None:
            nonlocal keep
            cut = keep & mask
            if cut.any():
                ex.excluded[reason] = ex.excluded.get(reason, 0) + int(cut.sum())
            keep &= ~mask

        drop((col("flowCode") != "M").to_numpy(), "not_imports")
        rep_iso = col("reporterISO")
        rep_code = col("reporterCode").str.lstrip("0")
        is_rep = (rep_iso == reporter).to_numpy() | rep_code.isin(reporter_codes).to_numpy()
        drop(~is_rep, "other_reporter")
        drop((col("partnerCode").str.lstrip("0").replace("", "0") == "0").to_numpy(), "world_partner")
        for c, total in (("partner2Code", "0"), ("motCode", "0"), ("mosCode", "0")):
            v = col(c, total).str.lstrip("0").replace("", "0")
            drop((v != "0").to_numpy(), "breakdowns")
        drop(~col("customsCode", "C00").isin(["C00", ""]).to_numpy(), "breakdowns")
        cmd = col("cmdCode").str.strip("'\"")
        numeric = cmd.str.fullmatch(r"\d{2,6}").to_numpy()
        drop(~numeric, "aggregate_codes")  # TOTAL, AG2 labels...
        if keep.any():
            depth = int(cmd[keep].str.len().max())
            drop((cmd.str.len() < depth).to_numpy(), "aggregate_codes")
        freq = col("freqCode")
        year = col("refYear")
        per = col("period")
        month = col("refMonth")
        mm = np.where(per.str.fullmatch(r"\d{6}"), per.str[4:6], month.str.zfill(2))
        period = np.where(freq == "A", year, year + "-" + pd.Series(mm, dtype=str))
        bad = keep & ~pd.Series(period).str.fullmatch(r"\d{4}(-(0[1-9]|1[0-2]))?").to_numpy()
        if bad.any():
            raise InputError(
                [
                    Issue(
                        f.name,
                        int(rows[i]),
                        "period",
                        str(period[i]),
                        "freqCode/refYear/refMonth give no valid period",
                    )
                    for i in np.flatnonzero(bad)[:50]
                ]
            )
        value = _num(col("primaryValue"))
        badv = keep & ~(value >= 0)
        if badv.any():
            raise InputError(
                [
                    Issue(
                        f.name,
                        int(rows[i]),
                        "primaryValue",
                        df["primaryValue"].iat[i],
                        "primaryValue must be a number ≥ 0 (US dollars)",
                    )
                    for i in np.flatnonzero(badv)[:50]
                ]
            )
        if "classificationCode" in df.columns:
            editions |= {EDITIONS[c] for c in col("classificationCode")[keep].unique() if c in EDITIONS}
        codes = cmd.to_numpy().astype(str)
        uniq, inv = np.unique(codes, return_inverse=True)
        ok = mapped(uniq)[inv]
        unm = keep & ~ok
        unm_h.append(pd.Series(codes[unm]))
        unm_v.append(pd.Series(value[unm]))
        use = keep & ok
        ex.rows_used += int(use.sum())
        wgt = _num(col("netWgt"))
        qty = _num(col("qty"))
        for name, arr in (("netWgt", wgt), ("qty", qty)):
            if name in df.columns:
                refuse_negative(f.name, rows[use], arr[use], name, df[name].to_numpy()[use])
        qunit = col("qtyUnitAbbr").to_numpy().astype(str)
        has_w = ~np.isnan(wgt) & (wgt > 0)
        lines.append(
            pd.DataFrame(
                {
                    "hs": codes[use],
                    "code": col("partnerCode").str.lstrip("0").to_numpy()[use],
                    "period": period[use],
                    "value": value[use],
                    "quantity": np.where(has_w, wgt, qty)[use],
                    "unit": np.where(has_w, "kg", qunit)[use],
                    "row": rows[use],
                    "file": f.name,
                }
            )
        )
    ex.lines = aggregate(pd.concat(lines, ignore_index=True)) if lines else Extract.empty_lines()
    ex.unmapped = unmapped_totals(pd.concat(unm_h, ignore_index=True), pd.concat(unm_v, ignore_index=True))
    if len(editions) == 1:
        ex.edition = editions.pop()
    return ex
