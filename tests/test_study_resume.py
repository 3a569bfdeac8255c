"""Long studies: finished tasks are stored as they finish; a stopped study is recorded as
incomplete with how far it got, and resuming gives exactly the uninterrupted result."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from prioritizer.audit import open_store
from prioritizer.case import load_case
from prioritizer.study.service import STOP, run_study

ROOT = Path(__file__).resolve().parents[1]
GRID = {
    "budgets": [7500, 9500],
    "weights": {"samples": 4, "seed": 2},
    "scenarios": "all",
    "robust": {"threshold": 0.5, "candidates": 2},
}
ENGINE_FIELDS = ("engine", "workers", "engine_info", "study")


@pytest.fixture(scope="module")
def case():
    return load_case(ROOT / "inputs" / "default")


def _results(r):
    return {k: v for k, v in r.items() if k not in ENGINE_FIELDS}


def _stop_after(n):
    calls = {"k": 0}

    def stop():
        calls["k"] += 1
        return calls["k"] >= n

    return stop


def test_stopped_study_is_incomplete_and_resuming_equals_an_uninterrupted_run(case, tmp_path):
    whole = run_study(case, {"grid": GRID, "workers": 0, "study_dir": str(tmp_path / "whole")}).result
    sdir = tmp_path / "stopped"
    token = STOP.set(_stop_after(3))
    try:
        part = run_study(case, {"grid": GRID, "workers": 0, "study_dir": str(sdir)}).result
    finally:
        STOP.reset(token)
    assert part["complete"] is False
    assert part["study"]["status"] == "incomplete"
    assert part["study"]["tasks_done"] == 3 and part["study"]["tasks_total"] == 8
    assert part["robust_portfolio"]["minimax_regret"] is None  # no verdict from a partial study
    manifest = json.loads((sdir / "manifest.json").read_text())
    assert manifest["status"] == "incomplete" and manifest["done"] == 3
    assert len(list((sdir / "tasks").glob("*.json"))) == 3

    resumed = run_study(case, {"grid": GRID, "workers": 0, "study_dir": str(sdir)}).result
    assert resumed["complete"] is True
    assert resumed["study"]["resumed_tasks"] == 3
    assert _results(resumed) == _results(whole)
    assert json.loads((sdir / "manifest.json").read_text())["status"] == "complete"


def test_stored_tasks_of_another_grid_are_not_reused(case, tmp_path):
    sdir = tmp_path / "s"
    run_study(case, {"grid": GRID, "workers": 0, "study_dir": str(sdir)})
    other = {**GRID, "weights": {"samples": 4, "seed": 3}}  # different weights: a different study
    res = run_study(case, {"grid": other, "workers": 0, "study_dir": str(sdir)}).result
    assert res["study"]["resumed_tasks"] == 0
    fresh = run_study(case, {"grid": other, "workers": 0, "study_dir": str(tmp_path / "f")}).result
    assert _results(res) == _results(fresh)


def test_ctrl_c_on_the_cli_records_an_incomplete_run_and_the_rerun_resumes(tmp_path):
    grid = tmp_path / "STUDY.yaml"
    grid.write_text("budgets: [7000, 8000, 9000]\nweights: {samples: 15, seed: 1}\nrobust: {candidates: 1}\n")
    db = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    sdir = tmp_path / "study"
    cmd = [
        str(Path(sys.executable).parent / "prioritizer"), "study", str(ROOT / "inputs" / "default"),
        "--grid", str(grid), "--workers", "0", "--study-dir", str(sdir), "--db", db, "--format", "json",
        "--actor", "tester", "--reason", "resume check",
    ]  # fmt: skip
    env = {**os.environ, "PRIORITIZER_LANG": "en"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(list((sdir / "tasks").glob("t*.json"))) < 5:
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 130, err.decode()
    assert "recorded as incomplete" in err.decode()
    first = json.loads(out)
    assert first["complete"] is False
    done = first["study"]["tasks_done"]
    assert 5 <= done < 45
    stored = open_store(db).get(first["run_id"])
    assert stored.result["complete"] is False and stored.result["study"]["tasks_done"] == done

    proc2 = subprocess.run(cmd, capture_output=True, env=env, cwd=ROOT, timeout=900)
    assert proc2.returncode == 0, proc2.stderr.decode()
    second = json.loads(proc2.stdout)
    assert second["complete"] is True and second["runs"] == 45
    assert second["study"]["resumed_tasks"] >= done
