"""Reference statistics into a case: ``import-supply usgs-mcs`` and ``import-governance wgi``.

Same rules as ``import-trade`` (:mod:`prioritizer.trade.api`): read and check everything
first, merge with the case folder's current files in memory (:class:`RefImport` holds the
new file texts), then :func:`write_case` writes them all at once and :func:`run_of` makes
the audit Run (inputs by SHA-256, the written files as the snapshot).

* ``world_supply.csv``: every row of an imported good is replaced; the other goods' rows are
  kept. The ``governance`` of an existing ``other`` row of the good (a judgement) is kept.
* ``countries.csv`` (supply): producer countries not listed are appended with a blank
  governance, as ``import-trade`` does for partners.
* ``countries.csv`` (governance): ``governance`` of every listed country that WGI covers
  for the year, and the ``governance:`` part of its ``source`` cell; countries with a
  missing dimension or not in the file keep their cell and are reported.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from prioritizer.errors import InputError, Issue
from prioritizer.trade import concordance, usgs, wgi
from prioritizer.trade.extract import InputFile

FileLike = Path | str | tuple[str, bytes] | InputFile
ADDED_SOURCE = "added by import-supply: governance, concern and partner not yet assessed"


@dataclass
class RefImport:
    command: str
    case_dir: Path
    files: dict[str, str]
    inputs: list[dict[str, Any]]
    summary: dict[str, Any]
    problems: list[dict[str, Any]] = field(default_factory=list)
    written: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.summary,
            "case": str(self.case_dir),
            "inputs": self.inputs,
            "files_written": sorted(self.files) if self.written else [],
            "problems": self.problems,
        }


def _digest(f: InputFile) -> dict[str, Any]:
    return {"file": f.name, "sha256": hashlib.sha256(f.data).hexdigest(), "bytes": len(f.data)}


def _read(case_dir: Path, name: str) -> pd.DataFrame | None:
    p = case_dir / name
    if not p.exists():
        return None
    data = p.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp932")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def _num(v: float | None) -> str:
    return "" if v is None else f"{v:.10g}"


# --------------------------------------------------------------------------- supply


def supply_source(g: usgs.GoodSupply, row: dict[str, Any]) -> str:
    est = " (estimated)" if g.estimated else ""
    base = (
        f"USGS, Mineral Commodity Summaries {g.release[3:] or ''} data release, world table {g.file}, "
        f"{g.type}, column {g.column}{est}; {usgs.LICENCE}"
    )
    if row["country"] != usgs.REST:
        return base
    parts = [f"other countries row {row.get('other_countries', 0):g}"]
    if g.withheld:
        parts.append("withheld (W): " + " ".join(g.withheld))
    if g.not_available:
        parts.append("not available (NA): " + " ".join(g.not_available))
    return (
        f"rest of world = published world total minus the named countries ({'; '.join(parts)}; rounding); "
        + base
    )


def import_supply(
    files: list[FileLike], map_file: FileLike, case_dir: Path | str, *, year: int | None = None
) -> RefImport:
    case_dir = Path(case_dir)
    ins = [InputFile.of(f) for f in files]
    if not ins:
        raise InputError([Issue("FILE", None, None, None, "give at least one MCS world table")])
    mf = InputFile.of(map_file)
    goods = _read(case_dir, "goods.csv")
    ids = set(goods["id"].str.strip()) if goods is not None and "id" in goods.columns else None
    units: dict[str, str] = {}
    if goods is not None and "unit" in goods.columns:
        units = dict(zip(goods["id"].str.strip(), goods["unit"].str.strip(), strict=True))
    mapping = usgs.load_map(mf, ids)
    supplies = usgs.read(ins, mapping, year, units)
    old = _read(case_dir, "world_supply.csv")
    kept_gov: dict[str, str] = {}
    if old is not None and "governance" in old.columns:
        for g, c, v in zip(old["good_id"], old["country"], old["governance"], strict=True):
            if c.strip() == usgs.REST and v.strip():
                kept_gov[g.strip()] = v.strip()
    rows: list[dict[str, str]] = []
    problems: list[dict[str, Any]] = []
    done: list[dict[str, Any]] = []
    for g in supplies:
        problems.extend(g.notes)
        for who in g.withheld:
            problems.append({"kind": "supply_withheld", "good_id": g.good_id, "country": who, "file": g.file})
        for who in g.not_available:
            problems.append(
                {"kind": "supply_not_available", "good_id": g.good_id, "country": who, "file": g.file}
            )
        if not g.rows:
            continue
        for r in g.rows:
            rest = r["country"] == usgs.REST
            gov = kept_gov.get(g.good_id, "") if rest else ""
            rows.append(
                {
                    "good_id": g.good_id,
                    "country": r["country"],
                    "share": _num(r["share"]),
                    "governance": gov,
                    "production": _num(r["production"]),
                    "reserves_share": _num(r["reserves_share"]),
                    "source": supply_source(g, r),
                }
            )
        if not kept_gov.get(g.good_id):
            problems.append({"kind": "supply_rest_needs_governance", "good_id": g.good_id})
        rest_share = next(r["share"] for r in g.rows if r["country"] == usgs.REST)
        done.append(
            {
                "good_id": g.good_id,
                "file": g.file,
                "type": g.type,
                "column": g.column,
                "world_total": g.world,
                "countries": len(g.rows) - 1,
                "rest_share": rest_share,
                "withheld": g.withheld,
                "not_available": g.not_available,
            }
        )
    new = pd.DataFrame(
        rows, columns=["good_id", "country", "share", "governance", "production", "reserves_share", "source"]
    )
    imported = {d["good_id"] for d in done}
    if old is not None and len(old):
        keep = old[~old["good_id"].str.strip().isin(imported)]
        cols = list(dict.fromkeys([*old.columns, *new.columns]))
        new = pd.concat(
            [keep.reindex(columns=cols, fill_value=""), new.reindex(columns=cols, fill_value="")],
            ignore_index=True,
        )
    files_out = {"world_supply.csv": _csv(new)}
    producers = sorted({r["country"] for r in rows if r["country"] != usgs.REST})
    added, ctry = _add_countries(case_dir, producers)
    if ctry is not None:
        files_out["countries.csv"] = ctry
    return RefImport(
        "import-supply",
        case_dir,
        files_out,
        [*(_digest(f) for f in ins), _digest(mf)],
        {"source": "usgs-mcs", "year": year, "goods": done, "rows": len(rows), "countries_added": added},
        problems,
    )


def _add_countries(case_dir: Path, iso3s: list[str]) -> tuple[list[dict[str, str]], str | None]:
    ctry = _read(case_dir, "countries.csv")
    known = (
        set(ctry["iso3"].str.strip().str.upper()) if ctry is not None and "iso3" in ctry.columns else set()
    )
    missing = [c for c in iso3s if c not in known]
    if not missing:
        return [], None
    cm = concordance.customs()
    m49 = concordance.m49()
    rows = []
    for c in missing:
        ja, _ = cm.names(c)
        en = m49.names(c)[1] or cm.names(c)[1] or c
        rows.append(
            {
                "iso3": c,
                "name_ja": ja or en,
                "name_en": en,
                "governance": "",
                "concern": "false",
                "partner": "false",
                "source": ADDED_SOURCE,
            }
        )
    add = pd.DataFrame(rows)
    if ctry is None:
        out = add
    else:
        cols = list(dict.fromkeys([*ctry.columns, *add.columns]))
        out = pd.concat(
            [ctry.reindex(columns=cols, fill_value=""), add.reindex(columns=cols, fill_value="")],
            ignore_index=True,
        )
    return [{"iso3": r["iso3"], "name_en": r["name_en"]} for r in rows], _csv(out)


# --------------------------------------------------------------------------- governance


def _split_top(s: str) -> list[str]:
    """``a; b (c; d); e`` -> [a, b (c; d), e]: split on '; ' outside brackets."""
    out, depth, cur = [], 0, ""
    i = 0
    while i < len(s):
        ch = s[i]
        depth += int(ch in "(（[")
        depth -= int(ch in ")）]")
        if depth == 0 and s.startswith("; ", i):
            out.append(cur)
            cur, i = "", i + 2
            continue
        cur += ch
        i += 1
    if cur:
        out.append(cur)
    return out


def with_governance_source(old: str, new: str) -> str:
    """Replace the ``governance: …`` part of a source cell (or put it first)."""
    parts = [p for p in _split_top(old.strip()) if p and not p.startswith("governance:")]
    return "; ".join([f"governance: {new}", *parts])


def governance_source(gv: wgi.Governance, release: str) -> str:
    rel = f", {release}" if release else ""
    return (
        f"World Bank, Worldwide Governance Indicators{rel}, bulk file {gv.file}, {gv.year} estimates, "
        f"mean of {' '.join(wgi.SIX)}; {wgi.LICENCE}"
    )


def import_governance(
    file: FileLike, case_dir: Path | str, *, year: int | None = None, release: str = ""
) -> RefImport:
    case_dir = Path(case_dir)
    f = InputFile.of(file)
    gv = wgi.read(f, year)
    ctry = _read(case_dir, "countries.csv")
    path = str(case_dir / "countries.csv")
    if ctry is None or "iso3" not in ctry.columns:
        raise InputError(
            [Issue(path, None, "iso3", None, "the case has no countries.csv with an iso3 column to fill")]
        )
    for c in ("governance", "source"):
        if c not in ctry.columns:
            ctry[c] = ""
    src = governance_source(gv, release)
    updated, missing_dim, absent = [], [], []
    for i in range(len(ctry)):
        iso = ctry["iso3"].iat[i].strip().upper()
        if iso in gv.mean:
            ctry.iloc[i, ctry.columns.get_loc("governance")] = f"{gv.mean[iso]:.4f}"
            ctry.iloc[i, ctry.columns.get_loc("source")] = with_governance_source(ctry["source"].iat[i], src)
            updated.append(iso)
        elif iso in gv.missing:
            missing_dim.append({"iso3": iso, "missing": gv.missing[iso], "kept": ctry["governance"].iat[i]})
        else:
            absent.append({"iso3": iso, "kept": ctry["governance"].iat[i]})
    problems: list[dict[str, Any]] = [
        {
            "kind": "governance_missing_dimension",
            "iso3": m["iso3"],
            "dimensions": " ".join(m["missing"]),
            "year": gv.year,
            "kept": m["kept"] or "—",
        }
        for m in missing_dim
    ]
    problems += [
        {"kind": "governance_not_in_file", "iso3": a["iso3"], "year": gv.year, "kept": a["kept"] or "—"}
        for a in absent
    ]
    return RefImport(
        "import-governance",
        case_dir,
        {"countries.csv": _csv(ctry)},
        [_digest(f)],
        {
            "source": "wgi",
            "year": gv.year,
            "years_in_file": [gv.years[0], gv.years[-1]],
            "updated": len(updated),
            "missing_dimension": missing_dim,
            "not_in_file": absent,
            "source_cell": src,
        },
        problems,
    )


# --------------------------------------------------------------------------- write + record


def write_case(imp: RefImport) -> dict[str, bytes]:
    """The one write path of both commands: import-trade's journalled writer (all files of the
    import change together or none do, even under kill -9; file modes kept)."""
    from prioritizer.trade.commit import write_files

    out = write_files(Path(imp.case_dir), {n: t.encode("utf-8") for n, t in imp.files.items()})
    imp.written = True
    return out


def run_of(imp: RefImport, written: dict[str, bytes], *, actor: str, reason: str) -> Any:
    import datetime as dt
    import json

    from prioritizer.runs import CommandOutput, Run, library_versions

    params = json.loads(
        json.dumps({"inputs": imp.inputs, "case": str(imp.case_dir), **imp.summary}, default=str)
    )
    result = json.loads(json.dumps(imp.as_dict(), default=str))
    return Run(
        command=imp.command,
        params=params,
        case_path=str(imp.case_dir),
        case_files=dict(written),
        input_digests={n: hashlib.sha256(b).hexdigest() for n, b in written.items()},
        output=CommandOutput(result=result, method={"source": imp.summary["source"]}),
        actor=actor,
        reason=reason,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
        versions=library_versions(),
    )
