"""Where tasks run: in-process (``workers=0``), a Dask ``LocalCluster`` of N worker processes,
or an existing Dask scheduler (``address="tcp://host:8786"``).

Why Dask distributed (docs/study.md): the tasks are independent pure-Python calls of a
few hundred milliseconds that return small dicts — the futures API
(``Client.submit`` + ``as_completed``) fits exactly, per-task ``retries`` and worker-death
recovery come with the scheduler, the same code runs on a laptop's ``LocalCluster`` and on
a cluster started by ``dask scheduler`` / ``dask worker`` (SSH, Kubernetes, HPC job queues
via dask-jobqueue), and it is a pure-Python wheel with no daemon to install.

Results never depend on the engine: every task's inputs are fixed before submission (its
weights are drawn on the client, its seed derives from the grid seed and its index) and
records are put back in task order by the caller.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import traceback
import types
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from prioritizer.errors import InputError, Issue, PrioritizerError

DEFAULT_RETRIES = 2
CONNECT_TIMEOUT = "10s"
#: seconds for a local cluster's workers to come up (each imports the whole stack)
WORKER_START_TIMEOUT = 180

Job = tuple[str, dict[str, Any]]
Done = Callable[[str, dict[str, Any], dict[str, Any]], None]
#: seconds between two looks at the stop request while Dask tasks run
STOP_POLL = 0.1


class Stopped(Exception):
    """A stop was asked for (Ctrl-C on the CLI, the app's stop button); finished tasks are kept."""


def _failure(spec: dict[str, Any], exc: BaseException, attempts: int) -> dict[str, Any]:
    rec = {
        "index": spec["index"],
        "seed": spec["seed"],
        "phase": spec.get("phase", "task"),
        "status": "failed",
        "objective": None,
        "error": f"{type(exc).__name__}: {exc}",
        "attempts": attempts,
    }
    if "candidate" in spec:
        rec["candidate"] = spec["candidate"]
    return rec


def _bare_main() -> types.ModuleType | None:
    """Swap ``__main__`` for an empty module when it is a script file; returns the one to restore."""
    main = sys.modules.get("__main__")
    if main is None or not getattr(main, "__file__", None):
        return None
    sys.modules["__main__"] = types.ModuleType("__main__")
    return main


def local_cluster_options(workers: int) -> dict[str, Any]:
    """The LocalCluster a study makes: workers, scheduler and no dashboard, all on loopback.

    The dashboard is off: it would serve the scheduler's task stream (task names, timings, the
    worker logs) on a port without authentication, and nothing in the product reads it. The
    scheduler still keeps its small HTTP server (health, metrics); it is bound to loopback on a
    free port (no fixed port for two studies to collide on).
    """
    return {
        "n_workers": workers,
        "threads_per_worker": 1,  # one solve per process: HiGHS and the GIL
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": "127.0.0.1:0",
        "scheduler_kwargs": {"dashboard": False},
        "silence_logs": logging.ERROR,
    }


@contextmanager
def _workers_ignore_sigint() -> Iterator[None]:
    """Start the worker processes with SIGINT ignored: Ctrl-C in a terminal goes to the whole
    process group, and the parent alone decides how a study stops (a worker killed mid-task would
    turn into a failed task). A spawned process keeps an ignored signal across exec, and Python
    leaves an ignored SIGINT ignored. The workers still die with the parent: each holds a pipe
    from it and exits when the pipe closes (distributed's ``AsyncProcess``)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal dispositions can be changed from the main thread only
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _worker_versions() -> dict[str, str]:  # runs on each worker
    import platform
    from importlib import metadata

    return {"python": platform.python_version(), "prioritizer": metadata.version("prioritizer")}


class Engine:
    """Context manager: ``with Engine(workers=2) as eng: eng.run(ctx, jobs, on_done)``."""

    def __init__(self, workers: int = 0, address: str | None = None, retries: int = DEFAULT_RETRIES):
        if workers < 0:
            raise InputError(
                [Issue("--workers", None, None, workers, "the number of workers is 0 (serial) or more")]
            )
        self.workers = workers
        self.address = address
        self.retries = retries
        self.client: Any = None
        self.cluster: Any = None

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> Engine:
        if self.address is None and self.workers == 0:
            return self
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - a locked dependency
            raise InputError(
                [
                    Issue(
                        "--workers",
                        None,
                        None,
                        self.workers,
                        "Dask distributed is not installed; pip install distributed",
                    )
                ]
            ) from None
        if self.address is not None:
            try:
                self.client = Client(self.address, timeout=CONNECT_TIMEOUT, set_as_default=False)
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(
                    [
                        Issue(
                            "--address",
                            None,
                            None,
                            self.address,
                            f"no Dask scheduler answers at this address ({type(exc).__name__}); start one with "
                            "'dask scheduler' and 'dask worker ADDRESS', or leave --address out to use a local cluster",
                        )
                    ],
                    "the Dask scheduler is unreachable",
                ) from None
        else:
            # Worker processes are *spawned*, and spawn re-imports the parent's ``__main__`` in each
            # child. Inside Streamlit (the Studies page) or an AppTest, ``__main__`` is the app
            # script, so every worker would run the app and die, and the cluster would restart
            # them for ever. Workers get a bare ``__main__`` for the cluster's lifetime.
            self._main = _bare_main()
            with _workers_ignore_sigint():
                self.cluster = LocalCluster(**local_cluster_options(self.workers))
            self.client = Client(self.cluster, set_as_default=False)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None
        if getattr(self, "_main", None) is not None:
            sys.modules["__main__"] = self._main
            self._main = None

    def info(self) -> dict[str, Any]:
        if self.client is None:
            return {"name": "serial", "scheduler": None, "workers": 1, "retries": self.retries}
        import distributed

        workers = self.client.scheduler_info().get("workers", {})
        try:
            versions = sorted({tuple(sorted(v.items())) for v in self.client.run(_worker_versions).values()})
        except Exception:  # a worker without metadata: record that, do not fail
            versions = []
        return {
            "name": "dask.distributed",
            "version": distributed.__version__,
            "scheduler": "LocalCluster (127.0.0.1)" if self.cluster is not None else self.address,
            "workers": len(workers),
            "threads_per_worker": 1 if self.cluster is not None else None,
            "retries": self.retries,
            "worker_versions": [dict(v) for v in versions],
        }

    # -- running ---------------------------------------------------------------------------
    def run(
        self,
        fn: Callable[[Any, dict[str, Any]], dict[str, Any]],
        ctx: Any,
        jobs: Iterable[Job],
        on_done: Done,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        """Run ``fn(ctx, spec)`` for every job; ``on_done(name, spec, record)`` as each finishes.

        A task that raises is retried ``retries`` times (on Dask also when its worker dies),
        then reported as a ``failed`` record; the study goes on. When ``stop()`` turns true,
        no further task starts, the running ones are cancelled and :class:`Stopped` is raised;
        every task finished before is through ``on_done`` already.
        """
        jobs = list(jobs)
        asked = stop or (lambda: False)
        if self.client is None:
            for name, spec in jobs:
                if asked():
                    raise Stopped
                rec = None
                for attempt in range(1, self.retries + 2):
                    try:
                        rec = fn(ctx, spec)
                        break
                    except Exception as exc:  # reported per task, like a worker's failure
                        if attempt == self.retries + 1:
                            logging.getLogger(__name__).debug(traceback.format_exc())
                            rec = _failure(spec, exc, attempt)
                on_done(name, spec, rec)  # type: ignore[arg-type]
            return
        from distributed import as_completed

        if self.cluster is not None:
            # scatter reaches the workers that are up: wait for all, so one death loses no context
            try:
                self.client.wait_for_workers(self.workers, timeout=WORKER_START_TIMEOUT)
            except TimeoutError:
                raise PrioritizerError(
                    f"{self.workers} local Dask workers did not start within {WORKER_START_TIMEOUT} s; "
                    "try fewer --workers, or run serially with --workers 0"
                ) from None
        ctx_f = self.client.scatter(ctx, broadcast=True, hash=False)
        by_key: dict[str, Job] = {}
        lost: dict[str, int] = {}  # resubmissions per job name
        futures: list[Any] = []

        def submit(name: str, spec: dict[str, Any], key: str, ctx_f: Any) -> Any:
            f = self.client.submit(fn, ctx_f, spec, key=key, retries=self.retries, pure=False)
            by_key[f.key] = (name, spec)
            futures.append(f)
            return f

        for name, spec in jobs:
            submit(name, spec, f"study-{name}-{spec.get('nonce', '')}", ctx_f)
        finished = threading.Event()
        try:
            with self.client.as_current():
                done = as_completed(futures, with_results=True, raise_errors=False)

                def watch() -> None:
                    # as_completed blocks until a task finishes: a stop empties it instead, which
                    # ends the loop below within its own 0.1 s wait
                    while not finished.wait(STOP_POLL):
                        if asked():
                            done.clear()
                            return

                if stop is not None:
                    threading.Thread(target=watch, name="study-stop-watch", daemon=True).start()
                for fut, res in done:
                    name, spec = by_key[fut.key]
                    if fut.status == "cancelled" and lost.get(name, 0) < self.retries:
                        # the scheduler cancels a task whose input (the scattered context) was held
                        # only by a worker that died: scatter again and resubmit, as a retry
                        lost[name] = lost.get(name, 0) + 1
                        ctx_f = self.client.scatter(ctx, broadcast=True, hash=False)
                        done.add(submit(name, spec, f"{fut.key}-r{lost[name]}", ctx_f))
                        continue
                    if fut.status == "error":  # raised on every attempt, or the worker kept dying
                        res = _failure(spec, fut.exception(), self.retries + 1)
                    elif fut.status == "cancelled":
                        err = (
                            res if isinstance(res, BaseException) else RuntimeError("the task was cancelled")
                        )
                        res = _failure(spec, err, self.retries + 1)
                    on_done(name, spec, res)  # a task that finished is kept, stop or not
                    if asked():
                        break
            if asked():
                raise Stopped
        finally:
            finished.set()
            self.client.cancel(futures)
