"""Cell parsers: text cell -> typed value, or a message saying how to fix the cell.

The accepted spellings are documented in ``docs/data-format.md``:

* numbers: ``1200``, ``1200.5``, ``-3``, ``1.2e3``; full-width digits (１２００) and the
  minus sign ``−``; thousands separators only in the unambiguous form ``1,200`` /
  ``12,345,678.9`` (groups of exactly three digits). ``1,2`` (a decimal comma?),
  ``5%``, ``nan``, ``inf`` and ``1_000`` are rejected with a message;
* booleans: true/false, 1/0, yes/no, y/n, t/f (any case), はい/いいえ;
* enums: the English value in any case, or its Japanese / English label from
  :mod:`prioritizer.i18n` (e.g. ``補助金`` for ``subsidy``);
* periods: ``YYYY-MM`` (month 01–12); flows.csv also takes an annual ``YYYY``;
* id lists: ids separated by ``;`` (or the full-width ``；``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable

BOOL_WORDS: dict[str, bool] = {
    **dict.fromkeys(("true", "t", "yes", "y", "1", "1.0", "はい"), True),
    **dict.fromkeys(("false", "f", "no", "n", "0", "0.0", "いいえ"), False),
}
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^\d{4}$")
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\uff0d": "-"})
_NON_FINITE = {
    "nan",
    "inf",
    "-inf",
    "+inf",
    "infinity",
    "-infinity",
    "+infinity",
    "na",
    "n/a",
    "null",
    "none",
}

#: parser result: (value, None) or (None, message)
Parsed = tuple[object, str | None]


def _normalise(s: str) -> str:
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).translate(_MINUS).strip()
    return s


def parse_float(s: str) -> Parsed:
    t = _normalise(s)
    if "," in t:
        if _GROUPED.match(t):
            t = t.replace(",", "")
        else:
            return None, (
                f"'{s}' is not a number: a comma is only accepted as a thousands separator (1,200); "
                "write decimals with a point (1.5)"
            )
    if t.endswith("%"):
        return None, f"'{s}' is a percentage; write it as a fraction (5% → 0.05)"
    if "_" in t or t.lower() in _NON_FINITE:
        return None, f"'{s}' is not a number; write a number or leave the cell blank"
    try:
        v = float(t)
    except ValueError:
        return None, f"'{s}' is not a number; write a number such as 1200 or 0.35 (money in 億円)"
    if not math.isfinite(v):
        return None, f"'{s}' is not a finite number; write a number or leave the cell blank"
    return v, None


def parse_bool(s: str) -> Parsed:
    v = BOOL_WORDS.get(_normalise(s).lower())
    if v is None:
        return None, f"'{s}' is not true/false; write true or false (1/0, yes/no are also accepted)"
    return v, None


def parse_period(s: str) -> Parsed:
    t = _normalise(s)
    m = _PERIOD.match(t)
    if m and 1 <= int(m.group(2)) <= 12:
        return t, None
    if re.match(r"^\d{4}[/.]\d{1,2}([/.]\d{1,2})?$", t) or re.match(r"^\d{4}-\d{1,2}-\d{1,2}", t):
        return None, (
            f"'{s}' looks like a date (Excel may have converted it); write the month as YYYY-MM "
            "(e.g. 2024-01) and format the column as text"
        )
    return None, f"'{s}' is not a month; write it as YYYY-MM with month 01–12 (e.g. 2024-01)"


def parse_period_or_year(s: str) -> Parsed:
    """``YYYY-MM`` (a month) or ``YYYY`` (a year: annual data such as Comtrade A or BACI)."""
    t = _normalise(s)
    if _YEAR.match(t):
        return t, None
    v, msg = parse_period(s)
    if msg is not None:
        msg = msg.replace("(e.g. 2024-01)", "(e.g. 2024-01), or YYYY for annual data (e.g. 2024)")
    return v, msg


def parse_year(s: str) -> Parsed:
    t = _normalise(s)
    if t.endswith(".0"):
        t = t[:-2]
    if _YEAR.match(t):
        return t, None
    return None, f"'{s}' is not a year; write four digits (e.g. 2024)"


def parse_idlist(s: str) -> Parsed:
    parts = [p.strip() for p in re.split(r"[;；]", s)]
    out: list[str] = []
    for p in parts:
        if p and p not in out:
            out.append(p)
    return out, None


def enum_parser(name: str, choices: tuple[str, ...], aliases: dict[str, str]) -> Callable[[str], Parsed]:
    lookup = {c.lower(): c for c in choices}
    lookup.update({_normalise(k).lower(): v for k, v in aliases.items()})

    def parse(s: str) -> Parsed:
        v = lookup.get(_normalise(s).lower())
        if v is None:
            return None, f"unknown {name} '{s}'; allowed: {', '.join(choices)} (or leave blank)"
        return v, None

    return parse


def enum_aliases(column: str) -> dict[str, str]:
    """Japanese and English labels accepted for an enum column (from the i18n glossary)."""
    from prioritizer import i18n

    table = {"sector": i18n.SECTORS, "domain": i18n.DOMAINS, "instrument": i18n.INSTRUMENTS}.get(column, {})
    out: dict[str, str] = {}
    for value, (ja, en) in table.items():
        out[ja] = value
        out[en] = value
    if column == "must":
        out.update({"必須": "in", "除外": "out"})
    return out
