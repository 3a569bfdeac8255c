"""PDF renderer: Typst (the ``typst`` wheel) with IPAexGothic embedded.

The document is written as ``doc.json`` next to a fixed template (``template.typ``);
Typst reads the data with ``json()`` and lays it out, so no string from a case is ever
parsed as markup. Charts are SVG files drawn from the chart specs (vector graphics).
Typst gives the table of contents and PDF bookmarks (from headings), the running header,
"page x / y", tables that break across pages with their header row repeated, and
Japanese line breaking. Output is deterministic: no system fonts, no document date.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import typst

from prioritizer.charts.svg import text_width, to_svg
from prioritizer.reports.document import Bullets, Document, Figure, Heading, KeyValues, Para, Table
from prioritizer.reports.fonts import japanese_font_path

TEMPLATE = Path(__file__).with_name("template.typ")
#: a text column wider than this (in em) may wrap; ids and numbers never do
WRAP_EM = 18.0


def _em(s: str) -> float:
    return text_width(s, 1.0)


def _col_layout(t: Table, rows: list[list[str]]) -> tuple[list[float], list[bool]]:
    """Per column: 0 = sized to its content (auto), else a share of the free width; and no-wrap flags."""
    fr, nowrap = [], []
    for j, c in enumerate(t.columns):
        longest = max([_em(c.label)] + [_em(r[j]) for r in rows[:400]])
        wraps = c.fmt == "text" and longest > WRAP_EM
        fr.append(round(min(longest, 60.0) / 10.0, 2) if wraps else 0)
        nowrap.append(not wraps)
    return fr, nowrap


def _is_cjk(s: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in s)


def document_data(doc: Document, folder: Path) -> dict[str, Any]:
    """The JSON the Typst template reads (figures are written into ``folder`` as SVG)."""
    sections = []
    n_fig = 0
    for s in doc.sections:
        blocks: list[dict[str, Any]] = []
        for b in s.blocks:
            if isinstance(b, Para):
                blocks.append({"type": "para", "text": b.text, "style": b.style})
            elif isinstance(b, Bullets):
                blocks.append({"type": "bullets", "items": list(b.items)})
            elif isinstance(b, KeyValues):
                blocks.append({"type": "kv", "items": [[k, v] for k, v in b.items]})
            elif isinstance(b, Heading):
                blocks.append({"type": "heading", "text": b.text})
            elif isinstance(b, Table):
                limit = b.preview_rows if s.part == "main" else None
                rows = b.rows_text(doc.lang, limit)
                fr, nowrap = _col_layout(b, rows)
                more = len(b.frame) - len(rows)
                blocks.append(
                    {
                        "type": "table",
                        "title": b.title,
                        "headers": [c.label for c in b.columns],
                        "rows": rows,
                        "numeric": b.numeric,
                        "fr": fr,
                        "nowrap": nowrap,
                        "more": b.more_note.format(n=more) if more > 0 and b.more_note else "",
                    }
                )
            elif isinstance(b, Figure):
                if b.spec.empty:
                    continue
                n_fig += 1
                name = f"fig{n_fig}.svg"
                (folder / name).write_text(to_svg(b.spec, compact=b.compact), encoding="utf-8")
                blocks.append({"type": "figure", "title": b.title, "file": name, "width": b.width})
        sections.append({"title": s.title, "part": s.part, "new_page": s.new_page, "blocks": blocks})
    return {
        "title": doc.title,
        "subtitle": doc.subtitle,
        "lang": doc.lang,
        "cover": [[k, v] for k, v in doc.cover],
        "header": doc.header,
        "page_label": doc.page_label,
        "toc_title": doc.toc_title,
        "sections": sections,
    }


def render_pdf(doc: Document, out: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="prioritizer-typst-"))
    try:
        data = document_data(doc, folder)
        (folder / "doc.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        shutil.copy(TEMPLATE, folder / "main.typ")
        pdf = typst.compile(
            str(folder / "main.typ"),
            root=str(folder),
            font_paths=[str(japanese_font_path().parent)],
            ignore_system_fonts=True,
        )
        Path(out).write_bytes(pdf)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
