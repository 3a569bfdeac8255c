"""PDF renderer (fpdf2) with the IPAexGothic font embedded (subset) for Japanese text."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from fpdf import FPDF, FontFace
from fpdf.enums import WrapMode, XPos, YPos

from prioritizer.reports.content import figure_png
from prioritizer.reports.document import Document, Figure, KeyValues, Para, Table
from prioritizer.reports.fonts import japanese_font_path
from prioritizer.reports.formatting import cell_text

_FONT = "ipaexg"
# fpdf2 leaves the cursor at the right margin after multi_cell; the next full-width cell
# would then have zero width (and CHAR wrapping never ends), so always return to the left.
_NEXT_LINE = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


class _PDF(FPDF):
    def __init__(self, doc: Document) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc = doc
        self.add_font(_FONT, "", str(japanese_font_path()))
        self.set_auto_page_break(True, margin=15)
        self.set_title(doc.title)
        self.set_creator("prioritizer")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT, size=8)
        # The information tier is printed on every page (「機密性2」…).
        tier = self.doc.meta.get("tier", "")
        self.cell(0, 8, f"{tier}  {self.doc.title} — {self.page_no()}".strip(), align="C")


def render_pdf(doc: Document, out: Path) -> None:
    pdf = _PDF(doc)
    pdf.add_page()
    pdf.set_font(_FONT, size=18)
    pdf.multi_cell(0, 10, doc.title, wrapmode=WrapMode.CHAR, **_NEXT_LINE)
    pdf.ln(4)
    pdf.set_font(_FONT, size=10)
    _kv(pdf, doc.cover)
    renderer = {"kaleido": 0, "matplotlib": 0}
    for section in doc.sections:
        pdf.add_page()
        pdf.set_font(_FONT, size=14)
        pdf.multi_cell(0, 8, section.title, wrapmode=WrapMode.CHAR, **_NEXT_LINE)
        pdf.ln(2)
        for block in section.blocks:
            pdf.set_font(_FONT, size=9)
            if isinstance(block, Para):
                pdf.multi_cell(0, 5, block.text, wrapmode=WrapMode.CHAR, **_NEXT_LINE)
                pdf.ln(2)
            elif isinstance(block, KeyValues):
                _kv(pdf, block.items)
            elif isinstance(block, Table):
                _table(pdf, block)
            elif isinstance(block, Figure):
                renderer[_figure(pdf, block)] += 1
    doc.meta["pdf_charts"] = ", ".join(f"{k}: {v}" for k, v in renderer.items() if v) or "none"
    pdf.output(str(out))


def _kv(pdf: FPDF, items: list[tuple[str, str]]) -> None:
    for k, v in items:
        pdf.set_font(_FONT, size=9)
        pdf.multi_cell(0, 5, f"{k}: {v}", wrapmode=WrapMode.CHAR, **_NEXT_LINE)
    pdf.ln(2)


def _table(pdf: FPDF, t: Table) -> None:
    frame = t.frame if t.preview_rows is None else t.frame.head(t.preview_rows)
    cols = list(frame.columns)
    if not cols:
        return
    pdf.set_font(_FONT, size=7 if len(cols) > 6 else 8)
    with pdf.table(
        text_align="LEFT",
        line_height=4,
        wrapmode=WrapMode.CHAR,
        first_row_as_headings=True,
        # IPAexGothic has no bold face: mark headings by fill instead of emphasis.
        headings_style=FontFace(emphasis=None, fill_color=(221, 230, 240)),
        col_widths=tuple(_widths(frame)),
    ) as table:
        table.row([str(c) for c in cols])
        for rec in frame.itertuples(index=False):
            table.row(
                [cell_text(v, t.formats.get(c), pdf_safe=True) for c, v in zip(cols, rec, strict=False)]
            )
    if t.preview_rows is not None and len(t.frame) > t.preview_rows:
        pdf.set_font(_FONT, size=8)
        pdf.multi_cell(
            0, 5, f"… {len(t.frame) - t.preview_rows} more rows (XLSX has all rows)", wrapmode=WrapMode.CHAR
        )
    pdf.ln(3)


def _widths(frame: Any) -> list[float]:
    """Relative column widths: proportional to the longest cell, with a floor.

    The floor matters: fpdf2 cannot break a line inside a column narrower than one
    glyph (it recurses until the process dies), so no column gets less than 60 % of
    the mean width.
    """
    raw = []
    for c in frame.columns:
        longest = max([len(str(c))] + [len(str(v)) for v in frame[c].head(40)])
        raw.append(float(min(max(longest, 4), 40)))
    floor = 0.6 * sum(raw) / len(raw)
    return [max(w, floor) for w in raw]


def _figure(pdf: FPDF, fig: Figure) -> str:
    png = figure_png(fig.plotly)
    used = "kaleido"
    if png is None:
        png = _matplotlib_png(fig)
        used = "matplotlib"
    if png is None:
        return used
    pdf.image(io.BytesIO(png), w=180)
    pdf.ln(3)
    return used


def _matplotlib_png(fig: Figure) -> bytes | None:
    """Draw the figure's data with matplotlib and the embedded Japanese font (no browser needed)."""
    if fig.fallback is None:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    path = str(japanese_font_path())
    font_manager.fontManager.addfont(path)
    family = font_manager.FontProperties(fname=path).get_name()
    kind, data = fig.fallback
    with plt.rc_context({"font.family": family}):
        f, ax = plt.subplots(figsize=(8, 4.5), dpi=110)
        if kind == "stacked_barh":
            labels = data["labels"][::-1]
            left_pos = [0.0] * len(labels)
            left_neg = [0.0] * len(labels)
            for name, vals in data["series"].items():
                vals = list(vals)[::-1]
                lefts = [lp if v >= 0 else ln for v, lp, ln in zip(vals, left_pos, left_neg, strict=False)]
                ax.barh(labels, vals, left=lefts, label=name)
                left_pos = [lp + max(v, 0) for v, lp in zip(vals, left_pos, strict=False)]
                left_neg = [ln + min(v, 0) for v, ln in zip(vals, left_neg, strict=False)]
            ax.legend(fontsize=7, loc="lower right")
            ax.tick_params(axis="y", labelsize=7)
        else:
            ax.bar(data["labels"], data["values"])
            ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        ax.set_title(fig.title)
        f.tight_layout()
        buf = io.BytesIO()
        f.savefig(buf, format="png")
        plt.close(f)
    return buf.getvalue()
