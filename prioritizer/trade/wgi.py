"""World Bank Worldwide Governance Indicators (WGI) bulk CSV → ``countries.csv`` governance.

Reads ``WGIData.csv`` as published in the WGI bulk download (World Bank; CC BY 4.0): one
row per country and indicator, columns ``Country Name``, ``Country Code``, ``Indicator
Name``, ``Indicator Code`` and one column per year (1996, 1998, 2000, 2002, …), blank
where there is no estimate, and a trailing empty column. Governance is the mean of the
six estimates ``CC.EST`` (control of corruption), ``GE.EST`` (government effectiveness),
``PV.EST`` (political stability), ``RL.EST`` (rule of law), ``RQ.EST`` (regulatory
quality) and ``VA.EST`` (voice and accountability) of one year — the latest year with any
estimate unless ``year`` is given. A country missing a dimension gets no mean (a mean of
five is a different statistic); it is named in the report and its cell is left as it was.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from prioritizer.errors import InputError, Issue
from prioritizer.trade.extract import InputFile

SIX = ("CC.EST", "GE.EST", "PV.EST", "RL.EST", "RQ.EST", "VA.EST")
LICENCE = "CC BY 4.0"
#: World Bank codes that are not the ISO 3166-1 alpha-3 code of the same country
WB_TO_ISO3 = {"XKX": "XKX", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "ADO": "AND", "WBG": "PSE"}
_YEAR = re.compile(r"^\d{4}$")


@dataclass
class Governance:
    year: int
    file: str
    #: iso3 -> mean of the six estimates
    mean: dict[str, float] = field(default_factory=dict)
    #: iso3 -> the dimensions missing in that year
    missing: dict[str, list[str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)


def read(f: InputFile, year: int | None = None) -> Governance:
    try:
        text = f.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = f.data.decode("cp1252")
    rd = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(rd)]
    except StopIteration:
        raise InputError(
            [Issue(f.name, 1, None, None, "empty file; give the WGI bulk CSV (WGIData.csv)")]
        ) from None
    need = ("Country Code", "Indicator Code")
    miss = [c for c in need if c not in header]
    if miss:
        raise InputError(
            [
                Issue(
                    f.name,
                    1,
                    c,
                    ",".join(header[:5]),
                    "not the WGI bulk CSV: it needs Country Name, Country Code, Indicator Name, "
                    "Indicator Code and one column per year",
                )
                for c in miss
            ]
        )
    ycols = {int(h): i for i, h in enumerate(header) if _YEAR.match(h)}
    if not ycols:
        raise InputError([Issue(f.name, 1, None, None, "no year columns (1996, 1998, …) in the header")])
    ci, ii = header.index("Country Code"), header.index("Indicator Code")
    ni = header.index("Country Name") if "Country Name" in header else None
    issues: list[Issue] = []
    est: dict[tuple[str, str], dict[int, float]] = {}
    names: dict[str, str] = {}
    for r, row in enumerate(rd, start=2):
        if not any(c.strip() for c in row):
            continue
        code = row[ii].strip() if len(row) > ii else ""
        if code not in SIX:
            continue
        iso = row[ci].strip().upper()
        iso = WB_TO_ISO3.get(iso, iso)
        if ni is not None:
            names[iso] = row[ni].strip()
        vals: dict[int, float] = {}
        for y, i in ycols.items():
            cell = row[i].strip() if i < len(row) else ""
            if cell in ("", "..", "#N/A"):
                continue
            try:
                v = float(cell)
            except ValueError:
                issues.append(Issue(f.name, r, str(y), cell, "not a number (an estimate is −2.5 … 2.5)"))
                continue
            if not -5 <= v <= 5:
                issues.append(Issue(f.name, r, str(y), cell, "outside the WGI scale (about −2.5 … 2.5)"))
                continue
            vals[y] = v
        if (iso, code) in est:
            issues.append(Issue(f.name, r, "Indicator Code", code, f"{iso} {code} is listed twice"))
            continue
        est[(iso, code)] = vals
    if issues:
        raise InputError(issues)
    if not est:
        raise InputError(
            [Issue(f.name, None, "Indicator Code", None, "no *.EST rows (CC.EST … VA.EST) in this file")]
        )
    have = sorted({y for v in est.values() for y in v})
    if year is None:
        year = have[-1]
    elif year not in have:
        raise InputError(
            [Issue(f.name, 1, "--year", year, f"no estimates for {year}; the file has {have[0]}–{have[-1]}")]
        )
    out = Governance(year, f.name, names=names, years=have)
    for iso in sorted({k[0] for k in est}):
        vals = [est.get((iso, d), {}).get(year) for d in SIX]
        gone = [d for d, v in zip(SIX, vals, strict=True) if v is None]
        if gone:
            out.missing[iso] = gone
        else:
            out.mean[iso] = sum(v for v in vals if v is not None) / 6
    return out
