"""Long studies: finished tasks are stored as they finish; a stopped study is recorded as
incomplete with how far it got, and resuming gives exactly the uninterrupted result."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from prioritizer.audit import open_store
from prioritizer.case import load_case
from prioritizer.study.service import PROGRESS, STOP, run_study

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


def _stop_when_done(n):
    """A stop asked for once ``n`` tasks are finished (the service reports each one)."""
    seen = {"done": 0}

    def progress(stage, done, total):
        if stage == "tasks":
            seen["done"] = done

    return progress, lambda: seen["done"] >= n


def test_stopped_study_is_incomplete_and_resuming_equals_an_uninterrupted_run(case, tmp_path):
    whole = run_study(case, {"grid": GRID, "workers": 0, "study_dir": str(tmp_path / "whole")}).result
    sdir = tmp_path / "stopped"
    progress, stop = _stop_when_done(3)
    tokens = PROGRESS.set(progress), STOP.set(stop)
    try:
        part = run_study(case, {"grid": GRID, "workers": 0, "study_dir": str(sdir)}).result
    finally:
        STOP.reset(tokens[1])
        PROGRESS.reset(tokens[0])
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


STUDY_YAML = "budgets: [7000, 8000, 9000]\nweights: {samples: 15, seed: 1}\nrobust: {candidates: 1}\n"
TOTAL = 45  # 3 budgets x 15 weight samples


def _study_cmd(tmp_path, workers=0):
    grid = tmp_path / "STUDY.yaml"
    grid.write_text(STUDY_YAML)
    db = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    cmd = [
        str(Path(sys.executable).parent / "prioritizer"), "study", str(ROOT / "inputs" / "default"),
        "--grid", str(grid), "--workers", str(workers), "--study-dir", str(tmp_path / "study"), "--db", db,
        "--format", "json", "--actor", "tester", "--reason", "resume check",
    ]  # fmt: skip
    # stage and progress lines on stderr: the test waits on them, never on a clock or a file count
    env = {**os.environ, "PRIORITIZER_LANG": "en", "PRIORITIZER_PROGRESS": "lines"}
    return cmd, db, env


def _start(cmd, env, **kw):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT, **kw)
    guard = threading.Timer(600, proc.kill)  # a hung child fails the test instead of hanging it
    guard.daemon = True
    guard.start()
    return proc, guard


def _progress_at_least(stage, n):
    def reached(line):
        parts = line.split()
        if line.startswith("progress: ") and parts[1] == stage:
            return int(parts[2].split("/")[0]) >= n
        return False

    return reached


def _stage_is(name):
    return lambda line: line == f"stage: {name}"


def _wait_for(proc, reached):
    """Read the child's stderr up to the first line ``reached`` accepts; the lines read so far."""
    seen = []
    for raw in proc.stderr:
        line = raw.decode().rstrip("\n")
        seen.append(line)
        if reached(line):
            return seen
    raise AssertionError(f"the study ended before the awaited stage; its stderr: {seen}")


def _interrupted(proc, guard, seen, sig_to=None):
    (sig_to or proc.send_signal)(signal.SIGINT)
    out, err = proc.communicate()
    guard.cancel()
    return out, "\n".join(seen) + "\n" + err.decode()


def test_ctrl_c_on_the_cli_records_an_incomplete_run_and_the_rerun_resumes(tmp_path):
    cmd, db, env = _study_cmd(tmp_path)
    proc, guard = _start(cmd, env)
    seen = _wait_for(proc, _progress_at_least("tasks", 5))
    out, err = _interrupted(proc, guard, seen)
    assert proc.returncode == 130, err
    assert "recorded as incomplete" in err
    first = json.loads(out)
    assert first["complete"] is False
    done = first["study"]["tasks_done"]
    # at least the 5 seen finished; any later count is the study's pace, not the point
    assert 5 <= done <= TOTAL
    stored = open_store(db).get(first["run_id"])
    assert stored.result["complete"] is False and stored.result["study"]["tasks_done"] == done

    proc2 = subprocess.run(cmd, capture_output=True, env=env, cwd=ROOT, timeout=900)
    assert proc2.returncode == 0, proc2.stderr.decode()
    second = json.loads(proc2.stdout)
    assert second["complete"] is True and second["runs"] == TOTAL
    assert second["study"]["resumed_tasks"] == done


@pytest.mark.parametrize(
    "stage",
    [
        "start",  # the command has begun: the grid and the case are being read
        "prepare",  # the weights are being drawn
        "workers",  # the engine is starting
        "regret",  # every what-if is done; the candidates' regret is being evaluated
    ],
)
def test_ctrl_c_at_any_stage_records_an_incomplete_run_and_exits_130(tmp_path, stage):
    cmd, db, env = _study_cmd(tmp_path)
    proc, guard = _start(cmd, env)
    reached = _progress_at_least("regret", 3) if stage == "regret" else _stage_is(stage)
    seen = _wait_for(proc, reached)
    out, err = _interrupted(proc, guard, seen)
    assert proc.returncode == 130, err
    assert "recorded as incomplete" in err
    res = json.loads(out)
    assert res["complete"] is False and res["study"]["status"] == "incomplete"
    if stage == "regret":  # phase 1 finished, phase 2 cut short: no verdict from a partial study
        assert res["study"]["tasks_done"] == TOTAL
        assert 3 <= res["study"]["regret_done"] <= res["study"]["regret_total"]
        assert res["robust_portfolio"]["minimax_regret"] is None
    else:  # asked for before the what-ifs: at most the tasks that started before the service looked
        assert res["study"]["tasks_done"] == res["runs"] <= TOTAL
    stored = open_store(db).get(res["run_id"])
    assert stored.result["complete"] is False
    manifest = json.loads((tmp_path / "study" / "manifest.json").read_text())
    assert manifest["status"] == "incomplete"


def test_a_second_ctrl_c_stops_at_once_with_130_and_keeps_the_finished_tasks(tmp_path):
    cmd, _, env = _study_cmd(tmp_path)
    proc, guard = _start(cmd, env)
    seen = _wait_for(proc, _progress_at_least("tasks", 3))
    proc.send_signal(signal.SIGINT)
    seen += _wait_for(proc, _stage_is("stopping"))  # the first was taken: a stop was asked for
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate()
    guard.cancel()
    text = "\n".join(seen) + "\n" + err.decode()
    assert proc.returncode == 130, text
    # the second came before the study had recorded its stop (aborted, no record), or after (recorded)
    assert "aborted at once" in text or "recorded as incomplete" in text
    assert len(list((tmp_path / "study" / "tasks").glob("t*.json"))) >= 3  # finished work is kept
