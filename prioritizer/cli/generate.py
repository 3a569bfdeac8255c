"""``prioritizer generate OUT_DIR``: write a synthetic case of any size (DESIGN §5).

The case is reproducible by ``--seed`` (same options → byte-identical files). The
command prints the rows written per table. ``generate`` records no Run — it reads
no case and decides nothing — so ``--db`` and ``--no-audit`` are accepted for
uniformity with the other commands and have no effect.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from prioritizer.cli import app
from prioritizer.cli.common import (
    DbOpt,
    FormatOpt,
    LangOpt,
    NoAuditOpt,
    OutOpt,
    OutputFormat,
    clean_errors,
    csv_text,
    dumps,
    write_text,
)


@app.command("generate")
def generate(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the case into (created if absent).")],
    goods: Annotated[int, typer.Option("--goods", help="Goods (rows of goods.csv).", min=1)] = 200,
    projects: Annotated[int, typer.Option("--projects", help="Candidate projects.", min=0)] = 100,
    scenarios: Annotated[int, typer.Option("--scenarios", help="Disruption scenarios.", min=0)] = 20,
    partners: Annotated[
        int, typer.Option("--partners", help="Supplier countries (0 = no countries.csv / flows.csv).", min=0)
    ] = 40,
    months: Annotated[
        int, typer.Option("--months", help="Months of import flows (0 = no flows.csv).", min=0)
    ] = 36,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed → identical files.", min=0)] = 0,
    start: Annotated[str, typer.Option("--start", help="First month of the flows, YYYY-MM.")] = "2024-01",
    force: Annotated[
        bool, typer.Option("--force", help="Replace the case files already in OUT_DIR.")
    ] = False,
    flow_source: Annotated[
        bool,
        typer.Option(
            "--flow-source/--no-flow-source",
            help="Write the constant source column in flows.csv (leave it out for large load tests).",
        ),
    ] = True,
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    lang: LangOpt = None,
) -> None:
    """Write a synthetic case (realistic skewed supplier shares, correlated criteria) to OUT_DIR."""
    from prioritizer.generate import generate_case, source_label

    del db, no_audit  # generate records no Run
    t0 = time.perf_counter()
    with clean_errors(fmt):
        counts = generate_case(
            out_dir,
            goods=goods,
            projects=projects,
            scenarios=scenarios,
            partners=partners,
            months=months,
            seed=seed,
            start_period=start,
            overwrite=force,
            flow_source=flow_source,
        )
    seconds = time.perf_counter() - t0
    files = {t: f"{t}.csv" for t in counts}
    payload = {
        "out_dir": str(out_dir),
        "seed": seed,
        "source": source_label(seed),
        "counts": counts,
        "files": [*files.values(), "policy.yaml"],
    }
    table = pd.DataFrame(
        [{"table": t, "rows": n, "file": files[t]} for t, n in counts.items()],
        columns=["table", "rows", "file"],
    )
    if fmt is OutputFormat.json:
        text = dumps(payload)
    elif fmt is OutputFormat.csv:
        text = csv_text(table)
    else:
        from prioritizer.cli.common import cli_lang
        from prioritizer.presentation import table_string
        from prioritizer.text import t
        from prioritizer.text.tables import present

        lang = cli_lang()
        shown = table_string(present(table, lang), lang)  # type: ignore[arg-type]
        text = f"{t('cli.generated', lang, out_dir=out_dir, seed=seed)}\n\n{shown}\n\n+ policy.yaml"  # type: ignore[arg-type]
    write_text(text, out)
    sys.stderr.write(f"wrote {sum(counts.values())} rows to {out_dir} in {seconds:.2f} s\n")
