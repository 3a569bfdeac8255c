"""XLSX renderer: a first sheet explaining the workbook, then one sheet per table.

Headers are the localised column labels with units; numbers stay numbers (with number
formats); text cells starting with ``=``, ``+``, ``-``, ``@`` are neutralised (formula
injection, OWASP).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from prioritizer.reports.document import Document, Table
from prioritizer.reports.formatting import XLSX_FORMATS
from prioritizer.reports.safety import neutralise
from prioritizer.text import t

_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def _value(v: Any) -> Any:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int | float):
        return v
    return neutralise(str(v))


def _sheet_names(tables: list[Table]) -> list[str]:
    used: set[str] = {"README"}
    out = []
    for tb in tables:
        name, k = tb.sheet[:31], 2
        while name in used:
            name = f"{tb.sheet[:28]}_{k}"
            k += 1
        used.add(name)
        out.append(name)
    return out


def render_xlsx(doc: Document, out: Path) -> None:
    lang = doc.lang  # type: ignore[assignment]
    tables = doc.tables()
    names = _sheet_names(tables)
    wb = Workbook()
    ws = wb.active
    ws.title = "README"
    ws.append([neutralise(doc.title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([neutralise(t("report.workbook.intro", lang))])  # type: ignore[arg-type]
    ws.append([])
    for k, v in doc.cover:
        ws.append([neutralise(k), neutralise(v)])
    ws.append([])
    ws.append([t(f"report.workbook.{k}", lang) for k in ("sheet", "content", "rows")])  # type: ignore[arg-type]
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
        c.fill = _HEADER_FILL
    for name, tb in zip(names, tables, strict=True):
        ws.append([name, neutralise(tb.title), len(tb.frame)])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 90
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    for name, tb in zip(names, tables, strict=True):
        sh = wb.create_sheet(name)
        sh.append([neutralise(c.label) for c in tb.columns])
        for c in sh[1]:
            c.font = Font(bold=True)
            c.fill = _HEADER_FILL
        for rec in tb.frame.to_dict("records"):
            sh.append([_value(rec.get(c.key)) for c in tb.columns])
        for j, col in enumerate(tb.columns, start=1):
            fmt = XLSX_FORMATS.get(col.fmt)
            if fmt:
                for (cell,) in sh.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = fmt
            width = max([len(col.label) * 2] + [len(str(v)) for v in tb.frame[col.key].head(200)])
            sh.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
        sh.freeze_panes = "A2"
    wb.save(str(out))
