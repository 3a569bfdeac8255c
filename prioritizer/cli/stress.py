"""``prioritizer stress``: a disruption played out month by month against a portfolio (DESIGN §6)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prioritizer.cli import app, in_force
from prioritizer.cli.common import (
    ActorOpt,
    CaseArg,
    DbOpt,
    FormatOpt,
    LangOpt,
    ModelOpt,
    NoAuditOpt,
    OutOpt,
    OutputFormat,
    ReasonOpt,
    caller,
    clean_errors,
    cli_lang,
    csv_text,
    dumps,
    write_text,
)
from prioritizer.errors import InputError, Issue


def _substitution(text: str | None) -> float | dict[str, float] | None:
    if text is None or not text.strip():
        return None
    if "=" not in text:
        try:
            return float(text)
        except ValueError:
            raise InputError(
                [
                    Issue(
                        "--substitution",
                        None,
                        "substitution",
                        text,
                        "a share per month (0–1) or GOOD=share,…",
                    )
                ]
            ) from None
    out: dict[str, float] = {}
    bad: list[Issue] = []
    for item in text.split(","):
        g, _, v = item.partition("=")
        try:
            out[g.strip()] = float(v)
        except ValueError:
            bad.append(
                Issue("--substitution", None, "substitution", item, "write GOOD=share (0–1 per month)")
            )
    if bad:
        raise InputError(bad)
    return out


@app.command("stress")
def stress_cmd(
    case: CaseArg,
    scenario: Annotated[
        str | None, typer.Option("--scenario", help="Scenario id(s), comma-separated.")
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every scenario, ranked worst first (the stress-test battery).")
    ] = False,
    run: Annotated[
        str | None,
        typer.Option(
            "--run",
            help="Portfolio: an allocate run id, 'latest', 'optimal' (solve the case now; default) or 'nothing'.",
        ),
    ] = None,
    months: Annotated[int, typer.Option("--months", help="Horizon in months.")] = 24,
    release: Annotated[
        str,
        typer.Option(
            "--release", help="Stock release rule: cover | hold | cap=25% | floor=30d | GOOD:cap=5, …"
        ),
    ] = "cover",
    substitution: Annotated[
        str | None,
        typer.Option("--substitution", help="Share of the loss substituted per month: 0.05 or GOOD=0.1,…"),
    ] = None,
    compare: Annotated[
        str | None,
        typer.Option(
            "--compare",
            help="Also play the scenarios against these portfolios: nothing,optimal,RUN,… (a table).",
        ),
    ] = None,
    with_: Annotated[
        list[Path] | None,
        typer.Option(
            "--with",
            help="An ally's signed bundle of its allocate run: its stock is played beside ours and the "
            "joint pools (repeatable; docs/allies.md).",
        ),
    ] = None,
    with_key: Annotated[
        str | None, typer.Option("--with-key", help="The ally's public key: checks who signed --with.")
    ] = None,
    lang_opt: LangOpt = None,
    model: ModelOpt = None,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="policy.yaml for the optimal allocation (--run optimal).")
    ] = None,
    actor: ActorOpt = "",
    reason: ReasonOpt = "",
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
) -> None:
    """Play a disruption month by month: supply lost, stock released, capacity added, shortfall."""
    from prioritizer import door
    from prioritizer.stress.portfolio import resolve

    with clean_errors(fmt):
        if bool(scenario) == all_:
            raise InputError(
                [
                    Issue(
                        "options",
                        None,
                        "--scenario / --all",
                        scenario,
                        "give --scenario ID[,ID…] or --all (one of the two)",
                    )
                ]
            )
        lang = cli_lang(lang_opt)
        from prioritizer.cli.allocate import _policy_snapshot

        who = caller(db, actor, create=not no_audit)
        c = door.load_case(who, case, action="stress")
        run = _visible_ref(who, run)
        what_if: dict = {}
        if model:
            what_if["model"] = model
        else:  # the optimal portfolio under the committee's adopted weights, if any
            what_if = in_force.apply(what_if, case, db, no_audit)
        snap = _policy_snapshot(policy)
        if snap is not None:
            what_if["policy_snapshot"] = snap
        port = resolve(c, run, db=db, what_if=what_if or None)
        params: dict = {"months": months, "release": release, "portfolio": port.to_params(), "lang": lang}
        if what_if.get("weights_source") and (run is None or run == "optimal"):
            params["weights_source"] = what_if["weights_source"]
        what_if.pop("weights_source", None)
        if all_:
            params["all"] = True
        else:
            params["scenarios"] = [s.strip() for s in (scenario or "").split(",") if s.strip()]
        if compare:
            params["compare"] = [
                resolve(c, _visible_ref(who, r.strip()), db=db).to_params()
                for r in compare.split(",")
                if r.strip()
            ]
        if with_:
            from prioritizer.bundle import read_public
            from prioritizer.bundle.ally import ally_stock

            key = read_public(with_key) if with_key else None
            params["allies"] = [ally_stock(p, key) for p in with_]
        sub = _substitution(substitution)
        if sub is not None:
            params["substitution"] = sub
        r = door.compute(who, "stress", c, params, reason=reason, record=not no_audit)
        payload = r.payload()
        write_text(_render(payload, r.output.table, fmt, cli_lang(lang_opt)), out)


def _visible_ref(who, ref: str | None) -> str | None:  # type: ignore[no-untyped-def]
    """A portfolio reference the reader may use: a stored run above its clearance is refused
    (and recorded); 'latest' is the newest allocation run it may see."""
    from prioritizer import door

    if ref is None or ref in ("optimal", "nothing"):  # None: the default, 'optimal'
        return ref
    if ref == "latest":
        runs = door.visible_runs(who, command="allocate")
        return runs[0].run_id if runs else ref
    return door.stored_run(who, ref, "audit.show").run_id


def _render(payload: dict, table, fmt: OutputFormat, lang: str) -> str:  # type: ignore[no-untyped-def]
    import pandas as pd

    from prioritizer.text import t, vocab

    if fmt is OutputFormat.json:
        return dumps(payload)
    if fmt is OutputFormat.csv:  # numbers as computed, headers in the reader's language
        from prioritizer.stress.service import table_of

        return csv_text(table_of(payload, lang, raw=True))
    key = f"text_{lang}"
    head = [f"run_id: {payload['run_id']}"] if payload.get("run_id") else []
    src = payload["portfolio_detail"]["source"]
    head.append(
        f"{t('stress.col.portfolio', lang)}: {vocab('stress_portfolio', src, lang)} ({payload['portfolio']})"
    )
    if "headline" in payload:
        head.append(payload["headline"][key])
        head.append(t("stress.battery.title", lang))
    else:
        head += [m[key] for m in payload["messages"]]
    from prioritizer.stress.service import COMPARE_COLUMNS, frame

    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250):
        text = "\n".join(head) + "\n" + table.to_string(index=False)
        if payload.get("comparison"):
            cmp = frame(payload["comparison"], COMPARE_COLUMNS, lang)
            text += "\n\n" + t("stress.compare.cli", lang) + "\n" + cmp.to_string(index=False)
        return text
