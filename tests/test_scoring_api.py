"""prepare / score / criticality / run_rank on small hand-checkable cases (Case built directly)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from prioritizer.case.types import Case
from prioritizer.cli import app
from prioritizer.errors import InputError
from prioritizer.scoring import api
from prioritizer.scoring.service import run_rank

GOODS = pd.DataFrame(
    {
        "id": ["gallium", "chips", "photoresist", "antibiotics"],
        "name_ja": ["ガリウム", "先端半導体", "フォトレジスト", "抗菌性物質製剤"],
        "name_en": ["Gallium", "Advanced chips", "Photoresist", "Antibiotics"],
        "sector": ["computing", "computing", "computing", "biotech"],
        "domain": ["dependence", "disruptive", "advantage", "dependence"],
        "specified_critical": [True, True, False, True],
        "ministry": ["METI", "METI", "METI", "MHLW"],
        "autonomy": [0.1, 0.3, 0.95, 0.2],
        "indispensability": [0.05, 0.2, 0.9, 0.02],
        "securing_cost": [120.0, 4000.0, 300.0, 50.0],
        "foreign_dependence": [0.8, 0.6, 0.05, 0.7],
        "importance": [5.0, 5.0, 4.0, 4.0],
        "substitutability": [0.2, 0.3, 0.4, 0.5],
    }
)

SIMPLE = {
    "name": "simple",
    "method": "wsm",
    "normalisation": "minmax",
    "criteria": [
        {"id": "dep", "column": "foreign_dependence", "direction": "max", "weight": 3},
        {"id": "cost", "column": "securing_cost", "direction": "min", "weight": 1},
    ],
}


def case(goods: pd.DataFrame = GOODS, **kw) -> Case:
    return Case(root=Path("/nonexistent-case"), goods=goods.copy(), **kw)


def test_wsm_minmax_by_hand_and_exact_contributions():
    """minmax: dep = (x − 0.05)/0.75; cost reflected = 1 − (x − 50)/3950; w = (0.75, 0.25)."""
    r = api.score(case(), SIMPLE)
    dep = (GOODS.foreign_dependence - 0.05) / 0.75
    cost = 1 - (GOODS.securing_cost - 50) / 3950
    expect = 0.75 * dep + 0.25 * cost
    np.testing.assert_allclose(r.scores, expect.to_numpy())
    np.testing.assert_allclose(r.contributions.sum(axis=1).to_numpy(), r.scores)
    assert [r.ids[i] for i in r.order] == ["gallium", "antibiotics", "chips", "photoresist"]
    assert r.weights == pytest.approx({"dep": 0.75, "cost": 0.25})
    assert r.prepared.invert == {"cost": "reflect"}


@pytest.mark.parametrize("method", ["wsm", "wpm", "topsis", "vikor", "promethee_ii"])
def test_every_method_decomposes_as_documented(method):
    r = api.score(case(), "default", method=method, normalisation="max" if method == "wpm" else None)
    c = r.contributions.to_numpy()
    d = r.details
    if method == "wsm":
        np.testing.assert_allclose(c.sum(axis=1), r.scores)
    elif method == "wpm":
        np.testing.assert_allclose(np.exp(c.sum(axis=1)), r.scores)
    elif method == "topsis":
        np.testing.assert_allclose(c.sum(axis=1), r.scores - 0.5)
        np.testing.assert_allclose(np.sqrt(d["plus2"].sum(axis=1)), d["d_plus"])
    elif method == "vikor":
        np.testing.assert_allclose(-c.sum(axis=1), d["s"])
    else:
        np.testing.assert_allclose(c.sum(axis=1), r.scores)


def test_choices_change_result_and_are_recorded():
    base = run_rank(case(), {"model": "default"}).result
    other = run_rank(case(), {"model": "default", "method": "wsm", "normalisation": "minmax"}).result
    heavy = run_rank(case(), {"model": "default", "weights": {"cost": 10}}).result
    assert base["method"] == "topsis" and other["method"] == "wsm" and other["normalisation"] == "minmax"
    assert [x["score"] for x in base["ranking"]] != [x["score"] for x in other["ranking"]]
    assert heavy["weights"]["cost"] > 0.9 and heavy["elicitation"]["method"] == "direct (override)"
    # cheapest (antibiotics, 50 億円) rises to first when cost dominates
    assert heavy["ranking"][0]["id"] == "antibiotics"
    for key in ("tie_rule", "invert", "weight_normalisation", "sources", "criteria", "elicitation"):
        assert key in base
    row = base["ranking"][0]
    assert {
        "id",
        "rank",
        "score",
        "contributions",
        "name_ja",
        "name_en",
        "domain",
        "hint_ja",
        "hint_en",
    } <= set(row)
    assert set(row["contributions"]) == {"autonomy", "indispensability", "cost", "foreign_dependence"}


def test_foreign_dependence_falls_back_to_column_without_flows():
    res = run_rank(case(), {"model": "default"}).result
    assert res["sources"]["foreign_dependence"].startswith("column:foreign_dependence (fallback")
    assert res["fallbacks"]["foreign_dependence"] == list(GOODS.id)
    assert res["sources"]["cost"] == "column:securing_cost"


def test_hints_by_domain():
    res = run_rank(case(), {"model": "default"}).result
    by_id = {r["id"]: r for r in res["ranking"]}
    assert "R&D" in by_id["chips"]["hint_en"] and "研究開発" in by_id["chips"]["hint_ja"]
    assert "leakage" in by_id["photoresist"]["hint_en"] and "技術流出" in by_id["photoresist"]["hint_ja"]
    assert "stockpiles" in by_id["gallium"]["hint_en"] and "備蓄" in by_id["gallium"]["hint_ja"]


@pytest.mark.parametrize(
    ("filt", "ids"),
    [
        ({"domain": "dependence"}, {"gallium", "antibiotics"}),
        ({"ministry": "MHLW"}, {"antibiotics"}),
        ({"sector": ["biotech", "computing"]}, set(GOODS.id)),
        ({"specified_critical": True}, {"gallium", "chips", "antibiotics"}),
    ],
)
def test_filters(filt, ids):
    res = run_rank(case(), {"model": "default", "filter": filt}).result
    assert {r["id"] for r in res["ranking"]} == ids and res["filter"] == filt


def test_tie_rule_shares_better_rank_listed_by_id():
    g = GOODS.copy()
    g.loc[g.id == "chips", ["foreign_dependence", "securing_cost"]] = [0.8, 120.0]  # = gallium
    r = api.score(case(g), SIMPLE)
    ranked = [(r.ids[i], int(r.ranks[i])) for i in r.order]
    assert ranked[:2] == [("chips", 1), ("gallium", 1)] and ranked[2][1] == 3


def test_vikor_conditions_reported():
    res = run_rank(case(), {"model": "default", "method": "vikor"}).result
    md = res["method_details"]
    assert md["v"] == 0.5 and md["dq"] == pytest.approx(1 / 3)
    assert isinstance(md["acceptable_advantage"], bool) and md["compromise_set"]
    assert {"s", "r", "q"} <= set(res["ranking"][0])


def test_criticality_in_unit_interval_and_monotone():
    for method in ("wsm", "topsis", "vikor", "promethee_ii"):
        snap = {**SIMPLE, "method": method}
        c = api.criticality(case(), snap)
        r = api.score(case(), snap)
        assert c.between(0, 1).all() and list(c.index) == list(GOODS.id)
        assert np.all(np.diff(c.to_numpy()[r.order]) <= 1e-12)


def test_project_model_value_for_money():
    projects = pd.DataFrame(
        {
            "id": ["p1", "p2", "p3"],
            "name_ja": ["a", "b", "c"],
            "name_en": ["a", "b", "c"],
            "good_id": ["gallium", "gallium", "photoresist"],
            "cost": [100.0, 400.0, 100.0],
            "effect": [0.5, 0.5, 0.5],
        }
    )
    res = run_rank(case(projects=projects), {"model": "project"}).result
    score = {r["id"]: r["score"] for r in res["ranking"]}
    crit = api.criticality(case(), "default")
    # (effect × criticality / cost)^(1/3)
    assert score["p1"] == pytest.approx((0.5 * crit["gallium"] / 100) ** (1 / 3))
    assert score["p1"] / score["p2"] == pytest.approx(4 ** (1 / 3))
    assert res["ranking"][0]["domain"] == "dependence"  # from the project's good


# ---------------------------------------------------------------- bad input: no result


def _issues(fn):
    with pytest.raises(InputError) as ei:
        fn()
    return ei.value.issues


def test_bad_weights_name_model_and_key():
    iss = _issues(lambda: api.score(case(), SIMPLE, weights={"dep": -1, "zz": 1}))
    keys = {i.column for i in iss}
    assert "weights.zz" in keys and all(i.file.startswith("model_snapshot") for i in iss)
    iss = _issues(lambda: api.score(case(), SIMPLE, weights={"dep": -1}))
    assert iss[0].column == "criteria.0.weight" and ">= 0" in iss[0].message
    iss = _issues(lambda: api.score(case(), SIMPLE, weights={"dep": 0, "cost": 0}))
    assert "zero" in iss[0].message


def test_unknown_method_lists_allowed():
    (iss,) = _issues(lambda: api.score(case(), SIMPLE, method="electre9"))
    assert "wsm, wpm, topsis, vikor, promethee_ii" in iss.message and iss.column == "--method"


def test_missing_column_and_blank_cells_reported_together():
    g = GOODS.drop(columns=["securing_cost"]).copy()
    g.loc[1, "foreign_dependence"] = np.nan
    iss = _issues(lambda: api.score(case(g), SIMPLE))
    assert any(i.column == "securing_cost" and "missing" in i.message for i in iss)
    g = GOODS.copy()
    g.loc[1, "foreign_dependence"] = np.nan
    (iss,) = _issues(lambda: api.score(case(g), SIMPLE))
    assert (iss.file, iss.row, iss.column) == ("goods.csv", 3, "foreign_dependence")
    r = api.score(case(g), {**SIMPLE, "missing": "worst"})
    assert r.prepared.imputed == {"dep": ["chips"]}


def test_wpm_rejects_zero_after_minmax():
    (iss,) = _issues(lambda: api.score(case(), SIMPLE, method="wpm"))
    assert iss.column == "normalisation" and "max" in iss.message


# ---------------------------------------------------------------- CLI (done criterion)


@pytest.fixture
def case_dir(tmp_path):
    d = tmp_path / "case"
    d.mkdir()
    GOODS.to_csv(d / "goods.csv", index=False)
    (d / "policy.yaml").write_text("model: default\n", encoding="utf-8")
    return d


def test_cli_rank_json_and_switches(case_dir):
    run = CliRunner()
    base = run.invoke(app, ["rank", str(case_dir), "--format", "json", "--no-audit"])
    assert base.exit_code == 0, base.output
    b = json.loads(base.stdout)
    assert b["method"] == "topsis" and len(b["ranking"]) == 4 and b["ranking"][0]["contributions"]
    sw = run.invoke(
        app,
        ["rank", str(case_dir), "-f", "json", "--no-audit", "--method", "promethee_ii", "--normalisation", "minmax",
         "--weights", "cost=0.7,autonomy=0.1", "--domain", "dependence", "--domain", "disruptive"],
    )  # fmt: skip
    assert sw.exit_code == 0, sw.output
    s = json.loads(sw.stdout)
    assert s["method"] == "promethee_ii" and s["normalisation"] == "minmax"
    assert s["weights"]["cost"] > b["weights"]["cost"] and s["filter"] == {
        "domain": ["dependence", "disruptive"]
    }
    assert {r["id"] for r in s["ranking"]} == {"gallium", "chips", "antibiotics"}


def test_cli_rank_bad_input_exit_2_nothing_printed(case_dir):
    res = CliRunner().invoke(
        app, ["rank", str(case_dir), "-f", "json", "--no-audit", "--weights", "nosuch=1"]
    )
    assert res.exit_code == 2 and res.stdout == ""
    err = json.loads(res.stderr)
    assert err["errors"][0]["column"] == "weights.nosuch" and err["errors"][0]["file"].endswith(
        "default.yaml"
    )
    res = CliRunner().invoke(app, ["rank", str(case_dir), "--no-audit", "--method", "magic"])
    assert res.exit_code == 2 and "promethee_ii" in res.stderr


def test_a_weight_what_if_reuses_the_cases_indicators_until_a_table_is_replaced(monkeypatch):
    """The latest indicators depend on the case's tables, not on the weights: two weightings of
    one case compute them once and give what a fresh case gives; a replaced table (an edit)
    computes them again."""
    from prioritizer.case import load_case
    from prioritizer.indicators import api as ind_api

    root = Path(__file__).resolve().parents[1] / "inputs" / "default"
    calls = []
    real = ind_api.latest

    def counted(case, *a, **k):
        calls.append(1)
        return real(case, *a, **k)

    monkeypatch.setattr(ind_api, "latest", counted)
    case = load_case(root)
    w = api.score(case).weights
    other = {k: v * (2.0 if i == 0 else 1.0) for i, (k, v) in enumerate(w.items())}
    a = api.criticality(case, weights=dict(w))
    b = api.criticality(case, weights=other)
    assert len(calls) == 2 - 1  # the second weighting reused the indicators
    pd.testing.assert_series_equal(a, api.criticality(load_case(root), weights=dict(w)))
    pd.testing.assert_series_equal(b, api.criticality(load_case(root), weights=other))
    assert not a.equals(b)  # the weights did change the answer
    n = len(calls)
    case.flows = case.flows.copy()  # an edit replaces the frame
    api.criticality(case, weights=dict(w))
    assert len(calls) == n + 1
