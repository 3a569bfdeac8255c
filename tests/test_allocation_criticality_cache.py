"""A budget what-if reuses the model's criticality; a weight change or an edited table does not."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from prioritizer.allocation.api import resolve_criticality
from prioritizer.case import load_case
from prioritizer.model import load_model
from prioritizer.scoring.api import criticality

CASE = Path(__file__).resolve().parent.parent / "inputs" / "default"


def test_cached_criticality_is_the_scorings_and_follows_weights_and_edits() -> None:
    case = load_case(CASE)
    pol = case.policy
    a, src = resolve_criticality(case, pol, None, None)
    assert src == "model"
    pd.testing.assert_series_equal(a, criticality(case, pol.model))
    b, _ = resolve_criticality(case, pol, None, None)
    pd.testing.assert_series_equal(a, b)
    b.iloc[0] = -1.0  # a caller changing its copy must not change the cache
    c, _ = resolve_criticality(case, pol, None, None)
    pd.testing.assert_series_equal(a, c)

    crits = [cr.id for cr in load_model(pol.model, case.root).criteria]
    w = {k: (2.0 if i == 0 else 1.0) for i, k in enumerate(crits)}  # one criterion counts double
    fresh = criticality(case, pol.model, weights=w)
    got, _ = resolve_criticality(case, pol, None, w)
    pd.testing.assert_series_equal(got, fresh)
    assert not got.equals(a)

    goods = case.goods.copy()
    goods.loc[0, "name_en"] = "edited"
    edited = dataclasses.replace(case, goods=goods)
    e, _ = resolve_criticality(edited, pol, None, None)
    pd.testing.assert_series_equal(e, criticality(edited, pol.model))
