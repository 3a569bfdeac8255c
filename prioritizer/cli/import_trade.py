"""``prioritizer import-trade SOURCE FILE... --map HS_MAP.csv --out CASE_DIR`` (DESIGN §6).

Reads Japan Customs, UN Comtrade or CEPII BACI files as published, maps HS codes to the
case's goods, converts values to 億円 and writes / merges ``flows.csv`` (plus
``exports.csv``, ``countries.csv``, ``world_supply.csv`` with ``--world``) atomically.
Prints rows read / used, unmapped codes with their values, goods without rows and the
partners added; records a Run with the input files' SHA-256 digests unless ``--no-audit``.
Note: here ``--out`` is the case folder (the contract's spelling); the report goes to stdout.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from prioritizer.case import journal
from prioritizer.cli import app
from prioritizer.cli.common import (
    ActorOpt,
    DbOpt,
    FormatOpt,
    LangOpt,
    NoAuditOpt,
    OutputFormat,
    ReasonOpt,
    caller,
    clean_errors,
    csv_text,
    dumps,
    write_text,
)


def _table(payload: dict[str, Any]) -> pd.DataFrame:
    from prioritizer import text
    from prioritizer.cli.common import cli_lang

    lang = cli_lang()
    rows: list[dict[str, Any]] = []

    def add(what: str, item: str, value: Any) -> None:
        rows.append(
            {text.field("trade_item", lang): text.vocab("trade_section", what, lang), "": item, " ": value}
        )

    add("rows", text.vocab("trade_count", "rows_read", lang), payload["rows_read"])
    add("rows", text.vocab("trade_count", "rows_used", lang), payload["rows_used"])
    for k, n in payload["excluded"].items():
        add("rows", text.vocab("trade_excluded", k, lang), n)
    add("rows", text.vocab("trade_count", "flows", lang), payload["flows"])
    add("rows", text.vocab("trade_count", "replaced", lang), payload.get("replaced", 0))
    if payload.get("tiers_kept"):
        add("rows", text.vocab("trade_count", "tiers_kept", lang), payload["tiers_kept"])
    for g, v in payload["totals_by_good"].items():
        add("goods", g, f"{v:,.2f} 億円")
    for g in payload["goods_without_rows"]:
        add("no_rows", g, "")
    for u in payload["unmapped_codes"][:30]:
        unit = text.vocab("trade_unit", u["value_unit"], lang)
        add("unmapped", u["hs"], f"{u['value']:,.0f} {unit}")
    if len(payload["unmapped_codes"]) > 30:
        add("unmapped", "…", len(payload["unmapped_codes"]) - 30)
    for p in payload["partners_added"]:
        add("partners_added", p["iso3"], p["name_ja"])
    for p in payload["problems"]:
        add("problems", p.get("good_id", p.get("code", "")), text.render(p, lang))
    return pd.DataFrame(rows)


def _resolve_unfinished(meta: dict[str, Any]) -> bool | None:
    """Record lookup for case loads in this process (an import cut short by a crash)."""
    from prioritizer.trade.commit import record_exists

    return record_exists(meta)


# Every command of this process that loads a case can finish or roll back an import cut short.
journal.register_record_lookup(_resolve_unfinished)


@app.command("import-trade")
def import_trade(
    source: Annotated[str, typer.Argument(help="japan-customs | comtrade | baci")],
    files: Annotated[list[Path], typer.Argument(help="Trade files as downloaded (CSV; Comtrade also JSON).")],
    hs_map: Annotated[Path, typer.Option("--map", help="HS map CSV: good_id,hs[,share],hs_edition[,note].")],
    case_dir: Annotated[Path, typer.Option("--out", "-o", help="Case folder to write or merge into.")],
    fx: Annotated[
        Path | None, typer.Option("--fx", help="FX CSV period,jpy_per_usd (Comtrade, BACI).")
    ] = None,
    reporter: Annotated[str, typer.Option("--reporter", help="Comtrade reporter, ISO3.")] = "JPN",
    importer: Annotated[str, typer.Option("--importer", help="BACI importer, ISO3.")] = "JPN",
    country_codes: Annotated[
        Path | None, typer.Option("--country-codes", help="BACI country_codes_V*.csv (or a code,iso3 table).")
    ] = None,
    world: Annotated[bool, typer.Option("--world", help="BACI: also write world_supply.csv.")] = False,
    hs_edition: Annotated[
        str | None,
        typer.Option("--hs-edition", help="HS edition of the files (2017 | 2022) if not detected."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; write nothing.")] = False,
    fmt: FormatOpt = OutputFormat.table,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    actor: ActorOpt = "",
    reason: ReasonOpt = "",
    lang: LangOpt = None,
) -> None:
    """Import official trade statistics into a case's flows.csv (values in 億円)."""
    from prioritizer.trade import api

    with clean_errors(fmt):
        from prioritizer import door

        # An import writes the case: it needs a signed-in planner or admin (or sign-in off).
        who = caller(db, actor, create=not no_audit)
        if not dry_run:
            door.enter(who, "import", target=str(case_dir))
        report = api.import_trade(
            source,
            list(files),
            hs_map,
            case_dir,
            fx=fx,
            reporter=reporter,
            importer=importer,
            country_codes=country_codes,
            world=world,
            hs_edition=hs_edition,
        )
        run_id = None
        if not dry_run:
            from prioritizer.trade.commit import commit

            # staged, recorded, then moved in: the case never changes without its record
            run_id = commit(
                report,
                actor=who.identity.actor,
                identity=who.identity.as_record(),
                reason=reason,
                db=db,
                audit=not no_audit,
            )
        payload = report.as_dict()
        payload["run_id"] = run_id
        if fmt is OutputFormat.json:
            text = dumps({"run_id": payload.pop("run_id"), **payload})
        else:
            t = _table(payload)
            text = csv_text(t) if fmt is OutputFormat.csv else t.to_string(index=False)
            if payload["run_id"]:
                text = f"run_id: {payload['run_id']}\n{text}"
        write_text(text, None)
    verb = "checked" if dry_run else "wrote"
    sys.stderr.write(f"{verb} {payload['flows']} flow rows for {case_dir}\n")
