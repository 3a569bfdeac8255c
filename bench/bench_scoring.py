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
import warnings
from pathlib import Path

import numpy as np
import skcriteria
from _common import Result, measure, quick, report
from skcriteria.agg.simple import WeightedSumModel
from skcriteria.agg.topsis import TOPSIS
from skcriteria.agg.vikor import VIKOR
from skcriteria.pipelines import mkpipe
from skcriteria.preprocessing.invert_objectives import InvertMinimize
from skcriteria.preprocessing.scalers import MinMaxScaler, VectorScaler

from prioritizer.scoring import kernels

ROOT = Path(__file__).resolve().parents[1]


def bench_matrix(x: np.ndarray, sign: np.ndarray, w: np.ndarray, repeats: int, label: str) -> list[Result]:
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

    results = []
    for name, ours, theirs, extract in (
        ("wsm (1/x, minmax)", ours_wsm, lambda: sk_wsm.evaluate(dm), lambda r: r.e_.score),
        ("topsis (vector)", ours_topsis, lambda: sk_topsis.evaluate(dm), lambda r: r.e_.similarity),
        ("vikor", ours_vikor, lambda: sk_vikor.evaluate(dm), lambda r: r.e_.q_k),
    ):
        t_ours = measure(ours, repeat=repeats, memory=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_sk = measure(theirs, repeat=repeats)
        s_ours = t_ours.value[0]
        s_sk = np.asarray(extract(t_sk.value), float)
        agree = bool(np.allclose(s_ours, s_sk, atol=1e-9))
        results.append(
            Result(
                f"{name}, {label}",
                "scikit-criteria pipeline",
                t_ours,
                t_sk,
                note=f"orient + score + rank; scores agree with scikit-criteria: {agree}",
            )
        )
    results.append(
        Result(
            f"promethee_ii, {label}",
            "",
            measure(ours_promethee, repeat=repeats, memory=True),
            note="not in scikit-criteria",
        )
    )
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000 if quick() else 100_000)
    ap.add_argument("--m", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()

    results: list[Result] = []
    default = ROOT / "inputs" / "default"
    if (default / "goods.csv").is_file():
        from prioritizer.case import load_case
        from prioritizer.scoring.api import prepare, score_prepared

        case = load_case(default)
        t = measure(lambda: score_prepared(prepare(case, None)), repeat=a.repeats, memory=True)
        r = t.value
        pm = prepare(case, None)
        results.append(
            Result(
                f"default case ({len(r.ids)} goods × {len(pm.criteria)} crit), {r.method}",
                "",
                t,
                note="load excluded; prepare + score + decompose",
            )
        )
        results += bench_matrix(pm.raw, pm.directions.astype(float), pm.weights, a.repeats, "default case")
    else:
        print(f"default case not found at {default} (skipped)")

    rng = np.random.default_rng(a.seed)
    x = rng.lognormal(0.0, 0.7, size=(a.n, a.m))
    sign = np.where(np.arange(a.m) % 3 == 2, -1.0, 1.0)
    w = rng.dirichlet(np.ones(a.m))
    results += bench_matrix(x, sign, w, a.repeats, f"{a.n:,} × {a.m}")
    report(results, title="scoring kernels vs scikit-criteria")


if __name__ == "__main__":
    main()
