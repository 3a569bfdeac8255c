"""Spreadsheet-safe text for exports people open (CSV/formula injection, OWASP).

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run
as a formula by Excel and LibreOffice: a project named ``=cmd|' /C calc'!A0`` in a case
would start a program on the machine of whoever opens the export. Such text gets a leading
single quote ``'`` so it shows literally. Numbers stay numbers: numeric cells are not touched,
and neither is text that is only a number (``-3.5``, ``+1,200``, ``-12%``), which a
spreadsheet reads as that number and cannot run.

Used by every export for people: ``--format csv`` of every command (``cli/common.csv_text``),
the app's CSV download buttons and the XLSX report (``reports/safety.py``). Case files the
product rewrites (case export, case versions, trade import) are *not* neutralised: the loader
reads them back and must get the same text.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

#: first characters that make a spreadsheet read a cell as a formula
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGER_CLASS = "[=+\\-@\t\r]"
#: text that is just a number (a sign, digits with optional thousands separators, decimals, %)
_NUMBER = re.compile(r"[+\-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+\-]?\d+)?%?")


def _is_number_text(text: str) -> bool:
    return any(ch.isdigit() for ch in text) and _NUMBER.fullmatch(text) is not None


def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _is_number_text(value):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells are :func:`neutralise`-d; numeric columns are not touched.

    Vectorised per text column: only cells that start with a trigger are looked at one by one.
    """
    out = df.copy()
    for i, dtype in enumerate(out.dtypes):
        if not (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)):
            continue
        col = out.iloc[:, i]
        try:
            hit = col.str.match(_TRIGGER_CLASS, na=False)  # numbers in an object column are NaN here
        except AttributeError:  # an object column without any text
            continue
        if hit.any():
            fixed = col.astype(object).copy()
            fixed[hit] = [neutralise(v) for v in col[hit]]
            out.isetitem(i, fixed)
    return out


def to_csv(df: pd.DataFrame, **kwargs: Any) -> str:
    """``df.to_csv(index=False, **kwargs)`` with text cells neutralised (headers too)."""
    safe = neutralise_frame(df)
    safe.columns = [neutralise(c) for c in safe.columns]
    return safe.to_csv(index=False, **kwargs)
