"""XLSX renderer: a cover sheet plus one sheet per table, with number formats.

Text cells starting with ``=``, ``+``, ``-``, ``@`` are neutralised (formula injection).
"""

from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from prioritizer.reports.document import Document, KeyValues, Para
from prioritizer.reports.formatting import XLSX_FORMATS
from prioritizer.reports.safety import neutralise


def _value(v):  # type: ignore[no-untyped-def]
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, int | float | bool):
        return v
    return neutralise(str(v))


def render_xlsx(doc: Document, out: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "cover"
    ws.append([neutralise(doc.title)])
    ws["A1"].font = Font(bold=True, size=14)
    for k, v in doc.cover:
        ws.append([neutralise(k), neutralise(v)])
    ws.append([])
    for s in doc.sections:
        for b in s.blocks:
            if isinstance(b, Para):
                ws.append([neutralise(s.title), neutralise(b.text)])
            elif isinstance(b, KeyValues):
                for k, v in b.items:
                    ws.append([neutralise(k), neutralise(v)])
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 100
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    used: set[str] = {"cover"}
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    for t in doc.tables():
        name = t.sheet[:31]
        k = 2
        while name in used:
            name = f"{t.sheet[:28]}_{k}"
            k += 1
        used.add(name)
        sh = wb.create_sheet(name)
        cols = list(t.frame.columns)
        sh.append([neutralise(str(c)) for c in cols])
        for c in sh[1]:
            c.font = Font(bold=True)
            c.fill = header_fill
        for rec in t.frame.itertuples(index=False):
            sh.append([_value(v) for v in rec])
        for j, col in enumerate(cols, start=1):
            fmt = XLSX_FORMATS.get(t.formats.get(col, ""))
            if fmt:
                for (cell,) in sh.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = fmt
            width = max([len(str(col))] + [len(str(v)) for v in t.frame[col].head(200)])
            sh.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
        sh.freeze_panes = "A2"
    wb.save(str(out))
