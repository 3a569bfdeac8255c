"""Justification reports (PDF, HTML, XLSX, Japanese and English) built from audited Runs.

``build_report(run_id, fmt, lang, out)`` collects the Run and its related Runs from the
audit store into a format-neutral :class:`~prioritizer.reports.document.Document`, then
hands it to one renderer. Every number in a report comes from a stored Run, and the
cover carries the run id and hash so a reader can verify it against the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

Format = Literal["pdf", "html", "xlsx"]
FORMATS: tuple[str, ...] = ("pdf", "html", "xlsx")


def build_report(run_id: str, fmt: Format, lang: str, out: Path, db: str | None = None) -> Path:
    from prioritizer.audit import open_store
    from prioritizer.reports.content import build_document

    store = open_store(db)
    doc = build_document(store, run_id, lang)  # type: ignore[arg-type]
    return render(doc, fmt, out)


def render(doc, fmt: Format, out: Path) -> Path:  # type: ignore[no-untyped-def]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "pdf":
        from prioritizer.reports.pdf import render_pdf as fn
    elif fmt == "html":
        from prioritizer.reports.html import render_html as fn
    elif fmt == "xlsx":
        from prioritizer.reports.xlsx import render_xlsx as fn
    else:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    # Write to a temporary name first so a failed render never leaves a half-written report.
    tmp = out.with_name(f".{out.name}.partial")
    fn(doc, tmp)
    tmp.replace(out)
    return out
