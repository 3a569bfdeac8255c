"""Control characters in case cells: an error naming the file, row and column.

A NUL, an escape sequence (``\\x1b[31m``) or a bidirectional override (U+202E, the "Trojan
source" trick that shows ``gallium`` for ``muillag``) has no place in a case: it is invisible
in a spreadsheet, can end strings early in other tools, recolour a terminal, or make a name
read differently from what it is. Refused: C0 controls except tab, line feed and carriage
return (which a quoted CSV cell or an XLSX cell may hold), DEL, C1 controls (U+0080–U+009F) and
the bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069).

Checked once per column, vectorised: ``pyarrow.compute.match_substring_regex`` on an Arrow
column (engine ``arrow``), pandas ``str.contains`` on the reference reader's cells (engine
``python`` and workbooks); only the cells that match are looked at one by one, so both engines
log the same issues.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from prioritizer.case.readers import CONTROL, IssueLog, visible

_PY = CONTROL
#: the same class for RE2 (Arrow), written with escapes
_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}\x{202a}-\x{202e}\x{2066}-\x{2069}]"

_NAMES = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL"}

#: every byte that cannot start or be a refused character in UTF-8 (C1 controls begin with 0xC2,
#: the bidi controls with 0xE2): deleting these from a file leaves nothing when it is clean
_INNOCENT = bytes(sorted(set(range(256)) - {*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xC2, 0xE2}))


def may_hold_controls(utf8: bytes) -> bool:
    """False when the UTF-8 bytes of a whole file certainly hold no refused character.

    One C pass (``bytes.translate`` deleting every innocent byte, about 1 GB/s), so the
    national case's 200 MB flows.csv costs a tenth of a second and no per-column pass; a file
    with any 0xC2/0xE2 lead byte (e.g. "—") gets the exact per-column check.
    """
    return bool(utf8.translate(None, _INNOCENT))


def _name(ch: str) -> str:
    return _NAMES.get(ch) or unicodedata.name(ch, "") or "control character"


def _log(file: str, row: int, column: str, cell: str, log: IssueLog) -> None:
    found = sorted(set(_PY.findall(cell)), key=cell.index)
    what = ", ".join(f"U+{ord(c):04X} ({_name(c)})" for c in found)
    log.add(
        file,
        row,
        visible(column),
        visible(cell),
        f"the cell holds the control character {what}; delete it (a cell may hold text, tabs and "
        "line breaks, but no invisible control characters)",
    )


def check_header(file: str, names: Sequence[str], log: IssueLog) -> None:
    for name in names:
        if _PY.search(name):
            _log(file, 1, name, name, log)


def check_cells(file: str, rows: Sequence[int], column: str, cells: list[str], log: IssueLog) -> None:
    """The reference reader's column (``list[str]``)."""
    if not cells:
        return
    hit = pd.Series(cells, dtype=object).str.contains(_PY, na=False).to_numpy(dtype=bool)
    for i in np.flatnonzero(hit):
        _log(file, int(rows[i]), column, cells[i], log)


def check_arrow(file: str, rows: np.ndarray, column: str, arr: pa.ChunkedArray, log: IssueLog) -> None:
    """An Arrow text column: one RE2 pass, then only the matching cells."""
    if len(arr) == 0:
        return
    # the column's own bytes first: a file with one "—" in its source column spends the exact
    # pass on that column only
    data = [c.buffers()[2] for c in arr.chunks]
    if not any(b is not None and may_hold_controls(b.to_pybytes()) for b in data):
        return
    hit = pc.match_substring_regex(arr, _RE2).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(np.asarray(hit, dtype=bool)):
        _log(file, int(rows[i]), column, arr[int(i)].as_py(), log)
