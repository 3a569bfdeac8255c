"""Per-cell rules shared by the row-by-row and the whole-column parsers: which parser a column
kind uses, and the message for a number outside its column's range."""

from __future__ import annotations

from collections.abc import Callable

from prioritizer.case import coerce
from prioritizer.case.schemas import ColumnSpec


def cell_parser(spec: ColumnSpec) -> Callable[[str], coerce.Parsed] | None:
    if spec.kind == "float":
        return coerce.parse_float
    if spec.kind == "bool":
        return coerce.parse_bool
    if spec.kind == "period":
        return coerce.parse_period_or_year if spec.annual else coerce.parse_period
    if spec.kind == "year":
        return coerce.parse_year
    if spec.kind == "idlist":
        return coerce.parse_idlist
    if spec.kind == "enum":
        return coerce.enum_parser(spec.name, spec.choices, coerce.enum_aliases(spec.name))
    return None


def range_message(spec: ColumnSpec, v: float) -> str | None:
    if spec.gt is not None and not v > spec.gt:
        return f"{spec.name} must be > {spec.gt:g}"
    between = f"between {spec.ge:g} and {spec.le:g}" if spec.ge is not None and spec.le is not None else ""
    if spec.ge is not None and v < spec.ge:
        if not between:
            what = "cannot be negative" if spec.ge == 0 else f"must be ≥ {spec.ge:g}"
            return f"{spec.name} {what}; enter a value ≥ {spec.ge:g}{unit_suffix(spec)}"
        return f"{spec.name} must be {between}; enter a value in that range"
    if spec.le is not None and v > spec.le:
        if not between:
            return f"{spec.name} must be ≤ {spec.le:g}; enter a smaller value"
        extra = " (it is a share: 35% is 0.35)" if spec.ge == 0 and spec.le == 1 and v <= 100 else ""
        return f"{spec.name} must be {between}{extra}; enter a value in that range"
    return None


def unit_suffix(spec: ColumnSpec) -> str:
    return f" ({spec.unit})" if spec.unit and not spec.unit[0].isdigit() else ""
