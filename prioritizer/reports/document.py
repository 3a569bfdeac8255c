"""A format-neutral report: sections of paragraphs, key/value lists, tables and figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass
class Para:
    text: str


@dataclass
class KeyValues:
    items: list[tuple[str, str]]


@dataclass
class Table:
    title: str
    frame: pd.DataFrame
    #: sheet name for XLSX (≤ 31 chars, unique within the document)
    sheet: str
    #: column -> number format hint: "int", "oku" (億円), "pct", "float3"
    formats: dict[str, str] = field(default_factory=dict)
    #: rows shown in PDF/HTML (XLSX always has every row)
    preview_rows: int | None = 40


@dataclass
class Figure:
    title: str
    #: a plotly Figure (HTML embeds it, PDF renders it to PNG)
    plotly: Any
    #: fallback drawing for PDF when no Chromium is available for kaleido: (kind, data)
    fallback: tuple[str, dict[str, Any]] | None = None


Block = Para | KeyValues | Table | Figure


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    title: str
    lang: str
    cover: list[tuple[str, str]]
    sections: list[Section]
    #: how charts were rendered in the PDF ("kaleido" or "matplotlib"), filled by the renderer
    meta: dict[str, str] = field(default_factory=dict)

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]
