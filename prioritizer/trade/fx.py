"""Exchange rates: USD values -> 億円 with a rate the user gives (``--fx FX.csv``).

``FX.csv``: ``period,jpy_per_usd`` with periods ``YYYY-MM`` (monthly) or ``YYYY``
(annual). A monthly flow uses its month's rate, else its year's; an annual flow uses
its year's rate, else the mean of its twelve monthly rates. There is no default rate:
a period without one is an error naming it. 億円 = USD × JPY/USD ÷ 10⁸.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from prioritizer.errors import InputError, Issue

OKU = 1e8  # yen per 億円
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Rates:
    rates: dict[str, float]
    file: str

    def for_periods(self, periods: list[str], what: str) -> dict[str, tuple[float, str]]:
        """period -> (rate, basis); InputError naming every period without a rate."""
        out: dict[str, tuple[float, str]] = {}
        missing: list[str] = []
        for p in periods:
            if p in self.rates:
                out[p] = (self.rates[p], p)
            elif len(p) == 7 and p[:4] in self.rates:
                out[p] = (self.rates[p[:4]], p[:4])
            elif len(p) == 4 and all(f"{p}-{m:02d}" in self.rates for m in range(1, 13)):
                out[p] = (
                    float(np.mean([self.rates[f"{p}-{m:02d}"] for m in range(1, 13)])),
                    f"mean {p}-01…{p}-12",
                )
            else:
                missing.append(p)
        if missing:
            raise InputError(
                [
                    Issue(
                        self.file,
                        None,
                        "period",
                        p,
                        f"no JPY/USD rate for {p} ({what}); add a row '{p},<yen per dollar>' "
                        "(or the year's rate) to the FX file",
                    )
                    for p in missing
                ]
            )
        return out


def missing_fx(source: str) -> InputError:
    return InputError(
        [
            Issue(
                "--fx",
                None,
                "fx",
                None,
                f"{source} values are in US dollars: give --fx FX.csv (columns period,jpy_per_usd; "
                "monthly YYYY-MM or annual YYYY); there is no default rate",
            )
        ]
    )


def load(data: bytes, file: str = "fx.csv") -> Rates:
    df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.columns = [c.strip() for c in df.columns]
    issues: list[Issue] = []
    for c in ("period", "jpy_per_usd"):
        if c not in df.columns:
            issues.append(Issue(file, 1, c, None, "the FX file needs the columns period,jpy_per_usd"))
    if issues:
        raise InputError(issues)
    rates: dict[str, float] = {}
    for i in range(len(df)):
        p = df["period"].iat[i].strip()
        if not (_MONTH.match(p) or _YEAR.match(p)):
            issues.append(Issue(file, i + 2, "period", p, "period must be YYYY-MM or YYYY"))
            continue
        try:
            r = float(df["jpy_per_usd"].iat[i])
        except ValueError:
            r = float("nan")
        if not (r > 0 and np.isfinite(r)):
            issues.append(
                Issue(
                    file,
                    i + 2,
                    "jpy_per_usd",
                    df["jpy_per_usd"].iat[i],
                    "the rate must be yen per dollar, > 0",
                )
            )
            continue
        if p in rates:
            issues.append(Issue(file, i + 2, "period", p, f"{p} is listed twice"))
            continue
        rates[p] = r
    if issues:
        raise InputError(issues)
    return Rates(rates, file)
