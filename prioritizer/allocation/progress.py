"""Stages of a long allocation, reported to whoever listens (the CLI writes them to stderr).

The library calls :func:`stage` at each step (prepare, build, solve, explain); nothing is
printed unless a reporter is installed with :func:`reporting` — the CLI installs one that
writes to standard error, so standard output keeps carrying results only. A context variable
keeps concurrent app sessions apart. Messages are structured (``alloc.stage.*`` in
allocation.yaml) and rendered by the reporter in the reader's language.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Reporter = Callable[[dict[str, Any]], None]
_reporter: contextvars.ContextVar[tuple[Reporter, float] | None] = contextvars.ContextVar(
    "allocation_progress", default=None
)


def stage(name: str, **fields: Any) -> None:
    """Report that stage ``name`` starts (``prepare``, ``build``, ``solve``, ``explain``, ``done``)."""
    current = _reporter.get()
    if current is None:
        return
    fn, t0 = current
    fn({"kind": f"alloc.stage.{name}", "stage": name, "elapsed": time.perf_counter() - t0, **fields})


@contextmanager
def reporting(fn: Reporter) -> Iterator[None]:
    token = _reporter.set((fn, time.perf_counter()))
    try:
        yield
    finally:
        _reporter.reset(token)
