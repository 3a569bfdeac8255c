"""`prioritizer allocate` on the national joint case, as a user runs it (issue 14 item 5).

    .venv/bin/python bench/bench_cli_allocate.py            # 10,000 goods × 100 scenarios + 5,000 projects
    .venv/bin/python bench/bench_cli_allocate.py --quick    # 1,000 × 20 + 500 (smoke run)

The whole command in a fresh process — interpreter start-up, imports, reading and validating
the CSV files (3.1 M flow rows at full size), the structured solve, prices, explanations,
the audit record in a throw-away SQLite store and the JSON on stdout — timed from outside,
with the peak RSS of that child alone (``os.wait4``). Baseline, in the same run:
the same command with ``--backend arrays`` (the general model in one HiGHS solve), stopped at
``--time-limit`` when it does not finish; the ratio is then a lower bound. Our runs must end
``optimal`` with a proven gap; the bench prints the stages the command reported on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import Result, Timing, quick, report

HERE = Path(__file__).resolve().parent.parent
EXE = str(Path(sys.executable).with_name("prioritizer"))


def _run(args: list[str], env: dict[str, str], tmp: Path) -> tuple[float, float, dict, str]:
    """(wall s, peak RSS MB of this child alone, JSON printed, stderr)."""
    out_f, err_f = tmp / "stdout.json", tmp / "stderr.txt"
    with out_f.open("wb") as o, err_f.open("wb") as e:
        t0 = time.perf_counter()
        p = subprocess.Popen([EXE, *args], stdout=o, stderr=e, env=env)
        _, status, usage = os.wait4(p.pid, 0)  # this child's own rusage (not generate's)
        wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = err_f.read_text(encoding="utf-8")
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({p.returncode}):\n{err[-2000:]}")
    return wall, usage.ru_maxrss / 1024, json.loads(out_f.read_bytes()), err


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds for the baseline's solve")
    a = ap.parse_args()
    small = a.quick or quick()
    goods, projects, scen = (1000, 500, 20) if small else (10_000, 5_000, 100)
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / "case"
        subprocess.run(
            [EXE, "generate", str(case), "--goods", str(goods), "--projects", str(projects),
             "--scenarios", str(scen), "--seed", "1"],
            check=True, capture_output=True,
        )  # fmt: skip
        env = {**os.environ, "PRIORITIZER_DB": f"sqlite:///{tmp}/audit.db"}
        ours: list[float] = []
        peaks: list[float] = []
        info: dict = {}
        for _ in range(a.repeat):
            wall, peak_mb, out, err = _run(["allocate", str(case), "--format", "json"], env, Path(tmp))
            ours.append(wall)
            peaks.append(peak_mb)
            info = out["solver"]
            if out["status"] != "optimal":
                raise SystemExit(f"structured run ended {out['status']}: {info.get('message')}")
        peak = max(peaks)
        stages = [ln for ln in err.splitlines() if ln.startswith("[")]
        print("  stages of the last run:\n    " + "\n    ".join(stages), flush=True)
        bargs = [
            "allocate",
            str(case),
            "--format",
            "json",
            "--backend",
            "arrays",
            "--time-limit",
            str(a.time_limit),
        ]
        bwall, bpeak, bout, _ = _run(bargs, env, Path(tmp))
    label = f"prioritizer allocate, {goods:,} goods × {scen} scen. + {projects:,} projects (load→JSON)"
    same = bout["objective"] is not None and abs(bout["objective"] - out["objective"]) <= 1e-4 * (
        1 + abs(out["objective"])
    )
    report(
        [
            Result(
                label,
                f"same command, --backend arrays (general model, one HiGHS solve; {bout['status']}"
                + (f" at {a.time_limit:g} s)" if bout["status"] != "optimal" else ")"),
                Timing(ours, peak_bytes=int(peak * 2**20)),
                Timing([bwall]),
                target=15.0 if not small else None,
                note=f"ours optimal, proven gap {info['gap']:.1e}, path {info['path']!r}; solve {info['seconds']:.2f} s "
                f"(stages {info['structure']['info']['seconds']}); peak RSS {peak:.0f} MB (target 2,048); "
                f"baseline gap {bout['solver']['gap']}, peak RSS {bpeak:.0f} MB; same objective within 1e-4: {same}",
            )
        ],
        title="allocation: the national joint case through the CLI",
    )


if __name__ == "__main__":
    main()
