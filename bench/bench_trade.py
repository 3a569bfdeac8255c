"""import-trade on files of published size and layout (issue 15, item 7).

* One CEPII BACI year: ~11 M rows ``t,i,j,k,v,q`` (≈ 5,000 HS6 codes × 230 countries),
  a 100-good HS map, ``--world`` on. Target ≤ 30 s, ≤ 2 GB RSS.
* One year of the Japan Customs 9-digit import file: ~1 M rows in the yearly layout
  (``Exp or Imp,Year,HS,Country,…,Value-Dec``, 45 columns). Target ≤ 5 s.

Baseline in the same run: ``pandas.read_csv`` of the same file (just parsing it, no
mapping) — what a user would do first. Ratio > 1: our whole import is faster than
pandas merely reading the file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Result, measure, quick, report

from prioritizer.trade import preview


def _hs6_codes(n: int, rng: np.random.Generator) -> np.ndarray:
    chapters = rng.integers(1, 98, n)
    rest = rng.integers(0, 10_000, n)
    return np.unique(np.char.zfill((chapters * 10_000 + rest).astype(str), 6))[:n]


def _unique(rng: np.random.Generator, space: int, rows: int) -> np.ndarray:
    """``rows`` distinct integers below ``space``, in random order (an import refuses duplicate rows)."""
    got = np.unique(rng.integers(0, space, int(rows * 1.1) + 100))
    while len(got) < rows:
        got = np.unique(np.concatenate([got, rng.integers(0, space, rows)]))
    return rng.permutation(got)[:rows]


def make_baci(path: Path, rows: int, rng: np.random.Generator) -> tuple[np.ndarray, Path]:
    codes = _hs6_codes(5_200, rng)
    countries = pd.read_csv(
        Path(__file__).resolve().parents[1] / "prioritizer/trade/data/m49_iso3.csv", dtype=str
    )
    ccodes = countries["code"].astype(int).to_numpy()[:230].copy()
    ccodes[0] = 392  # Japan is an importer
    ccodes = np.unique(ccodes)  # 392 may also be among the 230: each code once, or (k, i, j) repeat
    # each (k, i, j) once, as in a published year: ~2 % of rows into Japan (≈ 230 k, as in a real year)
    n_jp = rows // 50
    others = ccodes[ccodes != 392]
    kc, ic = len(codes), len(ccodes)
    jp = _unique(rng, kc * ic, n_jp)
    rest = _unique(rng, kc * ic * len(others), rows - n_jp)
    k = codes[np.concatenate([jp % kc, rest % kc])]
    i = ccodes[np.concatenate([jp // kc, (rest // kc) % ic])]
    j = np.concatenate([np.full(n_jp, 392), others[rest // (kc * ic)]])
    v = np.round(rng.lognormal(3, 2, rows), 3)
    q = np.round(rng.lognormal(1, 2, rows), 3)
    t = pa.table({"t": np.full(rows, 2022, dtype=np.int32), "i": i, "j": j, "k": k, "v": v, "q": q})
    pacsv.write_csv(t, path, write_options=pacsv.WriteOptions(quoting_style="needed"))
    cc = path.parent / "country_codes_V202401.csv"
    countries.rename(columns={"code": "country_code", "iso3": "country_iso3", "name_en": "country_name"})[
        ["country_code", "country_name", "country_iso3"]
    ].to_csv(cc, index=False)
    return codes, cc


def make_customs(path: Path, rows: int, rng: np.random.Generator) -> np.ndarray:
    six = _hs6_codes(9_000, rng)
    codes = np.char.add(six, np.char.zfill(rng.integers(0, 1000, len(six)).astype(str), 3))
    ccodes = pd.read_csv(
        Path(__file__).resolve().parents[1] / "prioritizer/trade/data/customs_iso3.csv", dtype=str
    )["code"]
    codes = np.unique(codes)
    pair = _unique(rng, len(codes) * len(ccodes), rows)
    cols: dict[str, object] = {
        "Exp or Imp": np.full(rows, 2),
        "Year": np.full(rows, 2024),
        # each (code, country) once, as in a published year
        "HS": np.char.add(np.char.add("'", codes[pair % len(codes)]), "'"),
        "Country": ccodes.to_numpy()[pair // len(codes)],
        "Unit1": np.full(rows, ""),
        "Unit2": np.full(rows, "KG"),
    }
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    vals = rng.integers(0, 50_000, (12, rows)) * (rng.random((12, rows)) < 0.5)
    cols["Quantity1-Year"] = np.zeros(rows, dtype=np.int64)
    cols["Quantity2-Year"] = vals.sum(axis=0) * 3
    cols["Value-Year"] = vals.sum(axis=0)
    for m, name in enumerate(months):
        cols[f"Quantity1-{name}"] = np.zeros(rows, dtype=np.int64)
        cols[f"Quantity2-{name}"] = vals[m] * 3
        cols[f"Value-{name}"] = vals[m]
    pacsv.write_csv(pa.table(cols), path, write_options=pacsv.WriteOptions(quoting_style="none"))
    return codes


def hs_map(path: Path, codes: np.ndarray, goods: int, digits: int) -> Path:
    rng = np.random.default_rng(1)
    pick = rng.choice(len(codes), goods * 3, replace=False)
    lines = ["good_id,hs,share,hs_edition,note"]
    for n, c in enumerate(codes[pick]):
        lines.append(f"g{n % goods:03d},{str(c)[:digits]},,2022,")
    path.write_text("\n".join(lines) + "\n")
    return path


def _load() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


def _cpu(fn: Callable[[], object]) -> float:
    """CPU seconds of one run (all threads): on a shared machine wall time mostly measures the queue."""
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def _fresh_rss(code: str) -> float:
    """Peak RSS (MiB) of a fresh Python process running ``code``: the import alone, without
    the memory this bench used to generate the file. Read from the child's own
    ``/proc/self/status`` VmHWM (per address space; ``RUSAGE_CHILDREN`` would inherit this
    process's peak through fork)."""
    probe = code + "; print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return int(out.stdout.split()[-1]) / 2**10


def bench_customs(d: Path, rows: int, rng: np.random.Generator) -> Result:
    cpath = d / "customs_2024.csv"
    ccodes = make_customs(cpath, rows, rng)
    cmap = hs_map(d / "cmap.csv", ccodes, 100, 9)
    run = lambda: preview("japan-customs", [cpath], cmap)  # noqa: E731
    ours = measure(run, repeat=3, warmup=1)
    base = measure(lambda: pd.read_csv(cpath), repeat=3, warmup=0)
    cpu_ours, cpu_base = _cpu(run), _cpu(lambda: pd.read_csv(cpath))
    rss = _fresh_rss(
        f"from prioritizer.trade import preview; preview('japan-customs', [{str(cpath)!r}], {str(cmap)!r})"
    )
    return Result(
        f"Customs 9-digit import year {rows:,} rows, 100 goods",
        "pandas.read_csv",
        ours,
        base,
        target=5.0,
        note=(
            f"{cpath.stat().st_size / 2**20:.0f} MB file; {len(ours.value.flows):,} flow rows; "
            f"CPU s ours {cpu_ours:.2f} vs baseline {cpu_base:.2f} (ratio {cpu_base / cpu_ours:.2f}×); "
            f"peak RSS of one import in a fresh process {rss:.0f} MB; {_load()}"
        ),
    )


def bench_baci(d: Path, rows: int, rng: np.random.Generator) -> Result:
    fx = d / "fx.csv"
    fx.write_text("period,jpy_per_usd\n2022,131.5\n")
    bpath = d / "BACI_HS22_Y2022_V202401.csv"
    bcodes, cc = make_baci(bpath, rows, rng)
    bmap = hs_map(d / "bmap.csv", bcodes, 100, 6)
    ours = measure(
        lambda: preview("baci", [bpath], bmap, fx=fx, country_codes=cc, world=True), repeat=1, warmup=0
    )
    base = measure(lambda: pd.read_csv(bpath, dtype={"k": str}), repeat=1, warmup=0)
    rss = _fresh_rss(
        "from prioritizer.trade import preview; "
        f"preview('baci', [{str(bpath)!r}], {str(bmap)!r}, fx={str(fx)!r}, country_codes={str(cc)!r}, world=True)"
    )
    return Result(
        f"BACI year {rows:,} rows, 100 goods, --world",
        "pandas.read_csv",
        ours,
        base,
        target=30.0,
        note=(
            f"{bpath.stat().st_size / 2**20:.0f} MB file; {len(ours.value.flows):,} flow rows; "
            f"{len(ours.value.world):,} world rows; peak RSS of one import in a fresh process {rss:.0f} MB "
            f"(target 2048); {_load()}"
        ),
    )


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=("customs", "baci"), help="run one of the two benches")
    only = ap.parse_args().only
    rng = np.random.default_rng(0)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        if only in (None, "customs"):
            results.append(bench_customs(d, 50_000 if quick() else 1_000_000, rng))
        if only in (None, "baci"):
            results.append(bench_baci(d, 200_000 if quick() else 11_000_000, rng))
    report(results, title="import-trade")


if __name__ == "__main__":
    main()
