"""Options and plumbing shared by every command (DESIGN §5 contract).

Every command accepts ``--format table|csv|json``, ``--out FILE``, ``--db URL`` and
``--no-audit``; scoring/allocating commands also ``--model``, ``--actor``, ``--reason``.
Errors derived from :class:`PrioritizerError` become a clean message and a non-zero
exit code — never a traceback.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import pandas as pd
import typer

from prioritizer.errors import InputError, Issue, PrioritizerError


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write output to FILE instead of stdout.")]
DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="Audit store URL (default: $PRIORITIZER_DB or the embedded SQLite file)."),
]
NoAuditOpt = Annotated[bool, typer.Option("--no-audit", help="Do not record this run (throw-away runs).")]
ModelOpt = Annotated[
    str | None, typer.Option("--model", "-m", help="Decision model: a name under models/ or a YAML path.")
]
ActorOpt = Annotated[
    str,
    typer.Option("--actor", help="A free note recorded beside the signed-in identity (never an account)."),
]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (recorded in the audit trail).")]
CaseArg = Annotated[Path, typer.Argument(help="Case folder (CSV files + policy.yaml) or one XLSX workbook.")]


def caller(db: str | None, actor: str = "", *, create: bool = True) -> Any:
    """The door's caller for this command (see :func:`prioritizer.door.cli_caller`)."""
    from prioritizer import door

    return door.cli_caller(db, note=actor, create=create)


def _jsonable(o: Any) -> Any:
    if isinstance(o, float) and not math.isfinite(o):
        return None
    if hasattr(o, "item"):
        return o.item()
    if isinstance(o, Path):
        return str(o)
    if isinstance(o, set | frozenset):
        return sorted(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def dumps_bytes(payload: Any) -> bytes:
    """Indented UTF-8 JSON for people and scripts, ending in a newline; non-finite numbers become
    null (JSON has no NaN).

    orjson, because the standard encoder falls back to pure Python when indenting: a national
    allocation (100,000 constraint rows) took 14 s to print that way, orjson takes well under 1 s.
    """
    opts = (
        orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_APPEND_NEWLINE
    )
    return orjson.dumps(payload, default=_jsonable, option=opts)


def dumps(payload: Any) -> str:
    return dumps_bytes(payload).decode("utf-8").removesuffix("\n")


def write_bytes(data: bytes, out: Path | None) -> None:
    if out is None:
        buf = getattr(sys.stdout, "buffer", None)
        if buf is None:  # a text-only stream (some test harnesses)
            sys.stdout.write(data.decode("utf-8"))
            return
        sys.stdout.flush()
        buf.write(data)
        buf.flush()
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)


def write_text(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


class Lang(StrEnum):
    ja = "ja"
    en = "en"


#: the ``--lang`` of the command being run (None: not given); set by the option's callback
_CHOSEN_LANG: ContextVar[str | None] = ContextVar("cli_chosen_lang", default=None)


def _remember_lang(value: Lang | None) -> Lang | None:
    _CHOSEN_LANG.set(None if value is None else str(value.value))
    return value


LangOpt = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        help="Language of the output for people (tables, text): ja | en. Default: $PRIORITIZER_LANG, else ja.",
        callback=_remember_lang,
    ),
]


def forget_lang() -> None:
    """Start a command with no ``--lang`` of an earlier one (many commands in one process: tests)."""
    _CHOSEN_LANG.set(None)


def cli_lang(given: Lang | str | None = None) -> str:
    """The reader's language, one rule for every command: ``--lang`` (``given``, else the one the
    option remembered), then ``$PRIORITIZER_LANG`` (ja | en), else Japanese like the app."""
    import os

    if given is not None:
        return str(given.value if isinstance(given, Lang) else given)
    chosen = _CHOSEN_LANG.get()
    if chosen is not None:
        return chosen
    lang = os.environ.get("PRIORITIZER_LANG", "ja").strip().lower()
    return lang if lang in ("ja", "en") else "ja"


@contextmanager
def stage_progress(
    var: Any, enabled: bool, label: Callable[[str], str], *, transient: bool = True
) -> Iterator[None]:
    """A rich progress bar per stage on stderr while a service reports through ``var``.

    ``var`` is the service's ContextVar holding a ``report(stage, done, total)`` callback; the bar
    shows only when ``enabled`` (a terminal), so piped output and JSON stay clean.
    """
    if not enabled:
        yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=transient,
    )
    tasks: dict[str, Any] = {}

    def report(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(label(stage), total=total)
        bar.update(tasks[stage], completed=done, total=total)

    token = var.set(report)
    try:
        with bar:
            yield
    finally:
        var.reset(token)


def table_text(table: pd.DataFrame, lang: str | None = None) -> str:
    """A table for people: localised headers and cells (the catalogue's), or a word when empty.

    ``--format csv`` and ``json`` keep the field names, because scripts read those.
    """
    from prioritizer.text import t
    from prioritizer.text.tables import present

    lang = lang or cli_lang()
    if table.empty:
        return t("cli.none", lang)  # type: ignore[arg-type]
    shown = present(table, lang)  # type: ignore[arg-type]
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250):
        return shown.to_string(index=False)


def csv_text(table: pd.DataFrame) -> str:
    """``--format csv`` of a table: text cells a spreadsheet would run as a formula get a leading
    ``'`` (prioritizer/csvsafe.py); numbers and JSON are never changed."""
    from prioritizer.csvsafe import to_csv

    return to_csv(table)


def render(payload: dict[str, Any], table: pd.DataFrame | None, fmt: OutputFormat) -> str:
    if fmt is OutputFormat.json or table is None:
        return dumps(payload)
    if fmt is OutputFormat.csv:
        return csv_text(table)
    head = f"run_id: {payload['run_id']}\n" if payload.get("run_id") else ""
    return head + table_text(table)


def issues_table(issues: list[Issue]) -> pd.DataFrame:
    return pd.DataFrame([i.as_dict() for i in issues], columns=["file", "row", "column", "value", "message"])


def report_error(exc: PrioritizerError, fmt: OutputFormat = OutputFormat.table) -> None:
    if isinstance(exc, InputError):
        if fmt is OutputFormat.json:
            sys.stderr.write(dumps({"error": str(exc), "errors": [i.as_dict() for i in exc.issues]}) + "\n")
        else:
            sys.stderr.write(f"error: {exc}\n")
            with pd.option_context(
                "display.max_rows", None, "display.max_colwidth", 120, "display.width", 250
            ):
                sys.stderr.write(issues_table(exc.issues).to_string(index=False) + "\n")
    else:
        sys.stderr.write(f"error: {exc}\n")


@contextmanager
def clean_errors(fmt: OutputFormat = OutputFormat.table) -> Iterator[None]:
    """Turn library errors into a message and exit code; let programming errors surface."""
    try:
        yield
    except PrioritizerError as exc:
        report_error(exc, fmt)
        raise typer.Exit(exc.exit_code) from None


def reader_table(
    command: str,
    then: Callable[[dict[str, Any], pd.DataFrame | None, OutputFormat], str | None] | None = None,
) -> Callable[[dict[str, Any], pd.DataFrame | None, OutputFormat], str | None]:
    """A ``present`` for :func:`run_service`: ``--format table`` shows ``command``'s table through the
    presentation layer in the reader's language (:func:`cli_lang`); CSV stays the service's fields.
    ``then`` is a command's own presenter, asked first (None from it: the table as here)."""

    def show(payload: dict[str, Any], table: pd.DataFrame | None, fmt: OutputFormat) -> str | None:
        text = then(payload, table, fmt) if then is not None else None
        if text is not None or fmt is not OutputFormat.table:
            return text
        from prioritizer.presentation import command_table, table_string

        lang = cli_lang()
        shown = command_table(command, payload, table, lang)  # type: ignore[arg-type]
        if shown is None:
            return None
        head = f"run_id: {payload['run_id']}\n" if payload.get("run_id") else ""
        return head + table_string(shown, lang)  # type: ignore[arg-type]

    return show


def run_service(
    command: str,
    case_path: Path,
    params: dict[str, Any],
    *,
    fmt: OutputFormat,
    out: Path | None,
    db: str | None,
    no_audit: bool,
    actor: str = "",
    reason: str = "",
    table_of: Callable[[dict[str, Any]], pd.DataFrame] | None = None,
    present: Callable[[dict[str, Any], pd.DataFrame | None, OutputFormat], str | None] | None = None,
) -> dict[str, Any]:
    """Load the case, run the service, record the Run (unless --no-audit) and print it.

    ``present(payload, table, fmt)`` lets a command print ``table``/``csv`` its own way (a headline above
    the table, another table); returning None keeps the default rendering. JSON is never changed.
    """
    from prioritizer import door

    with clean_errors(fmt):
        # The door establishes who asks (a `login` session, no session, or sign-in off),
        # filters the case to that reader's clearance and records the Run as that account;
        # --actor is only a note beside it.
        caller = door.cli_caller(db, note=actor, create=not no_audit)
        run = door.compute(caller, command, case_path, params, reason=reason, record=not no_audit)
        run.case_files = {}  # recorded (or not wanted): the snapshots are not printed
        payload = run.payload()
        if fmt is OutputFormat.json:  # bytes straight out: no second copy of a 100 MB document
            write_bytes(dumps_bytes(payload), out)
            return payload
        table = run.output.table
        if table is None and table_of is not None:
            table = table_of(payload)
        text = present(payload, table, fmt) if present is not None else None
        write_text(text if text is not None else render(payload, table, fmt), out)
        return payload
