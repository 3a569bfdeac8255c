"""``prioritizer indicators`` / ``prioritizer exposure`` end to end on a small case folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prioritizer.cli import app

GOODS = "id,name_ja,name_en,domestic_production,exports\ng1,物資1,Good 1,240,24\ng2,物資2,Good 2,,\n"
COUNTRIES = (
    "iso3,name_ja,name_en,governance,concern,partner\n"
    "CHN,中国,China,-0.5,true,false\nUSA,米国,United States,1.5,false,true\nJPN,日本,Japan,1.0,false,false\n"
)
# g1: CHN/USA 10/10, 10/10, 18/2 -> concern share .5, .5, .9 (rise .4); HHI .5, .5, .82 (rise .32)
FLOWS = (
    "good_id,partner,period,value\n"
    "g1,CHN,2024-01,10\ng1,USA,2024-01,10\ng1,CHN,2024-02,10\ng1,USA,2024-02,10\n"
    "g1,CHN,2024-03,18\ng1,USA,2024-03,2\n"
    "g2,USA,2024-01,1\ng2,USA,2024-02,1\ng2,USA,2024-03,1\n"
)
LINKS = "good_id,input_id,intensity\ng1,g2,0.5\n"


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    d = tmp_path / "case"
    d.mkdir()
    for name, text in (
        ("goods.csv", GOODS),
        ("countries.csv", COUNTRIES),
        ("flows.csv", FLOWS),
        ("links.csv", LINKS),
    ):
        (d / name).write_text(text, encoding="utf-8")
    return d


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_indicators_json_lists_every_good_and_the_alerts(case_dir: Path):
    r = run("indicators", str(case_dir), "--alerts", "--format", "json", "--no-audit")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert [g["id"] for g in out["goods"]] == ["g1", "g2"]
    g1 = out["goods"][0]
    assert g1["period"] == "2024-03"
    assert g1["import_reliance"] == pytest.approx(18 / 38)
    assert g1["hhi"] == pytest.approx(0.82)
    assert g1["top1_share"] == pytest.approx(0.9)
    assert g1["concern_share"] == pytest.approx(0.9)
    assert [(a["good_id"], a["indicator"]) for a in out["alerts"]] == [("g1", "concern_share"), ("g1", "hhi")]
    a = out["alerts"][0]
    assert {"good_id", "indicator", "period", "previous", "current", "severity"} <= set(a)
    assert (a["previous"], a["current"]) == (pytest.approx(0.5), pytest.approx(0.9))


def test_thresholds_and_persistence_options(case_dir: Path):
    r = run(
        "indicators",
        str(case_dir),
        "--alerts",
        "--format",
        "json",
        "--no-audit",
        "--thresholds",
        "concern_share=off,hhi=0.3",
    )
    assert [a["indicator"] for a in json.loads(r.stdout)["alerts"]] == ["hhi"]
    r = run("indicators", str(case_dir), "--alerts", "--format", "json", "--no-audit", "--persistence", "2/2")
    assert json.loads(r.stdout)["alerts"] == []


def test_bad_options_exit_2_with_every_problem(case_dir: Path):
    r = run("indicators", str(case_dir), "--no-audit", "--thresholds", "hhi=x", "--persistence", "5/2")
    assert r.exit_code == 2
    assert "--thresholds" in r.stderr and "--persistence" in r.stderr
    r = run("indicators", str(case_dir), "--no-audit", "--period", "2030-01")
    assert r.exit_code == 2 and "2024-01" in r.stderr


def test_exposure_command(case_dir: Path):
    r = run("exposure", str(case_dir), "g2", "--format", "json", "--no-audit")
    assert r.exit_code == 0, r.output
    ex = json.loads(r.stdout)["exposure"]
    assert ex["good_id"] == "g2"
    assert ex["affected"][0]["good_id"] == "g1"
    assert ex["affected"][0]["requirement"] == pytest.approx(0.5)
    assert ex["affected"][0]["paths"] == ["g2 → g1"]


def test_table_format_has_alert_column(case_dir: Path):
    r = run("indicators", str(case_dir), "--alerts", "--no-audit")
    assert r.exit_code == 0
    header = r.stdout.splitlines()[0].split()
    assert header[:3] == ["ID", "期間", "状態"] and header[-1] == "アラート"  # Japanese first, like the app
