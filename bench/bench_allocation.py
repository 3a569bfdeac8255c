"""Allocation benchmark (issue 5 item 8): build vs solve time, HiGHS vs CBC on the same model.

    .venv/bin/python bench/bench_allocation.py            # full sizes of the issue
    .venv/bin/python bench/bench_allocation.py --quick    # small sizes (smoke run)

1. Project MILP: N binary projects with values correlated to costs (hard knapsacks,
   Pisinger 2005), 3 yearly budgets and a domain floor, solved to a 1 % relative gap.
   The *same* PuLP model is handed to HiGHS (pulp.HiGHS via highspy) and to CBC
   (pulp.PULP_CBC_CMD); the ratio CBC time / HiGHS time is printed.
2. Stockpile LP: G goods × S scenarios. Built two ways: the general PuLP model
   (prioritizer.allocation.build) and the array path straight into highspy
   (prioritizer.allocation.stockpile), and the exact priced-coupling-row solve that
   exploits the separability by good (issue 10); build and solve times separately.
   The PuLP path is run at a reduced size when the full one would need > ~1M PuLP
   variables (minutes of pure Python object creation); the sizes are printed.
"""

from __future__ import annotations

import argparse
import time

import pulp

from prioritizer.allocation.api import prepare
from prioritizer.allocation.build import build_problem
from prioritizer.allocation.solve import solve_problem
from prioritizer.allocation.stockpile import solve_stockpile_greedy, solve_stockpile_lp
from prioritizer.allocation.synthetic import random_projects, random_stockpile


def bench_projects(n: int, gap: float, time_limit: float) -> None:
    t0 = time.perf_counter()
    data, _ = prepare(random_projects(n, seed=7, years=3, constraints=1))
    t1 = time.perf_counter()
    built = build_problem(data)
    t2 = time.perf_counter()
    o = solve_problem(built.prob, gap=gap, time_limit=time_limit, threads=1)
    print(f"[projects] N={n}: validate {t1 - t0:.2f}s, build {t2 - t1:.3f}s")
    print(
        f"  HiGHS {o.seconds:.2f}s status={o.status} obj={o.objective:.1f} gap={o.mip_gap}"
        f" verified={not o.violations}"
    )
    cbc = pulp.PULP_CBC_CMD(msg=False, gapRel=gap, timeLimit=time_limit, threads=1)
    t3 = time.perf_counter()
    built.prob.solve(cbc)
    t4 = time.perf_counter()
    cbc_obj = pulp.value(built.prob.objective)
    print(f"  CBC   {t4 - t3:.2f}s status={pulp.LpStatus[built.prob.status]} obj={cbc_obj:.1f}")
    print(f"  ratio CBC/HiGHS solve time = {(t4 - t3) / max(o.seconds, 1e-9):.2f}")


def bench_stockpile(goods: int, scenarios: int, pulp_goods: int, time_limit: float) -> None:
    t0 = time.perf_counter()
    data, _ = prepare(random_stockpile(goods, scenarios, seed=11))
    t1 = time.perf_counter()
    greedy = solve_stockpile_greedy(data)
    print(f"[stockpile] {goods} goods × {scenarios} scenarios: validate {t1 - t0:.2f}s")
    print(
        f"  priced coupling row (exact): arrays {greedy.build_seconds:.2f}s, solve {greedy.solve_seconds:.2f}s,"
        f" obj={greedy.objective:.4f} budget price={greedy.budget_price:.6f}"
    )
    fast = solve_stockpile_lp(data, time_limit=time_limit)
    print(
        f"  array→highspy LP: build {fast.build_seconds:.2f}s, solve {fast.solve_seconds:.2f}s,"
        f" status={fast.status} obj={fast.objective}"
    )
    # general PuLP model, HiGHS vs CBC, on a size PuLP can build in reasonable time
    small, _ = prepare(random_stockpile(pulp_goods, scenarios, seed=11))
    t2 = time.perf_counter()
    built = build_problem(small)
    t3 = time.perf_counter()
    o = solve_problem(built.prob, time_limit=time_limit, threads=1)
    fast_small = solve_stockpile_lp(small)
    print(
        f"  PuLP model at {pulp_goods} goods × {scenarios}: build {t3 - t2:.2f}s,"
        f" HiGHS solve {o.seconds:.2f}s obj={o.objective:.4f}"
        f" (array path: build {fast_small.build_seconds:.3f}s solve {fast_small.solve_seconds:.3f}s,"
        f" obj={fast_small.objective:.4f})"
    )
    cbc = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, threads=1)
    t4 = time.perf_counter()
    built.prob.solve(cbc)
    t5 = time.perf_counter()
    print(f"  CBC {t5 - t4:.2f}s obj={pulp.value(built.prob.objective):.4f}")
    print(f"  ratio CBC/HiGHS solve time = {(t5 - t4) / max(o.seconds, 1e-9):.2f}")
    print(f"  ratio PuLP build / array build = {(t3 - t2) / max(fast_small.build_seconds, 1e-9):.1f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--time-limit", type=float, default=300.0)
    a = ap.parse_args()
    if a.quick:
        bench_projects(500, 0.01, a.time_limit)
        bench_stockpile(1000, 20, 200, a.time_limit)
    else:
        bench_projects(5000, 0.01, a.time_limit)
        bench_stockpile(10_000, 100, 1000, a.time_limit)


if __name__ == "__main__":
    main()
