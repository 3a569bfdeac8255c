"""Cell formatting shared by the renderers: one reading of a value for every format."""

from __future__ import annotations

import math
from typing import Any

from prioritizer.text import cell, fmt_days, fmt_num, fmt_pct


def cell_text(value: Any, fmt: str | None, lang: str = "ja") -> str:
    """A value as a reader sees it: no ``None``/``nan``, numbers with separators, units in the header."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, bool):
        return cell(value, lang)  # type: ignore[arg-type]
    if isinstance(value, int | float):
        if fmt == "int":
            return f"{value:,.0f}"
        if fmt == "pct":
            return fmt_pct(value, lang)  # type: ignore[arg-type]
        if fmt == "oku":
            return f"{value:,.1f}"
        if fmt == "days":
            return f"{value:,.1f}"
        if fmt == "float3":
            return f"{value:,.3f}"
        if fmt == "num":
            return fmt_num(value, lang)  # type: ignore[arg-type]
        return fmt_num(value, lang) if isinstance(value, float) else f"{value:,}"  # type: ignore[arg-type]
    return str(value)


__all__ = ["XLSX_FORMATS", "cell_text", "fmt_days"]

#: openpyxl number formats per column format (units are in the header)
XLSX_FORMATS = {
    "int": "#,##0",
    "pct": "0.0%",
    "oku": "#,##0.0",
    "days": "#,##0.0",
    "float3": "0.000",
    "num": "#,##0.###",
}
