"""Core index: pure counting/classification, and one real re-optimisation loop through allocate()."""

from __future__ import annotations

import numpy as np
import pytest

from prioritizer.errors import InputError
from prioritizer.robustness import portfolio, sampling


def test_core_index_and_classes_by_hand() -> None:
    f = np.array([[1.0, 0.0, 0.5, 0.0], [1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.25, 0.0], [1.0, 1.0, 0.0, 0.0]])
    ci = portfolio.core_index(f)
    assert ci.tolist() == [1.0, 0.5, 0.5, 0.0]
    assert portfolio.classify(ci) == ["core", "borderline", "borderline", "exterior"]
    assert portfolio.classify(np.array([0.96, 0.9]), core_threshold=0.95) == ["core", "borderline"]


def test_threshold_must_be_a_majority_share() -> None:
    with pytest.raises(InputError, match="problem"):
        portfolio.check_threshold(0.3)
    with pytest.raises(InputError):
        portfolio.check_threshold("high")


def test_failed_solves_are_listed_not_counted() -> None:
    calls = iter(["optimal", "infeasible", "optimal"])
    res = portfolio.robust_portfolios(
        lambda w: (next(calls), {"P": 1.0}), ["a", "b"], ["P"], np.array([[0.5, 0.5]] * 3)
    )
    assert res.samples == 2 and res.core_index.tolist() == [1.0]
    assert res.failed == [{"sample": 1, "status": "infeasible", "weights": {"a": 0.5, "b": 0.5}}]


def test_real_allocation_with_explicit_values() -> None:
    """Budget 5, two projects costing 5 with explicit values 10 and 1: whatever the weights the
    optimum funds P_hi only → CI = (1, 0), core / exterior, one distinct portfolio."""
    from prioritizer.allocation.synthetic import make_case

    case = make_case(
        [{"id": "g1", "name_en": "good"}],
        [
            {"id": "P_hi", "good_id": "g1", "cost": 5.0, "value": 10.0},
            {"id": "P_lo", "good_id": "g1", "cost": 5.0, "value": 1.0},
        ],
        policy={"budget": {"total": 5.0}},
    )
    w, _ = sampling.sample_weights(5, sampling.WeightConstraints(2), np.random.default_rng(0))
    res = portfolio.robust_portfolios(portfolio.allocation_solver(case), ["a", "b"], ["P_hi", "P_lo"], w)
    assert res.samples == 5 and not res.failed
    assert res.core_index.tolist() == [1.0, 0.0] and res.classes == ["core", "exterior"]
    assert res.distinct_portfolios == 1
