"""``load_case``: a case folder or XLSX workbook -> validated :class:`Case`, or InputError.

Order of work (every step logs problems and carries on; nothing stops at the first):

1. read bytes -> text cells (:mod:`readers`: encodings, CSV / XLSX, row numbers);
2. text -> typed tables per schema (:mod:`tables`, :mod:`schemas`);
3. cross-table checks: references, cycles, costs, must in/out (:mod:`checks`);
4. policy: YAML -> pydantic :class:`Policy`, then checked against the tables.

If anything was logged, :class:`CaseInputError` (an :class:`InputError`) is raised
with every issue, sorted by file then row; otherwise a complete :class:`Case` is
returned. Nothing is cached between calls: every call reads the files again.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Literal

from prioritizer.case import checks, commandchecks, journal, pools
from prioritizer.case.arrowread import FALLBACK, ArrowTable, read_csv_arrow
from prioritizer.case.policy import Policy
from prioritizer.case.policyfile import read_policy_sheet, read_policy_yaml, validate_policy
from prioritizer.case.readers import IssueLog, RawTable, open_workbook, read_csv_bytes, read_sheet
from prioritizer.case.schemas import COST_YEAR, SCHEMAS
from prioritizer.case.tables import TypedTable, build_table
from prioritizer.case.types import TABLES, Case
from prioritizer.errors import InputError, Issue
from prioritizer.modelref import case_model_problem

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: ``"arrow"``: CSV tables through :mod:`arrowread` / :mod:`arrowcols` (whole columns), falling
#: back to the row-by-row reader for a file it cannot vouch for; ``"python"``: the row-by-row
#: reference everywhere. Both give the same frames and the same issues (tests/test_case_engines.py).
Engine = Literal["arrow", "python"]
POLICY_FILE = "policy.yaml"


class CaseInputError(InputError):
    """InputError from the case loader, with what could be read (for ``validate``'s summary)."""

    def __init__(
        self,
        issues: list[Issue],
        counts: dict[str, int] | None = None,
        encodings: dict[str, str | None] | None = None,
    ) -> None:
        super().__init__(issues)
        self.counts = counts or {}
        self.encodings = encodings or {}


class _Inputs:
    """What was read from disk: raw tables, policy data, raw bytes."""

    def __init__(self) -> None:
        self.raw: dict[str, RawTable | ArrowTable] = {}
        self.files: dict[str, bytes] = {}
        self.policy: Any = None
        self.policy_ok = True
        self.policy_file: str | None = None
        self.policy_rows: dict[str, int] = {}


def _known(table: str) -> tuple[str, ...]:
    return SCHEMAS[table].names


def _read_csv(
    table: str, file: str, data: bytes, log: IssueLog, engine: Engine
) -> RawTable | ArrowTable | None:
    if engine == "arrow":
        got = read_csv_arrow(table, file, data, _known(table), log)
        if got is not FALLBACK:
            return got  # type: ignore[return-value]
    return read_csv_bytes(table, file, data, _known(table), log)


def _read_folder(root: Path, log: IssueLog, inp: _Inputs, *, read_policy: bool, engine: Engine) -> None:
    by_lower = {p.name.lower(): p for p in sorted(root.iterdir()) if p.is_file()}
    for table, fname in TABLES.items():
        path = by_lower.get(fname)
        if path is None:
            continue
        data = path.read_bytes()
        inp.files[path.name] = data
        raw = _read_csv(table, path.name, data, log, engine)
        if raw is not None:
            inp.raw[table] = raw
    # A misspelt table file would silently switch a feature off: say so.
    stems = list(TABLES)
    for lname, path in by_lower.items():
        if not lname.endswith(".csv") or lname in TABLES.values():
            continue
        close = difflib.get_close_matches(lname[:-4], stems, n=1, cutoff=0.8)
        if close:
            log.add(
                path.name,
                None,
                None,
                None,
                f"file '{path.name}' is not a case table — did you mean '{close[0]}.csv'? Rename it",
            )
    pol = by_lower.get(POLICY_FILE) or by_lower.get("policy.yml")
    if pol is not None and read_policy:
        _read_policy_file(pol, log, inp)


def _read_policy_file(path: Path, log: IssueLog, inp: _Inputs) -> None:
    data = path.read_bytes()
    inp.files[path.name] = data
    inp.policy_file = path.name
    inp.policy, inp.policy_ok = read_policy_yaml(data, path.name, log)
    inp.policy_rows = {}


def _read_workbook(path: Path, log: IssueLog, inp: _Inputs, *, read_policy: bool) -> bool:
    data = path.read_bytes()
    inp.files[path.name] = data
    wb = open_workbook(data, path.name, log)
    if wb is None:
        return False
    try:
        sheets = {str(n).strip().lower(): n for n in wb.sheetnames}
        for table in TABLES:
            name = sheets.get(table)
            if name is None:
                continue
            file = f"{path.name}[{name}]"
            raw = read_sheet(table, file, wb[name], _known(table), log)
            if raw is not None:
                inp.raw[table] = raw
        known_sheets = [*TABLES, "policy"]
        for lname, name in sheets.items():
            if lname in known_sheets:
                continue
            close = difflib.get_close_matches(lname, known_sheets, n=1, cutoff=0.8)
            if close:
                log.add(
                    f"{path.name}[{name}]",
                    None,
                    None,
                    None,
                    f"sheet '{name}' is not a case table — did you mean '{close[0]}'? Rename the sheet",
                )
        if "policy" in sheets and read_policy:
            file = f"{path.name}[{sheets['policy']}]"
            inp.policy_file = file
            inp.policy, inp.policy_rows = read_policy_sheet(wb[sheets["policy"]], file, log)
            inp.policy_ok = inp.policy is not None
    finally:
        wb.close()
    return True


def _sort_key(issue: Issue, order: dict[str, int]) -> tuple[int, str, int, str]:
    base = issue.file.split("[")[-1].rstrip("]")
    stem = base.removesuffix(".csv")
    return (order.get(stem, len(order)), issue.file, issue.row or 0, issue.column or "")


def load_case(path: str | Path, policy_path: str | Path | None = None, *, engine: Engine = "arrow") -> Case:
    """Load and validate a case; raise :class:`CaseInputError` listing every problem.

    ``engine`` picks the CSV path (see :data:`Engine`); workbooks are always read cell by cell.
    """
    path = Path(path)
    log = IssueLog()
    inp = _Inputs()
    if not path.exists():
        raise CaseInputError(
            [
                Issue(
                    str(path),
                    None,
                    None,
                    None,
                    "no such folder or file; give a case folder (with goods.csv) or an .xlsx workbook",
                )
            ]
        )
    readable = False
    if path.is_dir():
        # an import cut short (crash, kill -9) is finished or rolled back before anything is read
        journal.recover(path)
        with journal.reading(path):
            _read_folder(path, log, inp, read_policy=policy_path is None, engine=engine)
        readable = True
    elif path.suffix.lower() in WORKBOOK_SUFFIXES:
        readable = _read_workbook(path, log, inp, read_policy=policy_path is None)
    elif path.suffix.lower() == ".xls":
        log.add(path.name, None, None, None, "old .xls workbooks are not supported; save it as .xlsx")
    elif path.suffix.lower() == ".csv":
        log.add(
            path.name, None, None, None, f"give the case folder ({path.parent}), not one CSV file inside it"
        )
    else:
        log.add(path.name, None, None, None, "a case is a folder of CSV files or one .xlsx workbook")
    if policy_path is not None:
        pp = Path(policy_path)
        if not pp.is_file():
            log.add(str(pp), None, None, None, "policy file not found; check the path")
        else:
            _read_policy_file(pp, log, inp)

    goods_file_problem = any(i.file == "goods.csv" or i.file.endswith("[goods]") for i in log.items)
    if readable and "goods" not in inp.raw and not goods_file_problem:
        where = "goods.csv in the folder" if path.is_dir() else "a sheet named 'goods' in the workbook"
        log.add(
            "goods.csv" if path.is_dir() else f"{path.name}[goods]",
            None,
            None,
            None,
            f"missing {where}; it is the one required table (columns id and name_ja or name_en)",
        )

    tables: dict[str, TypedTable] = {
        name: build_table(SCHEMAS[name], raw, log) for name, raw in inp.raw.items()
    }
    if "goods" in tables and len(tables["goods"].df) == 0:
        log.add(
            tables["goods"].file,
            2,
            "id",
            None,
            "goods has no data rows; add at least one good below the header",
        )
    policy: Policy | None = None
    if "goods" in tables:
        checks.normalise(tables)
        checks.iso3_format(tables, log)
        checks.references(tables, log)
        checks.flow_frequencies(tables, log)
        checks.cycles(tables, log)
        checks.project_costs(tables, log)
        checks.projects(tables, log)
        commandchecks.look_alike_ids(tables, log)
        commandchecks.solver_magnitudes(tables, log)
        commandchecks.world_supply(tables, log)
        commandchecks.scenarios(tables, log)
    if inp.policy_file is not None and inp.policy_ok:
        policy = validate_policy(inp.policy, inp.policy_file, inp.policy_rows, log)
        problem = None if policy is None else case_model_problem(policy.model, path)
        if problem is not None:  # a case names models inside itself or models/ only (modelref.py)
            log.add(inp.policy_file, inp.policy_rows.get("model"), "model", policy.model, problem)
        if policy is not None and "goods" in tables:
            checks.policy_checks(policy, tables, inp.policy_file, inp.policy_rows, log)
            commandchecks.policy_against_tables(policy, tables, inp.policy_file, inp.policy_rows, log)
            pools.check_tables(policy, tables, inp.policy_file, log)

    if log.items:
        order = {t: k for k, t in enumerate([*TABLES, "policy"])}
        issues = sorted(log.items, key=lambda i: _sort_key(i, order))
        raise CaseInputError(
            issues,
            counts={k: len(v) for k, v in inp.raw.items()},
            encodings={r.file: r.encoding for r in inp.raw.values()},
        )
    frames = {name: t.df for name, t in tables.items()}
    _order_columns(frames)
    return Case(root=path, policy=policy, files=inp.files, **frames)


def _order_columns(frames: dict[str, Any]) -> None:
    """Spec columns in spec order, then ``cost_<year>`` columns, then other extras as in the file."""
    for name, df in frames.items():
        spec = SCHEMAS[name].names
        first = [c for c in spec if c in df.columns]
        years = sorted(c for c in df.columns if COST_YEAR.match(str(c)) and c not in first)
        rest = [c for c in df.columns if c not in first and c not in years]
        attrs = df.attrs
        frames[name] = df[first + years + rest]
        frames[name].attrs = attrs
