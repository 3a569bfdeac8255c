"""Signals and sockets of a study on its own Dask LocalCluster.

* The cluster serves no dashboard and listens on loopback only (issue 25: the dashboard listened on
  every interface without authentication).
* Ctrl-C in a terminal reaches the whole process group, workers included: the study still stops
  cleanly, is recorded as incomplete, exits 130 and leaves no worker behind.
* A parent killed outright (SIGKILL, no clean-up of its own) leaves no worker processes.

The tests wait on the stage and progress lines the CLI writes with ``PRIORITIZER_PROGRESS=lines``,
never on a clock.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import urllib.request
from ipaddress import ip_address
from pathlib import Path

import psutil

from prioritizer.audit import open_store
from prioritizer.study.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
STUDY_YAML = "budgets: [7000, 8000, 9000]\nweights: {samples: 15, seed: 1}\nrobust: {candidates: 1}\n"
#: how long processes may take to go once their parent is gone (an upper bound, not a pace)
GONE_WITHIN = 60


def _listening(proc: psutil.Process) -> list[tuple[str, int]]:
    return [
        (c.laddr.ip, c.laddr.port)
        for c in proc.net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]


def test_the_engines_local_cluster_has_no_dashboard_and_listens_on_loopback_only():
    with Engine(workers=1) as eng:
        me = psutil.Process()
        procs = [me, *me.children(recursive=True)]
        sockets = [s for p in procs for s in _listening(p)]
        assert sockets, "the scheduler and the worker listen somewhere"
        assert all(ip_address(ip).is_loopback for ip, _ in sockets), sockets
        # the scheduler keeps a small HTTP server (health, metrics) on loopback; no dashboard is
        # connected to it (bokeh is not even installed: a dashboard would be its placeholder page,
        # which a scheduler made earlier in the process may leave routed — hence no URL check here)
        assert eng.cluster.scheduler_spec["options"]["dashboard"] is False
        http = eng.cluster.scheduler.http_server
        port = next(iter(http._sockets.values())).getsockname()[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=30) as ok:
            assert ok.status == 200


def _study(tmp_path: Path) -> tuple[list[str], str, dict[str, str]]:
    grid = tmp_path / "STUDY.yaml"
    grid.write_text(STUDY_YAML)
    db = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    cmd = [
        str(Path(sys.executable).parent / "prioritizer"), "study", str(ROOT / "inputs" / "default"),
        "--grid", str(grid), "--workers", "2", "--study-dir", str(tmp_path / "study"), "--db", db,
        "--format", "json",
    ]  # fmt: skip
    return cmd, db, {**os.environ, "PRIORITIZER_LANG": "en", "PRIORITIZER_PROGRESS": "lines"}


def _start(cmd: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], threading.Timer]:
    # a session of its own: the test can signal the whole group, as a terminal's Ctrl-C does
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT, start_new_session=True
    )
    guard = threading.Timer(600, lambda: os.killpg(proc.pid, signal.SIGKILL))
    guard.daemon = True
    guard.start()
    return proc, guard


def _wait_tasks_done(proc: subprocess.Popen[bytes], n: int) -> list[str]:
    seen = []
    assert proc.stderr is not None
    for raw in proc.stderr:
        line = raw.decode().rstrip("\n")
        seen.append(line)
        parts = line.split()
        if line.startswith("progress: tasks ") and int(parts[2].split("/")[0]) >= n:
            return seen
    raise AssertionError(f"the study ended before {n} tasks were done; its stderr: {seen}")


def _workers(proc: subprocess.Popen[bytes]) -> list[psutil.Process]:
    kids = psutil.Process(proc.pid).children(recursive=True)
    assert len(kids) >= 2, "two Dask worker processes run under the study"
    return kids


def test_ctrl_c_to_the_process_group_stops_a_dask_study_and_leaves_no_worker(tmp_path):
    cmd, db, env = _study(tmp_path)
    proc, guard = _start(cmd, env)
    seen = _wait_tasks_done(proc, 3)
    kids = _workers(proc)
    os.killpg(proc.pid, signal.SIGINT)  # parent and workers alike, as in a terminal
    out, err = proc.communicate()
    guard.cancel()
    err_text = "\n".join(seen) + "\n" + err.decode()
    assert proc.returncode == 130, err_text
    res = json.loads(out)
    assert res["complete"] is False and res["engine"] == "dask.distributed"
    assert 3 <= res["study"]["tasks_done"] <= res["study"]["tasks_total"]
    assert res["failures"] == [], res["failures"]  # no task was lost to the signal
    assert open_store(db).get(res["run_id"]).result["complete"] is False
    _, alive = psutil.wait_procs(kids, timeout=GONE_WITHIN)
    assert alive == []


def test_a_killed_parent_leaves_no_worker_processes(tmp_path):
    cmd, _, env = _study(tmp_path)
    proc, guard = _start(cmd, env)
    _wait_tasks_done(proc, 1)
    kids = _workers(proc)
    proc.kill()  # SIGKILL to the parent alone: none of its own clean-up runs
    proc.communicate()
    guard.cancel()
    # each worker holds a pipe from the parent and exits when it closes
    _, alive = psutil.wait_procs(kids, timeout=GONE_WITHIN)
    assert alive == [], [(p.pid, p.name()) for p in alive]
