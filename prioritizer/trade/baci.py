"""CEPII BACI files: ``t,i,j,k,v,q`` (year, exporter, importer, HS 6-digit product,
value in thousand US dollars, quantity in metric tonnes), one file per year, with the
release's ``country_codes_V*.csv`` (``country_code,country_name,country_iso2,country_iso3``).

Gaulier & Zignago (2010), "BACI: International Trade Database at the Product-Level",
CEPII Working Paper 2010-23. A year is ~11 million rows, so the file is streamed in
Arrow record batches: each batch keeps the importer's rows (flows) and, for the codes
the HS map knows, sums the value by (code, exporter) over all importers — the world
export mix used as the global-supply proxy. Peak memory is one batch plus the sums.
The HS edition is in the file name (``BACI_HS22_Y2022_V202401.csv`` → 2022).
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
    FIRST_YEAR,
    Extract,
    InputFile,
    Mapped,
    aggregate,
    decode_head,
    guess_source,
    header_of,
    last_year,
    layout_error,
    refuse_duplicates,
    unmapped_totals,
)

SOURCE = "baci"
COLUMNS = ("t", "i", "j", "k", "v", "q")
EXPECTED = "`t,i,j,k,v,q` (CEPII BACI: year, exporter, importer, HS6, value in 1000 USD, quantity in tonnes)"
_EDITION = re.compile(r"HS(\d{2})", re.I)
BLOCK = 1 << 24  # 16 MB of CSV text per batch


def edition_of_name(name: str) -> str | None:
    m = _EDITION.search(name)
    if not m:
        return None
    yy = int(m.group(1))
    return {17: "2017", 22: "2022"}.get(yy, f"{1900 + yy if yy > 50 else 2000 + yy}")


def _batches(f: InputFile, text_types: bool):
    types = {"t": pa.int32(), "i": pa.int32(), "j": pa.int32(), "k": pa.string()}
    if not text_types:
        types |= {"v": pa.float64(), "q": pa.float64()}
    else:
        types |= {"v": pa.string(), "q": pa.string()}
    return pacsv.open_csv(
        io.BytesIO(f.data),
        read_options=pacsv.ReadOptions(block_size=BLOCK, use_threads=True),
        convert_options=pacsv.ConvertOptions(
            column_types=types,
            include_columns=list(COLUMNS),
            null_values=["NA", ""],
            strings_can_be_null=False,
        ),
    )


def _float(a: pa.Array) -> np.ndarray:
    if pa.types.is_floating(a.type):
        return a.to_numpy(zero_copy_only=False)
    s = pc.utf8_trim_whitespace(a)
    s = pc.if_else(pc.equal(s, "NA"), pa.scalar(None, pa.string()), s)
    return pc.cast(s, pa.float64()).to_numpy(zero_copy_only=False)


def read(files: list[InputFile], mapped: Mapped, importer_codes: set[int], *, world: bool) -> Extract:
    ex = Extract(SOURCE, "thousand_usd", Extract.empty_lines(), pd.DataFrame())
    lines: list[pd.DataFrame] = []
    unm_h: list[np.ndarray] = []
    unm_v: list[np.ndarray] = []
    wk: list[np.ndarray] = []
    wi: list[np.ndarray] = []
    wv: list[np.ndarray] = []
    editions: set[str] = set()
    imp_codes = pa.array(sorted(importer_codes), pa.int32())
    known: dict[str, bool] = {}
    seen: list[pd.DataFrame] = []
    for f in files:
        _, text = decode_head(f.data)
        header = header_of(text)
        if [h.lower() for h in header[:6]] != list(COLUMNS):
            raise layout_error(f.name, "CEPII BACI", EXPECTED, header, guess_source(header))
        ex.files.append({"file": f.name, "sha256": f.sha256, "bytes": len(f.data)})
        if (ed := edition_of_name(f.name)) is not None:
            editions.add(ed)
        # what earlier files contributed: a retry of this file must keep it
        kept = (len(wk), len(unm_h), ex.rows_used, len(seen))
        for text_types in (False, True):
            try:
                offset = 0
                parts = []
                for batch in _batches(f, text_types):
                    parts.append(
                        _batch(
                            batch,
                            offset,
                            f,
                            imp_codes,
                            known,
                            mapped,
                            world,
                            wk,
                            wi,
                            wv,
                            unm_h,
                            unm_v,
                            ex,
                            seen,
                        )
                    )
                    offset += batch.num_rows
                lines.extend(parts)
                ex.rows_read += offset
                break
            except pa.ArrowInvalid as exc:
                if text_types:
                    raise InputError(
                        [Issue(f.name, None, None, None, f"cannot read the BACI file: {exc}")]
                    ) from None
                # padded or odd numbers: read again with text columns (slower, rare)
                del wk[kept[0] :], wi[kept[0] :], wv[kept[0] :], unm_h[kept[1] :], unm_v[kept[1] :]
                del seen[kept[3] :]
                ex.rows_used = kept[2]
    if seen:
        # every row the import uses (the importer's and, with --world, all importers'): one
        # (t, i, j, k) twice is the same trade twice — a year given in two files, or a pasted row
        refuse_duplicates(pd.concat(seen, ignore_index=True), ["t", "i", "j", "k"], "BACI")
    ex.lines = aggregate(pd.concat(lines, ignore_index=True), "t") if lines else Extract.empty_lines()
    ex.unmapped = unmapped_totals(
        pd.Series(np.concatenate(unm_h) if unm_h else np.zeros(0, dtype=object)),
        pd.Series(np.concatenate(unm_v) if unm_v else np.zeros(0)),
    )
    if world and wk:
        w = pd.DataFrame({"hs": np.concatenate(wk), "code": np.concatenate(wi), "value": np.concatenate(wv)})
        ex.world = w.groupby(["hs", "code"], sort=False)["value"].sum().reset_index()
    elif world:
        ex.world = pd.DataFrame({"hs": [], "code": [], "value": []})
    if len(editions) == 1:
        ex.edition = editions.pop()
    return ex


def _batch(
    batch, offset, f, imp_codes, known, mapped, world, wk, wi, wv, unm_h, unm_v, ex, seen
) -> pd.DataFrame:
    k = batch.column("k")
    # BACI writes k with its leading zero in recent releases ("010121"); older ones drop it
    k = pc.utf8_lpad(pc.utf8_trim(k, characters='" '), 6, "0")
    dict_k = pc.dictionary_encode(k)
    uniq = dict_k.dictionary.to_numpy(zero_copy_only=False).astype(str)
    new = [c for c in uniq if c not in known]
    if new:
        arr = np.asarray(new, dtype=object)
        for c, m in zip(new, mapped(arr), strict=True):
            known[c] = bool(m)
    ok_dict = np.fromiter((known[c] for c in uniq), dtype=bool, count=len(uniq))
    idx = dict_k.indices.to_numpy(zero_copy_only=False)
    ok = ok_dict[idx]
    v = _float(batch.column("v"))
    is_imp = pc.is_in(batch.column("j"), value_set=imp_codes).to_numpy(zero_copy_only=False)
    # the rows this import uses: checked here, so a damaged row never reaches a sum
    used = np.flatnonzero(ok if world else ok & is_imp)
    if len(used):
        _check_rows(batch, offset, f, used, v, uniq[idx[used]], seen)
    if world and ok.any():
        sel = np.flatnonzero(ok)
        wk.append(uniq[idx[sel]])
        wi.append(batch.column("i").to_numpy(zero_copy_only=False)[sel])
        wv.append(v[sel])
    unm = is_imp & ~ok
    if unm.any():
        unm_h.append(uniq[idx[unm]])
        unm_v.append(np.nan_to_num(v[unm]))
    use = np.flatnonzero(is_imp & ok)
    ex.rows_used += len(use)
    if not len(use):
        return Extract.empty_lines()
    t = batch.column("t").to_numpy(zero_copy_only=False)[use]
    return pd.DataFrame(
        {
            "hs": uniq[idx[use]],
            "code": batch.column("i").to_numpy(zero_copy_only=False)[use].astype(str),
            "period": t.astype(str),
            "value": v[use],
            "quantity": _float(batch.column("q"))[use],
            "unit": "t",
            "row": offset + use + 2,
            "file": f.name,
        }
    )


def _check_rows(batch, offset, f, used, v, k, seen) -> None:  # type: ignore[no-untyped-def]
    """Rows ``used`` of a batch: a possible year, a finite value ≥ 0 and a quantity ≥ 0 or NA.

    Collects (t, i, j, k, row) into ``seen`` for the duplicate check over all files.
    """
    take = pa.array(used, type=pa.int64())  # a few % of the batch: convert only those rows
    t = pc.take(batch.column("t"), take).to_numpy(zero_copy_only=False)
    q = _float(pc.take(batch.column("q"), take))
    vu = v[used]
    rows = offset + used + 2
    issues: list[Issue] = []
    for n in np.flatnonzero((t < FIRST_YEAR) | (t > last_year()))[:50]:
        issues.append(
            Issue(
                f.name,
                int(rows[n]),
                "t",
                int(t[n]),
                f"year {int(t[n])} is impossible for trade statistics (expected {FIRST_YEAR}–{last_year()})",
            )
        )
    for n in np.flatnonzero(~(vu >= 0))[:50]:
        issues.append(
            Issue(
                f.name,
                int(rows[n]),
                "v",
                float(vu[n]),
                "the value (1000 USD) must be a number ≥ 0; published BACI rows have no negative or "
                "missing value — check the file",
            )
        )
    for n in np.flatnonzero(np.nan_to_num(q, nan=0.0) < 0)[:50]:
        issues.append(
            Issue(
                f.name,
                int(rows[n]),
                "q",
                float(q[n]),
                "the quantity (tonnes) cannot be negative; published BACI rows have none — check the file",
            )
        )
    if issues:
        raise InputError(issues)
    seen.append(
        pd.DataFrame(
            {
                "t": t,
                "i": pc.take(batch.column("i"), take).to_numpy(zero_copy_only=False),
                "j": pc.take(batch.column("j"), take).to_numpy(zero_copy_only=False),
                "k": k,
                "row": rows,
                "file": f.name,
            }
        )
    )
