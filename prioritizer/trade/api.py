"""Public API of the trade importer (the CLI and the app call only these).

``preview(source, files, hs_map, **opts) -> ImportPreview`` reads and maps the files
without touching any case; ``import_trade(...) -> ImportReport`` also merges the result
with a case folder's files (``ImportReport.files``) without writing them;
``write_case(report, case_dir)`` writes them all together; :func:`prioritizer.trade.commit.commit`
writes them and records the Run so that the two are recoverable together (command-line path).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from prioritizer.case import journal
from prioritizer.errors import InputError, Issue
from prioritizer.trade import baci, comtrade, concordance, customs, merge
from prioritizer.trade import fx as fxmod
from prioritizer.trade import hsmap as hsmod
from prioritizer.trade.build import Built, build
from prioritizer.trade.extract import InputFile

SOURCES = ("japan-customs", "comtrade", "baci")
FileLike = Path | str | tuple[str, bytes] | InputFile


@dataclass
class ImportPreview:
    """What an import would bring in: flows and every count the user must see."""

    source: str
    flows: pd.DataFrame
    exports: pd.DataFrame | None
    world: pd.DataFrame | None
    rows_read: int
    rows_used: int
    excluded: dict[str, int]
    mapped: list[dict[str, Any]]
    unmapped: list[dict[str, Any]]
    goods_without_rows: list[str]
    unknown_partners: list[dict[str, Any]]
    totals_by_good: dict[str, float]
    fx_used: list[dict[str, Any]]
    hs_edition: str | None
    editions_bridged: list[dict[str, Any]]
    quantity_units_mixed: list[str]
    inputs: list[dict[str, Any]]
    notes: list[dict[str, Any]] = field(default_factory=list)

    def problems(self) -> list[dict[str, Any]]:
        """Structured messages for what needs the user's eye (render with prioritizer.text)."""
        out: list[dict[str, Any]] = []
        from prioritizer import text

        for u in self.unknown_partners:
            unit = {f"unit_{lang}": text.vocab("trade_unit", u["value_unit"], lang) for lang in text.LANGS}
            out.append({"kind": "trade_unknown_partner", **u, **unit})
        for g in self.goods_without_rows:
            out.append({"kind": "trade_good_without_rows", "good_id": g})
        for g in self.quantity_units_mixed:
            out.append({"kind": "trade_quantity_units_mixed", "good_id": g})
        for b in self.editions_bridged:
            out.append({"kind": "trade_edition_bridged", **b, "to": ", ".join(b["to"])})
        out.extend(self.notes)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "excluded": self.excluded,
            "flows": len(self.flows),
            "periods": sorted(set(self.flows["period"])) if len(self.flows) else [],
            "totals_by_good": self.totals_by_good,
            "mapped_codes": self.mapped,
            "unmapped_codes": self.unmapped,
            "goods_without_rows": self.goods_without_rows,
            "unknown_partners": self.unknown_partners,
            "fx": self.fx_used,
            "hs_edition": self.hs_edition,
            "editions_bridged": self.editions_bridged,
            "inputs": self.inputs,
            "world_supply": None if self.world is None else len(self.world),
            "problems": self.problems(),
        }


@dataclass
class ImportReport:
    """An import merged with a case folder (not yet written: see :func:`write_case`)."""

    preview: ImportPreview
    case_dir: Path
    files: dict[str, bytes]
    replaced: int
    replaced_exports: int
    kept: int
    partners_added: list[dict[str, Any]]
    goods_created: bool
    tiers_kept: int = 0
    written: bool = False
    run_id: str | None = None
    #: SHA-256 (None: absent) of the case files the merge read: the write refuses if they changed since
    base: dict[str, str | None] | None = None

    @property
    def flows(self) -> pd.DataFrame:
        return self.preview.flows

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.preview.as_dict(),
            "case": str(self.case_dir),
            "files_written": sorted(self.files) if self.written else [],
            "replaced": self.replaced,
            "replaced_exports": self.replaced_exports,
            "kept": self.kept,
            "partners_added": self.partners_added,
            "goods_created": self.goods_created,
            "tiers_kept": self.tiers_kept,
        }


def _refuse_same_file(ins: list[InputFile]) -> None:
    """The same bytes given twice (under any name) would be counted twice: refused."""
    first: dict[str, str] = {}
    issues = []
    for f in ins:
        h = f.sha256
        if h in first:
            issues.append(
                Issue(
                    f.name,
                    None,
                    None,
                    h,
                    f"this file is the same as {first[h]} (SHA-256 {h[:16]}…); give each file once — "
                    "its rows would be counted twice",
                )
            )
        else:
            first[h] = f.name
    if issues:
        raise InputError(issues)


def _digest(f: InputFile) -> dict[str, Any]:
    return {"file": f.name, "sha256": hashlib.sha256(f.data).hexdigest(), "bytes": len(f.data)}


def _analyse(
    source: str,
    files: list[FileLike],
    hs_map: FileLike,
    *,
    fx: FileLike | None = None,
    reporter: str = "JPN",
    importer: str = "JPN",
    country_codes: FileLike | None = None,
    world: bool = False,
    hs_edition: str | None = None,
    goods: set[str] | None = None,
) -> tuple[ImportPreview, tuple[hsmod.HsMap, concordance.CountryMap, Built]]:
    if source not in SOURCES:
        raise InputError(
            [Issue("SOURCE", None, None, source, f"unknown source; choose one of {', '.join(SOURCES)}")]
        )
    if not files:
        raise InputError([Issue("FILE", None, None, None, "give at least one trade file")])
    ins = [InputFile.of(f) for f in files]
    _refuse_same_file(ins)
    mf = InputFile.of(hs_map)
    hmap = hsmod.load(mf.data, mf.name, goods)
    rates = None
    extra_inputs = [_digest(mf)]
    if fx is not None:
        ff = InputFile.of(fx)
        rates = fxmod.load(ff.data, ff.name)
        extra_inputs.append(_digest(ff))
    elif source != "japan-customs":
        raise fxmod.missing_fx({"comtrade": "UN Comtrade", "baci": "CEPII BACI"}[source])
    cc = None
    if country_codes is not None:
        cf = InputFile.of(country_codes)
        cc = (cf.name, cf.data)
        extra_inputs.append(_digest(cf))
    countries = concordance.for_source(source, cc)

    # The file's edition is known only after reading; match on both editions' prefixes first.
    probe = hsmod.HsMap([], [], [], [], [], hmap.file)
    for ed in (None, *hsmod.EDITIONS):
        bm = hmap.for_edition(ed)
        probe.good_id += bm.good_id
        probe.hs += bm.hs
        probe.share += bm.share
        probe.edition += bm.edition
        probe.row += bm.row

    def mapped(codes: Any) -> Any:
        import numpy as np

        ci, _ = probe.match(codes)
        mask = np.zeros(len(codes), dtype=bool)
        mask[ci] = True
        return mask

    if source == "japan-customs":
        ex = customs.read(ins, mapped)
    elif source == "comtrade":
        codes = {k for k, v in concordance.m49().iso3.items() if v == reporter.upper()}
        ex = comtrade.read(ins, mapped, reporter.upper(), codes)
    else:
        imp = {int(k) for k, v in countries.iso3.items() if v == importer.upper()}
        if not imp:
            raise InputError(
                [
                    Issue(
                        "--importer",
                        None,
                        "importer",
                        importer,
                        "no country code for this ISO3 in the concordance",
                    )
                ]
            )
        ex = baci.read(ins, mapped, imp, world=world)
    edition = hs_edition or ex.edition
    emap = hmap.for_edition(edition)
    built: Built = build(ex, emap, countries, rates, world=world)
    return ImportPreview(
        source=source,
        flows=built.flows,
        exports=built.exports,
        world=built.world,
        rows_read=ex.rows_read,
        rows_used=ex.rows_used,
        excluded=ex.excluded,
        mapped=built.mapped,
        unmapped=built.unmapped,
        goods_without_rows=built.goods_without_rows,
        unknown_partners=built.unknown_partners,
        totals_by_good=built.totals_by_good,
        fx_used=built.fx_used,
        hs_edition=edition,
        editions_bridged=emap.bridged,
        quantity_units_mixed=built.quantity_units_mixed,
        inputs=[*ex.files, *extra_inputs],
        notes=ex.notes,
    ), (emap, countries, built)


def preview(source: str, files: list[FileLike], hs_map: FileLike, **opts: Any) -> ImportPreview:
    """Read ``files`` of ``source`` and map them with ``hs_map``; touches no case folder.

    Options: ``fx`` (required for comtrade / baci), ``reporter`` / ``importer`` (ISO3,
    default JPN), ``country_codes`` (BACI country_codes_V*.csv or a code,iso3 table),
    ``world`` (BACI: exporter shares), ``hs_edition`` (override the file's edition),
    ``goods`` (the case's good ids, to check the map against).
    """
    return _analyse(source, files, hs_map, **opts)[0]


def _goods_of(case_dir: Path) -> set[str] | None:
    df = merge._read(case_dir, "goods.csv")
    if df is None:
        return None
    return set(df["id"].str.strip()) if "id" in df.columns else None


def import_trade(
    source: str, files: list[FileLike], hs_map: FileLike, case_dir: Path | str, **opts: Any
) -> ImportReport:
    """Preview, then merge with the case folder's current files (nothing written yet).

    An unfinished earlier import of the folder is finished or rolled back first
    (:func:`prioritizer.case.journal.recover`), so the merge starts from a whole case.
    """
    case_dir = Path(case_dir)
    if case_dir.is_dir():
        from prioritizer.trade import commit as _commit

        _commit.register()
        journal.recover(case_dir)
    pv, (emap, countries, built) = _analyse(source, files, hs_map, goods=_goods_of(case_dir), **opts)
    base = journal.digests(case_dir, merge.WRITES)  # what the merge starts from (lost-update check)
    m = merge.merge(case_dir, built, emap, countries)
    return ImportReport(
        base=base,
        preview=pv,
        case_dir=case_dir,
        files=m.files,
        replaced=m.replaced,
        replaced_exports=m.replaced_exports,
        kept=m.kept,
        partners_added=m.partners_added,
        goods_created=m.goods_created,
        tiers_kept=m.tiers_kept,
    )


def write_case(report: ImportReport, case_dir: Path | str | None = None) -> dict[str, bytes]:
    """Write the merged files into ``case_dir`` (default: the report's) all together, no record.

    For the audited path use :func:`prioritizer.trade.commit.commit`, which records the
    Run between staging and moving the files in.
    """
    from prioritizer.trade import commit as _commit

    target = Path(case_dir) if case_dir is not None else report.case_dir
    return _commit.write_files(target, report.files, report.base if target == report.case_dir else None)


def run_of(
    report: ImportReport, written: dict[str, bytes], *, actor: str, reason: str, import_id: str | None = None
) -> Any:
    """The audit Run of an import: inputs' SHA-256 in params, written case files as snapshot.

    ``import_id`` (the case journal's token) lets a later command find the record of an
    import cut short, to finish it (:mod:`prioritizer.trade.commit`).

    The trade files themselves (a BACI year is ~0.5 GB) are identified by digest, not
    stored; the HS map and FX table are small and travel in ``params`` by digest too.
    """
    import datetime as dt
    import json

    from prioritizer.runs import CommandOutput, Run, library_versions

    pv = report.preview
    params = json.loads(
        json.dumps(
            {
                "source": pv.source,
                "inputs": pv.inputs,
                "case": str(report.case_dir),
                "hs_edition": pv.hs_edition,
                **({"import_id": import_id} if import_id else {}),
            },
            default=str,
        )
    )
    summary = {k: v for k, v in report.as_dict().items() if k not in ("mapped_codes",)}
    result = json.loads(_json(summary))
    digests = {name: hashlib.sha256(b).hexdigest() for name, b in written.items()}
    return Run(
        command="import-trade",
        params=params,
        case_path=str(report.case_dir),
        case_files=dict(written),
        input_digests=digests,
        output=CommandOutput(result=result, method={"fx": "given" if pv.fx_used else "none"}),
        actor=actor,
        reason=reason,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
        versions={**library_versions(), "pyarrow": _version("pyarrow")},
    )


def _json(o: Any) -> str:
    import json
    import math

    def clean(x: Any) -> Any:
        if isinstance(x, float):
            return x if math.isfinite(x) else None
        if isinstance(x, dict):
            return {str(k): clean(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [clean(v) for v in x]
        return x

    return json.dumps(clean(o), default=str)


def _version(lib: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(lib)
    except metadata.PackageNotFoundError:
        return "not installed"
