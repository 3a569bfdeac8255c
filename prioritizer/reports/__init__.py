"""Justification reports (PDF, HTML, XLSX, Japanese and English) built from audited Runs.

``build_report(run_id, fmt, lang, out, db, against=None)`` collects the Run and its related
Runs from the audit store into a format-neutral :class:`~prioritizer.reports.document.Document`
(:mod:`prioritizer.reports.content`), then hands it to one renderer: Typst for the PDF
(:mod:`prioritizer.reports.pdf`), Jinja2 for HTML, openpyxl for XLSX. Every number in a
report comes from a stored Run; the annex carries the run hash and the store's head hash so
a reader can verify it. Nothing is written unless the whole report rendered (atomic write).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Literal

Format = Literal["pdf", "html", "xlsx"]
FORMATS: tuple[str, ...] = ("pdf", "html", "xlsx")


def build_report(
    run_id: str, fmt: Format, lang: str, out: Path, db: str | None = None, against: str | None = None
) -> Path:
    from prioritizer.audit import open_store
    from prioritizer.reports.content import build_document

    store = open_store(db)
    doc = build_document(store, run_id, lang, against)  # type: ignore[arg-type]
    return render(doc, fmt, out)


def render(doc, fmt: Format, out: Path) -> Path:  # type: ignore[no-untyped-def]
    out = Path(out)
    if fmt == "pdf":
        from prioritizer.reports.pdf import render_pdf as fn
    elif fmt == "html":
        from prioritizer.reports.html import render_html as fn
    elif fmt == "xlsx":
        from prioritizer.reports.xlsx import render_xlsx as fn
    else:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    # Render into a temporary file in the same folder, then rename: a failed render never
    # leaves a half-written report, and a reader never sees one being written.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        fn(doc, tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
