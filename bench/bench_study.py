"""What-if study benchmark (issue 18): 2,000 allocations of the default case on Dask.

    .venv/bin/python bench/bench_study.py             # 2,000 what-ifs (5 budgets × 400 weight samples)
    .venv/bin/python bench/bench_study.py --quick     # 100 what-ifs (smoke run)

Ours: a Dask LocalCluster of 2 worker processes (one thread each) on loopback.
Baseline: the same engine with 1 worker — so the ratio is the throughput gained by
the second worker (ideal 2.0 on two free cores; this machine is shared, so read it as
a lower bound). The in-process serial loop (``--workers 0``) is timed too, as the
"no engine at all" reference. Clusters are started before timing (start-up is a
few seconds, reported separately) and warmed with a small study, so the timing is
the steady-state throughput. Each timed study writes to a fresh study directory
(otherwise the second run would resume the first). Regret candidates are switched
off: this measures the what-if phase; phase 2 has the same per-task cost.

Memory: max RSS of this (client) process, and of each worker process (its own
``getrusage`` peak, read through ``Client.run``).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import Result, Timing, max_rss_mb, quick, report

ROOT = Path(__file__).resolve().parents[1]


def _worker_rss_mb() -> float:
    import resource
    import sys

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--samples", type=int, default=None, help="weight samples per budget level")
    ap.add_argument("--serial", action="store_true", help="also time the in-process serial loop")
    args = ap.parse_args()
    small = args.quick or quick()
    samples = args.samples or (20 if small else 400)
    budgets = [7000, 7500, 8000, 8500, 9500]
    grid = {
        "budgets": budgets,
        "weights": {"samples": samples, "seed": 0},
        "scenarios": "all",
        "robust": {"candidates": 0},
    }
    n = len(budgets) * samples

    from distributed import Client, LocalCluster

    from prioritizer.case import load_case
    from prioritizer.study.service import run_study

    case = load_case(ROOT / "inputs" / "default")
    warm = {"budgets": [9000], "weights": {"samples": 4, "seed": 99}, "robust": {"candidates": 0}}

    def timed(params: dict) -> tuple[float, dict]:
        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter()
            res = run_study(case, {**params, "grid": grid, "study_dir": d}).result
            return time.perf_counter() - t0, res

    timings: dict[int, tuple[float, dict]] = {}
    worker_rss: dict[int, list[float]] = {}
    startup: dict[int, float] = {}
    for workers in (1, 2):
        t0 = time.perf_counter()
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
        )
        startup[workers] = time.perf_counter() - t0
        try:
            with tempfile.TemporaryDirectory() as d:
                run_study(case, {"grid": warm, "address": cluster.scheduler_address, "study_dir": d})
            print(f"  {n:,} what-ifs on {workers} worker(s) …", flush=True)
            timings[workers] = timed({"address": cluster.scheduler_address})
            with Client(cluster, set_as_default=False) as c:
                worker_rss[workers] = sorted(c.run(_worker_rss_mb).values())
        finally:
            cluster.close()
    if args.serial or small:
        print(f"  {n:,} what-ifs in process (serial) …", flush=True)
        timings[0] = timed({"workers": 0})

    strip = ("engine", "workers", "engine_info", "study")
    ref = timings[0][1] if 0 in timings else timings[1][1]
    same = all(
        {k: v for k, v in timings[w][1].items() if k not in strip}
        == {k: v for k, v in ref.items() if k not in strip}
        for w in timings
    )
    t1, t2 = timings[1][0], timings[2][0]
    thr = {"1 worker": n / t1, "2 workers": n / t2}
    if 0 in timings:
        thr["serial"] = n / timings[0][0]
    extra = {
        "what_ifs": n,
        "throughput_per_s": thr,
        "worker_max_rss_mb": {str(k): v for k, v in worker_rss.items()},
        "cluster_startup_s": startup,
        "same_results": same,
        "failed": len(timings[2][1]["failures"]),
    }
    results = [
        Result(
            f"{n:,} what-ifs, Dask 2 workers",
            "same engine, 1 worker",
            Timing(runs=[t2]),
            Timing(runs=[t1]),
            note=f"ratio = throughput gain of the 2nd worker; {n / t2:.1f} vs {n / t1:.1f} what-ifs/s; "
            f"worker max RSS {', '.join(f'{v:.0f}' for v in worker_rss[2])} MB; "
            f"results identical across engines: {same}",
            extra=extra,
        ),
    ]
    if 0 in timings:
        results.append(
            Result(
                f"{n:,} what-ifs, Dask 2 workers",
                "in-process serial loop",
                Timing(runs=[t2]),
                Timing(runs=[timings[0][0]]),
                note=f"serial {thr['serial']:.1f} what-ifs/s; cluster start-up {startup[2]:.1f} s not counted",
                extra=extra,
            )
        )
    report(results, title="What-if study (issue 18)")
    print(f"client max RSS {max_rss_mb():.0f} MB; worker max RSS (1 worker) {worker_rss[1]} MB")


if __name__ == "__main__":
    main()
