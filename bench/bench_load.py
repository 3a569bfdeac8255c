"""Benchmark: ``load_case`` of the national case, Arrow path against the row-by-row path, same run.

Target (issue 14 item 4): the national case (``prioritizer generate DIR --goods 10000
--projects 5000 --scenarios 100 --seed 1``, 3.1 M flow rows, flows.csv 207 MB) loads and
validates in ≤ 3 s, well under 2 GB.

* *ours*: ``load_case(DIR, engine="arrow")`` — pyarrow CSV reader, whole-column checks;
* *baseline*: ``load_case(DIR, engine="python")`` — the row-by-row reference (csv module,
  per-cell parsers) that produces the same frames and messages. It is too slow to run on
  3.1 M rows every time, so it loads a copy of the case whose flows.csv keeps the first
  10 % of the rows (other tables whole) and its time is scaled by 10 (marked ``*``).

Each load runs in its own child process, so every line has its own peak RSS
(``getrusage``) and CPU time beside the wall clock: the machine is shared, and CPU
seconds say what the code costs when wall seconds are inflated by other load.

    .venv/bin/python bench/bench_load.py [--goods 10000 --projects 5000 --scenarios 100 --repeat 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import Result, Timing, quick, report

CHILD = """
import json, resource, sys, time
from prioritizer.case import load_case
import prioritizer.i18n  # noqa: F401  (import cost is not the loader's)
root, engine, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
load_case(root, engine=engine)  # warm-up: first-call costs (catalogue, enum labels) not counted
wall, cpu = [], []
case = None
for _ in range(repeat):
    case = None  # one case in memory at a time: the peak RSS is one load's
    t0, c0 = time.perf_counter(), time.process_time()
    case = load_case(root, engine=engine)
    wall.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"wall": wall, "cpu": cpu, "rss_mb": rss, "flows": len(case.flows)}))
"""


def _child(root: Path, engine: str, repeat: int) -> dict:  # type: ignore[type-arg]
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), engine, str(repeat)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _sample(src: Path, dst: Path, share: float) -> int:
    """Copy of the case whose flows.csv keeps the first ``share`` of its rows."""
    shutil.copytree(src, dst)
    lines = (src / "flows.csv").read_bytes().split(b"\n")
    keep = int((len(lines) - 2) * share)
    (dst / "flows.csv").write_bytes(b"\n".join(lines[: keep + 1]) + b"\n")
    return keep


def main() -> None:
    from prioritizer.generate import generate_case

    small = quick()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--goods", type=int, default=1000 if small else 10_000)
    ap.add_argument("--projects", type=int, default=500 if small else 5_000)
    ap.add_argument("--scenarios", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--share", type=float, default=0.1, help="share of flow rows the baseline loads")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_load."))
    try:
        root = tmp / "national"
        # the CLI defaults: 40 partners × 36 months
        generate_case(
            root, goods=a.goods, projects=a.projects, scenarios=a.scenarios, partners=40, months=36, seed=1
        )
        ours = _child(root, "arrow", a.repeat)
        kept = _sample(root, tmp / "sample", a.share)
        scale = ours["flows"] / kept
        base = _child(tmp / "sample", "python", max(1, a.repeat - 2))
        sample_fast = _child(tmp / "sample", "arrow", a.repeat)
        mb = (root / "flows.csv").stat().st_size / 2**20
        label = f"{ours['flows']:,} flow rows ({mb:.0f} MB) + {a.goods:,} goods, {a.projects:,} projects"
        results = [
            Result(
                "load_case national (wall)",
                "row-by-row engine='python'",
                Timing(ours["wall"]),
                Timing(base["wall"], extrapolated=scale),
                target=3.0,
                note=f"{label}; baseline on the first {kept:,} flow rows, ×{scale:.1f}; "
                f"peak RSS ours {ours['rss_mb']:.0f} MB, baseline (sample) {base['rss_mb']:.0f} MB",
                extra={"rss_mb": ours["rss_mb"], "baseline_rss_mb_sample": base["rss_mb"]},
            ),
            Result(
                "load_case national (CPU)",
                "row-by-row engine='python'",
                Timing(ours["cpu"]),
                Timing(base["cpu"], extrapolated=scale),
                target=3.0,
                note="process CPU seconds (time.process_time) of the same runs",
            ),
            Result(
                f"load_case {kept:,}-row sample (wall)",
                "row-by-row engine='python'",
                Timing(sample_fast["wall"]),
                Timing(base["wall"]),
                note=f"both measured on the sample; peak RSS ours {sample_fast['rss_mb']:.0f} MB",
            ),
        ]
        report(results, title="case loading (issue 14 item 4)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
