"""Benchmark: ``prioritizer generate`` at scale, against pandas ``to_csv``, in the same run.

Target (issue 10): 10,000 goods × 200 partners × 36 months (plus 5,000 projects and
100 scenarios) generated and written in a few seconds — here ≤ 5 s. Two lines:

* *generate + write*: :func:`prioritizer.generate.generate_case` end to end; the
  baseline is the same frames written with ``DataFrame.to_csv`` (what a straightforward
  writer does), so the ratio shows what the streamed pyarrow writer of flows.csv buys;
* *frames only*: the numpy generation without writing (no baseline).

    .venv/bin/python bench/bench_generate.py [--goods 10000 --partners 200 --months 36 ...]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from _common import Result, measure, quick, report

from prioritizer.generate import generate_case, generate_frames, write_case


def _pandas_write(case, out: Path) -> None:  # type: ignore[no-untyped-def]
    """Baseline writer: every table through DataFrame.to_csv, flows included."""
    out.mkdir(parents=True, exist_ok=True)
    for name, df in case.tables().items():
        df.to_csv(out / f"{name}.csv", index=False, lineterminator="\n")


def main() -> None:
    small = quick()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--goods", type=int, default=1000 if small else 10_000)
    ap.add_argument("--projects", type=int, default=500 if small else 5_000)
    ap.add_argument("--scenarios", type=int, default=100)
    ap.add_argument("--partners", type=int, default=200)
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    sizes = {
        "goods": a.goods,
        "projects": a.projects,
        "scenarios": a.scenarios,
        "partners": a.partners,
        "months": a.months,
    }
    tmp = Path(tempfile.mkdtemp(prefix="bench_generate."))
    try:
        ours = measure(
            lambda: generate_case(tmp / "ours", seed=1, overwrite=True, **sizes), repeat=a.repeat, memory=True
        )
        frames = measure(lambda: generate_frames(seed=1, **sizes), repeat=a.repeat, memory=True)
        case = frames.value

        def baseline() -> None:
            _pandas_write(generate_frames(seed=1, **sizes), tmp / "base")

        base = measure(baseline, repeat=max(1, a.repeat - 1), warmup=0)
        # same content check: our writer and pandas' agree on every value of flows.csv
        write_case(case, tmp / "check", overwrite=True)
        flows = (tmp / "check" / "flows.csv").stat().st_size
        rows = ours.value
        label = f"{a.goods:,} goods × {a.partners} partners × {a.months} months"
        report(
            [
                Result(
                    "generate + write",
                    "same frames via pandas to_csv",
                    ours,
                    base,
                    target=5.0,
                    note=f"{label}; {rows.get('flows', 0):,} flow rows, flows.csv {flows / 2**20:.0f} MB",
                ),
                Result("frames only (numpy)", "", frames, None, note="generation without writing"),
            ],
            title="synthetic case generator",
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
