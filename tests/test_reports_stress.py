"""The justification report carries the stress-test battery's headline in its robustness lines."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from prioritizer.cli import app
from prioritizer.reports import build_report

ROOT = Path(__file__).resolve().parents[1]
CASE = str(ROOT / "inputs" / "default")


def test_report_states_the_worst_scenario_of_the_battery(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    r = CliRunner()
    alloc = r.invoke(
        app,
        ["allocate", CASE, "--db", db, "--format", "json", "--no-explain", "--actor", "t", "--reason", "r"],
    )
    assert alloc.exit_code == 0, alloc.output
    run_id = json.loads(alloc.stdout)["run_id"]
    stress = r.invoke(app, ["stress", CASE, "--all", "--run", run_id, "--db", db, "--format", "json"])
    assert stress.exit_code == 0, stress.output
    battery = json.loads(stress.stdout)["battery"]
    worst = next(b for b in battery if b.get("goods_short"))  # the battery is worst first
    out = build_report(run_id, "html", "ja", tmp_path / "r.html", db)
    html = out.read_text(encoding="utf-8")
    from prioritizer.stress import battery_headline
    from prioritizer.text import render

    headline = render(battery_headline(json.loads(stress.stdout)), "ja")
    assert worst["name_ja"] in headline
    assert headline in html
