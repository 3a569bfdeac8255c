"""What a reader hands on: the rows of a trade file that matter, still in source units.

Every reader (:mod:`.customs`, :mod:`.comtrade`, :mod:`.baci`) returns an
:class:`Extract`: import lines for the codes the HS map knows, aggregated by (HS code,
partner code, period); the value of every other code (so the user sees what is left
out); exports (Customs); exporter totals for the world supply mix (BACI); and the
counts of rows read, used and left out by reason.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from prioritizer.errors import InputError, Issue

#: distinct HS codes -> boolean mask of the codes the map knows
Mapped = Callable[[np.ndarray], np.ndarray]

LINE_COLUMNS = ("hs", "code", "period", "value", "quantity", "unit", "row", "file")


@dataclass
class InputFile:
    """A trade file given by path or as bytes with a name (the app's upload)."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @classmethod
    def of(cls, f: Path | str | tuple[str, bytes] | InputFile) -> InputFile:
        if isinstance(f, InputFile):
            return f
        if isinstance(f, tuple):
            return cls(str(f[0]), bytes(f[1]))
        p = Path(f)
        try:
            return cls(p.name, p.read_bytes())
        except OSError as exc:
            raise InputError(
                [Issue(str(p), None, None, None, f"cannot read the file: {exc.strerror}")]
            ) from None


@dataclass
class Extract:
    source: str
    #: value unit of ``lines.value``: thousand_yen | usd | thousand_usd
    value_unit: str
    lines: pd.DataFrame
    unmapped: pd.DataFrame  # hs, value, rows
    exports: pd.DataFrame | None = None  # hs, period, value
    world: pd.DataFrame | None = None  # hs, code, value (all importers)
    rows_read: int = 0
    rows_used: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    edition: str | None = None
    files: list[dict[str, object]] = field(default_factory=list)
    notes: list[dict[str, object]] = field(default_factory=list)

    @staticmethod
    def empty_lines() -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LINE_COLUMNS})


def decode_head(data: bytes) -> tuple[str, str]:
    """(encoding, first lines) of a CSV: UTF-8 (with or without BOM) or CP932 (Shift_JIS)."""
    head = data[: 1 << 16]
    for enc in ("utf-8-sig", "cp932"):
        try:
            text = head.decode(enc)
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4 and enc == "utf-8-sig":  # cut inside a character
                text = head[: exc.start].decode(enc)
            else:
                continue
        return ("utf8" if enc == "utf-8-sig" else "cp932"), text
    return "latin-1", head.decode("latin-1")


def header_of(text: str) -> list[str]:
    import csv

    first = next(csv.reader(io.StringIO(text.splitlines()[0] if text else "")), [])
    return [c.strip().strip("\ufeff").strip('"') for c in first]


def layout_error(file: str, source: str, expected: str, header: list[str], hint: str = "") -> InputError:
    shown = ",".join(header[:12]) + ("…" if len(header) > 12 else "")
    return InputError(
        [
            Issue(
                file,
                1,
                None,
                shown,
                f"this is not a {source} file in the published layout: expected a header like "
                f"{expected}{hint}",
            )
        ]
    )


def guess_source(header: list[str]) -> str:
    """Which importer a header belongs to (for the wrong-layout message)."""
    h = {c.lower() for c in header}
    if {"cmdcode", "flowcode"} <= h:
        return " (it looks like a UN Comtrade file: use `import-trade comtrade`)"
    if {"t", "i", "j", "k", "v"} <= h:
        return " (it looks like a CEPII BACI file: use `import-trade baci`)"
    if {"hs", "country"} <= h:
        return " (it looks like a Japan Customs file: use `import-trade japan-customs`)"
    if {"good_id", "partner", "period"} <= h:
        return " (it looks like a prioritizer flows.csv, which needs no import)"
    return ""


#: periods a published trade file can hold: a year of four digits in this range, a month 01–12
FIRST_YEAR = 1900


def last_year() -> int:
    import datetime as dt

    return dt.date.today().year + 1


def period_problem(period: str) -> str | None:
    """Why ``period`` (``YYYY`` or ``YYYY-MM``) cannot be a period of published trade data."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", period)
    if m is None:
        return f"'{period}' is not a period; a year has four digits (YYYY) and a month is YYYY-MM"
    year = int(m.group(1))
    if not FIRST_YEAR <= year <= last_year():
        return f"year {year} is impossible for trade statistics (expected {FIRST_YEAR}–{last_year()})"
    if m.group(2) is not None and not 1 <= int(m.group(2)) <= 12:
        return f"month {m.group(2)} is impossible; a month is 01–12"
    return None


def check_periods(frame: pd.DataFrame, column: str) -> None:
    """Every distinct period of ``frame`` (with ``file`` and ``row``) is possible, or InputError."""
    if frame.empty:
        return
    bad = {p: why for p in frame["period"].astype(str).unique() if (why := period_problem(p)) is not None}
    if not bad:
        return
    hit = frame[frame["period"].astype(str).isin(list(bad))].sort_values(["file", "row"]).head(50)
    raise InputError(
        [
            Issue(str(r.file), int(r.row), column, str(r.period), bad[str(r.period)])
            for r in hit.itertuples(index=False)
        ]
    )


def negative_issues(
    file: str, rows: np.ndarray, values: np.ndarray, column: str, raw: np.ndarray | None = None
) -> list[Issue]:
    """An Issue for every row (up to 50) whose ``values`` are negative: never dropped silently.

    ``rows`` are the spreadsheet row numbers of ``values``; published statistics have no
    negative trade, so a negative cell is a damaged or edited file.
    """
    neg = np.flatnonzero(np.nan_to_num(values, nan=0.0) < 0)
    return [
        Issue(
            file,
            int(rows[i]),
            column,
            float(values[i]) if raw is None else raw[i],
            f"{column} cannot be negative; published trade statistics have none — check the file",
        )
        for i in neg[:50]
    ]


def refuse_negative(
    file: str, rows: np.ndarray, values: np.ndarray, column: str, raw: np.ndarray | None = None
) -> None:
    """InputError naming every negative cell of one column (:func:`negative_issues`)."""
    if issues := negative_issues(file, rows, values, column, raw):
        raise InputError(issues)


def refuse_duplicates(frame: pd.DataFrame, key: list[str], what: str) -> None:
    """InputError when two rows of the input (in one file or across files) share ``key``.

    Summing them would count the same trade twice (the same file given under two names,
    overlapping downloads, a pasted row): the import refuses and names both rows.
    """
    if frame.empty:
        return
    dup = frame.duplicated(key, keep=False)
    if not dup.any():
        return
    d = frame[dup].sort_values([*key, "file", "row"], kind="mergesort")
    issues = []
    for _, grp in d.groupby(key, sort=False):
        first = grp.iloc[0]
        for r in grp.iloc[1:].itertuples(index=False):
            label = ", ".join(f"{k} {getattr(r, k)}" for k in key)
            issues.append(
                Issue(
                    str(r.file),
                    int(r.row),
                    None,
                    label,
                    f"duplicate {what} row: the same {label} is also in {first['file']} row "
                    f"{int(first['row'])}; the import refuses to add them up — remove the duplicate "
                    "row or file",
                )
            )
            if len(issues) >= 50:
                raise InputError(issues)
    raise InputError(issues)


def aggregate(lines: pd.DataFrame, period_column: str = "period") -> pd.DataFrame:
    """Check, then sum value and quantity by (hs, code, period, unit); keep the first row number.

    A (hs, code, period) found twice — within one file or across files — is refused, not
    summed (:func:`refuse_duplicates`); impossible periods are refused (:func:`check_periods`).
    """
    if lines.empty:
        return Extract.empty_lines()
    check_periods(lines, period_column)
    refuse_duplicates(lines, ["hs", "code", "period"], "import")
    g = lines.groupby(["hs", "code", "period", "unit", "file"], sort=False, dropna=False)
    out = g.agg(value=("value", "sum"), row=("row", "min"))
    out["quantity"] = g["quantity"].sum(min_count=1)  # all blank stays blank, not 0
    return out.reset_index()[list(LINE_COLUMNS)]


def unmapped_totals(hs: pd.Series, value: pd.Series) -> pd.DataFrame:
    if hs.empty:
        return pd.DataFrame(
            {"hs": pd.Series(dtype=str), "value": pd.Series(dtype=float), "rows": pd.Series(dtype=int)}
        )
    df = pd.DataFrame({"hs": hs.to_numpy(), "value": value.to_numpy(dtype=float)})
    out = df.groupby("hs", sort=True).agg(value=("value", "sum"), rows=("value", "size")).reset_index()
    return out


def unmapped_sum(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Per-file unmapped totals (hs, value, rows) added up over files, by code."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return unmapped_totals(pd.Series(dtype=str), pd.Series(dtype=float))
    df = pd.concat(frames, ignore_index=True)
    out = df.groupby("hs", sort=True).agg(value=("value", "sum"), rows=("rows", "sum")).reset_index()
    return out
