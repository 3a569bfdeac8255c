"""`prioritizer stress` end to end: DESIGN §6 JSON, the recorded run, the battery, bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prioritizer.audit import open_store
from prioritizer.cli import app
from prioritizer.stress import battery_headline
from prioritizer.text import render

ROOT = Path(__file__).resolve().parents[1]
GOODS = """id,name_ja,name_en,domain,sector,stockpilable,unit_price,annual_demand,unit,criticality
ga,ガリウム,Gallium,dependence,cleantech,true,1.0,365,t,1.0
chip,半導体,Semiconductors,disruptive,computing,false,2,120,unit,0.8
"""
PROJECTS = """id,name_ja,name_en,good_id,instrument,cost,divisible,value,capacity,lead_months
P1,ガリウム精錬,Gallium refining,ga,subsidy,20,false,,73,3
P2,半導体研究,Chip R&D,chip,rnd,30,true,80,,
"""
SCENARIOS = """id,name_ja,name_en,probability,good_id,loss,months
s1,ガリウム輸出停止,Gallium export stop,0.2,ga,0.5,6
s2,半導体途絶,Chip cut,0.1,chip,1.0,2
"""
POLICY = "budget:\n  total: 200\nstockpile:\n  target_days: 30\n"


@pytest.fixture
def env(tmp_path: Path, monkeypatch) -> tuple[Path, str]:
    for name, text in (
        ("goods.csv", GOODS),
        ("projects.csv", PROJECTS),
        ("scenarios.csv", SCENARIOS),
        ("policy.yaml", POLICY),
        ("links.csv", "good_id,input_id,intensity\nchip,ga,0.5\n"),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.setenv("PRIORITIZER_DB", db)
    return tmp_path, db


def _json(args: list[str]) -> dict:
    r = CliRunner().invoke(app, [*args, "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_stress_against_a_recorded_allocation_run_follows_design_6(env):
    case, db = env
    alloc = _json(["allocate", str(case), "--no-explain"])
    q = {s["good_id"]: s["quantity"] for s in alloc["stockpiles"]}["ga"]
    funded = {p["id"]: p["funded_fraction"] for p in alloc["projects"]}
    out = _json(["stress", str(case), "--scenario", "s1", "--run", alloc["run_id"], "--months", "8"])
    assert out["portfolio"] == alloc["run_id"]
    assert set(out) >= {"run_id", "portfolio", "months", "summary"}
    assert "battery" not in out
    ga = [m for m in out["months"] if m["good_id"] == "ga"]
    assert [m["month"] for m in ga] == list(range(1, 9))
    assert set(ga[0]) >= {"scenario", "month", "good_id", "lost", "released", "added", "shortfall", "stock"}
    # 0.5 × 365 t / 12 lost per month for 6 months; the run's capacity (73 t / year) arrives after 3 months
    lost = 0.5 * 365 / 12
    assert ga[0]["lost"] == pytest.approx(lost) and ga[6]["lost"] == 0
    added = [m["added"] for m in ga]
    cap = 73 / 12 * funded.get("P1", 0.0)
    assert added[:3] == [0, 0, 0] and added[3] == pytest.approx(min(cap, lost))
    # stock = the run's stockpile, drawn down by the gap until it is gone
    assert ga[0]["stock"] == pytest.approx(max(0.0, q - lost))
    (row,) = [s for s in out["summary"] if s["good_id"] == "ga"]
    assert set(row) >= {
        "scenario",
        "good_id",
        "first_short_month",
        "total_shortfall",
        "longest_short_run",
        "stock_left",
        "recovery_month",
    }
    expected_total = max(0.0, lost * 6 - q - cap * 3)
    assert row["total_shortfall"] == pytest.approx(expected_total)
    stored = open_store(db).get(out["run_id"])
    assert stored.command == "stress" and stored.params["portfolio"]["run_id"] == alloc["run_id"]
    assert open_store(db).replay(out["run_id"]).identical


def test_all_ranks_the_scenarios_worst_first(env):
    case, _ = env
    out = _json(["stress", str(case), "--all", "--run", "nothing", "--no-audit"])
    # s1: 0.5 × 365 × 6/12 = 91.25 t of ga × 1 億円, plus chip through the link (intensity 0.5):
    #     10 units / month × min(1, 0.5 × 0.5) = 2.5 units / month for 6 months = 15 units × 2 億円 = 30 億円
    # s2: chip 10 units / month for 2 months = 20 units × 2 = 40 億円
    bat = out["battery"]
    assert [b["scenario"] for b in bat] == ["s1", "s2"]
    assert bat[0]["value_short"] == pytest.approx(91.25 + 30)
    assert bat[1]["value_short"] == pytest.approx(40)
    head = battery_headline(out)
    assert head["kind"] == "stress_battery_headline" and head["scenario"] == "s1"
    assert "ガリウム輸出停止" in render(head, "ja") and "Gallium export stop" in render(head, "en")
    assert out["headline"]["text_ja"] == render(head, "ja")


def test_table_output_is_japanese_and_names_the_first_short_month(env):
    case, _ = env
    r = CliRunner().invoke(app, ["stress", str(case), "--scenario", "s2", "--run", "nothing", "--no-audit"])
    assert r.exit_code == 0, r.output
    assert "1か月目に最初の不足" in r.stdout and "不足量" in r.stdout
    r = CliRunner().invoke(
        app, ["stress", str(case), "--scenario", "s2", "--run", "nothing", "--no-audit", "--lang", "en"]
    )
    assert "first shortfall in month 1" in r.stdout and "Shortfall" in r.stdout


def test_default_case_gallium_against_a_recorded_run(tmp_path, monkeypatch):
    monkeypatch.setenv("PRIORITIZER_DB", f"sqlite:///{tmp_path / 'a.sqlite'}")
    case = str(ROOT / "inputs" / "default")
    alloc = _json(["allocate", case, "--no-explain"])
    r = CliRunner().invoke(app, ["stress", case, "--scenario", "s_cn_gallium", "--run", alloc["run_id"]])
    assert r.exit_code == 0, r.output
    assert "s_cn_gallium:" in r.stdout and ("最初の不足" in r.stdout or "不足は生じません" in r.stdout)
    ranked = _json(["stress", case, "--all", "--run", alloc["run_id"], "--no-audit"])
    values = [b["value_short"] for b in ranked["battery"]]
    assert values == sorted(values, reverse=True) and len(values) == 15
    assert all(math.isfinite(v) for v in values)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--scenario", "nope", "--run", "nothing"], "nope"),
        (["--scenario", "s1", "--run", "R_missing"], "R_missing"),
        (["--scenario", "s1", "--run", "nothing", "--release", "gold:cap=5"], "gold"),
        (["--scenario", "s1", "--run", "nothing", "--months", "0"], "months"),
        (["--run", "nothing"], "--all"),
    ],
)
def test_bad_input_gives_a_clear_error_naming_it(env, args, needle):
    case, _ = env
    r = CliRunner().invoke(app, ["stress", str(case), *args, "--no-audit"])
    assert r.exit_code != 0
    assert needle in r.output
    assert "Traceback" not in r.output


def test_a_run_of_another_command_is_refused(env):
    case, _ = env
    out = _json(["stress", str(case), "--scenario", "s2", "--run", "nothing"])
    r = CliRunner().invoke(
        app, ["stress", str(case), "--scenario", "s1", "--run", out["run_id"], "--no-audit"]
    )
    assert r.exit_code != 0 and "allocate" in r.output


def test_compare_plays_the_same_scenario_against_each_portfolio(env):
    case, _ = env
    out = _json(
        ["stress", str(case), "--scenario", "s2", "--run", "nothing", "--compare", "optimal", "--no-audit"]
    )
    rows = {r["portfolio"]: r for r in out["comparison"]}
    # no action: chip loses 10 units / month for 2 months = 20 units × 2 億円
    assert rows["nothing"]["value_short"] == pytest.approx(40)
    assert rows["nothing"]["first_short_month"] == 1 and rows["nothing"]["months_short"] == 2
    assert set(rows) == {"nothing", "optimal"}
    r = CliRunner().invoke(
        app,
        ["stress", str(case), "--scenario", "s2", "--run", "nothing", "--compare", "optimal", "--no-audit"],
    )
    assert "ポートフォリオの比較" in r.stdout and "対策なし" in r.stdout and "現在の最適配分" in r.stdout


def test_csv_holds_the_numbers_as_computed(env):
    import csv
    import io

    case, _ = env
    r = CliRunner().invoke(
        app, ["stress", str(case), "--scenario", "s2", "--run", "nothing", "--no-audit", "--format", "csv"]
    )
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    chip = [x for x in rows if x["物資"] == "chip"]
    assert [float(x["不足量"]) for x in chip[:3]] == [10.0, 10.0, 0.0]
    assert float(chip[0]["需要に対する不足率"]) == 1.0
