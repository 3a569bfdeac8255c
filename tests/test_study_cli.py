"""``prioritizer study``: DESIGN §6 JSON, one study Run in the audit trail, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prioritizer.audit import open_store
from prioritizer.cli import app

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = str(ROOT / "inputs" / "default")


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("PRIORITIZER_DB", f"sqlite:///{tmp_path / 'audit.sqlite'}")
    monkeypatch.setenv("PRIORITIZER_STUDIES", str(tmp_path / "studies"))
    return tmp_path


def _grid(tmp_path, text):
    p = tmp_path / "STUDY.yaml"
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_json_has_the_design_keys_and_one_run_records_grid_seeds_digests_engine(env):
    grid = _grid(env, "budgets: [8000, 9500]\nweights: {samples: 2, seed: 9}\nscenarios: [all, none]\n")
    r = CliRunner().invoke(
        app, ["study", DEFAULT, "--grid", grid, "--workers", "0", "--format", "json", "--reason", "test"]
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    for key in ("run_id", "runs", "engine", "workers", "projects", "goods", "benefit", "robust_portfolio"):
        assert key in out
    assert out["runs"] == 8 and out["engine"] == "serial" and out["workers"] == 1
    assert {"id", "funded_share"} <= set(out["projects"][0])
    assert {"id", "rank_quantiles"} <= set(out["goods"][0])
    assert all(0 <= p["funded_share"] <= 1 for p in out["projects"])
    assert [lv["budget"] for lv in out["benefit"]["by_budget"]] == [8000, 9500]
    store = open_store()
    assert [s.command for s in store.runs()] == ["study"]  # one Run for the whole study
    run = store.get(out["run_id"])
    assert run.params["grid"]["weights"] == {"samples": 2, "seed": 9}
    assert run.result["grid"]["seed"] == 9
    assert len({t["seed"] for t in run.result["tasks"]}) == 8  # every task's own seed is kept
    assert len(run.result["weights"]["drawn"]) == 2
    assert "projects.csv" in run.input_digests and "policy.yaml" in run.input_digests
    assert run.method["engine"] == "serial" and run.method["workers"] == 1
    assert run.reason == "test"


def test_bad_grid_lists_every_problem_and_records_nothing(env):
    grid = _grid(env, "budgets: []\nweights: {samples: 0}\nscenarios: [s_nowhere]\npolicies: {}\n")
    r = CliRunner().invoke(app, ["study", DEFAULT, "--grid", grid, "--workers", "0", "--format", "json"])
    assert r.exit_code == 2
    err = json.loads(r.stderr)
    cols = {e["column"] for e in err["errors"]}
    assert {"budgets", "weights.samples", "scenarios[0]", "policies"} <= cols
    assert all(e["file"] == "STUDY.yaml" for e in err["errors"])
    assert open_store().runs() == []
    assert not (env / "studies").exists()


def test_max_tasks_and_unreadable_grid_are_clear_errors(env):
    grid = _grid(env, "budgets: {from: 1000, to: 9000, step: 1000}\nweights: {samples: 10}\n")
    r = CliRunner().invoke(app, ["study", DEFAULT, "--grid", grid, "--max-tasks", "50", "--workers", "0"])
    assert r.exit_code == 2
    assert "90 tasks" in r.stderr and "50" in r.stderr
    r = CliRunner().invoke(app, ["study", DEFAULT, "--grid", str(env / "missing.yaml")])
    assert r.exit_code == 2 and "cannot read the grid file" in r.stderr
    bad = _grid(env, "budgets: [1\n")
    r = CliRunner().invoke(app, ["study", DEFAULT, "--grid", bad])
    assert r.exit_code == 2 and "not valid YAML" in r.stderr


def test_unreachable_address_fails_before_any_task(env):
    grid = _grid(env, "budgets: [9000]\n")
    r = CliRunner().invoke(app, ["study", DEFAULT, "--grid", grid, "--address", "tcp://127.0.0.1:9"])
    assert r.exit_code == 2
    assert "--address" in r.stderr and "tcp://127.0.0.1:9" in r.stderr
    assert open_store().runs() == []
