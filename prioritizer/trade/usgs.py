"""USGS Mineral Commodity Summaries (MCS) data-release world tables → ``world_supply.csv`` rows.

Reads the ``mcs<YYYY>-<code>_world.csv`` files of the MCS data releases as published
(U.S. Geological Survey; public domain, a U.S. Government work). Layout: ``Source``,
``Country``, ``Type``, production columns named ``Prod_<unit>[_est]_<year>`` (unit kg, t,
kt or mt = million t), notes, optional capacity and ``Reserves_<unit>`` columns. Quirks
handled: a byte-order mark; no-break spaces; footnote marks stuck to names ("Japane",
"Russiae", "Other countries4", "World total (rounded)10"); qualifiers ("Brazil
(beneficiated)"); ``W`` (withheld) and ``NA`` (not available) — missing, never zero, and
reported; quoted thousands ("72,000"), padded numbers ("1230 "), lower bounds
(">130,000,000"); text in reserves cells ("Included in World total."); trailing empty
columns and rows; several production types in one table (chosen with the map's ``type``).

Shares are of the **published world total** of the chosen column. What no named country
accounts for (the "Other countries" row, withheld or unavailable countries, rounding) is
kept as one row ``country = other`` whose ``source`` says what it holds; it is never
renormalised away. When the named countries add up to more than the rounded world total,
their sum is the denominator and this is reported.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from prioritizer.errors import InputError, Issue
from prioritizer.trade.extract import InputFile

REST = "other"
LICENCE = "public domain (U.S. Government work)"
_PROD = re.compile(r"^prod_(kg|t|kt|mt)_(est_)?(\d{4})$", re.I)
_RES = re.compile(r"^reserves_(?:.*_)?(kg|t|kt|mt)$", re.I)
_TONNES = {"kg": 1e-3, "t": 1.0, "kt": 1e3, "mt": 1e6}
_FILE = re.compile(r"mcs(\d{4})-([a-z]+)_world", re.I)
_MISSING = {"W": "withheld", "NA": "not_available", "--": "not_available", "": "blank"}


@dataclass
class Cell:
    value: float | None
    kind: str  # number | lower_bound | withheld | not_available | blank | text
    raw: str


def parse_cell(raw: str) -> Cell:
    s = raw.replace("\xa0", " ").strip()
    if s.upper() in _MISSING:
        return Cell(None, _MISSING[s.upper()], raw)
    lower = s.startswith(">")
    num = s.lstrip(">").strip().replace(",", "")
    try:
        v = float(num)
    except ValueError:
        return Cell(None, "text", raw)
    return Cell(v, "lower_bound" if lower else "number", raw)


@functools.lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    ref = resources.files("prioritizer.trade").joinpath("data", "usgs_country_iso3.csv")
    with ref.open("r", encoding="utf-8") as fh:
        return {r["name"]: r["iso3"] for r in csv.DictReader(fh)}


def clean_name(raw: str) -> tuple[str, str]:
    """(kind, iso3 or cleaned name): kind ``world`` | ``other`` | ``country`` | ``unknown``."""
    s = re.sub(r"\s+", " ", raw.replace("\xa0", " ")).strip()
    low = s.lower()
    if low.startswith("world total"):
        return "world", s
    if low.startswith("other"):
        return "other", s
    names = country_names()
    cands = [s, re.sub(r"\d+$", "", s).strip()]
    for c in list(cands):
        cands.append(re.sub(r"\s*\(.*\)$", "", c).strip())
    for c in list(cands):
        if "," in c:
            cands.append(c.split(",")[0].strip())
    for c in cands:
        if c in names:
            return "country", names[c]
    for c in cands:  # footnote letter "e" (estimated) stuck to the name: Japane, Russiae
        if c.endswith("e") and c[:-1] in names:
            return "country", names[c[:-1]]
    return "unknown", s


@dataclass
class MapRow:
    good_id: str
    key: str  # file prefix or commodity code
    type: str
    reserves: str
    row: int


def load_map(f: InputFile, goods: set[str] | None) -> list[MapRow]:
    text = f.data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    cols = {c.strip() for c in (rows[0].keys() if rows else csv.reader(io.StringIO(text)).__next__())}
    issues: list[Issue] = []
    if "good_id" not in cols or not ({"file_prefix", "commodity"} & cols):
        raise InputError(
            [
                Issue(
                    f.name,
                    1,
                    "good_id" if "good_id" not in cols else "file_prefix",
                    ",".join(sorted(cols)),
                    "the supply map needs the columns good_id and file_prefix (e.g. mcs2024-galli) or "
                    "commodity (e.g. gallium), optional type (e.g. refinery) and reserves (a column name)",
                )
            ]
        )
    out: list[MapRow] = []
    seen: dict[str, int] = {}
    for i, r in enumerate(rows):
        row = i + 2
        r = {(k or "").strip(): (v or "").strip() for k, v in r.items()}
        g = r.get("good_id", "")
        key = r.get("file_prefix", "") or r.get("commodity", "")
        if not g:
            issues.append(Issue(f.name, row, "good_id", "", "empty good_id; name the good of this table"))
            continue
        if goods is not None and g not in goods:
            issues.append(Issue(f.name, row, "good_id", g, "good_id is not in the case's goods.csv"))
        if not key:
            issues.append(
                Issue(f.name, row, "file_prefix", "", "name the MCS table (file_prefix or commodity)")
            )
            continue
        if g in seen:
            issues.append(Issue(f.name, row, "good_id", g, f"good {g} already has a table in row {seen[g]}"))
            continue
        seen[g] = row
        out.append(MapRow(g, key, r.get("type", ""), r.get("reserves", ""), row))
    if issues:
        raise InputError(issues)
    if not out:
        raise InputError([Issue(f.name, 2, "good_id", None, "the supply map has no rows")])
    return out


def _matches(m: MapRow, name: str) -> bool:
    low = name.lower()
    if "-" in m.key or m.key.lower().startswith("mcs"):
        return low.startswith(m.key.lower()) or ("/" + m.key.lower()) in low
    fm = _FILE.search(name)
    letters = re.sub(r"[^a-z]", "", m.key.lower())
    return bool(fm) and fm.group(2).lower() in (letters, letters[:5])


@dataclass
class Table:
    file: InputFile
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row, cells)
    release: str

    def col(self, name: str) -> int:
        return self.header.index(name)


def read_table(f: InputFile) -> Table:
    try:
        text = f.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = f.data.decode("cp1252")
    lines = list(csv.reader(io.StringIO(text)))
    if not lines:
        raise InputError([Issue(f.name, 1, None, None, "empty file; give an MCS world table")])
    header = [h.replace("\xa0", " ").strip() for h in lines[0]]
    while header and not header[-1]:
        header.pop()
    if len(header) < 4 or [h.lower() for h in header[:2]] != ["source", "country"]:
        raise InputError(
            [
                Issue(
                    f.name,
                    1,
                    None,
                    ",".join(header[:6]),
                    "not an MCS world table: the header must start Source,Country,Type,Prod_…",
                )
            ]
        )
    header[2] = "Type"  # one release names this column after its commodity ("Mine production, fluorspar")
    rows = []
    for i, cells in enumerate(lines[1:]):
        cells = [c.replace("\xa0", " ") for c in cells]
        if not any(c.strip() for c in cells):
            continue
        rows.append((i + 2, (cells + [""] * len(header))[: len(header)]))
    fm = _FILE.search(f.name)
    src = rows[0][1][0].strip() if rows else ""
    release = src or (f"MCS{fm.group(1)}" if fm else "MCS")
    return Table(f, header, rows, release)


@dataclass
class GoodSupply:
    """The rows of one good and what the user must know about them."""

    good_id: str
    file: str
    release: str
    type: str
    column: str
    unit: str
    estimated: bool
    world: float
    rows: list[dict[str, Any]] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)
    not_available: list[str] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)


def _choose_columns(t: Table, year: int | None, m: MapRow, issues: list[Issue]) -> tuple[int, int | None]:
    prod = [(i, _PROD.match(h)) for i, h in enumerate(t.header)]
    prod = [(i, mm) for i, mm in prod if mm]
    if not prod:
        issues.append(
            Issue(t.file.name, 1, None, None, "no production column Prod_<unit>_<year> in this table")
        )
        return -1, None
    years = {int(mm.group(3)): i for i, mm in prod}
    if year is None:
        pc = years[max(years)]
    elif year in years:
        pc = years[year]
    else:
        issues.append(
            Issue(
                t.file.name,
                1,
                "--year",
                year,
                f"no production column for {year}; the table has {', '.join(t.header[i] for i, _ in prod)}",
            )
        )
        return -1, None
    res = [i for i, h in enumerate(t.header) if _RES.match(h)]
    if m.reserves:
        if m.reserves not in t.header:
            issues.append(
                Issue(t.file.name, 1, "reserves", m.reserves, f"no such column; reserves columns: {res}")
            )
            return pc, None
        return pc, t.col(m.reserves)
    return pc, (res[0] if len(res) == 1 else None)


def supply_of(t: Table, m: MapRow, year: int | None, unit: str, issues: list[Issue]) -> GoodSupply | None:
    """Shares of the published world total for one good (``unit``: the good's unit)."""
    n0 = len(issues)
    pc, rc = _choose_columns(t, year, m, issues)
    if len(issues) > n0:
        return None
    types = sorted({c[2].strip() for _, c in t.rows if c[2].strip()})
    want = m.type.lower()
    chosen = [t_ for t_ in types if want in t_.lower()] if want else types
    if len(chosen) != 1:
        issues.append(
            Issue(
                t.file.name,
                None,
                "Type",
                m.type or None,
                f"map row {m.row} ({m.good_id}): choose one production type with the map's type column; "
                f"the table has: {' | '.join(types)}",
            )
        )
        return None
    rows = [(r, c) for r, c in t.rows if c[2].strip() == chosen[0]]
    mm = _PROD.match(t.header[pc])
    assert mm is not None
    src_unit = mm.group(1).lower()
    factor = _TONNES[src_unit] / _TONNES[unit.lower()] if unit.lower() in _TONNES else None
    world: Cell | None = None
    world_res: Cell | None = None
    named: dict[str, tuple[int, float, Cell | None]] = {}
    g = GoodSupply(m.good_id, t.file.name, t.release, chosen[0], t.header[pc], unit, bool(mm.group(2)), 0.0)
    other_prod = 0.0
    for r, c in rows:
        kind, who = clean_name(c[1])
        cell = parse_cell(c[pc])
        res = parse_cell(c[rc]) if rc is not None else None
        if kind == "world":
            if world is not None:
                issues.append(
                    Issue(t.file.name, r, "Country", c[1], "a second world-total row for this type")
                )
            world, world_res = cell, res
            continue
        if kind == "unknown":
            issues.append(
                Issue(
                    t.file.name,
                    r,
                    "Country",
                    c[1],
                    "unknown country name; add it to prioritizer/trade/data/usgs_country_iso3.csv",
                )
            )
            continue
        if cell.kind == "text":
            issues.append(Issue(t.file.name, r, t.header[pc], c[pc], "not a number, W or NA"))
            continue
        if kind == "other":
            other_prod += cell.value or 0.0
            continue
        if cell.kind == "withheld":
            g.withheld.append(who)
            continue
        if cell.kind in ("not_available", "blank"):
            g.not_available.append(who)
            continue
        if who in named:
            issues.append(
                Issue(
                    t.file.name,
                    r,
                    "Country",
                    c[1],
                    f"{who} is listed twice (row {named[who][0]}) for this type",
                )
            )
            continue
        named[who] = (r, float(cell.value or 0.0), res)
    if len(issues) > n0:
        return None
    if world is None or world.value is None or world.value <= 0:
        g.notes.append({"kind": "supply_no_world_total", "good_id": m.good_id, "file": t.file.name})
        return g
    total = sum(v for _, v, _ in named.values())
    denom = world.value
    if total > world.value * (1 + 1e-9):
        denom = total
        g.notes.append(
            {
                "kind": "supply_named_exceed_world",
                "good_id": m.good_id,
                "file": t.file.name,
                "named": total,
                "world": world.value,
            }
        )
    g.world = denom
    wres = world_res.value if world_res is not None and world_res.value else None
    if world_res is not None and world_res.kind == "lower_bound":
        g.notes.append({"kind": "supply_reserves_lower_bound", "good_id": m.good_id, "file": t.file.name})
    res_sum = 0.0
    for who, (_, v, res) in named.items():
        if v <= 0:
            continue  # a country producing nothing carries no share (and needs no governance score)
        rs = res.value / wres if (res is not None and res.value is not None and wres) else None
        res_sum += rs or 0.0
        g.rows.append(
            {
                "country": who,
                "share": v / denom,
                "production": v * factor if factor is not None else None,
                "reserves_share": rs,
            }
        )
    rest = max(denom - total, 0.0)
    g.rows.append(
        {
            "country": REST,
            "share": rest / denom,
            "production": rest * factor if factor is not None else None,
            "reserves_share": max(1.0 - res_sum, 0.0) if wres else None,
            "other_countries": other_prod,
        }
    )
    if factor is None:
        g.notes.append({"kind": "supply_unit_unknown", "good_id": m.good_id, "unit": unit, "from": src_unit})
    return g


def read(
    files: list[InputFile], mapping: list[MapRow], year: int | None, units: dict[str, str]
) -> list[GoodSupply]:
    """Every mapped good's supply; all problems at once (file, row, column)."""
    issues: list[Issue] = []
    tables = {f.name: read_table(f) for f in files}
    out: list[GoodSupply] = []
    used: set[str] = set()
    for m in mapping:
        hits = [n for n in tables if _matches(m, n.rsplit("/", 1)[-1])]
        if len(hits) != 1:
            issues.append(
                Issue(
                    "MAP",
                    m.row,
                    "file_prefix",
                    m.key,
                    f"{'no' if not hits else 'more than one'} given file matches "
                    f"({', '.join(hits) or ', '.join(tables)}); give the good's MCS world table",
                )
            )
            continue
        used.add(hits[0])
        g = supply_of(tables[hits[0]], m, year, units.get(m.good_id, "t") or "t", issues)
        if g is not None:
            out.append(g)
    if issues:
        raise InputError(issues)
    return out
