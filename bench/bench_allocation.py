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
3. Joint case (issue 14): a generated case (``prioritizer.generate``, partner scenarios from
   import flows, capacity projects, three budget years, floors and caps counting stock)
   solved jointly — projects and stock sharing every budget row — by the structured solve
   (project master with exact stock curves + fixed-LP polish, proven gap) against the general
   model in one HiGHS solve on the same data in the same run (and the PuLP reference at the
   quick size); prepare (validation) + build + solve + prices (fixed LP, LP relaxation) +
   JSON, with peak RSS. Loading the CSV files is *not* included (see docs/performance.md).
"""

from __future__ import annotations

import argparse
import time

import pulp
from _common import Result, Timing, measure, quick, report

from prioritizer.allocation.api import prepare
from prioritizer.allocation.build import build_problem
from prioritizer.allocation.solve import solve_problem
from prioritizer.allocation.stockpile import solve_stockpile_greedy, solve_stockpile_lp
from prioritizer.allocation.synthetic import random_projects, random_stockpile


def _t(seconds: list[float]) -> Timing:
    return Timing(runs=list(seconds))


def bench_projects(
    n: int, gap: float, time_limit: float, repeat: int, base_repeat: int
) -> tuple[list[Result], float]:
    """HiGHS vs CBC on the same PuLP MILP; returns the results and our end-to-end median."""
    prep = measure(
        lambda: prepare(random_projects(n, seed=7, years=3, constraints=1)), repeat=repeat, warmup=0
    )
    data, _ = prep.value
    build = measure(lambda: build_problem(data), repeat=repeat, warmup=0, memory=True)
    built = build.value
    highs = measure(
        lambda: solve_problem(built.prob, gap=gap, time_limit=time_limit, threads=1), repeat=repeat, warmup=0
    )
    o = highs.value
    cbc = pulp.PULP_CBC_CMD(msg=False, gapRel=gap, timeLimit=time_limit, threads=1)

    def run_cbc() -> float | None:
        built.prob.solve(cbc)
        return pulp.value(built.prob.objective)

    print(f"  {n:,} projects: HiGHS {highs.median:.2f} s; timing CBC …", flush=True)
    base = measure(run_cbc, repeat=base_repeat, warmup=0)
    cbc_status = pulp.LpStatus[built.prob.status]
    end_to_end = prep.median + build.median + highs.median
    label = f"project MILP {n:,} projects, {gap:.0%} gap"
    return [
        Result(
            f"{label}: HiGHS solve",
            "CBC (pulp[cbc]) on the same model",
            highs,
            base,
            note=f"HiGHS {o.status} obj {o.objective:.1f} gap {o.mip_gap} verified={not o.violations}; "
            f"CBC {cbc_status} obj {base.value:.1f}",
        ),
        Result(
            f"{label}: model build",
            "",
            build,
            note=f"build vs solve: {build.median:.3f} s build, {highs.median:.2f} s solve; validate {prep.median:.2f} s",
        ),
    ], end_to_end


def bench_stockpile(
    goods: int, scenarios: int, pulp_goods: int, time_limit: float, repeat: int, base_repeat: int
) -> tuple[list[Result], float]:
    """Exact row pricing vs the array LP at full size; PuLP build/solve and CBC at a reduced size."""
    prep = measure(lambda: prepare(random_stockpile(goods, scenarios, seed=11)), repeat=1, warmup=0)
    data, _ = prep.value
    greedy = measure(lambda: solve_stockpile_greedy(data), repeat=repeat, warmup=0, memory=True)
    g = greedy.value
    print(
        f"  stockpile {goods:,}×{scenarios}: row pricing {greedy.median:.2f} s; timing the array LP …",
        flush=True,
    )
    fast = measure(lambda: solve_stockpile_lp(data, time_limit=time_limit), repeat=base_repeat, warmup=0)
    f = fast.value
    same = f.objective is not None and abs(g.objective - f.objective) <= 1e-6 * max(1.0, abs(f.objective))
    label = f"stockpile LP {goods:,} goods × {scenarios}"
    out = [
        Result(
            f"{label}: exact row pricing",
            "array→highspy LP (same model)"
            + (
                ""
                if f.status == "optimal"
                else f", stopped at {time_limit:g} s limit: ratio is a lower bound"
            ),
            greedy,
            fast,
            note=f"obj {g.objective:.4f} vs LP {f.objective} ({f.status}, limit {time_limit:g} s; same optimum: {same if f.objective is not None else 'LP unfinished'}); budget price "
            f"{g.budget_price:.6f}; LP build {f.build_seconds:.2f} s + solve "
            f"{f.solve_seconds:.2f} s; validate {prep.median:.2f} s",
        )
    ]
    end_to_end = prep.median + greedy.median

    # general PuLP model at a size PuLP can build in reasonable time
    small, _ = prepare(random_stockpile(pulp_goods, scenarios, seed=11))
    pbuild = measure(lambda: build_problem(small), repeat=repeat, warmup=0, memory=True)
    built = pbuild.value
    arr = [solve_stockpile_lp(small) for _ in range(repeat)]
    arr_build = _t([r.build_seconds for r in arr])
    arr_build.peak_bytes = None
    print(f"  PuLP model {pulp_goods:,}×{scenarios}: build {pbuild.median:.2f} s; solving …", flush=True)
    o_runs = [solve_problem(built.prob, time_limit=time_limit, threads=1) for _ in range(base_repeat)]
    o = o_runs[-1]
    highs = _t([r.seconds for r in o_runs])
    cbc = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, threads=1)

    def run_cbc() -> float | None:
        built.prob.solve(cbc)
        return pulp.value(built.prob.objective)

    base = measure(run_cbc, repeat=base_repeat, warmup=0)
    small_label = f"stockpile LP {pulp_goods:,} goods × {scenarios}"
    out += [
        Result(
            f"{small_label}: model build from arrays",
            "general PuLP model build",
            arr_build,
            pbuild,
            note=f"array-path solve {arr[-1].solve_seconds:.3f} s obj {arr[-1].objective:.4f}",
        ),
        Result(
            f"{small_label}: HiGHS solve (PuLP model)",
            "CBC on the same model",
            highs,
            base,
            note=f"HiGHS obj {o.objective:.4f}, CBC obj {base.value:.4f}, row pricing on the full size: see above",
        ),
    ]
    return out, end_to_end


def bench_joint(goods: int, projects: int, scenarios: int, time_limit: float) -> list[Result]:
    """The joint MILP end to end (without CSV loading): the structured solve vs the general model.

    Ours: ``backend="structured"`` (project master with exact stock curves, then the fixed-LP
    polish; :mod:`prioritizer.allocation.joint`). Baseline: the general model of the same data
    in one HiGHS solve (``backend="arrays"``: the PuLP model's rows built from arrays; the
    PuLP build itself is run too at the quick size). Both: prepare (validation) + build +
    solve + prices (fixed LP and LP relaxation) + JSON. Peak RSS is read after our run,
    which goes first.
    """
    import json
    import resource

    from prioritizer.allocation.api import allocate_data
    from prioritizer.generate import generate_frames

    case = generate_frames(
        goods=goods, projects=projects, scenarios=scenarios, partners=40, months=36, seed=1
    ).to_case()

    def run(backend: str) -> tuple[dict, float]:
        t0 = time.perf_counter()
        data, _ = prepare(case)
        t_prep = time.perf_counter() - t0
        res = allocate_data(data, explain="prices", backend=backend, time_limit=time_limit)
        text = json.dumps(res.to_json(), default=str)
        st = res.solver.get("structure") or {}
        return {
            "status": res.status,
            "objective": res.objective,
            "gap": res.solver["gap"],
            "path": res.solver.get("path"),
            "bytes": len(text),
            "solve": res.solver["seconds"],
            "prepare": t_prep,
            "stages": (st.get("info") or {}).get("seconds"),
        }, time.perf_counter() - t0

    label = f"joint {goods:,} goods × {scenarios} scen. (40 % partner-based) + {projects:,} projects"
    print(f"  {label}: structured solve …", flush=True)
    ours_info, ours_t = run("structured")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"    {ours_t:.2f} s, {ours_info}; timing the general model …", flush=True)
    base_info, base_t = run("arrays")
    print(f"    {base_t:.2f} s, {base_info}", flush=True)
    same = (
        ours_info["objective"] is not None
        and base_info["objective"] is not None
        and abs(ours_info["objective"] - base_info["objective"]) <= 1e-4 * (1 + abs(base_info["objective"]))
    )
    out = [
        Result(
            f"{label}: prepare+build+solve+prices+JSON (structured)",
            "general model in one HiGHS solve, same data"
            + ("" if base_info["status"] == "optimal" else f" ({base_info['status']} at {time_limit:g} s)"),
            _t([ours_t]),
            _t([base_t]),
            target=15.0,
            note=f"ours {ours_info['status']} proven gap {ours_info['gap']} solve {ours_info['solve']:.2f} s "
            f"(stages {ours_info['stages']}), prepare {ours_info['prepare']:.2f} s, peak RSS {rss:.0f} MB; "
            f"general {base_info['status']} gap {base_info['gap']} solve {base_info['solve']:.2f} s; "
            f"same objective within 1e-4: {same}",
        )
    ]
    if goods <= 2000:  # the PuLP reference itself solves at this size
        print("  timing the PuLP reference …", flush=True)
        pulp_info, pulp_t = run("pulp")
        out.append(
            Result(
                f"{label}: structured vs the PuLP reference",
                "general PuLP model",
                _t([ours_t]),
                _t([pulp_t]),
                note=f"PuLP {pulp_info['status']} obj {pulp_info['objective']}, ours obj {ours_info['objective']}",
            )
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--joint-only", action="store_true", help="only the joint case (issue 14)")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per solve (baselines may hit it)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of our paths")
    ap.add_argument(
        "--base-repeat", type=int, default=None, help="runs of the baselines (default 1, quick 3)"
    )
    a = ap.parse_args()
    small = a.quick or quick()
    repeat = a.repeat
    base_repeat = a.base_repeat or (3 if small else 1)
    if small:
        n, goods, scen, pgoods = 500, 1000, 20, 200
    else:
        n, goods, scen, pgoods = 5000, 10_000, 100, 500
    joint = bench_joint(*((1000, 500, 20) if small else (10_000, 5_000, 100)), a.time_limit)
    if a.joint_only:
        report(joint, title="allocation: joint projects + stockpiles")
        return
    res_p, t_p = bench_projects(n, 0.01, a.time_limit, repeat, base_repeat)
    res_s, t_s = bench_stockpile(goods, scen, pgoods, a.time_limit, repeat, base_repeat)
    combined = Result(
        f"stockpile {goods:,}×{scen} + MILP {n:,} (1% gap), end to end",
        "",
        _t([t_p + t_s]),
        target=30.0 if not small else None,
        note="sum of medians: validate + exact row pricing (stockpile) + validate + build + HiGHS (MILP)",
    )
    report([*joint, *res_p, *res_s, combined], title="allocation (HiGHS vs CBC, build vs solve)")


if __name__ == "__main__":
    main()
