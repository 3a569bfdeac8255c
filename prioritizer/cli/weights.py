"""``prioritizer weights ahp MATRIX.csv`` (DESIGN §5): AHP weights and Saaty consistency.

MATRIX.csv is square: criterion ids in the header row and the first column, judgements
a_ij ("row i is a_ij times as important as column j") as numbers or fractions (1/3).
Output: ``{"weights", "lambda_max", "ci", "cr", "consistent"}`` plus, when CR > 0.10,
``"most_inconsistent"`` and ``"suggestion"``. This command records no Run (it scores
nothing); ``--db`` and ``--no-audit`` are accepted for uniformity.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer

from prioritizer.cli import app
from prioritizer.cli.common import (
    ActorOpt,
    DbOpt,
    FormatOpt,
    LangOpt,
    NoAuditOpt,
    OutOpt,
    OutputFormat,
    clean_errors,
    render,
    write_text,
)
from prioritizer.errors import InputError, Issue
from prioritizer.model import parse_judgement

weights_app = typer.Typer(help="Weight elicitation tools.", no_args_is_help=True)
app.add_typer(weights_app, name="weights")


def read_matrix(path: Path) -> tuple[list[str], np.ndarray]:
    """Read a pairwise matrix CSV; raise InputError listing every bad cell and label mismatch."""
    f = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Issue(f, None, None, None, f"cannot read the file: {exc}")]) from None
    text = None
    for enc in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise InputError([Issue(f, None, None, None, "the file is neither UTF-8 nor Shift_JIS (CP932)")])
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise InputError(
            [Issue(f, None, None, None, "need a header row of criterion ids and one row per criterion")]
        )
    header = [c.strip() for c in rows[0][1:]]
    issues: list[Issue] = []
    labels = [r[0].strip() for r in rows[1:]]
    if labels != header:
        issues.append(
            Issue(
                f,
                1,
                None,
                ", ".join(labels),
                f"row labels must equal the header ids in the same order: {', '.join(header)}",
            )
        )
    n = len(header)
    a = np.full((len(rows) - 1, n), np.nan)
    for i, r in enumerate(rows[1:]):
        cells = r[1:]
        if len(cells) != n:
            issues.append(Issue(f, i + 2, None, len(cells), f"row has {len(cells)} judgements; expected {n}"))
            continue
        for j, cell in enumerate(cells):
            v = parse_judgement(cell)
            if isinstance(v, str) or v is None:
                issues.append(
                    Issue(f, i + 2, header[j], cell, "judgement must be a number or a fraction like 1/3")
                )
            else:
                a[i, j] = float(v)
    if issues:
        raise InputError(issues, f"cannot read {f}")
    from prioritizer.weights import ahp_matrix_issues

    bad = ahp_matrix_issues(a, header, f, "matrix")
    if bad:
        raise InputError(bad, f"{f} is not a positive reciprocal matrix")
    return header, a


@weights_app.command("ahp")
def ahp_cmd(
    matrix: Annotated[Path, typer.Argument(help="Square CSV: ids in the header row and first column.")],
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    lang: LangOpt = None,
) -> None:
    """AHP priorities (principal eigenvector), λmax, CI and CR (Saaty); flags CR > 0.10."""
    from prioritizer.weights import ahp

    with clean_errors(fmt):
        ids, a = read_matrix(matrix)
        res = ahp(a, ids).as_dict()
    table = pd.DataFrame({"criterion": list(res["weights"]), "weight": list(res["weights"].values())})
    if fmt is OutputFormat.table:
        text = render(res, table, fmt) + (
            f"\nlambda_max = {res['lambda_max']:.4f}  CI = {res['ci']:.4f}  "
            f"CR = {res['cr'] if res['cr'] is None else round(res['cr'], 4)}  consistent = {res['consistent']}"
        )
        if not res["consistent"]:
            text += f"\n{res['suggestion']['message_en']}\n{res['suggestion']['message_ja']}"
        write_text(text, out)
    else:
        write_text(render(res, table, fmt), out)


group_app = typer.Typer(
    help="Combine several members' judgements (decision conferencing).", no_args_is_help=True
)
weights_app.add_typer(group_app, name="group")


@group_app.command("ahp")
def group_ahp_cmd(
    files: Annotated[list[Path], typer.Argument(help="One pairwise matrix CSV per committee member.")],
    method: Annotated[str, typer.Option("--method", help="aij (judgements) | aip (priorities)")] = "aij",
    member_weights: Annotated[
        str | None, typer.Option("--member-weights", help="W,W,… one per file (default: equal).")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    lang: LangOpt = None,
) -> None:
    """Group AHP weights by AIJ (Aczél & Saaty 1983) or AIP (Forman & Peniwati 1998), each member's
    CR, the spread per criterion and Goepel's consensus indicator S*. Records no Run."""
    from prioritizer.weights_group import Member, group_ahp

    with clean_errors(fmt):
        members, issues = [], []
        for f in files:
            try:
                ids, a = read_matrix(f)
            except InputError as exc:  # every file's problems, not only the first file's
                issues.extend(exc.issues)
                continue
            members.append(Member(str(f), ids, a))
        if issues:
            raise InputError(issues, "cannot read the judgement matrices")
        res = group_ahp(members, method, member_weights)
    ids = list(res["weights"])
    table = pd.DataFrame(
        {
            "criterion": ids,
            "weight": [res["weights"][c] for c in ids],
            **{Path(m["file"]).stem: [m["weights"][c] for c in ids] for m in res["members"]},
            "sd": [res["spread"][c]["sd"] for c in ids],
        }
    )
    text = render(res, table, fmt)
    if fmt is OutputFormat.table:
        crs = ", ".join(
            f"{Path(m['file']).stem} CR={'—' if m['cr'] is None else round(m['cr'], 3)}"
            for m in res["members"]
        )
        text += f"\nmethod = {res['method']}  consensus S* = {res['consensus']:.3f} ({res['consensus_level']})\n{crs}"
    write_text(text, out)


# --------------------------------------------------------------------------- weights in force


def _who(db: str | None, actor: str, action: str):  # type: ignore[no-untyped-def]
    """The caller of a `weights` write (the door: a `login` session of a planner or admin)."""
    from prioritizer import door
    from prioritizer.cli.common import caller

    who = caller(db, actor)
    door.enter(who, action)
    return who


def _current_table(cur: dict) -> pd.DataFrame:
    from prioritizer.cli.common import cli_lang
    from prioritizer.text import t

    lang = cli_lang()
    rows = [
        {t("inforce.col.criterion", lang): c, t("inforce.col.weight", lang): w}
        for c, w in (cur["weights"] or {}).items()
    ]
    return pd.DataFrame(rows)


def _current_text(cur: dict, fmt: OutputFormat) -> str:
    from prioritizer.cli.common import cli_lang
    from prioritizer.text import render as say

    table = _current_table(cur)
    text = render(cur, table, fmt)
    if fmt is OutputFormat.table:
        kind = "inforce.line" if cur.get("source_run") else "inforce.none"
        from prioritizer.dates import jst_pair

        msg = {"kind": kind, **cur, **jst_pair(cur.get("adopted_at"))}
        text = say(msg, cli_lang()) + ("\n" + text if cur.get("weights") else "")
    return text


@weights_app.command("adopt")
def adopt_cmd(
    run: Annotated[str, typer.Argument(help="A weights or weights_group run id (or 'latest').")],
    case: Annotated[
        str, typer.Option("--case", help="The case (folder or name) whose weights these become.")
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="Why (required when a member's or the group's CR is above 0.1).")
    ] = "",
    actor: ActorOpt = "",
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
) -> None:
    """Make a committee's weights the case's weights in force (convener: planner or admin)."""
    from prioritizer.auth.adoption import adopt_weights

    with clean_errors(fmt):
        who = _who(db, actor, "weights.adopt")
        cur = adopt_weights(who.identity, run, case, who.store, reason)
        write_text(_current_text(cur, fmt), out)


@weights_app.command("current")
def current_cmd(
    case: Annotated[str, typer.Argument(help="The case (folder or name).")],
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
) -> None:
    """The case's weights in force: {weights, source_run, adopted_by, adopted_at} (null: the model's)."""
    from prioritizer.cli import in_force

    with clean_errors(fmt):
        write_text(_current_text(in_force.current(case, db), fmt), out)


round_app = typer.Typer(
    help="Judgement rounds: submissions stay hidden until the round closes.", no_args_is_help=True
)
weights_app.add_typer(round_app, name="round")


def _round(action: str, topic: str, actor: str, fmt: OutputFormat, out, db) -> None:  # type: ignore[no-untyped-def]
    from prioritizer.auth import committee

    with clean_errors(fmt):
        who = _who(db, actor, "weights.round")
        store = who.store
        fn = committee.open_round if action == "open" else committee.close_round
        fn(who.identity, topic, store)
        state = committee.round_state(store, topic)
        write_text(render(state, pd.DataFrame([state]), fmt), out)


@round_app.command("open")
def round_open_cmd(
    topic: Annotated[
        str, typer.Argument(help="The topic (as on the committee page; default: the case name).")
    ],
    actor: ActorOpt = "",
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
) -> None:
    """Open a round of judgements (convener)."""
    _round("open", topic, actor, fmt, out, db)


@round_app.command("close")
def round_close_cmd(
    topic: Annotated[str, typer.Argument(help="The topic.")],
    actor: ActorOpt = "",
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
) -> None:
    """Close the round: submissions become visible to every member (convener)."""
    _round("close", topic, actor, fmt, out, db)
