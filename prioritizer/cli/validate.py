"""``prioritizer validate CASE``: check a case and list every problem (DESIGN §5).

Exit 0 with a short summary (rows per table) when the case is valid; exit 2 with
the full list of problems otherwise. The list goes to stdout (or ``--out``) so
that ``--format json|csv`` output can be piped; a one-line summary goes to stderr.
``validate`` records no Run: ``--db`` and ``--no-audit`` are accepted for
uniformity with the other commands and have no effect.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from prioritizer.cli import app
from prioritizer.cli.common import (
    CaseArg,
    DbOpt,
    FormatOpt,
    LangOpt,
    NoAuditOpt,
    OutOpt,
    OutputFormat,
    cli_lang,
    csv_text,
    dumps,
    issues_table,
    write_text,
)
from prioritizer.errors import Issue

PolicyOpt = Annotated[
    Path | None, typer.Option("--policy", help="policy.yaml to use instead of the case's own policy.")
]


def _summary_table(counts: dict[str, int], encodings: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"table": t, "rows": n, "file": f, "encoding": e} for t, n, f, e in _rows(counts, encodings)],
        columns=["table", "rows", "file", "encoding"],
    )


def _rows(counts: dict[str, int], encodings: dict[str, Any]) -> list[tuple[str, int, str, Any]]:
    out = []
    for t, n in counts.items():
        f = next((k for k in encodings if k == f"{t}.csv" or k.endswith(f"[{t}]")), f"{t}.csv")
        out.append((t, n, f, encodings.get(f)))
    return out


def _width(s: str) -> int:
    # Japanese full-width characters take two terminal columns
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _issues_text(issues: list[Issue]) -> str:
    """Left-aligned fixed-width table; nothing truncated (the user needs every message whole)."""
    cols = ["file", "row", "column", "value", "message"]
    cells = [
        [
            "" if v is None else str(v).replace("\n", " ")
            for v in (i.file, i.row, i.column, i.value, i.message)
        ]
        for i in issues
    ]
    widths = [max([_width(h), *(_width(r[j]) for r in cells)]) for j, h in enumerate(cols[:-1])]

    def line(rec: list[str]) -> str:
        padded = [c + " " * (w - _width(c)) for c, w in zip(rec, widths, strict=False)]
        return "  ".join([*padded, rec[-1]]).rstrip()

    rule = "  ".join(["-" * w for w in widths] + ["-------"])
    return "\n".join([line(cols), rule, *(line(r) for r in cells)])


@app.command("validate")
def validate(
    case: CaseArg,
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    policy: PolicyOpt = None,
    lang: LangOpt = None,
) -> None:
    """Check a case (folder or XLSX) and report every problem at once; exit 2 if any."""
    from prioritizer import door
    from prioritizer.cli.common import caller, clean_errors
    from prioritizer.errors import InputError

    del no_audit  # validate records no Run
    with clean_errors(fmt):
        who = caller(db, create=False)
    try:
        # Through the door: a reader sees the counts and the problems of the rows it may see;
        # problems in rows above its clearance are counted, never named.
        c = door.load_case(who, case, action="validate", policy_path=policy)
    except InputError as exc:
        counts = getattr(exc, "counts", None) or {}
        issues = exc.issues
        table = issues_table(issues)
        table["row"] = table["row"].astype("Int64")
        payload = {"valid": False, "errors": [i.as_dict() for i in issues], "counts": counts}
        if fmt is OutputFormat.json:
            text = dumps(payload)
        elif fmt is OutputFormat.csv:
            text = csv_text(table)
        else:
            text = f"{case}: {exc}\n\n{_issues_text(issues)}"
        write_text(text, out)
        sys.stderr.write(f"invalid case {case}: {exc}\n")
        raise typer.Exit(exc.exit_code) from None

    counts = c.counts()
    encodings = {
        df.attrs.get("file", ""): df.attrs.get("encoding") for t in counts if (df := c.table(t)) is not None
    }
    payload = {"valid": True, "errors": [], "counts": counts}
    summary = _summary_table(counts, encodings)
    if fmt is OutputFormat.json:
        text = dumps({**payload, "encodings": encodings})
    elif fmt is OutputFormat.csv:
        text = csv_text(summary)
    else:
        from prioritizer.presentation import table_string
        from prioritizer.text import t
        from prioritizer.text.tables import present

        lg = cli_lang(lang)
        lines = [t("cli.valid", lg, case=case), "", table_string(present(summary, lg), lg)]  # type: ignore[arg-type]
        if c.policy is not None:
            b = c.policy.budget
            budget = f"{b.total:g} 億円" if b.total is not None else "-"
            years = ", ".join(f"{y}: {v:g}" for y, v in sorted(b.years.items()))
            lines += [
                "",
                t(
                    "cli.policy_line",
                    lg,  # type: ignore[arg-type]
                    model=c.policy.model,
                    budget=budget,
                    years=t("cli.policy_years", lg, years=f"{{{years}}}") if years else "",  # type: ignore[arg-type]
                    limits=len(c.policy.limits),
                ),
            ]
        text = "\n".join(lines)
    write_text(text, out)
