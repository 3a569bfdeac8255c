"""Cell formatting shared by the renderers."""

from __future__ import annotations

import math
from typing import Any

from prioritizer.reports.safety import neutralise


def cell_text(value: Any, fmt: str | None, *, pdf_safe: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "✓" if value and not pdf_safe else ("yes" if value else "")
    if isinstance(value, int | float):
        if fmt == "int":
            return f"{value:,.0f}"
        if fmt == "pct":
            return f"{100 * value:.1f}%"
        if fmt == "oku":
            return f"{value:,.1f}"
        if fmt == "float1":
            return f"{value:,.1f}"
        if isinstance(value, float):
            return f"{value:,.3f}"
        return f"{value:,}"
    return str(neutralise(value)) if not pdf_safe else str(value)


#: openpyxl number formats per hint
XLSX_FORMATS = {"int": "#,##0", "pct": "0.0%", "oku": '#,##0.0"億円"', "float1": "#,##0.0", "float3": "0.000"}
