"""Benefit headline and ranked, grouped explanation lines (issue 13 Deliver 1 and 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prioritizer.allocation.api import allocate, allocate_data, prepare
from prioritizer.allocation.synthetic import make_case
from prioritizer.case import load_case
from prioritizer.cli import app
from prioritizer.presentation.allocation import allocation_table as table_of

ROOT = Path(__file__).resolve().parents[1]
GOODS = [{"id": "g", "name_ja": "物資", "criticality": 0.5}]


def test_cli_relax_json_carries_benefit_baseline_and_breakdown_that_add_up() -> None:
    res = CliRunner().invoke(
        app, ["allocate", str(ROOT / "inputs" / "default"), "--relax", "--format", "json", "--no-audit"]
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    # DESIGN §7: the benefit leaves out the avoided target penalty, which the objective counts
    bd = d["benefit_breakdown"]
    assert d["benefit"] == pytest.approx(bd["project_value"] + bd["avoided_shortfall_loss"])
    assert sum(bd.values()) == pytest.approx(d["objective"] - d["baseline_objective"])
    assert set(d["benefit_breakdown"]) == {
        "project_value",
        "avoided_shortfall_loss",
        "avoided_target_penalty",
    }
    assert d["benefit"] > 0 and d["baseline_objective"] < 0
    assert "重要度加重億円" in d["assumptions"]["benefit_unit"]
    for c in d["constraints"]:
        assert {"sense", "rhs", "relax_gain", "rhs_range", "price_from"} <= set(c)
        if c["binding"] and c["relax_gain"] is not None:
            assert c["relax_gain"] >= -1e-9, c["name"]


def test_knapsack_benefit_is_the_value_of_the_funded_projects() -> None:
    # no scenarios, no stock: the no-action objective is 0 and the benefit is Σ v x (hand-computed)
    projects = [
        {"id": "A", "good_id": "g", "cost": 5, "value": 16},
        {"id": "B", "good_id": "g", "cost": 7, "value": 22},
        {"id": "C", "good_id": "g", "cost": 4, "value": 12},
    ]
    r = allocate(make_case(GOODS, projects, policy={"budget": {"total": 11}}))
    assert r.baseline_objective == 0
    assert r.benefit == pytest.approx(34)  # B + C = 22 + 12, cost 11
    assert r.benefit_per_oku == pytest.approx(34 / 11)


def test_stockpile_benefit_is_the_expected_loss_avoided() -> None:
    # one good, demand 365/yr, price 1, crit 0.5, damage 10: weight 5 per unit short.
    # Scenario p = 0.2 cuts all supply for 12 months: need 365, expected loss 0.2·5·365 = 365.
    goods = [{"id": "g", "stockpilable": True, "unit_price": 1.0, "annual_demand": 365.0, "criticality": 0.5}]
    scen = [{"id": "s", "probability": 0.2, "good_id": "g", "loss": 1.0, "months": 12}]
    pol = {"budget": {"total": 105}, "stockpile": {"target_days": 0, "holding_cost_rate": 0.05}}
    r = allocate(make_case(goods, scenarios=scen, policy=pol))
    # 105 億円 buys 100 units (1.05 each incl. holding): avoided loss 0.2 · 5 · 100 = 100
    assert r.baseline_objective == pytest.approx(-365)
    assert r.benefit == pytest.approx(100)
    assert r.benefit_breakdown["avoided_shortfall_loss"] == pytest.approx(100)
    assert r.benefit_per_oku == pytest.approx(100 / 105)


def _default_lines() -> list[dict]:
    data, _ = prepare(load_case(ROOT / "inputs" / "default"))
    return allocate_data(data, relax=True, explain="prices").explanations["lines"]


def test_lines_are_grouped_and_sorted_by_impact() -> None:
    lines = _default_lines()
    groups = [ln["group"] for ln in lines]
    assert groups == sorted(groups, key=["status", "rules", "targets", "projects"].index)
    for g in ("rules", "targets", "projects"):
        impacts = [abs(ln["impact"]) for ln in lines if ln["group"] == g and ln["impact"] is not None]
        assert impacts, g
        assert impacts == sorted(impacts, reverse=True)
    for ln in lines:
        assert ln["text_ja"] and ln["text_en"] and ln["kind"].startswith("alloc.")


def test_budget_and_target_lines_say_which_way_in_japanese() -> None:
    lines = {ln.get("constraint"): ln for ln in _default_lines() if ln["type"] == "price"}
    b = lines["budget_2026"]
    assert b["text_ja"].startswith("2026年度予算を1億円増やすと便益が+")
    assert "億円の範囲で有効）" in b["text_ja"] and b["impact"] > 0
    t = lines["target_rare_earths"]
    assert t["text_ja"].startswith("レアアース（軽希土類）の備蓄目標を1日下げると便益が+")
    assert t["group"] == "targets" and t["impact"] > 0
    assert t["text_en"].startswith("Lowering the stockpile target for")


def test_entry_value_is_printed_with_enough_precision_or_called_close() -> None:
    # budget 7.5: A (ratio 2) in full, B (ratio 1.9) half — B is basic, so the budget's
    # price is 1.9 per 億円 and a cost-5 project needs 9.5 to enter (hand-computed).
    projects = [
        {"id": "A", "good_id": "g", "cost": 5, "value": 10, "divisible": True},
        {"id": "B", "good_id": "g", "cost": 5, "value": 9.5, "divisible": True},
        {"id": "C", "good_id": "g", "cost": 5, "value": 9.0, "divisible": True},
        {"id": "D", "good_id": "g", "cost": 5, "value": 9.4999, "divisible": True},
    ]
    r = allocate(make_case(GOODS, projects, policy={"budget": {"total": 7.5}}), relax=True)
    by = {ln["project"]: ln for ln in r.explanations["lines"] if ln["group"] == "projects"}
    assert by["C"]["text_ja"] == "不採択の「C」は価値が9.00→9.50になれば採択されます（あと5.6%）"
    assert by["C"]["impact"] == pytest.approx(-0.5)
    assert by["D"]["kind"] == "alloc.line.needed_value_close"
    assert "採択まであと0.1%未満" in by["D"]["text_ja"]
    assert "within 0.1 % of entering" in by["D"]["text_en"]


def test_cli_table_headline_is_benefit_spend_and_benefit_per_oku_in_japanese() -> None:
    res = CliRunner().invoke(app, ["allocate", str(ROOT / "inputs" / "default"), "--relax", "--no-audit"])
    assert res.exit_code == 0, res.output
    head = res.stdout.splitlines()[:6]
    text = "\n".join(head)
    assert "区分" in head[0] and "内容" in head[0]
    assert "求解状態: 最適" in text
    assert "便益 " in text and "重要度加重億円" in text
    assert "支出 " in text and "事業 " in text and "備蓄 " in text
    assert "1億円あたりの便益" in text
    for raw in ("objective=", "funded_fraction", "None", "nan"):
        assert raw not in res.stdout


def test_table_in_english_has_no_japanese_headers() -> None:
    data, _ = prepare(load_case(ROOT / "inputs" / "default"))
    res = allocate_data(data, relax=True, explain="prices").to_json()
    df = table_of(res, "en")
    assert list(df.columns)[:3] == ["Section", "ID", "Name"]
    assert df.iloc[1, -1].startswith("Benefit ")
