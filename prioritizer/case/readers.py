"""Turn the bytes of a case file into raw text cells, recording every problem.

Everything is read as text first, so that the loader — not a CSV library's type
guessing — decides what a cell means and can say exactly which cell is wrong.

* Text encodings: UTF-8 with or without BOM is tried strictly first, then CP932
  (Windows Shift_JIS, what Japanese Excel writes for "CSV (comma delimited)").
  UTF-16 ("Unicode text") and undecodable files are rejected with a message
  saying to save the file as "CSV UTF-8".
* Row numbers are spreadsheet rows: the header is row 1, the first data row 2;
  blank lines count (Excel shows them as rows) but are skipped.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from prioritizer import yamlsafe
from prioritizer.errors import Issue

_PUA = re.compile("[\ue000-\uf8ff]")
SAVE_AS_UTF8 = "open it in Excel and save it as 'CSV UTF-8 (comma delimited)' (CSV UTF-8（コンマ区切り）)"


#: characters a case cell may not hold (case/control.py): C0 controls but tab, LF and CR; DEL; C1
#: controls; bidirectional embedding, override and isolate controls
CONTROL_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
CONTROL = re.compile(f"[{CONTROL_CLASS}]")


def visible(text: str) -> str:
    """``text`` with each refused control character written as an escape (safe to print and store)."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) <= 0xFF else f"\\u{ord(m.group()):04x}", text
    )


class IssueLog:
    """Collects :class:`Issue` records; the loader raises once, at the end."""

    def __init__(self) -> None:
        self.items: list[Issue] = []

    def add(self, file: str, row: int | None, column: str | None, value: Any, message: str) -> None:
        if isinstance(value, float) and value != value:  # NaN says nothing to a reader
            value = None
        # An issue quotes the file: a control character in it (an ESC sequence, NUL, a bidi
        # override) is shown as an escape, never sent raw to a terminal, a page or the store.
        if isinstance(value, str):
            value = visible(value)
        self.items.append(Issue(file, row, visible(column) if column else column, value, visible(message)))

    def __len__(self) -> int:
        return len(self.items)


@dataclass
class RawTable:
    """One table as text: header names (canonical where recognised) and cells per column."""

    table: str
    #: name used in issues: ``goods.csv`` or ``case.xlsx[goods]``
    file: str
    columns: dict[str, list[str]] = field(default_factory=dict)
    #: spreadsheet row number of each data row
    rows: list[int] = field(default_factory=list)
    encoding: str | None = None
    #: header name as written -> canonical name (only where they differ)
    renamed: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)


def decode(data: bytes, file: str, log: IssueLog) -> tuple[str | None, str | None]:
    """Return ``(text, encoding)``; ``(None, None)`` after logging why the bytes cannot be read."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        log.add(file, None, None, None, f"the file is UTF-16 (Excel 'Unicode text'); {SAVE_AS_UTF8}")
        return None, None
    if data.startswith(b"PK\x03\x04"):
        log.add(file, None, None, None, "this is an Excel workbook saved under a .csv name; " + SAVE_AS_UTF8)
        return None, None
    try:
        enc = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
        return data.decode("utf-8-sig"), enc
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp932")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            # CP932 maps bytes 0xF0-0xFC (lead) and 0xFD-0xFF to private-use characters that no
            # Japanese Excel file contains: such a "decoding" means the file is in some other encoding.
            pua = _PUA.search(text)
            if pua is None:
                return text, "cp932"
            line = text.count("\n", 0, pua.start()) + 1
            log.add(
                file,
                line,
                None,
                None,
                f"the file is neither UTF-8 nor Shift_JIS/CP932 (line {line} decodes only to private-use "
                f"characters); {SAVE_AS_UTF8}",
            )
            return None, None
        pos = utf8_error.start
        line = data.count(b"\n", 0, pos) + 1
        log.add(
            file,
            line,
            None,
            f"0x{data[pos]:02x}",
            f"undecodable byte 0x{data[pos]:02x} at byte {pos} (line {line}): the file is neither UTF-8 "
            f"nor Shift_JIS/CP932; {SAVE_AS_UTF8}",
        )
        return None, None


def _header_name(raw: Any) -> str:
    s = "" if raw is None else str(raw)
    s = s.replace("\ufeff", "").strip()
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).strip()
    return s


def canonical_headers(
    header: Sequence[str], known: Iterable[str], file: str, log: IssueLog
) -> tuple[list[str | None], dict[str, str]]:
    """Map header cells to column names: known names matched case-insensitively.

    Returns one name per position (``None`` = column without header) and the renames.
    Duplicated names are logged; the later duplicate is dropped (``None``).
    """
    by_lower = {k.lower(): k for k in known}
    names: list[str | None] = []
    renamed: dict[str, str] = {}
    seen: dict[str, int] = {}
    for j, h in enumerate(header):
        name = _header_name(h)
        if not name:
            names.append(None)
            continue
        canon = by_lower.get(name.lower(), name)
        if canon.lower().startswith("cost_"):
            canon = canon.lower()
        if canon != name:
            renamed[name] = canon
        if canon in seen:
            log.add(
                file,
                1,
                canon,
                h,
                f"column '{canon}' appears twice (columns {seen[canon] + 1} and {j + 1}); "
                "delete or rename one of them",
            )
            names.append(None)
            continue
        seen[canon] = j
        names.append(canon)
    return names, renamed


def _fill(
    table: RawTable,
    records: Iterable[tuple[int, Sequence[str]]],
    names: list[str | None],
    log: IssueLog,
) -> None:
    """Distribute data records into columns; skip blank rows; log stray cells."""
    width = len(names)
    kept: list[list[str]] = []
    for rownum, rec in records:
        cells = [c.strip() for c in rec]
        if not any(cells):
            continue
        if len(cells) > width:
            extra = [c for c in cells[width:] if c]
            if extra:
                log.add(
                    table.file,
                    rownum,
                    None,
                    extra[0],
                    f"the row has {len(cells)} values but the header has {width} columns — probably an "
                    "unquoted comma inside a value; put that value in double quotes or remove the comma",
                )
            cells = cells[:width]
        elif len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        kept.append(cells)
        table.rows.append(rownum)
    cols: list[list[str]] = [list(c) for c in zip(*kept, strict=True)] if kept else [[] for _ in names]
    for j, name in enumerate(names):
        if name is not None:
            continue
        # A header cell that is empty (or duplicated) while the column holds data: the data would be lost.
        first = next((i for i, c in enumerate(cols[j]) if c), None)
        if first is not None:
            log.add(
                table.file,
                table.rows[first],
                f"#{j + 1}",
                cols[j][first],
                f"column {j + 1} has values but no header name (or a duplicated one); "
                "give it a header or delete the column",
            )
    table.columns = {n: cols[j] for j, n in enumerate(names) if n is not None}


def header_problem(header: Sequence[str] | None, file: str, log: IssueLog) -> bool:
    """Log why the first record cannot be a header (none, blank, tab/semicolon-separated)."""
    if header is None or not any(c.strip() for c in header):
        log.add(file, 1, None, None, "the first row must be the header (column names); the file has none")
        return True
    if len(header) == 1 and ("\t" in header[0] or ";" in header[0]):
        sep = "tab" if "\t" in header[0] else "semicolon"
        log.add(
            file,
            1,
            None,
            header[0],
            f"the file looks {sep}-separated; case files must be comma-separated — " + SAVE_AS_UTF8,
        )
        return True
    return False


def read_csv_bytes(
    table: str, file: str, data: bytes, known: Iterable[str], log: IssueLog
) -> RawTable | None:
    text, enc = decode(data, file, log)
    if text is None:
        return None
    out = RawTable(table, file, encoding=enc)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=False)
        records = [(i + 1, rec) for i, rec in enumerate(reader)]
    except csv.Error as exc:
        log.add(file, None, None, None, f"not a readable CSV file ({exc}); {SAVE_AS_UTF8}")
        return None
    if header_problem(records[0][1] if records else None, file, log):
        return None
    header = records[0][1]
    names, out.renamed = canonical_headers(header, known, file, log)
    _fill(out, records[1:], names, log)
    return out


# ----------------------------------------------------------------------------- XLSX


def xlsx_cell_text(v: Any) -> str:
    """Text form of a workbook cell, as the CSV path would have it."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime | dt.date):
        # Excel turns a typed "2024-01" into the date 2024-01-01: give the month back.
        if isinstance(v, dt.datetime) and v.time() != dt.time(0):
            return v.isoformat(sep=" ")
        return f"{v.year:04d}-{v.month:02d}" if v.day == 1 else f"{v.year:04d}-{v.month:02d}-{v.day:02d}"
    return str(v).strip()


def open_workbook(data: bytes, file: str, log: IssueLog) -> Any:
    import zipfile

    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        log.add(
            file,
            None,
            None,
            None,
            f"not a readable .xlsx workbook ({type(exc).__name__}: {exc}); save it from Excel as "
            "'Excel Workbook (*.xlsx)'",
        )
        return None


def sheet_records(ws: Any) -> list[tuple[int, list[str]]]:
    ws.reset_dimensions()  # some writers store a wrong sheet size; read what is there
    return [
        (i + 1, [xlsx_cell_text(v) for v in row])
        for i, row in enumerate(ws.iter_rows(min_row=1, values_only=True))
    ]


def read_sheet(table: str, file: str, ws: Any, known: Iterable[str], log: IssueLog) -> RawTable | None:
    records = sheet_records(ws)
    if not records or not any(records[0][1]):
        log.add(file, 1, None, None, "row 1 of the sheet must be the header (column names); it is empty")
        return None
    out = RawTable(table, file, encoding="xlsx")
    names, out.renamed = canonical_headers(records[0][1], known, file, log)
    _fill(out, records[1:], names, log)
    return out


# ----------------------------------------------------------------------------- YAML


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that records duplicated mapping keys (plain YAML keeps the last silently)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[Any, int]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            try:
                key = self.construct_object(key_node, deep=True)
                hash(key)
            except (TypeError, yaml.YAMLError):
                continue
            if key in seen:
                self.duplicates.append((key, key_node.start_mark.line + 1))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str, file: str, log: IssueLog) -> tuple[Any, bool]:
    """Parse YAML text; returns ``(data, ok)``. Syntax errors and duplicated keys are logged."""
    loader: _UniqueKeyLoader | None = None
    try:
        # anchors, aliases and deep nesting are refused before anything is built (yamlsafe.py)
        yamlsafe.check(text, yaml.SafeLoader)
        # the constructor already rejects unprintable characters, so it belongs inside the try
        loader = _UniqueKeyLoader(text)
        data = loader.get_single_data()
    except yamlsafe.YamlRefused as exc:
        log.add(file, None, None, None, f"{exc.where()}{exc.message}")
        return None, False
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        log.add(
            file,
            None,
            None,
            None,
            f"YAML syntax error at {where}{problem}; check indentation (spaces, not tabs) and that "
            "every 'key: value' has a space after the colon",
        )
        return None, False
    finally:
        if loader is not None:
            loader.dispose()
    for key, line in loader.duplicates:
        log.add(
            file, None, str(key), None, f"key '{key}' is given twice (second time at line {line}); keep one"
        )
    return data, not loader.duplicates
