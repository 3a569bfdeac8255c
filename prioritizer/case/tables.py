"""Raw text table + :class:`TableSpec` -> typed DataFrame, logging every cell problem.

Per table (the cross-table checks live in :mod:`prioritizer.case.checks`):

* header: required columns present; one-of groups satisfied; unknown columns that
  are a probable misspelling of a known one (``name_jp`` → ``name_ja``) reported;
* cells: parsed by kind (see :mod:`prioritizer.case.coerce`), range-checked, blanks
  filled with the documented default; non-blank required cells;
* ids: unique (the table key), no ``;`` inside project ids;
* extra columns: ``cost_<year>`` become numbers (blank = 0); other extra columns
  whose every cell is a number become numbers (criterion columns), and those named
  ``*_share`` / ``*_fraction`` must lie in 0..1; anything else stays text.

Bad cells are replaced by the default so that one mistake does not cascade into
reference errors elsewhere; the loader never returns a case with any issue.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from prioritizer.case import arrowcols, coerce, control
from prioritizer.case.arrowread import ArrowTable
from prioritizer.case.cells import cell_parser as _parser
from prioritizer.case.cells import range_message as _range_message
from prioritizer.case.readers import IssueLog, RawTable
from prioritizer.case.schemas import COST_YEAR, UNIT_INTERVAL_SUFFIXES, ColumnSpec, TableSpec


@dataclass
class TypedTable:
    spec: TableSpec
    file: str
    df: pd.DataFrame
    #: spreadsheet row of each data row
    rows: np.ndarray
    #: columns that were in the file (after renaming)
    present: set[str] = field(default_factory=set)
    encoding: str | None = None
    #: column -> mask of cells left blank in the file (present columns only)
    blank: dict[str, np.ndarray] = field(default_factory=dict)

    def row(self, i: int) -> int:
        return int(self.rows[i])

    def usable(self, column: str) -> bool:
        """The column exists in the file, so references to / from it can be checked."""
        return column in self.present


def _fast_floats(spec: ColumnSpec, cells: list[str], raw: RawTable, log: IssueLog) -> list[object] | None:
    """Vectorised path for a number column whose cells are all plain ASCII numbers or blank.

    Returns None when any cell needs the careful per-cell parser (thousands separators,
    full-width digits, words...), which then runs over the whole column.
    """
    s = pd.Series(cells, dtype=object)
    blank = (s == "").to_numpy()
    if spec.nonblank and blank.any():
        return None
    v = np.array(pd.to_numeric(s.where(~blank, "nan"), errors="coerce"), dtype=np.float64)
    if not (np.isfinite(v) | blank).all():
        return None
    v[blank] = spec.default
    bad = np.zeros(len(v), dtype=bool)
    if spec.ge is not None:
        bad |= v < spec.ge
    if spec.le is not None:
        bad |= v > spec.le
    for i in np.flatnonzero(bad):
        log.add(
            raw.file, raw.rows[i], spec.name, cells[i], _range_message(spec, float(v[i])) or "out of range"
        )
        v[i] = spec.default
    return v.tolist()


#: column kinds whose parser refuses any cell holding a control character
_PARSED_KINDS = frozenset({"float", "bool", "period", "year", "enum"})


def _fast_periods(spec: ColumnSpec, cells: list[str]) -> list[object] | None:
    """Vectorised check for a column of well-formed YYYY-MM months (else None: per-cell path)."""
    pattern = r"\d{4}(-(0[1-9]|1[0-2]))?" if spec.annual else r"\d{4}-(0[1-9]|1[0-2])"
    ok = pd.Series(cells, dtype="str").str.fullmatch(pattern)
    return list(cells) if bool(ok.all()) else None


def _parse_column(spec: ColumnSpec, cells: list[str], raw: RawTable, log: IssueLog) -> list[object]:
    # Large columns (flows) take a vectorised path when every cell is in the plain form;
    # the per-cell parsers below give the same values and the messages for anything else.
    if len(cells) > 64:
        fast = (
            _fast_floats(spec, cells, raw, log)
            if spec.kind == "float"
            else _fast_periods(spec, cells)
            if spec.kind == "period"
            else None
        )
        if fast is not None:
            return fast
    parse = _parser(spec)
    default = spec.default
    out: list[object] = []
    for i, cell in enumerate(cells):
        if cell == "":
            if spec.nonblank:
                log.add(
                    raw.file,
                    raw.rows[i],
                    spec.name,
                    "",
                    f"empty {spec.name}; fill in the {spec.name} of this row (it is required)",
                )
            out.append(list(default) if spec.kind == "idlist" else default)
            continue
        if parse is None:
            out.append(cell)
            continue
        v, msg = parse(cell)
        if msg is None and spec.kind == "float":
            msg = _range_message(spec, v)  # type: ignore[arg-type]
        if msg is not None:
            log.add(raw.file, raw.rows[i], spec.name, cell, msg)
            v = list(default) if spec.kind == "idlist" else default
        out.append(v)
    return out


def _series(spec_kind: str, values: list[object]) -> pd.Series | np.ndarray:
    if spec_kind in ("float",):
        return np.asarray(values, dtype=np.float64)
    if spec_kind == "bool":
        return np.asarray(values, dtype=bool)
    if spec_kind == "idlist":
        s = pd.Series([None] * len(values), dtype=object)
        for i, v in enumerate(values):
            s.iat[i] = v
        return s
    return pd.Series(values, dtype="str")


def _numeric_extra(name: str, cells: list[str], raw: RawTable, log: IssueLog, *, force: bool) -> object:
    """Parse an extra column as numbers if it is one (or must be one); None = keep as text."""
    vals: list[float] = []
    bad: list[tuple[int, str, str]] = []
    for i, cell in enumerate(cells):
        if cell == "":
            vals.append(0.0 if force else np.nan)
            continue
        v, msg = coerce.parse_float(cell)
        if msg is not None:
            if not force:
                return None
            bad.append((i, cell, msg))
            vals.append(0.0)
            continue
        assert isinstance(v, float)
        if v < 0 and force:
            bad.append(
                (i, cell, f"{name} cannot be negative; enter a cost ≥ 0 (億円) or leave it blank (= 0)")
            )
        elif name.endswith(UNIT_INTERVAL_SUFFIXES) and not 0 <= v <= 1:
            bad.append((i, cell, f"{name} is a share and must be between 0 and 1 (35% is 0.35)"))
        vals.append(v)
    if not any(c for c in cells) and not force:
        return None
    for i, cell, msg in bad:
        log.add(raw.file, raw.rows[i], name, cell, msg)
    return np.asarray(vals, dtype=np.float64)


def build_table(spec: TableSpec, raw: RawTable | ArrowTable, log: IssueLog) -> TypedTable:
    """Typed table from text cells: per cell for a :class:`RawTable`, per column for an
    :class:`ArrowTable` (:mod:`prioritizer.case.arrowcols`), with the same values and issues."""
    n = len(raw)
    present = set(raw.columns)
    data: dict[str, object] = {}
    # Header problems first: missing required columns, one-of groups, probable misspellings.
    for c in spec.columns:
        if c.required and c.name not in present:
            log.add(
                raw.file,
                1,
                c.name,
                None,
                f"missing required column '{c.name}'; add a column with the header {c.name}",
            )
    per_year = sorted(k for k in present if COST_YEAR.match(k)) if spec.name == "projects" else []
    for group in spec.one_of:
        names = [g for g in group if g != "cost_<year>"]
        if not any(g in present for g in names) and not ("cost_<year>" in group and per_year):
            log.add(
                raw.file,
                1,
                group[0],
                None,
                f"missing column: add at least one of {', '.join(group)}",
            )
    known = set(spec.names)
    for name in raw.columns:
        if name in known or COST_YEAR.match(name):
            continue
        close = difflib.get_close_matches(
            name.lower(), [k for k in known if k not in present], n=1, cutoff=0.85
        )
        if close:
            log.add(
                raw.file,
                1,
                name,
                name,
                f"unknown column '{name}' — did you mean '{close[0]}'? Rename the header to {close[0]}",
            )

    # Control characters (NUL, ESC, bidi overrides...) in any header or text cell: one vectorised pass per
    # column. Number, flag, period, year and enum cells are left to their parsers, which refuse such a
    # cell already (one issue per cell, not two).
    control.check_header(raw.file, list(raw.columns), log)
    kinds = {c.name: c.kind for c in spec.columns}
    for name, col in raw.columns.items():
        if kinds.get(name, "str") in _PARSED_KINDS or name in per_year:
            continue
        if isinstance(raw, ArrowTable):
            if raw.controls:
                control.check_arrow(raw.file, raw.rows, name, col, log)
        else:
            control.check_cells(raw.file, raw.rows, name, col, log)

    for c in spec.columns:
        if c.name not in present:
            data[c.name] = arrowcols.constant(c.kind, c.default, n)
        elif isinstance(raw, ArrowTable):
            data[c.name] = arrowcols.parse_column(c, raw.columns[c.name], raw, log)
        else:
            data[c.name] = _series(c.kind, _parse_column(c, raw.columns[c.name], raw, log))
    for name in raw.columns:
        if name in data:
            continue
        is_cost_year = bool(per_year) and name in per_year
        if isinstance(raw, ArrowTable):
            arr = raw.columns[name]
            num = arrowcols.numeric_extra(name, arr, raw, log, force=is_cost_year)
            data[name] = num if num is not None else arrowcols.text_series(arr)
        else:
            cells = raw.columns[name]
            num = _numeric_extra(name, cells, raw, log, force=is_cost_year)
            data[name] = num if num is not None else pd.Series(cells, dtype="str")

    df = pd.DataFrame(data, index=pd.RangeIndex(n)) if data else pd.DataFrame(index=pd.RangeIndex(n))
    df.attrs = {"file": raw.file, "encoding": raw.encoding}
    if isinstance(raw, ArrowTable):
        blank = dict(raw.blank)
    else:
        blank = {k: (np.asarray(v, dtype=object) == "").astype(bool) for k, v in raw.columns.items()}
    table = TypedTable(spec, raw.file, df, np.asarray(raw.rows, dtype=np.int64), present, raw.encoding, blank)

    for group in spec.row_one_of:
        if not all(g in df for g in group) or not any(g in present for g in group):
            continue
        empty = np.ones(n, dtype=bool)
        for g in group:
            empty &= (df[g] == "").to_numpy()
        for i in np.flatnonzero(empty):
            log.add(
                raw.file,
                table.row(i),
                group[0],
                "",
                f"fill in {' or '.join(group)} (both are empty)",
            )
    _check_key(table, log)
    return table


def _duplicated(df: pd.DataFrame, key: list[str]) -> np.ndarray:
    """``df.duplicated(subset=key, keep=False)`` through integer codes (hashing strings once per column)."""
    code = np.zeros(len(df), dtype=np.int64)
    size = 1
    for k in key:
        c, uniq = pd.factorize(df[k], use_na_sentinel=False)
        code = code * len(uniq) + c
        size *= len(uniq)
        if size > 8 * len(df) + (1 << 20):  # keep the codes dense enough to count with bincount
            code, uniq_codes = pd.factorize(code)
            size = len(uniq_codes)
    return np.bincount(code, minlength=size)[code] > 1


def _check_key(table: TypedTable, log: IssueLog) -> None:
    key = [k for k in table.spec.key if k in table.present]
    if not key or len(table.df) < 2:
        return
    df = table.df
    dup = _duplicated(df, key)
    if not dup.any():
        return
    # ignore rows whose key cells are blank: already reported as empty
    blank = np.zeros(len(df), dtype=bool)
    for k in key:
        blank |= (df[k].astype(str) == "").to_numpy() if df[k].dtype != np.float64 else False
    first: dict[tuple[object, ...], int] = {}
    for i in np.flatnonzero(dup & ~blank):
        kv = tuple(df[k].iat[i] for k in key)
        if kv not in first:
            first[kv] = i
            continue
        if len(key) == 1:
            log.add(
                table.file,
                table.row(i),
                key[0],
                kv[0],
                f"duplicate {key[0]} '{kv[0]}' (also at row {table.row(first[kv])}); ids must be unique — "
                "rename or delete one of the rows",
            )
        else:
            what = ", ".join(f"{k}={v}" for k, v in zip(key, kv, strict=True))
            log.add(
                table.file,
                table.row(i),
                ",".join(key),
                "; ".join(str(v) for v in kv),
                f"duplicate row for {what} (also at row {table.row(first[kv])}); merge the two rows "
                "into one or delete one",
            )
