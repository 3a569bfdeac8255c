"""How cost grows with goods, projects, scenarios and samples: one table for docs/performance.md.

Not a ``bench_*.py`` (``run_all.py`` does not pick it up): it times only our paths, once
per size (median of ``--repeat``), and prints a Markdown table with the peak memory of
each (tracemalloc, NumPy buffers included). Sizes are chosen so the whole sweep stays
within a few minutes on a 2-core machine.

    .venv/bin/python bench/scaling.py [--repeat 3] [--only smaa stockpile milp scoring load]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from _common import measure

Row = tuple[str, str, float, float | None, str]


def _row(
    what: str,
    size: str,
    fn: Callable[[], Any],
    repeat: int,
    note: Callable[[Any], str] | None = None,
    *,
    memory: bool = True,
) -> Row:
    t = measure(fn, repeat=repeat, warmup=0, memory=memory)
    row = (what, size, t.median, t.peak_mb, note(t.value) if note else "")
    print(f"  {what:<38} {size:<28} {t.median:9.3f} s  {t.peak_mb or 0:8.0f} MB  {row[4]}", flush=True)
    return row


def smaa(repeat: int) -> list[Row]:
    from prioritizer.robustness import sampling, smaa

    rng = np.random.default_rng(0)
    x = rng.random((1000, 4))
    out = []
    for n in (1_000, 10_000, 50_000):
        w = sampling.sample_simplex(n, 4, rng)
        out.append(
            _row("SMAA-2 wsm, 1,000 alts × 4 crit", f"{n:,} samples", lambda w=w: smaa.smaa2(x, w), repeat)
        )
    w = sampling.sample_simplex(10_000, 4, rng)
    out.append(
        _row(
            "SMAA-2 topsis, 1,000 alts × 4 crit",
            "10,000 samples",
            lambda: smaa.smaa2(x, w, method="topsis"),
            repeat,
        )
    )
    return out


def stockpile(repeat: int) -> list[Row]:
    from prioritizer.allocation.api import prepare
    from prioritizer.allocation.stockpile import solve_stockpile_greedy
    from prioritizer.allocation.synthetic import random_stockpile

    out = []
    for g, s in ((1_000, 100), (5_000, 100), (10_000, 100), (10_000, 20), (10_000, 200)):
        data, _ = prepare(random_stockpile(g, s, seed=11))
        out.append(
            _row(
                "stockpile, exact row pricing",
                f"{g:,} goods × {s} scenarios",
                lambda d=data: solve_stockpile_greedy(d),
                repeat,
                lambda r: f"obj {r.objective:.2f}",
            )
        )
    return out


def stockpile_lp(repeat: int) -> list[Row]:
    """The same LP built from arrays into highspy (the general-LP baseline), once, 60 s limit."""
    from prioritizer.allocation.api import prepare
    from prioritizer.allocation.stockpile import solve_stockpile_lp
    from prioritizer.allocation.synthetic import random_stockpile

    out = []
    for g in (1_000, 5_000):
        data, _ = prepare(random_stockpile(g, 100, seed=11))
        out.append(
            _row(
                "stockpile, array→highspy LP (60 s limit)",
                f"{g:,} goods × 100 scenarios",
                lambda d=data: solve_stockpile_lp(d, time_limit=60),
                1,
                lambda r: f"{r.status}, obj {r.objective}",
                memory=False,
            )
        )
    return out


def milp(repeat: int) -> list[Row]:
    from prioritizer.allocation.api import prepare
    from prioritizer.allocation.build import build_problem
    from prioritizer.allocation.solve import solve_problem
    from prioritizer.allocation.synthetic import random_projects

    out = []
    for n in (500, 2_000, 5_000):
        data, _ = prepare(random_projects(n, seed=7, years=3, constraints=1))

        def run(d: Any = data) -> Any:
            return solve_problem(build_problem(d).prob, gap=0.01, time_limit=300, threads=1)

        out.append(
            _row(
                "project MILP, build + HiGHS 1 % gap",
                f"{n:,} projects × 3 years",
                run,
                repeat,
                lambda o: f"{o.status}, gap {o.mip_gap:.4f}",
            )
        )
    return out


def scoring(repeat: int) -> list[Row]:
    from prioritizer.scoring import kernels

    rng = np.random.default_rng(0)
    refl = np.array(["reflect"] * 8, dtype=object)
    out = []
    for n in (10_000, 100_000, 1_000_000):
        x = rng.lognormal(0.0, 0.7, size=(n, 8))
        sign = np.where(np.arange(8) % 3 == 2, -1.0, 1.0)
        w = rng.dirichlet(np.ones(8))
        ids = np.array([f"g{i:07d}" for i in range(n)])

        def run(x: np.ndarray = x, sign: np.ndarray = sign, w: np.ndarray = w, ids: np.ndarray = ids) -> Any:
            v, _ = kernels.orient(x, sign, "vector", refl)
            s = kernels.topsis(v, w).closeness
            return kernels.rank(s, ids)

        out.append(_row("TOPSIS orient + score + rank", f"{n:,} goods × 8 crit", run, repeat))
    return out


def load(repeat: int) -> list[Row]:
    from prioritizer.case import load_case
    from prioritizer.generate import generate_case

    tmp = Path(tempfile.mkdtemp(prefix="bench_scaling."))
    out = []
    try:
        for g in (500, 1_000, 2_000):
            d = tmp / f"g{g}"
            rows = generate_case(d, goods=g, projects=200, scenarios=20, partners=100, months=36, seed=1)
            n = rows.get("flows", 0) if isinstance(rows, dict) else 0
            out.append(
                _row(
                    "load_case (CSV loader + validation)",
                    f"{g:,} goods, {n / 1e6:.2f}M flow rows",
                    lambda d=d: load_case(d),
                    repeat,
                )
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


SWEEPS = {
    "smaa": smaa,
    "scoring": scoring,
    "stockpile": stockpile,
    "stockpile_lp": stockpile_lp,
    "milp": milp,
    "load": load,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", nargs="*", choices=list(SWEEPS))
    a = ap.parse_args()
    rows: list[Row] = []
    for name in a.only or SWEEPS:
        print(f"== {name}", flush=True)
        rows += SWEEPS[name](a.repeat)
    print("\n| what | size | median s | peak MB | note |\n|---|---|---:|---:|---|")
    for what, size, sec, mb, note in rows:
        print(f"| {what} | {size} | {sec:.3f} | {'—' if mb is None else f'{mb:.0f}'} | {note} |")


if __name__ == "__main__":
    main()
