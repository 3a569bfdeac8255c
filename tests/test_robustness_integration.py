"""Robustness on the real scoring layer (prepare/score) with a case folder on disk.

Model: two max criteria, normalisation none, additive — so the normalised matrix is the
raw one and the analytic line example applies (A=(1,0), B=(0,1), C=(0.6,0.6), w=(0.7,0.3)).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from prioritizer.robustness import kernels, sampling, service

MODEL = {
    "name": "line",
    "target": "goods",
    "method": "wsm",
    "normalisation": "none",
    "criteria": [
        {"id": "autonomy", "column": "autonomy", "direction": "max", "weight": 0.7},
        {"id": "indispensability", "column": "indispensability", "direction": "max", "weight": 0.3},
    ],
}


@pytest.fixture
def case(tmp_path: Path):  # type: ignore[no-untyped-def]
    from prioritizer.case import load_case

    (tmp_path / "goods.csv").write_text(
        "id,name_en,autonomy,indispensability\nA,a,1.0,0.0\nB,b,0.0,1.0\nC,c,0.6,0.6\n", encoding="utf-8"
    )
    return load_case(tmp_path)


def test_analytic_line_through_prepare(case) -> None:  # type: ignore[no-untyped-def]
    r = service.run_robustness(case, {"model_snapshot": MODEL, "samples": 40_000, "seed": 1}).result
    se = 4 * np.sqrt(0.24 / 40_000)
    assert abs(r["acceptability"]["A"][0] - 0.4) < se and abs(r["acceptability"]["C"][0] - 0.2) < se
    assert r["thresholds"]["exact"] and r["thresholds"]["items"]["A"]["autonomy"]["down"] == 0.6
    assert r["weights"] == {"autonomy": 0.7, "indispensability": 0.3}


def test_batched_kernels_rank_like_score(case) -> None:  # type: ignore[no-untyped-def]
    """For sampled weights, the batched WSM/TOPSIS ranks equal prioritizer.scoring.api.score's."""
    from prioritizer.scoring.api import prepare, score

    w, _ = sampling.sample_weights(20, sampling.WeightConstraints(2), np.random.default_rng(2))
    for method in ("wsm", "topsis"):
        pm = prepare(case, MODEL, method=method)
        fixed, _ = kernels.scorers(method)
        ours = kernels.ranks(fixed(pm.normalised, w), 1e-12)
        for s, ws in enumerate(w):
            rk = score(case, MODEL, method=method, weights=dict(zip(pm.criteria, ws, strict=True)))
            assert list(rk.ranks) == list(ours[s]), (method, ws)
