"""What a reader hands on: the rows of a trade file that matter, still in source units.

Every reader (:mod:`.customs`, :mod:`.comtrade`, :mod:`.baci`) returns an
:class:`Extract`: import lines for the codes the HS map knows, aggregated by (HS code,
partner code, period); the value of every other code (so the user sees what is left
out); exports (Customs); exporter totals for the world supply mix (BACI); and the
counts of rows read, used and left out by reason.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from prioritizer.errors import InputError, Issue

#: distinct HS codes -> boolean mask of the codes the map knows
Mapped = Callable[[np.ndarray], np.ndarray]

LINE_COLUMNS = ("hs", "code", "period", "value", "quantity", "unit", "row", "file")


@dataclass
class InputFile:
    """A trade file given by path or as bytes with a name (the app's upload)."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @classmethod
    def of(cls, f: Path | str | tuple[str, bytes] | InputFile) -> InputFile:
        if isinstance(f, InputFile):
            return f
        if isinstance(f, tuple):
            return cls(str(f[0]), bytes(f[1]))
        p = Path(f)
        try:
            return cls(p.name, p.read_bytes())
        except OSError as exc:
            raise InputError(
                [Issue(str(p), None, None, None, f"cannot read the file: {exc.strerror}")]
            ) from None


@dataclass
class Extract:
    source: str
    #: value unit of ``lines.value``: thousand_yen | usd | thousand_usd
    value_unit: str
    lines: pd.DataFrame
    unmapped: pd.DataFrame  # hs, value, rows
    exports: pd.DataFrame | None = None  # hs, period, value
    world: pd.DataFrame | None = None  # hs, code, value (all importers)
    rows_read: int = 0
    rows_used: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    edition: str | None = None
    files: list[dict[str, object]] = field(default_factory=list)
    notes: list[dict[str, object]] = field(default_factory=list)

    @staticmethod
    def empty_lines() -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LINE_COLUMNS})


def decode_head(data: bytes) -> tuple[str, str]:
    """(encoding, first lines) of a CSV: UTF-8 (with or without BOM) or CP932 (Shift_JIS)."""
    head = data[: 1 << 16]
    for enc in ("utf-8-sig", "cp932"):
        try:
            text = head.decode(enc)
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4 and enc == "utf-8-sig":  # cut inside a character
                text = head[: exc.start].decode(enc)
            else:
                continue
        return ("utf8" if enc == "utf-8-sig" else "cp932"), text
    return "latin-1", head.decode("latin-1")


def header_of(text: str) -> list[str]:
    import csv

    first = next(csv.reader(io.StringIO(text.splitlines()[0] if text else "")), [])
    return [c.strip().strip("\ufeff").strip('"') for c in first]


def layout_error(file: str, source: str, expected: str, header: list[str], hint: str = "") -> InputError:
    shown = ",".join(header[:12]) + ("…" if len(header) > 12 else "")
    return InputError(
        [
            Issue(
                file,
                1,
                None,
                shown,
                f"this is not a {source} file in the published layout: expected a header like "
                f"{expected}{hint}",
            )
        ]
    )


def guess_source(header: list[str]) -> str:
    """Which importer a header belongs to (for the wrong-layout message)."""
    h = {c.lower() for c in header}
    if {"cmdcode", "flowcode"} <= h:
        return " (it looks like a UN Comtrade file: use `import-trade comtrade`)"
    if {"t", "i", "j", "k", "v"} <= h:
        return " (it looks like a CEPII BACI file: use `import-trade baci`)"
    if {"hs", "country"} <= h:
        return " (it looks like a Japan Customs file: use `import-trade japan-customs`)"
    if {"good_id", "partner", "period"} <= h:
        return " (it looks like a prioritizer flows.csv, which needs no import)"
    return ""


def aggregate(lines: pd.DataFrame) -> pd.DataFrame:
    """Sum value and quantity by (hs, code, period, unit); keep the first row number."""
    if lines.empty:
        return Extract.empty_lines()
    g = lines.groupby(["hs", "code", "period", "unit", "file"], sort=False, dropna=False)
    out = g.agg(value=("value", "sum"), row=("row", "min"))
    out["quantity"] = g["quantity"].sum(min_count=1)  # all blank stays blank, not 0
    return out.reset_index()[list(LINE_COLUMNS)]


def unmapped_totals(hs: pd.Series, value: pd.Series) -> pd.DataFrame:
    if hs.empty:
        return pd.DataFrame(
            {"hs": pd.Series(dtype=str), "value": pd.Series(dtype=float), "rows": pd.Series(dtype=int)}
        )
    df = pd.DataFrame({"hs": hs.to_numpy(), "value": value.to_numpy(dtype=float)})
    out = df.groupby("hs", sort=True).agg(value=("value", "sum"), rows=("value", "size")).reset_index()
    return out


def unmapped_sum(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Per-file unmapped totals (hs, value, rows) added up over files, by code."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return unmapped_totals(pd.Series(dtype=str), pd.Series(dtype=float))
    df = pd.concat(frames, ignore_index=True)
    out = df.groupby("hs", sort=True).agg(value=("value", "sum"), rows=("rows", "sum")).reset_index()
    return out
