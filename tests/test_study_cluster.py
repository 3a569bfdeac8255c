"""A real Dask cluster on loopback, started by the test: a scheduler and two worker processes.

Results on the cluster (through ``--address`` and through the engine's own LocalCluster)
must equal the serial run; a failing task is retried, then reported, and the study goes on;
an unreachable scheduler is a clear error before any work.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import cloudpickle
import pytest
from distributed import Client, LocalCluster

from prioritizer.case import load_case
from prioritizer.errors import InputError
from prioritizer.study.engine import Engine
from prioritizer.study.service import run_study

ROOT = Path(__file__).resolve().parents[1]
# the flaky task functions below must reach worker processes that cannot import this file
cloudpickle.register_pickle_by_value(sys.modules[__name__])

GRID = {
    "budgets": [7000, 9500],
    "weights": {"samples": 3, "seed": 11},
    "scenarios": ["all", "none"],
    "robust": {"threshold": 0.6, "candidates": 2},
}
ENGINE_FIELDS = ("engine", "workers", "engine_info", "study")


@pytest.fixture(scope="module")
def cluster():
    # An AppTest earlier in this process leaves the app script as ``__main__``; spawned workers
    # would re-run it and die (the product's Engine guards against this the same way).
    from prioritizer.study.engine import _bare_main

    main = _bare_main()
    c = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    )
    yield c
    c.close()
    if main is not None:
        sys.modules["__main__"] = main


@pytest.fixture(scope="module")
def case():
    return load_case(ROOT / "inputs" / "default")


@pytest.fixture(scope="module")
def serial(case, tmp_path_factory):
    d = tmp_path_factory.mktemp("serial")
    return run_study(case, {"grid": GRID, "workers": 0, "study_dir": str(d)}).result


def _results(r):
    return {k: v for k, v in r.items() if k not in ENGINE_FIELDS}


def test_existing_cluster_by_address_equals_the_serial_run(cluster, case, serial, tmp_path):
    got = run_study(
        case, {"grid": GRID, "address": cluster.scheduler_address, "study_dir": str(tmp_path / "s")}
    ).result
    assert got["engine"] == "dask.distributed"
    assert got["workers"] == 2
    assert got["engine_info"]["scheduler"] == cluster.scheduler_address
    assert got["complete"] and got["tasks_ok"] == 12
    assert _results(got) == _results(serial)
    assert serial["engine"] == "serial"


def test_engine_local_cluster_of_two_workers_equals_the_serial_run(case, serial, tmp_path):
    got = run_study(case, {"grid": GRID, "workers": 2, "study_dir": str(tmp_path / "s")}).result
    assert got["engine_info"]["scheduler"].startswith("LocalCluster")
    assert got["workers"] == 2
    assert _results(got) == _results(serial)


def _fails_once(ctx, spec):
    marker = Path(ctx) / f"attempt-{spec['index']}"
    if spec["index"] == 1 and not marker.exists():
        marker.write_text("1")
        raise RuntimeError("transient failure")
    return {"index": spec["index"], "status": "optimal", "pid": os.getpid()}


def _always_fails(ctx, spec):
    if spec["index"] == 2:
        raise ValueError("bad task")
    return {"index": spec["index"], "status": "optimal"}


def _dies_once(ctx, spec):
    marker = Path(ctx) / f"died-{spec['index']}"
    if spec["index"] == 0 and not marker.exists():
        marker.write_text("1")
        os._exit(1)  # the worker process dies mid-task; the nanny restarts it
    return {"index": spec["index"], "status": "optimal"}


def _jobs(n, tag):
    return [(f"t{i}", {"index": i, "seed": i, "nonce": tag}) for i in range(n)]


def _collect(engine, fn, ctx, jobs):
    got = {}
    engine.run(fn, ctx, jobs, lambda name, spec, rec: got.__setitem__(spec["index"], rec))
    return got


@pytest.mark.parametrize("where", ["serial", "cluster"])
def test_a_failed_task_is_retried_then_reported_and_the_rest_go_on(cluster, tmp_path, where):
    address = cluster.scheduler_address if where == "cluster" else None
    with Engine(workers=0, address=address, retries=2) as eng:
        got = _collect(eng, _fails_once, str(tmp_path), _jobs(4, f"once-{where}"))
        assert [got[i]["status"] for i in range(4)] == ["optimal"] * 4  # index 1 succeeded on retry
        got = _collect(eng, _always_fails, str(tmp_path), _jobs(4, f"always-{where}"))
    assert got[2]["status"] == "failed"
    assert got[2]["attempts"] == 3 and "ValueError: bad task" in got[2]["error"]
    assert [got[i]["status"] for i in (0, 1, 3)] == ["optimal"] * 3


def test_a_worker_that_dies_mid_task_is_replaced_and_the_task_rerun(tmp_path):
    with Engine(workers=2, retries=2) as eng:
        got = _collect(eng, _dies_once, str(tmp_path), _jobs(3, "dies"))
        with Client(eng.cluster, set_as_default=False) as c:
            c.wait_for_workers(2, timeout=300)  # a restart imports the stack again: slow under load
    assert (tmp_path / "died-0").exists()
    assert [got[i]["status"] for i in range(3)] == ["optimal"] * 3


def test_a_task_whose_scattered_context_died_with_its_only_worker_is_resubmitted(tmp_path):
    """One worker holds the only copy of the scattered context; the task kills it, so the
    scheduler cancels the task (its input is gone for good). The engine scatters again and
    resubmits: every task ends optimal (it used to come back as a FutureCancelledError)."""
    from prioritizer.study.engine import _bare_main

    main = _bare_main()
    one = LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    )
    try:
        with Engine(workers=0, address=one.scheduler_address, retries=2) as eng:
            got = _collect(eng, _dies_once, str(tmp_path), _jobs(3, "only-copy"))
    finally:
        one.close()
        if main is not None:
            sys.modules["__main__"] = main
    assert (tmp_path / "died-0").exists()
    assert [got[i]["status"] for i in range(3)] == ["optimal"] * 3


def test_unreachable_address_is_a_clear_error_before_any_work(case, tmp_path):
    sdir = tmp_path / "s"
    with pytest.raises(InputError) as ei:
        run_study(case, {"grid": GRID, "address": "tcp://127.0.0.1:9", "study_dir": str(sdir)})
    issue = ei.value.issues[0]
    assert issue.file == "--address" and issue.value == "tcp://127.0.0.1:9"
    assert "dask scheduler" in issue.message
    assert not (sdir / "tasks").exists()


def test_a_local_cluster_starts_when_main_is_an_app_script(case, serial, tmp_path, monkeypatch):
    """Inside Streamlit (the Studies page) ``__main__`` is the app script; workers must still start."""
    import types

    fake = types.ModuleType("__main__")
    fake.__file__ = str(ROOT / "app.py")  # spawned workers would re-run the app if they saw this
    monkeypatch.setitem(sys.modules, "__main__", fake)
    got = run_study(case, {"grid": GRID, "workers": 2, "study_dir": str(tmp_path / "s")}).result
    assert _results(got) == _results(serial)
    assert sys.modules["__main__"] is fake  # restored once the cluster is closed
