"""Benchmark: the default case's justification report (issue 16: ≤ 3 s).

Set-up (not timed): the default case is ranked, its indicators computed and allocated,
and the three runs recorded in a fresh SQLite audit store.

* **pdf (Typst)** — the product path ``build_report(run, "pdf", "ja")``: read the runs
  from the store, rebuild the case snapshot, assemble the document, draw the SVG charts,
  and typeset with Typst (IPAexGothic embedded). Target: median ≤ 3 s.
* **html (same document)** — the baseline: the same ``build_report`` path writing HTML,
  i.e. everything except typesetting. The ratio shows what Typst adds.
* **typeset only** — ``render(doc, "pdf")`` on an already-built document, against the
  HTML render of the same document.

Run: ``.venv/bin/python bench/bench_report.py`` (``--repeat 3`` for a quick check).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import Result, measure, quick, report

from prioritizer.audit import open_store, record_run
from prioritizer.case import load_case
from prioritizer.reports import build_report, render
from prioritizer.reports.content import build_document
from prioritizer.runs import execute

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3 if quick() else 5)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-report-"))
    db = f"sqlite:///{folder / 'audit.sqlite'}"
    case = load_case(ROOT / "inputs" / "default")
    for cmd in ("indicators", "rank", "allocate"):
        run = execute(cmd, case, {}, actor="bench", reason="benchmark")
        record_run(run, db)
    run_id = run.run_id
    pdf = measure(
        lambda: build_report(run_id, "pdf", "ja", folder / "r.pdf", db), repeat=args.repeat, memory=True
    )
    html = measure(lambda: build_report(run_id, "html", "ja", folder / "r.html", db), repeat=args.repeat)
    doc = build_document(open_store(db), run_id, "ja")
    typeset = measure(lambda: render(doc, "pdf", folder / "t.pdf"), repeat=args.repeat)
    html_only = measure(lambda: render(doc, "html", folder / "t.html"), repeat=args.repeat)
    pages = (folder / "r.pdf").read_bytes().count(b"/Type /Page\n") or None
    report(
        [
            Result(
                "default report pdf (ja)",
                "html from the same store",
                pdf,
                html,
                target=3.0,
                note=f"{(folder / 'r.pdf').stat().st_size / 1024:.0f} KiB"
                + (f", {pages} pages" if pages else ""),
            ),
            Result("typeset only (Typst)", "html render of the same document", typeset, html_only),
        ],
        title="Justification report (default case)",
    )


if __name__ == "__main__":
    main()
