"""`prioritizer allocate` end to end on a small CSV case (loader + service + CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prioritizer.cli import app

GOODS = """id,name_ja,name_en,domain,sector,stockpilable,unit_price,annual_demand,unit,criticality
ga,ガリウム,Gallium,dependence,cleantech,true,1.0,365,t,1.0
chip,半導体,Semiconductors,disruptive,computing,false,,,,0.8
"""
PROJECTS = """id,name_ja,name_en,good_id,instrument,cost_2026,cost_2027,divisible,min_fraction,value,capacity,requires,excludes,must
P1,ガリウム精錬,Gallium refining,ga,subsidy,20,10,false,,,73,,,
P2,半導体研究,Chip R&D,chip,rnd,30,30,true,0.5,80,,,,
P3,半導体工場,Chip fab,chip,subsidy,40,20,false,,90,,P2,,
"""
SCENARIOS = """id,name_ja,name_en,probability,good_id,loss,months
s1,ガリウム輸出停止,Gallium export stop,0.2,ga,0.5,6
"""
POLICY = """budget:
  years: {2026: 80, 2027: 60}
limits:
  - {group: domain, value: dependence, min: 10}
stockpile:
  target_days: 30
  damage_multiplier: 10
"""
IMPOSSIBLE = """budget:
  years: {2026: 80, 2027: 60}
limits:
  - {group: domain, value: disruptive, min: 100, year: 2026}
"""


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    for name, text in (
        ("goods.csv", GOODS),
        ("projects.csv", PROJECTS),
        ("scenarios.csv", SCENARIOS),
        ("policy.yaml", POLICY),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_allocate_json(case_dir: Path) -> None:
    r = CliRunner().invoke(app, ["allocate", str(case_dir), "--format", "json", "--no-audit"])
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    assert res["status"] == "optimal" and res["solver"]["verified"]
    # the 30-day hard-or-soft target for gallium is met: 30 t = 30 days of 365 t/yr
    assert res["stockpiles"][0]["days_of_cover"] == pytest.approx(30, abs=1e-6)
    names = {c["name"] for c in res["constraints"]}
    assert {"budget_2026", "budget_2027", "limit_min_domain_dependence", "requires_P3_P2"} <= names
    assert all(c["shadow_price"] is not None for c in res["constraints"])
    unfunded = [p for p in res["projects"] if p["funded_fraction"] == 0]
    assert unfunded and all(p["needed_value"] is not None for p in unfunded)


def test_allocate_impossible_policy_names_conflict(case_dir: Path, tmp_path: Path) -> None:
    """Chip projects cost at most 30 + 40 = 70 in 2026, below the 100 floor (hand count)."""
    pol = tmp_path / "impossible.yaml"
    pol.write_text(IMPOSSIBLE, encoding="utf-8")
    r = CliRunner().invoke(
        app, ["allocate", str(case_dir), "--policy", str(pol), "--format", "json", "--no-audit"]
    )
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    assert res["status"] == "infeasible"
    assert "limit_min_domain_disruptive_2026" in res["explanations"]["conflict"]["constraints"]
    assert "2026年度" in res["explanations"]["conflict"]["text_ja"]


def test_allocate_bad_budget_is_clean_error(case_dir: Path) -> None:
    r = CliRunner().invoke(
        app, ["allocate", str(case_dir), "--budget", "-1", "--format", "json", "--no-audit"]
    )
    assert r.exit_code == 2
    assert "positive" in r.output
