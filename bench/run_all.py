"""Run every ``bench/bench_*.py`` in turn and print one summary table.

    .venv/bin/python bench/run_all.py [--quick] [--only NAME ...] [--timeout S] [--json FILE] [--strict]

Each benchmark runs in its own Python process (so its memory peak and import costs
are its own, and one failure does not stop the others); its output is passed through
as it comes. Benchmarks that print through ``bench/_common.report`` also emit
``BENCH-JSON`` lines, which are gathered here into the final table (name, baseline,
median, baseline median, ratio, target, met?, peak memory). A benchmark that crashes,
times out or prints no uniform results is listed with its exit status.

Exit status: 1 if a benchmark failed (or, with ``--strict``, missed its target), else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import JSON_PREFIX, _fmt_s, format_table  # noqa: E402


def discover(only: list[str] | None = None) -> list[Path]:
    found = sorted(HERE.glob("bench_*.py"))
    if only:
        found = [p for p in found if any(o in p.stem for o in only)]
    return found


def run_one(path: Path, *, timeout: float, quick: bool) -> dict[str, Any]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if quick:
        env["BENCH_QUICK"] = "1"
    print(f"\n######## {path.name}", flush=True)
    t0 = time.perf_counter()
    results: list[dict[str, Any]] = []
    proc = subprocess.Popen(
        [sys.executable, str(path)],
        cwd=HERE.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    status = "ok"

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(JSON_PREFIX):
                try:
                    results.append(json.loads(line[len(JSON_PREFIX) :]))
                    continue
                except json.JSONDecodeError:
                    pass
            print(line, end="", flush=True)

    # a reader thread, so that a bench that hangs silently still meets its timeout
    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        rc = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
        status = f"timeout after {timeout:g} s"
    reader.join(timeout=5)
    if status == "ok" and rc != 0:
        status = f"exit {rc}"
    return {"bench": path.name, "status": status, "wall_s": time.perf_counter() - t0, "results": results}


def summary(runs: list[dict[str, Any]]) -> tuple[str, bool, bool]:
    header = ("bench", "name", "baseline", "median s", "baseline s", "ratio", "target", "met?", "peak MB")

    def s(x: float | None, star: bool = False) -> str:
        if x is None:
            return "—"
        return _fmt_s(x) + ("*" if star else "")

    body: list[list[str]] = []
    failed = missed = False
    for run in runs:
        if run["status"] != "ok":
            failed = True
        if not run["results"]:
            body.append([run["bench"], f"({run['status']}; no uniform results)", "", "", "", "", "", "", ""])
            continue
        for r in run["results"]:
            missed |= r.get("met") is False
            star = (r.get("baseline_extrapolated") or 1.0) != 1.0
            body.append(
                [
                    run["bench"] if run["status"] == "ok" else f"{run['bench']} ({run['status']})",
                    str(r.get("name", "")),
                    str(r.get("baseline") or "—"),
                    s(r.get("median_s")),
                    s(r.get("baseline_s"), star),
                    "—" if r.get("ratio") is None else f"{r['ratio']:.1f}×",
                    "—" if r.get("target_s") is None else f"≤ {r['target_s']:g} s",
                    {True: "yes", False: "NO", None: "—"}[r.get("met")],
                    "—" if r.get("peak_mb") is None else f"{r['peak_mb']:.0f}",
                ]
            )
    return format_table(header, body), failed, missed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (sets BENCH_QUICK=1 for each bench)")
    ap.add_argument("--only", nargs="*", help="run only benches whose file name contains one of these")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds allowed per bench")
    ap.add_argument("--json", type=Path, help="also write the collected results to this JSON file")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    a = ap.parse_args()

    benches = discover(a.only)
    if not benches:
        print("no bench/bench_*.py matched", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    runs = [run_one(p, timeout=a.timeout, quick=a.quick) for p in benches]
    table, failed, missed = summary(runs)
    print(f"\n======== summary ({len(runs)} benches, {time.perf_counter() - t0:.0f} s) ========")
    print(table)
    print("ratio = baseline median / our median (> 1: faster than the baseline); * = baseline extrapolated")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(runs, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 1 if failed or (a.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
