"""The stress model reads scenarios as the allocation model defines them (affected supply A_gs)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from prioritizer.allocation.data import _scenarios
from prioritizer.case import load_case
from prioritizer.generate import generate_frames
from prioritizer.stress import build

ROOT = Path(__file__).resolve().parents[1]


def _allocation_rates(case):
    goods = case.goods
    ids = goods["id"].astype(str).tolist()
    gidx = {g: i for i, g in enumerate(ids)}
    annual = goods["annual_demand"].astype(float).to_numpy()
    issues: list = []
    scen = _scenarios(case, None, case.scenarios["id"].astype(str).tolist(), gidx, annual, issues)
    assert not issues
    out = np.zeros((len(scen), len(ids)))
    for k, s in enumerate(scen):
        for g, a in s.affected.items():
            out[k, g] = s.loss * a / 12.0
    return [s.id for s in scen], out


@pytest.mark.parametrize("which", ["default", "generated"])
def test_loss_rates_equal_the_allocation_models_affected_supply(which):
    if which == "default":
        case = load_case(ROOT / "inputs" / "default")
    else:
        case = generate_frames(goods=300, projects=40, scenarios=30, partners=25, months=14, seed=3).to_case()
    ids, expected = _allocation_rates(case)
    data = build(case)
    assert data.scenario_ids == ids
    np.testing.assert_allclose(data.loss_rate, expected, rtol=1e-12, atol=1e-12)
    assert (data.loss_rate > 0).any(axis=1).all()  # every scenario cuts something
