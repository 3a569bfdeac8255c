"""``run_robustness``: JSON shape (DESIGN §5), reproducibility, bad input, portfolio core index.

The decision matrix is injected (the scoring layer's ``prepare`` is replaced by a stub
returning the hand-computable line example A=(1,0), B=(0,1), C=(0.6,0.6)), so the
expected figures are the analytic ones of test_robustness_smaa.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from prioritizer.errors import InputError
from prioritizer.robustness import service

CRITERIA = ["autonomy", "indispensability"]
MODEL = {
    "name": "test",
    "method": "wsm",
    "normalisation": "none",
    "criteria": [
        {"id": "autonomy", "column": "autonomy", "direction": "max", "weight": 0.7, "label_ja": "自律性"},
        {"id": "indispensability", "column": "indispensability", "direction": "max", "weight": 0.3},
    ],
}


def _case(goods: pd.DataFrame | None = None, projects: pd.DataFrame | None = None) -> Any:
    from prioritizer.case.types import Case

    g = (
        goods
        if goods is not None
        else pd.DataFrame(
            {
                "id": ["A", "B", "C"],
                "name_en": ["a", "b", "c"],
                "autonomy": [1.0, 0.0, 0.6],
                "indispensability": [0.0, 1.0, 0.6],
            }
        )
    )
    return Case(root=Path("memory"), goods=g, projects=projects)


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_prepare(case: Any, params: dict[str, Any]) -> tuple[Any, Any]:
        raw = case.goods[CRITERIA].to_numpy(float)
        w = np.array([c["weight"] for c in MODEL["criteria"]])
        if params.get("weights"):
            w = np.array([params["weights"][c] for c in CRITERIA], float)
        pm = SimpleNamespace(
            ids=list(case.goods["id"]),
            criteria=CRITERIA,
            raw=raw,
            normalised=raw.copy(),
            directions=np.ones(2),
            weights=w / w.sum(),
            sources={c: f"column:{c}" for c in CRITERIA},
            normalisation="none",
        )
        return SimpleNamespace(method=MODEL["method"], snapshot=lambda: MODEL), pm

    monkeypatch.setattr(service, "_prepare", fake_prepare)


def test_contract_fields_and_analytic_values(stub: None) -> None:
    out = service.run_robustness(_case(), {"samples": 40_000, "seed": 3})
    r = out.result
    json.dumps(r)  # JSON-able
    assert {"samples", "acceptability", "central_weights", "confidence"} <= set(r)
    assert {"thresholds", "tornado", "mc_error", "seed", "sampler"} <= set(r)
    assert r["samples"] == 40_000 and r["seed"] == 3 and r["sampler"]["name"] == "simplex"
    b = r["acceptability"]
    assert list(b) == ["A", "C", "B"]  # ordered by the current ranking (0.7, 0.6, 0.3)
    se = 4 * np.sqrt(0.24 / 40_000)
    assert abs(b["A"][0] - 0.4) < se and abs(b["B"][0] - 0.4) < se and abs(b["C"][0] - 0.2) < se
    assert abs(r["central_weights"]["C"]["autonomy"] - 0.5) < 0.005
    assert r["confidence"] == {"A": 1.0, "C": 1.0, "B": 1.0}
    # exact thresholds of test_robustness_sensitivity
    th = r["thresholds"]
    assert th["exact"] and th["items"]["A"]["autonomy"]["down"] == 0.6
    assert th["items"]["A"]["autonomy"]["down_with"] == "C"
    assert th["items"]["A"]["indispensability"]["up"] == 0.4
    assert th["minimum_change"]["most_critical_any"] == "autonomy"
    pair = next(p for p in th["pairs"] if p["a"] == "A" and p["b"] == "C" and p["criterion"] == "autonomy")
    assert pair["t"] == 0.6 and pair["direction"] == "decrease" and pair["top_after"] == "C"
    # tornado bars: A's score over w1 ∈ [0.35, 1.0] is [0.35, 1.0]
    bar = r["tornado"][0]
    assert bar["criterion"] == "autonomy" and bar["label"] == "自律性" and bar["item"] == "A"
    assert (bar["low"], bar["high"]) == (0.35, 1.0) and (bar["rank_best"], bar["rank_worst"]) == (1, 3)
    assert out.method["seed"] == 3 and out.weights == {"autonomy": 0.7, "indispensability": 0.3}
    assert set(out.table["id"]) == {"A", "B", "C"}


def test_same_seed_same_result_other_seed_differs(stub: None) -> None:
    a = service.run_robustness(_case(), {"samples": 2000, "seed": 11}).result
    b = service.run_robustness(_case(), {"samples": 2000, "seed": 11}).result
    c = service.run_robustness(_case(), {"samples": 2000, "seed": 12}).result
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert a["acceptability"] != c["acceptability"]


def test_weights_order_changes_acceptability_as_derived(stub: None) -> None:
    """w1 ≥ w2 on the line example: b^1 = (0.8, 0, 0.2) for A, B, C."""
    r = service.run_robustness(
        _case(), {"samples": 40_000, "weights_order": "autonomy>indispensability"}
    ).result
    assert r["sampler"]["name"] == "ordered" and r["constraints"]["order"] == ["autonomy>indispensability"]
    assert abs(r["acceptability"]["A"][0] - 0.8) < 0.01 and r["acceptability"]["B"][0] == 0.0
    assert r["central_weights"]["B"] is None and r["confidence"]["B"] is None


def test_weight_intervals_use_hit_and_run(stub: None) -> None:
    """w1 ∈ [0.5, 0.7]: A first iff w1 > 0.6 → b_A^1 = 0.5, C 0.5."""
    r = service.run_robustness(_case(), {"samples": 20_000, "intervals": "autonomy=0.5:0.7"}).result
    assert r["sampler"]["name"] == "hit-and-run"
    assert abs(r["acceptability"]["A"][0] - 0.5) < 0.02 and abs(r["acceptability"]["C"][0] - 0.5) < 0.02
    bar = r["tornado"][0]
    assert (bar["weight_low"], bar["weight_high"]) == (0.5, 0.7)


def test_value_intervals_from_case_columns(stub: None) -> None:
    """C's autonomy a ~ U[0.6, 1.0] (column autonomy_high), w1 ~ U(0, 1):
    C beats A iff w1 < 0.6/(1.6 − a) and beats B iff w1 > 0.4/(a + 0.4), so
    b_C^1 = 2.5 ∫_{0.6}^{1} [0.6/(1.6 − a) − 0.4/(a + 0.4)] da = 2.5 (0.6 ln(1/0.6) − 0.4 ln 1.4) ≈ 0.4297."""
    g = _case().goods.assign(autonomy_high=[None, None, 1.0])
    r = service.run_robustness(_case(g), {"samples": 40_000}).result
    assert r["value_uncertainty"]["sources"]["autonomy"] == "goods.csv:autonomy_high"
    assert r["value_uncertainty"]["confidence_samples"] > 0
    want = 2.5 * (0.6 * np.log(1 / 0.6) - 0.4 * np.log(1.4))
    assert abs(r["acceptability"]["C"][0] - want) < 4 * np.sqrt(want * (1 - want) / 40_000)
    assert service.run_robustness(_case(), {"samples": 100}).result["value_uncertainty"] is None


def test_bad_inputs_are_reported_together(stub: None) -> None:
    with pytest.raises(InputError) as e:
        service.run_robustness(_case(), {"samples": 0, "seed": -1, "value_spread": "big"})
    cols = {i.file for i in e.value.issues}
    assert cols == {"samples", "seed", "value_spread"}


def test_contradictory_constraints(stub: None) -> None:
    with pytest.raises(InputError, match="empty"):
        service.run_robustness(
            _case(), {"weights_order": "indispensability>autonomy", "intervals": "autonomy=0.6:1"}
        )


def test_non_numeric_value_interval(stub: None) -> None:
    """Row 3 (B) is not a number; row 4 (C, value 0.6) has a low bound above its value: both reported."""
    g = _case().goods.assign(autonomy_low=["", "abc", "0.9"])
    with pytest.raises(InputError) as e:
        service.run_robustness(_case(g), {"samples": 100})
    issues = e.value.issues
    assert {(i.row, i.column, i.value) for i in issues} == {
        (3, "autonomy_low", "abc"),
        (4, "autonomy_low", "0.9"),
    }
    assert any("must be a number" in i.message for i in issues)
    assert any("wrong side" in i.message for i in issues)


def test_unsupported_method(stub: None) -> None:
    with pytest.raises(InputError) as e:
        service.run_robustness(_case(), {"samples": 10, "method": "vikor"})
    assert "supports the methods wsm, topsis" in e.value.issues[0].message


def test_portfolio_core_index_with_injected_solver(stub: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """P_always funded whatever the weights (CI 1, core); P_a iff w1 > 0.5 (CI ≈ 1/2, borderline);
    P_never never (CI 0, exterior)."""
    from prioritizer.robustness import portfolio

    def fake(case: Any, **kw: Any) -> portfolio.Solver:
        return lambda w: ("optimal", {"P_always": 1.0, "P_a": 1.0 if w["autonomy"] > 0.5 else 0.0})

    monkeypatch.setattr(portfolio, "allocation_solver", fake)
    projects = pd.DataFrame({"id": ["P_always", "P_a", "P_never"]})
    r = service.run_robustness(
        _case(projects=projects), {"samples": 100, "portfolio": True, "portfolio_samples": 2000}
    ).result
    ci = r["core_index"]
    assert ci["P_always"] == 1.0 and ci["P_never"] == 0.0 and abs(ci["P_a"] - 0.5) < 4 * np.sqrt(0.25 / 2000)
    classes = {p["id"]: p["class"] for p in r["portfolio"]["projects"]}
    assert classes == {"P_always": "core", "P_a": "borderline", "P_never": "exterior"}
    assert r["portfolio"]["distinct_portfolios"] == 2


def test_portfolio_without_projects(stub: None) -> None:
    with pytest.raises(InputError, match="no projects"):
        service.run_robustness(_case(), {"samples": 10, "portfolio": True})
