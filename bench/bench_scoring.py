"""Benchmark: ranking the default case and 100,000 synthetic goods × 8 criteria.

For each method scikit-criteria 0.10 has (WSM, TOPSIS, VIKOR), the numpy kernel pipeline
(orient → score → rank with the documented tie rule) is timed against scikit-criteria's
pipeline (scaler + aggregator, which also ranks) in the SAME run, on the same matrix;
the median of several repeats and the ratio are printed, and the two scorings are
checked to agree. PROMETHEE II (not in scikit-criteria) is timed alone.

    .venv/bin/python bench/bench_scoring.py [--n 100000] [--m 8] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
import skcriteria
from skcriteria.agg.simple import WeightedSumModel
from skcriteria.agg.topsis import TOPSIS
from skcriteria.agg.vikor import VIKOR
from skcriteria.pipelines import mkpipe
from skcriteria.preprocessing.invert_objectives import InvertMinimize
from skcriteria.preprocessing.scalers import MinMaxScaler, VectorScaler

from prioritizer.scoring import kernels

ROOT = Path(__file__).resolve().parents[1]


def median_time(fn, repeats: int) -> tuple[float, object]:
    out, ts = None, []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), out


def bench_matrix(x: np.ndarray, sign: np.ndarray, w: np.ndarray, repeats: int) -> None:
    n, m = x.shape
    ids = np.array([f"g{i:06d}" for i in range(n)])
    objectives = [max if s > 0 else min for s in sign]
    refl = np.array(["reflect"] * m, dtype=object)

    recip = np.array(["reciprocal"] * m, dtype=object)

    def ours_wsm():
        v, _ = kernels.orient(x, sign, "minmax", recip)
        s = kernels.wsm(v, w)
        return s, kernels.rank(s, ids)[1]

    def ours_topsis():
        v, _ = kernels.orient(x, sign, "vector", refl)
        s = kernels.topsis(v, w).closeness
        return s, kernels.rank(s, ids)[1]

    def ours_vikor():
        v, _ = kernels.orient(x, sign, "none", refl)
        vk = kernels.vikor(v, w, 0.5)
        return vk.q, kernels.rank(-vk.q, ids)[1]

    def ours_promethee():
        v, _ = kernels.orient(x, sign, "minmax", refl)
        kinds = ["linear"] * m
        pr = kernels.promethee_ii(v, w, kinds, np.full(m, 0.05), np.full(m, 0.3))
        return pr.phi, kernels.rank(pr.phi, ids)[1]

    dm = skcriteria.mkdm(x, objectives, weights=w)
    # same semantics on both sides: min criteria x -> 1/x, then min-max scaling
    sk_wsm = mkpipe(InvertMinimize(), MinMaxScaler(target="matrix"), WeightedSumModel())
    sk_topsis = mkpipe(VectorScaler(target="matrix"), TOPSIS())
    sk_vikor = VIKOR(use_compromise_set=False)

    rows = []
    for name, ours, theirs, extract in (
        ("wsm (1/x, minmax)", ours_wsm, lambda: sk_wsm.evaluate(dm), lambda r: r.e_.score),
        ("topsis (vector)", ours_topsis, lambda: sk_topsis.evaluate(dm), lambda r: r.e_.similarity),
        ("vikor", ours_vikor, lambda: sk_vikor.evaluate(dm), lambda r: r.e_.q_k),
    ):
        t_ours, (s_ours, _) = median_time(ours, repeats)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_sk, res = median_time(theirs, repeats)
        s_sk = np.asarray(extract(res), float)
        agree = bool(np.allclose(s_ours, s_sk, atol=1e-9))
        rows.append((name, t_ours, t_sk, t_sk / t_ours, agree))
    t_pr, _ = median_time(ours_promethee, repeats)
    print(f"  {'method':<20}{'numpy kernel':>14}{'scikit-criteria':>17}{'ratio':>9}  agree")
    for name, a, b, ratio, ok in rows:
        print(f"  {name:<20}{a * 1e3:>11.1f} ms{b * 1e3:>14.1f} ms{ratio:>8.1f}x  {ok}")
    print(f"  {'promethee_ii':<20}{t_pr * 1e3:>11.1f} ms{'(not in skc)':>17}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--m", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()

    default = ROOT / "inputs" / "default"
    if (default / "goods.csv").is_file():
        from prioritizer.case import load_case
        from prioritizer.scoring.api import prepare, score_prepared

        case = load_case(default)
        t, r = median_time(lambda: score_prepared(prepare(case, None)), a.repeats)
        print(
            f"default case: {len(r.ids)} goods × {len(r.prepared.criteria)} criteria, {r.method}: "
            f"{t * 1e3:.1f} ms median (load excluded; prepare + score + decompose)"
        )
        pm = prepare(case, None)
        print("  kernels vs scikit-criteria on the default case's matrix:")
        bench_matrix(pm.raw, pm.directions.astype(float), pm.weights, a.repeats)
    else:
        print(f"default case not found at {default} (skipped)")

    rng = np.random.default_rng(a.seed)
    x = rng.lognormal(0.0, 0.7, size=(a.n, a.m))
    sign = np.where(np.arange(a.m) % 3 == 2, -1.0, 1.0)
    w = rng.dirichlet(np.ones(a.m))
    print(f"synthetic: {a.n:,} goods × {a.m} criteria, median of {a.repeats} runs")
    bench_matrix(x, sign, w, a.repeats)


if __name__ == "__main__":
    main()
