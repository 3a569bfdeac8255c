"""Whole-column twins of the per-cell parsers in :mod:`prioritizer.case.tables`.

A cell's fate — its typed value and its message, if any — depends on the cell's text
alone (see ``tables._parse_column``). So a column can be parsed exactly by parsing
each *distinct* text once (``pyarrow.compute.dictionary_encode``) with the very same
per-cell code, and broadcasting the results back; messages are then logged cell by
cell, in row order, with the cell's own row number — the reference's output.

Number columns have too many distinct values for that (3 M flow values), so cells of
the plain ASCII form ``[+-]digits[.digits][e[+-]digits]`` are cast by Arrow (fast_float
is correctly rounded, as is CPython's ``float``, so the doubles are identical) and
range-checked in numpy; every other cell (blank, ``1,200``, full-width digits, ``5%``,
``nan``, overflow to ``inf``...) goes through ``coerce.parse_float`` per distinct text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from prioritizer.case import coerce
from prioritizer.case.cells import cell_parser, range_message
from prioritizer.case.readers import IssueLog
from prioritizer.case.schemas import UNIT_INTERVAL_SUFFIXES, ColumnSpec

if TYPE_CHECKING:
    from prioritizer.case.arrowread import ArrowTable

Parser = Callable[[str], coerce.Parsed]

#: what CPython's float() and Arrow's cast both read, to the same double
PLAIN_NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"


def blank_mask(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.binary_length(arr).to_numpy()) == 0


def text_series(arr: pa.Array) -> pd.Series:
    """The ``dtype="str"`` Series ``pd.Series(list_of_cells, dtype="str")`` would give."""
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    return pd.Series(pd.array(arr, dtype="str"))


def constant(kind: str, default: object, n: int) -> object:
    """An absent column: ``n`` copies of the default, typed as ``tables._series`` types it."""
    if kind == "float":
        return np.full(n, default, dtype=np.float64)
    if kind == "bool":
        return np.full(n, bool(default), dtype=bool)
    if kind == "idlist":
        s = pd.Series([None] * n, dtype=object)
        for i in range(n):
            s.iat[i] = list(default)  # type: ignore[call-overload]
        return s
    cell = str(default).encode("utf-8")
    offsets = np.arange(n + 1, dtype=np.int64) * len(cell)
    arr = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(cell * n))
    return text_series(arr)


def _log_sorted(tab: ArrowTable, column: str, found: list[tuple[int, object, str]], log: IssueLog) -> None:
    for i, cell, msg in sorted(found, key=lambda f: f[0]):
        log.add(tab.file, int(tab.rows[i]), column, cell, msg)


def _distinct(arr: pa.Array) -> tuple[list[str], np.ndarray]:
    uniq = pc.unique(arr)
    idx = pc.index_in(arr, value_set=uniq)
    return uniq.to_pylist(), np.asarray(idx.to_numpy(zero_copy_only=False), dtype=np.int64)


def _cell(spec: ColumnSpec, cell: str, parse: Parser | None) -> tuple[object, str | None]:
    """One cell, exactly as the loop in ``tables._parse_column`` treats it."""
    default = list(spec.default) if spec.kind == "idlist" else spec.default
    if cell == "":
        if spec.nonblank:
            return default, f"empty {spec.name}; fill in the {spec.name} of this row (it is required)"
        return default, None
    if parse is None:
        return cell, None
    v, msg = parse(cell)
    if msg is None and spec.kind == "float":
        msg = range_message(spec, v)  # type: ignore[arg-type]
    return (default, msg) if msg is not None else (v, None)


def parse_column(spec: ColumnSpec, arr: pa.Array, tab: ArrowTable, log: IssueLog) -> object:
    """Typed values of one present spec column (as ``tables._series`` would build them)."""
    if spec.kind == "float":
        return _floats(spec, arr, tab, log)
    if spec.kind in ("id", "str"):
        blank = tab.blank[spec.name]
        if blank.any():
            if spec.nonblank:
                msg = _cell(spec, "", None)[1]
                assert msg is not None
                _log_sorted(tab, spec.name, [(int(i), "", msg) for i in np.flatnonzero(blank)], log)
            if spec.default != "":
                arr = pc.if_else(pa.array(blank), pa.scalar(spec.default, arr.type), arr)
        return text_series(arr)
    uniq, idx = _distinct(arr)
    parse = cell_parser(spec)
    res = [_cell(spec, u, parse) for u in uniq]
    bad = np.asarray([m is not None for _, m in res], dtype=bool)
    if bad.any():
        hits = np.flatnonzero(bad[idx])
        _log_sorted(tab, spec.name, [(int(i), uniq[idx[i]], res[idx[i]][1]) for i in hits], log)  # type: ignore[misc]
    if spec.kind == "bool":
        return np.asarray([v for v, _ in res], dtype=bool)[idx]
    if spec.kind == "idlist":
        s = pd.Series([None] * len(idx), dtype=object)
        for i, k in enumerate(idx):
            s.iat[i] = list(res[k][0])  # type: ignore[call-overload]  # a fresh list per cell
        return s
    if all(v == u for (v, _), u in zip(res, uniq, strict=True)):
        return text_series(arr)  # every cell is already its value (the usual case)
    values = pa.array([v for v, _ in res], type=pa.large_string())
    return text_series(values.take(pa.array(idx)))


def _plain_floats(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(values, ok): the cells in plain ASCII form that cast to a finite double."""
    n = len(arr)
    try:
        # Every cell is one Arrow reads; those it reads to a finite double CPython's float reads to
        # the same double (tests/test_case_engines.py), so only the non-finite ones need a look.
        v = np.asarray(pc.cast(arr, pa.float64()).to_numpy(), dtype=np.float64).copy()
        return v, np.isfinite(v)
    except pa.ArrowInvalid:
        pass
    v = np.full(n, np.nan)
    plain = pc.match_substring_regex(arr, PLAIN_NUMBER)
    mask = plain.to_numpy(zero_copy_only=False)
    if mask.any():
        v[mask] = pc.cast(arr.filter(plain), pa.float64()).to_numpy(zero_copy_only=False)
    return v, mask & np.isfinite(v)


def _floats(spec: ColumnSpec, arr: pa.Array, tab: ArrowTable, log: IssueLog) -> np.ndarray:
    v, ok = _plain_floats(arr)
    found: list[tuple[int, object, str]] = []
    rest = np.flatnonzero(~ok)
    if len(rest):
        uniq, idx = _distinct(arr.take(pa.array(rest)))
        parse = cell_parser(spec)
        res = [_cell(spec, u, parse) for u in uniq]
        for i, k in zip(rest, idx, strict=True):
            val, msg = res[k]
            v[i] = val  # type: ignore[assignment]
            if msg is not None:
                found.append((int(i), uniq[k], msg))
    bad = np.zeros(len(v), dtype=bool)
    with np.errstate(invalid="ignore"):
        if spec.gt is not None:
            bad |= ~(v > spec.gt)
        if spec.ge is not None:
            bad |= v < spec.ge
        if spec.le is not None:
            bad |= v > spec.le
    bad &= ok
    if bad.any():
        for i in np.flatnonzero(bad):
            msg = range_message(spec, float(v[i]))
            assert msg is not None
            found.append((int(i), arr[int(i)].as_py(), msg))
            v[i] = spec.default
    _log_sorted(tab, spec.name, found, log)
    return v


def numeric_extra(
    name: str, arr: pa.Array, tab: ArrowTable, log: IssueLog, *, force: bool
) -> np.ndarray | None:
    """Twin of ``tables._numeric_extra``: the column as numbers, or None to keep it as text."""
    v, ok = _plain_floats(arr)
    blank = tab.blank[name]
    if not force and blank.all():
        return None
    found: list[tuple[int, object, str]] = []
    rest = np.flatnonzero(~ok & ~blank)
    if len(rest):
        uniq, idx = _distinct(arr.take(pa.array(rest)))
        res = [coerce.parse_float(u) for u in uniq]
        if not force and any(m is not None for _, m in res):
            return None
        for i, k in zip(rest, idx, strict=True):
            val, msg = res[k]
            if msg is not None:
                found.append((int(i), uniq[k], msg))
                v[i] = 0.0
                ok[i] = False
            else:
                v[i] = val  # type: ignore[assignment]
                ok[i] = True
    v[blank] = 0.0 if force else np.nan
    if force:
        neg = ok & (v < 0)
        msg = f"{name} cannot be negative; enter a cost ≥ 0 (億円) or leave it blank (= 0)"
        found += [(int(i), arr[int(i)].as_py(), msg) for i in np.flatnonzero(neg)]
    else:
        neg = np.zeros(len(v), dtype=bool)
    if name.endswith(UNIT_INTERVAL_SUFFIXES):
        out = ok & ~neg & ~((v >= 0) & (v <= 1))
        msg = f"{name} is a share and must be between 0 and 1 (35% is 0.35)"
        found += [(int(i), arr[int(i)].as_py(), msg) for i in np.flatnonzero(out)]
    _log_sorted(tab, name, found, log)
    return v
