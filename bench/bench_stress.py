"""Benchmark: the month-by-month stress battery against a per-good Python loop, same run.

Targets (issue 19):

* the battery of every scenario of the default case against the default portfolio (the
  optimal allocation, solved once beforehand like a recorded run), 24 months, ≤ 0.2 s
  (library: case arrays, simulation, summary and ranking);
* a national case from ``prioritizer generate`` — 10,000 goods × 100 scenarios, 24 months —
  ≤ 10 s at ≤ 2 GB (arrays built from the case, simulation, summary, ranking).

Baseline: what one would write without the vectorised kernel — for every scenario, month and
good (in topological order, so inputs are settled before their products) the same recurrence
in plain Python scalars. On the national case it is timed on a subset of scenarios and
extrapolated linearly (marked ``*``); both give the same shortfall on that subset (checked).
The machine is shared, so the CPU seconds of our run are printed beside the wall-clock median.

    .venv/bin/python bench/bench_stress.py [--goods 10000 --scenarios 100 --months 24 --baseline-scenarios 2]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from _common import Result, max_rss_mb, measure, quick, report

from prioritizer.case import load_case
from prioritizer.generate import generate_frames
from prioritizer.stress import Portfolio, build, play
from prioritizer.stress.data import StressData
from prioritizer.stress.kernel import activity

ROOT = Path(__file__).resolve().parents[1]


def loop_baseline(
    d: StressData, stock0: np.ndarray, funded: np.ndarray, months: int, scen: list[int]
) -> np.ndarray:
    """Total shortfall per (scenario, good) by a scalar loop (release rule ``cover``)."""
    G = len(d.good_ids)
    order = np.concatenate(d.levels).tolist()
    cap = d.capacity_by_month(funded, months).tolist()
    demand = d.demand.tolist()
    h = d.domestic_share.tolist()
    inputs: list[list[tuple[int, float]]] = [[] for _ in range(G)]
    if d.links is not None:
        A = d.links.tocsr()
        for p in range(G):
            for j in range(A.indptr[p], A.indptr[p + 1]):
                inputs[p].append((int(A.indices[j]), float(A.data[j])))
    out = np.zeros((len(scen), G))
    for row, s in enumerate(scen):
        rate = d.loss_rate[s].tolist()
        act = activity(d.duration[[s]], months)[0].tolist()
        stock = stock0.tolist()
        for t in range(months):
            short = [0.0] * G
            for g in order:
                lost = rate[g] * act[t]
                if inputs[g]:
                    carried = sum(a * (short[i] / demand[i] if demand[i] > 0 else 0.0) for i, a in inputs[g])
                    lost += demand[g] * h[g] * min(1.0, carried)
                lost = min(lost, demand[g])
                gap = lost - min(lost, cap[g][t])
                rel = min(gap, stock[g])
                stock[g] -= rel
                short[g] = gap - rel
                out[row, g] += short[g]
    return out


def battery(d: StressData, port: Portfolio, months: int) -> list[dict]:
    return play(d, port, months=months, store=()).battery_rows()


def default_case(months: int, repeat: int) -> list[Result]:
    from prioritizer.stress.portfolio import optimal

    case = load_case(ROOT / "inputs" / "default")
    port = optimal(case)  # the default portfolio, solved once (as a recorded run would hold it)
    d = build(case)
    stock0, funded = port.arrays(d.good_ids, d.project_ids)
    every = list(range(len(d.scenario_ids)))
    name = f"{len(d.scenario_ids)} scenarios × {len(d.good_ids)} goods × {months} months"
    cpu0 = time.process_time()
    total = measure(lambda: battery(build(case), port, months), repeat=repeat, memory=True)
    cpu = (time.process_time() - cpu0) / (repeat + 2)
    base_total = measure(lambda: loop_baseline(build(case), stock0, funded, months, every), repeat=repeat)
    sim = measure(lambda: battery(d, port, months), repeat=repeat)
    base = measure(lambda: loop_baseline(d, stock0, funded, months, every), repeat=repeat)
    got = play(d, port, months=months).summary["total_shortfall"]
    agree = bool(np.allclose(got, base.value, rtol=1e-9, atol=1e-9))
    return [
        Result(
            f"battery default case, simulation: {name}",
            "per-good Python loop",
            sim,
            base,
            note=f"baseline agrees: {agree}",
        ),
        Result(
            f"battery default case incl. case arrays: {name}",
            "case arrays + per-good Python loop",
            total,
            base_total,
            target=0.2,
            note=f"CPU {cpu:.3f} s per run",
        ),
    ]


def national(goods: int, scenarios: int, months: int, base_scen: int, repeat: int) -> list[Result]:
    sc = generate_frames(
        goods=goods, projects=goods // 5, scenarios=scenarios, partners=100, months=12, seed=1
    )
    case = sc.to_case()
    d = build(case)
    # A national portfolio: 60 days of demand in stock for every stockpilable good, every
    # capacity project funded (the optimal allocation at this size is the allocation bench's job).
    stockpilable = case.goods["stockpilable"].astype(bool).to_numpy()
    stock = {g: float(60 * 12 / 365 * d.demand[i]) for i, g in enumerate(d.good_ids) if stockpilable[i]}
    port = Portfolio(source="run", run_id="bench", stock=stock, funded=dict.fromkeys(d.project_ids, 1.0))
    name = f"{scenarios} scenarios × {goods:,} goods × {months} months"
    cpu0 = time.process_time()
    total = measure(lambda: battery(build(case), port, months), repeat=repeat, warmup=1, memory=True)
    cpu = (time.process_time() - cpu0) / (repeat + 2)
    build_t = measure(lambda: build(case), repeat=repeat)
    sim = measure(lambda: battery(d, port, months), repeat=repeat)
    stock0, funded = port.arrays(d.good_ids, d.project_ids)
    sub = list(range(min(base_scen, scenarios)))
    ext = scenarios / len(sub)
    base = measure(lambda: loop_baseline(d, stock0, funded, months, sub), repeat=1, warmup=0, extrapolate=ext)
    base_total = type(base)(runs=[r + build_t.median / ext for r in base.runs], extrapolated=ext)
    got = play(d, port, scenarios=[d.scenario_ids[k] for k in sub], months=months, store=())
    agree = bool(np.allclose(got.summary["total_shortfall"], base.value, rtol=1e-9, atol=1e-7))
    rss = max_rss_mb()
    return [
        Result(
            f"battery national, simulation: {name}",
            "per-good Python loop",
            sim,
            base,
            note=f"baseline on {len(sub)} scenarios; agrees: {agree}",
            extra={"agree": agree},
        ),
        Result(
            f"battery national incl. case arrays: {name}",
            "case arrays + per-good Python loop",
            total,
            base_total,
            target=10.0,
            note=(
                f"case arrays {build_t.median:.2f} s; CPU {cpu:.2f} s per run (shared machine); "
                f"max RSS {rss:.0f} MB (≤ 2048 MB: {rss <= 2048})"
            ),
            extra={"cpu_s": cpu, "rss_mb": rss},
        ),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--goods", type=int, default=1_000 if quick() else 10_000)
    ap.add_argument("--scenarios", type=int, default=20 if quick() else 100)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--baseline-scenarios", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    results = default_case(a.months, 5)
    results += national(a.goods, a.scenarios, a.months, a.baseline_scenarios, a.repeat)
    report(results, title="Stress battery (month by month)")


if __name__ == "__main__":
    main()
