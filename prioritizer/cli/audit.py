"""``prioritizer audit log | show RUN | diff RUN_A RUN_B | verify | anchor | replay RUN`` (DESIGN §5).

Reading commands record nothing (``--no-audit`` is accepted for uniformity). Exit
codes: ``verify`` exits 3 when the chain is broken and names the first broken record;
``replay`` exits 1 when the replayed result differs from the record; a missing run
exits 2; an unreachable store exits 3.
"""

from __future__ import annotations

from typing import Annotated, Any

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
    cli_lang,
    csv_text,
    dumps,
    write_text,
)

audit_app = typer.Typer(
    name="audit",
    help="Audit trail: run log, one run in full, difference of two runs, integrity check, replay.",
    no_args_is_help=True,
)
app.add_typer(audit_app, name="audit")


RunArg = Annotated[str, typer.Argument(help="Run id (see `prioritizer audit log`), or 'latest'.")]


def _caller(db: str | None):  # type: ignore[no-untyped-def]
    from prioritizer.cli.common import caller

    return caller(db)


def canonical(v: Any) -> str:
    """A value as one line of canonical JSON (sorted keys), for the diff and replay tables."""
    import json

    return json.dumps(v, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _table(df: pd.DataFrame, fmt: OutputFormat, **how: Any) -> str:
    """CSV with the field names; for people, the table in the reader's language (:func:`cli_lang`)."""
    if fmt is OutputFormat.csv:
        return csv_text(df)
    from prioritizer.presentation import table_string
    from prioritizer.text.tables import present

    lang = cli_lang()
    return table_string(present(df, lang, **how), lang, max_colwidth=60)  # type: ignore[arg-type]


@audit_app.command("log")
def log(
    actor: Annotated[str | None, typer.Option("--actor", help="Only runs by this actor.")] = None,
    command: Annotated[
        str | None, typer.Option("--command", help="Only runs of this command (rank, allocate…).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this date (YYYY-MM-DD, UTC) or ISO datetime.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Up to this date (inclusive, UTC) or ISO datetime.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="At most this many runs (newest first).")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    lang: LangOpt = None,
) -> None:
    """Runs recorded in the audit store, newest first."""
    del no_audit
    with clean_errors(fmt):
        from prioritizer import door

        # Runs above the reader's clearance are not listed.
        runs = door.visible_runs(
            _caller(db), actor=actor, command=command, since=since, until=until, limit=limit
        )
        rows = [r.as_dict() for r in runs]
        if fmt is OutputFormat.json:
            write_text(dumps({"runs": rows}), out)
            return
        cols = ["run_id", "created_at", "command", "actor", "reason", "model_name", "method", "hash"]
        df = pd.DataFrame(rows, columns=cols)
        if fmt is OutputFormat.table:
            df["hash"] = df["hash"].str[:12]
            df["created_at"] = df["created_at"].str[:19]
        write_text(_table(df, fmt), out)


@audit_app.command("show")
def show(
    run_id: RunArg,
    files: Annotated[bool, typer.Option("--files", help="Include the input file contents (JSON).")] = False,
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    lang: LangOpt = None,
) -> None:
    """One run in full: who, when, why, inputs (SHA-256), model, method, weights, versions, result."""
    del no_audit
    with clean_errors(fmt):
        from prioritizer import door

        # Refused (and recorded) above the reader's clearance.
        run = door.stored_run(_caller(db), run_id, "audit.show")
        d = run.as_dict(files=files)
        if fmt is OutputFormat.json:
            write_text(dumps(d), out)
            return
        rows: list[tuple[str, str, Any]] = []
        for k in ("run_id", "command", "created_at", "actor", "reason", "case_path", "model_name", "hash"):
            rows.append(("run", k, d[k]))
        for name, info in sorted(d["input_files"].items()):
            rows.append(("input", name, f"sha256 {info['sha256']} ({info['size']} bytes)"))
        for k, v in (run.method or {}).items():
            rows.append(("method", k, v))
        for k, v in (run.weights or {}).items():
            rows.append(("weight", k, v))
        for k, v in (run.params or {}).items():
            if k not in ("model_snapshot", "policy_snapshot"):
                rows.append(("param", k, dumps(v) if isinstance(v, dict | list) else v))
        for k, v in (run.versions or {}).items():
            rows.append(("version", k, v))
        df = pd.DataFrame(rows, columns=["section", "field", "value"])
        if fmt is OutputFormat.table:  # field names as their labels where the catalogue has one
            from prioritizer.text import field, has_field

            df["field"] = [field(v, cli_lang(), unit=False) if has_field(v) else v for v in df["field"]]  # type: ignore[arg-type]
        text = _table(df, fmt, enums={"section": "audit_section"})
        if fmt is OutputFormat.table:
            from prioritizer.text import t

            text += "\n\n" + t("cli.result", cli_lang()) + ":\n" + dumps(run.result)  # type: ignore[arg-type]
        write_text(text, out)


@audit_app.command("diff")
def diff(
    run_a: Annotated[str, typer.Argument(help="Earlier run id.")],
    run_b: Annotated[str, typer.Argument(help="Later run id.")],
    lang: LangOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
) -> None:
    """What changed from RUN_A to RUN_B, in plain words: weights, inputs, method, ranks, funding."""
    del no_audit
    with clean_errors(fmt):
        from prioritizer import door

        d = door.diff(_caller(db), run_a, run_b)
        if fmt is OutputFormat.json:
            write_text(dumps(d.as_dict()), out)
        elif fmt is OutputFormat.csv:
            write_text(_table(_diff_rows(d), fmt), out)
        else:
            write_text(d.text(cli_lang(lang)), out)


def _diff_rows(d: Any) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for w in d.weights:
        rows.append({"what": "weight", "item": w["criterion"], "a": w["from"], "b": w["to"]})
    for kind, names in (
        ("added", d.inputs_added),
        ("removed", d.inputs_removed),
        ("changed", d.inputs_changed),
    ):
        rows += [{"what": f"input {kind}", "item": n, "a": None, "b": None} for n in names]
    for group, changes in (("method", d.method), ("param", d.params), ("version", d.versions)):
        rows += [
            {"what": group, "item": k, "a": canonical(a), "b": canonical(b)} for k, (a, b) in changes.items()
        ]
    rows += [{"what": "model", "item": m, "a": None, "b": None} for m in d.model]
    rows += [{"what": "rank", "item": m.id, "a": m.rank_a, "b": m.rank_b} for m in d.ranks]
    rows += [
        {"what": "funded_fraction", "item": f.id, "a": f.fraction_a, "b": f.fraction_b} for f in d.funded
    ]
    if d.spend_a is not None:
        rows.append({"what": "spend", "item": "total", "a": d.spend_a, "b": d.spend_b})
    return pd.DataFrame(rows, columns=["what", "item", "a", "b"])


@audit_app.command("verify")
def verify(
    anchor: Annotated[
        str | None,
        typer.Option(
            "--anchor",
            "--head",
            help="A head filed earlier outside the store (SEQ:HASH from `audit anchor`, a report or an "
            "approval; or the bare HASH): verify the chain still holds it (at that record).",
        ),
    ] = None,
    lang: LangOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
) -> None:
    """Check the hash chain and every stored row; exit 3 naming the first broken record."""
    del no_audit
    with clean_errors(fmt):
        who = _caller(db)
        from prioritizer import door

        door.enter(who, "audit.verify")
        rep = who.store.verify(anchor=anchor)
        if fmt is OutputFormat.json:
            write_text(dumps(rep.as_dict()), out)
        elif fmt is OutputFormat.csv:
            df = pd.DataFrame([p.as_dict() for p in rep.problems], columns=["seq", "kind", "ref", "reason"])
            write_text(_table(df, fmt) if rep.problems else "seq,kind,ref,reason\n", out)
        else:
            write_text(_verify_text(rep, cli_lang(lang)), out)
    if not rep.ok:
        if out is not None or fmt is not OutputFormat.table:
            typer.echo(f"error: audit trail broken at {rep.first_broken}", err=True)
        raise typer.Exit(3)


@audit_app.command("anchor")
def anchor(
    lang: LangOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
) -> None:
    """Print the chain's head (record number, hash, time) to publish outside the store.

    Later, `audit verify --anchor SEQ:HASH` proves the chain still holds that head: edits and
    deletions up to it, and records cut off the end, are then detected."""
    del no_audit
    with clean_errors(fmt):
        from prioritizer import door

        who = _caller(db)
        door.enter(who, "audit.anchor")
        head = who.store.head()
        if fmt is OutputFormat.json:
            write_text(dumps(head), out)
        elif fmt is OutputFormat.csv:
            write_text(_table(pd.DataFrame([head], columns=list(head)), fmt), out)
        else:
            from prioritizer.text import render

            shown = {**head, "recorded_at": head["recorded_at"] or "—"}  # an empty store has no record
            write_text(render({"kind": "anchor.head", **shown}, cli_lang(lang)), out)  # type: ignore[arg-type]


def _verify_text(rep: Any, lang: str) -> str:
    from prioritizer.text import render

    def say(kind: str, **kw: Any) -> str:
        return render({"kind": kind, **kw}, lang)  # type: ignore[arg-type]

    if rep.ok:
        lines = [say("verify.ok", n=rep.checked)]
        if rep.anchor:
            lines.append(say("verify.anchor", anchor=rep.anchor[:16], seq=rep.anchor_seq))
    else:
        lines = [say("verify.broken", where=str(rep.first_broken))]
        lines += [f"- {p}" for p in rep.problems[1:20]]
        if len(rep.problems) > 20:
            lines.append("- " + say("verify.more", n=len(rep.problems) - 20))
    lines.append(say("verify.head", hash=rep.head_hash, seq=rep.head_seq))
    return "\n".join(lines)


@audit_app.command("replay")
def replay(
    run_id: RunArg,
    lang: LangOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
) -> None:
    """Re-run a stored run from its snapshot; say whether the result is identical (exit 1 if not)."""
    del no_audit
    with clean_errors(fmt):
        from prioritizer import door

        rep = door.replay(_caller(db), run_id)
        if fmt is OutputFormat.json:
            write_text(dumps(rep.as_dict()), out)
        elif fmt is OutputFormat.csv:
            df = pd.DataFrame(
                [
                    {"path": d.path, "stored": canonical(d.stored), "replayed": canonical(d.replayed)}
                    for d in rep.differences
                ],
                columns=["path", "stored", "replayed"],
            )
            write_text(_table(df, fmt), out)
        else:
            write_text(rep.text(cli_lang(lang)), out)
    if not rep.identical:
        raise typer.Exit(1)
