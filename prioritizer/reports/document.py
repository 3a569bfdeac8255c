"""A format-neutral report: parts of sections holding paragraphs, lists, tables and charts.

Every renderer (Typst → PDF, HTML, XLSX) reads the same :class:`Document`. Text in it is
final wording in the reader's language; tables keep raw values plus, per column, a
localised header and a format, so the XLSX keeps numbers while the PDF prints text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from prioritizer.charts.spec import ChartSpec
from prioritizer.reports.formatting import cell_text


@dataclass
class Para:
    text: str
    #: lead = the decision paragraph; note = small print
    style: Literal["normal", "lead", "note"] = "normal"


@dataclass
class Bullets:
    items: list[str]
    numbered: bool = False


@dataclass
class KeyValues:
    items: list[tuple[str, str]]


@dataclass
class Heading:
    """A sub-heading inside a section (per-priority blocks)."""

    text: str


@dataclass
class Column:
    key: str
    label: str
    #: "text" | "id" (never wrapped) | "int" | "num" | "oku" | "pct" | "days" | "float3"
    fmt: str = "text"


@dataclass
class Table:
    title: str
    frame: pd.DataFrame
    columns: list[Column]
    #: sheet name for XLSX (≤ 31 chars, unique within the document)
    sheet: str = ""
    #: rows shown in the main text (the annex and the XLSX always have every row)
    preview_rows: int | None = None
    more_note: str = ""

    def rows_text(self, lang: str, limit: int | None = None) -> list[list[str]]:
        frame = self.frame if limit is None else self.frame.head(limit)
        out = []
        for rec in frame.to_dict("records"):
            out.append([cell_text(rec.get(c.key), c.fmt, lang) for c in self.columns])
        return out

    @property
    def numeric(self) -> list[bool]:
        return [c.fmt in ("int", "num", "oku", "pct", "days", "float3") for c in self.columns]


@dataclass
class Figure:
    title: str
    spec: ChartSpec
    #: share of the text width the chart takes in the PDF
    width: float = 1.0
    #: a small inline chart (per-priority trend): a short plot area
    compact: bool = False


Block = Para | Bullets | KeyValues | Heading | Table | Figure


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    #: "main" sections form the document; "annex" sections the 別冊 (landscape in the PDF)
    part: Literal["main", "annex"] = "main"
    #: start on a new page
    new_page: bool = True


@dataclass
class Document:
    title: str
    subtitle: str
    lang: str
    cover: list[tuple[str, str]]
    sections: list[Section]
    #: running header text (run id and information tier), page label template
    header: str = ""
    page_label: str = "{page} / {total}"
    toc_title: str = "Contents"
    annex_title: str = "Annex"
    meta: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table) and b.sheet]

    def figures(self) -> list[Figure]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]
