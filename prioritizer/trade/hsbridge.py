"""HS edition bridge from the full UNSD correlation tables (HS 1992 … HS 2022).

Shipped data (see ``data/SOURCES.md``): ``data/hs2022_hs<YYYY>.csv`` for every earlier
edition and ``data/hs2017_hs<YYYY>.csv`` for the editions before 2017 — compact extracts of
the "Correlations" sheets of the UN Statistics Division's HS conversion and correlation
tables. One row per subheading of the newer edition: the subheading and the
space-separated subheadings of the older edition it correlates with (every pair of the
published sheet, 1:1, 1:n, n:1 and n:n alike; a pair's relation follows from the pairs).
Only direct tables are used: two editions are bridged when one of them is 2022 or 2017.
Composing two tables through a third edition was tried and rejected: through HS 2022 it
agrees with the published HS 2017 → HS 1992 table for only 4,187 of 5,387 subheadings
(HS 2022 heading 85.49, e-waste, correlates with hundreds of older codes).

:func:`bridge` carries one HS-map prefix from the edition it is written in to a file's
edition: the codes of the old edition under the prefix, the codes of the new edition
they correlate with, and, per new code, the old codes outside the prefix that correlate
with it too (a *partial* target: its trade holds more than the prefix's goods, so the
import can only overstate the good there; it is reported, never split silently).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources

EDITIONS = ("1992", "1996", "2002", "2007", "2012", "2017", "2022")
#: (newer, older) pairs with a shipped correlation table
TABLES = frozenset([("2022", e) for e in EDITIONS[:-1]] + [("2017", e) for e in EDITIONS[:-2]])


@dataclass(frozen=True)
class Bridged:
    """One prefix carried from ``from_edition`` to ``to_edition``."""

    prefix: str
    targets: tuple[str, ...]
    unchanged: bool
    #: target code -> old-edition codes outside the prefix that also correlate with it
    partial: dict[str, tuple[str, ...]] = field(default_factory=dict)
    known: bool = True  # False: no code of the old edition starts with the prefix


@functools.lru_cache(maxsize=16)
def _table(newer: str, older: str) -> dict[str, tuple[str, ...]]:
    """Subheading of ``newer`` -> the ``older`` subheadings it correlates with."""
    ref = resources.files("prioritizer.trade").joinpath("data", f"hs{newer}_hs{older}.csv")
    out: dict[str, tuple[str, ...]] = {}
    with ref.open("r", encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            a, _, rest = line.rstrip("\n").partition(",")
            out[a] = tuple(rest.split())
    return out


def _invert(d: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    inv: dict[str, list[str]] = {}
    for a, bs in d.items():
        for b in bs:
            inv.setdefault(b, []).append(a)
    return {b: tuple(sorted(set(v))) for b, v in inv.items()}


def has_table(src: str, dst: str) -> bool:
    return src == dst or (src, dst) in TABLES or (dst, src) in TABLES


@functools.lru_cache(maxsize=64)
def links(src: str, dst: str) -> dict[str, tuple[str, ...]]:
    """Every ``src`` subheading -> the ``dst`` subheadings it correlates with."""
    if (src, dst) in TABLES:
        return _table(src, dst)
    if (dst, src) in TABLES:
        return _invert(_table(dst, src))
    if src == dst:
        newer = "2022" if src != "2022" else "2017"
        codes = set(_table(src, "2017")) if src == "2022" else set(links(src, newer))
        return {c: (c,) for c in codes}
    raise KeyError(f"no correlation table between HS {src} and HS {dst}")


def bridge(prefix: str, src: str, dst: str) -> Bridged:
    """Carry an HS-map prefix (4–9 digits, edition ``src``) to edition ``dst``.

    Raises KeyError when no table links the two editions (:func:`has_table`).
    """
    if src == dst:
        return Bridged(prefix, (prefix,), True)
    fwd = links(src, dst)
    back = links(dst, src)
    p6 = prefix[:6]
    olds = sorted(a for a in fwd if a.startswith(p6))
    if not olds:
        return Bridged(prefix, (prefix,), True, known=False)
    targets = sorted({b for a in olds for b in fwd[a]})
    inside = set(olds)
    partial = {b: tuple(a for a in back.get(b, ()) if a not in inside) for b in targets}
    partial = {b: v for b, v in partial.items() if v}
    if targets == olds and all(fwd[a] == (a,) for a in olds) and not partial:
        return Bridged(prefix, (prefix,), True)
    return Bridged(prefix, tuple(targets), False, partial)
