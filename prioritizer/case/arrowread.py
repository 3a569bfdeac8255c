"""Fast CSV reading with ``pyarrow.csv``: the same cells, rows and issues as :func:`readers.read_csv_bytes`.

The row-by-row reader (:mod:`prioritizer.case.readers`) is the reference. This one
parses with Arrow's C++ CSV reader (every column as text, no type guessing) and
reproduces the reference's rules on whole columns:

* the same encoding checks (:func:`readers.decode`; pure-ASCII bytes skip the decode);
* the header is the first record, parsed by Python's :mod:`csv` exactly as the
  reference does (same messages for an empty header or a tab/semicolon file);
* Arrow and :mod:`csv` agree on record splitting for the Excel dialect (quotes,
  doubled quotes, quoted newlines, ``\\r``/``\\n``/``\\r\\n``); an empty line comes back
  as an all-blank record, which both skip while counting it as a spreadsheet row;
* records with a different number of cells than the header reach Arrow's
  invalid-row handler with their record number; they are re-parsed with :mod:`csv`
  and padded / truncated / reported as the reference does;
* ``pyarrow.compute.utf8_trim_whitespace`` strips exactly the characters
  :meth:`str.strip` strips (checked over every code point in the tests).

Anything outside that envelope — Arrow raising, a record Arrow and :mod:`csv` could
disagree on, a cell longer than :mod:`csv`'s field limit — returns :data:`FALLBACK`
*before any issue is logged*, and the caller runs the reference reader instead.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from prioritizer.case import control
from prioritizer.case.arrowcols import blank_mask
from prioritizer.case.readers import IssueLog, canonical_headers, decode, header_problem

#: returned when the fast reader cannot vouch for the reference's result
FALLBACK: Final = "fallback"
#: Python's csv module refuses fields longer than this (csv.field_size_limit())
_FIELD_LIMIT = csv.field_size_limit()
_PREFIX = 1 << 16


@dataclass
class ArrowTable:
    """A table as stripped text columns in Arrow arrays (the fast twin of ``RawTable``)."""

    table: str
    file: str
    columns: dict[str, pa.ChunkedArray] = field(default_factory=dict)
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    encoding: str | None = None
    renamed: dict[str, str] = field(default_factory=dict)
    #: column -> mask of blank cells (computed once, used by every check)
    blank: dict[str, np.ndarray] = field(default_factory=dict)
    #: the file may hold a control character (case/control.py); False skips the per-column check
    controls: bool = True

    def __len__(self) -> int:
        return len(self.rows)


def _utf8(data: bytes, file: str, log: IssueLog) -> tuple[bytes | None, str | None]:
    """UTF-8 bytes for Arrow plus the encoding name, with :func:`decode`'s checks and messages."""
    if data.isascii() and not data.startswith(b"PK\x03\x04"):
        return data, "utf-8"
    text, enc = decode(data, file, log)
    if text is None:
        return None, None
    if enc == "cp932":
        return text.encode("utf-8"), enc
    return (data[3:] if enc == "utf-8-sig" else data), enc


def _first_record(utf8: bytes) -> list[str] | str | None:
    """The header record as :mod:`csv` reads it; None for an empty file; FALLBACK if unsure."""
    prefix = utf8[:_PREFIX].decode("utf-8", "ignore")
    sio = io.StringIO(prefix, newline="")
    try:
        rec = next(csv.reader(sio, strict=False), None)
    except csv.Error:
        return FALLBACK
    if rec is None:
        return None
    if len(utf8) > _PREFIX and sio.tell() >= len(prefix):
        return FALLBACK  # the header may continue past the prefix
    return rec


def read_csv_arrow(table: str, file: str, data: bytes, known: Any, log: IssueLog) -> ArrowTable | str | None:
    """Like :func:`readers.read_csv_bytes`, or :data:`FALLBACK` (nothing logged) to use it instead."""
    utf8, enc = _utf8(data, file, log)
    if utf8 is None:
        return None
    header = _first_record(utf8)
    if header is FALLBACK:
        return FALLBACK
    assert not isinstance(header, str)
    if header_problem(header, file, log):
        return None
    assert header is not None
    width = len(header)
    invalid: list[tuple[int | None, str, int]] = []

    def on_invalid(row: Any) -> str:
        invalid.append((row.number, row.text, row.actual_columns))
        return "skip"

    def parse(threads: bool) -> pa.Table:
        return pcsv.read_csv(
            pa.py_buffer(utf8),
            read_options=pcsv.ReadOptions(
                autogenerate_column_names=True, use_threads=threads, block_size=1 << 22
            ),
            parse_options=pcsv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=on_invalid
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={f"f{j}": pa.large_string() for j in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=False,  # validated above
            ),
        )

    try:
        tab = parse(threads=True)
        if invalid:  # Arrow knows a bad record's number only when it parses on one thread
            invalid.clear()
            tab = parse(threads=False)
    except (pa.ArrowException, ValueError, OSError):
        return FALLBACK
    if tab.num_columns != width or tab.num_rows == 0:
        return FALLBACK
    cols = [tab.column(j) for j in range(width)]
    if [c[0].as_py() for c in cols] != header:
        return FALLBACK
    for c in cols:
        if len(c) > 1 and pc.max(pc.binary_length(c)).as_py() > _FIELD_LIMIT:
            return FALLBACK  # csv would raise "field larger than field limit": let it say so
    # Record numbers (header = 1) of the rows Arrow kept; the others come from the handler.
    total = tab.num_rows + len(invalid)
    extra_rows: list[tuple[int, list[str]]] = []
    for number, text, actual in invalid:
        if number is None:
            return FALLBACK
        try:
            recs = list(csv.reader(io.StringIO(text, newline=""), strict=False))
        except csv.Error:
            return FALLBACK
        if len(recs) != 1 or len(recs[0]) != actual or any(len(c) > _FIELD_LIMIT for c in recs[0]):
            return FALLBACK
        extra_rows.append((number, recs[0]))
    kept = np.ones(total + 1, dtype=bool)
    kept[0] = False
    for number, _ in extra_rows:
        if not 2 <= number <= total:
            return FALLBACK
        kept[number] = False
    rows = np.flatnonzero(kept).astype(np.int64)  # record numbers of Arrow's rows 0..
    if len(rows) != tab.num_rows or rows[0] != 1:
        return FALLBACK

    # From here on the result is the reference's: log as it does.
    out = ArrowTable(table, file, encoding=enc, controls=control.may_hold_controls(utf8))
    names, out.renamed = canonical_headers(header, known, file, log)
    data_cols = [_strip(c.slice(1)) for c in cols]
    rows = rows[1:]
    forced = None
    if extra_rows:
        data_cols, rows, forced = _merge_invalid(out, data_cols, rows, extra_rows, width, log)
    blanks = [blank_mask(c) for c in data_cols]
    blank = np.logical_and.reduce(blanks) if blanks else np.zeros(len(rows), dtype=bool)
    if forced is not None:
        blank &= ~forced
    if blank.any():
        keep = pa.array(~blank)
        data_cols = [c.filter(keep) for c in data_cols]
        blanks = [b[~blank] for b in blanks]
        rows = rows[~blank]
    out.rows = rows
    for j, name in enumerate(names):
        if name is not None:
            continue
        filled = np.flatnonzero(~blanks[j])
        if len(filled):
            first = int(filled[0])
            log.add(
                file,
                int(rows[first]),
                f"#{j + 1}",
                data_cols[j][first].as_py(),
                f"column {j + 1} has values but no header name (or a duplicated one); "
                "give it a header or delete the column",
            )
    out.columns = {n: data_cols[j] for j, n in enumerate(names) if n is not None}
    out.blank = {n: blanks[j] for j, n in enumerate(names) if n is not None}
    return out


#: bytes that may begin or end a cell str.strip() would shorten: ASCII whitespace, and any
#: byte of a multi-byte character (a few of which are Unicode spaces)
_EDGE = np.zeros(256, dtype=bool)
_EDGE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_EDGE[0x80:] = True


def _strip(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """``str.strip`` of every cell; skipped when no cell starts or ends with a candidate byte."""
    for chunk in col.chunks:
        if len(chunk) == 0:
            continue
        _, offsets, data = chunk.buffers()
        if data is None:
            continue
        off = np.frombuffer(offsets, dtype=np.int64)[chunk.offset : chunk.offset + len(chunk) + 1]
        b = np.frombuffer(data, dtype=np.uint8)
        start, end = off[:-1], off[1:]
        full = end > start
        if _EDGE[b[start[full]]].any() or _EDGE[b[end[full] - 1]].any():
            return pc.utf8_trim_whitespace(col)
    return col


def _merge_invalid(
    out: ArrowTable,
    cols: list[pa.ChunkedArray],
    rows: np.ndarray,
    extra_rows: list[tuple[int, list[str]]],
    width: int,
    log: IssueLog,
) -> tuple[list[pa.ChunkedArray], np.ndarray, np.ndarray]:
    """Put the re-parsed short / long records back in file order, padded or truncated as the reference does."""
    fixed: list[list[str]] = []
    numbers: list[int] = []
    for number, rec in sorted(extra_rows):
        cells = [c.strip() for c in rec]
        if not any(cells):
            continue  # a blank record: skipped, as the reference skips it
        if len(cells) > width:
            extra = [c for c in cells[width:] if c]
            if extra:
                log.add(
                    out.file,
                    number,
                    None,
                    extra[0],
                    f"the row has {len(cells)} values but the header has {width} columns — probably an "
                    "unquoted comma inside a value; put that value in double quotes or remove the comma",
                )
        cells = cells[:width] + [""] * (width - len(cells))
        fixed.append(cells)
        numbers.append(number)
    all_rows = np.concatenate([rows, np.asarray(numbers, dtype=np.int64)])
    order = np.argsort(all_rows, kind="stable")
    merged = [
        pa.chunked_array([*c.chunks, pa.array([f[j] for f in fixed], type=c.type)], type=c.type).take(
            pa.array(order)
        )
        for j, c in enumerate(cols)
    ]
    # A record kept for its stray cells stays even if its first `width` cells are blank.
    kept = np.concatenate([np.zeros(len(rows), dtype=bool), np.ones(len(numbers), dtype=bool)])[order]
    return merged, all_rows[order], kept
