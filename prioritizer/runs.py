"""Runs: the unit everything revolves around (DESIGN §1).

A command (rank, indicators, allocate, robustness) is a *service*: a pure function
``service(case, params) -> CommandOutput`` whose ``params`` are JSON-able, so that
the audit trail can store them and replay the run later from its snapshot.
:func:`execute` wraps a service call into a :class:`Run` carrying everything the
audit trail records; the CLI, the app and reports all go through it.

Contract for services:

* ``params`` holds only JSON-able values (str, numbers, bools, lists, dicts, None).
* If ``params["model_snapshot"]`` (a dict) is present it takes precedence over
  ``params["model"]`` (a name or path) — replay passes the stored snapshot.
* ``params["policy_snapshot"]`` likewise takes precedence over the case's policy.
* ``CommandOutput.result`` is the JSON payload of DESIGN §5 *without* ``run_id``;
  it must be deterministic for the same case, params and library versions.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import json
import platform
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pandas as pd

from prioritizer.case.types import Case

#: command name -> "module:function" of its service (imported lazily: the CLI stays fast)
SERVICES: dict[str, str] = {
    "rank": "prioritizer.scoring.service:run_rank",
    "indicators": "prioritizer.indicators.service:run_indicators",
    "allocate": "prioritizer.allocation.service:run_allocate",
    "robustness": "prioritizer.robustness.service:run_robustness",
    "stress": "prioritizer.stress.service:run_stress",
    "ttx": "prioritizer.stress.exercise:run_ttx",
    "weights_group": "prioritizer.weights_group:run_group_service",
    "study": "prioritizer.study.service:run_study",
    "partners": "prioritizer.partners:run_partners",
}

#: libraries whose versions can change a result; recorded with every run
TRACKED_LIBRARIES = (
    "prioritizer",
    "numpy",
    "pandas",
    "scipy",
    "scikit-criteria",
    "pulp",
    "highspy",
    "networkx",
)


@dataclass
class CommandOutput:
    result: dict[str, Any]
    #: human-readable table for ``--format table|csv`` (None: derive from result)
    table: pd.DataFrame | None = None
    model: dict[str, Any] | None = None
    policy: dict[str, Any] | None = None
    #: method choices that can change a result: method, normalisation, tie rule, solver, seed...
    method: dict[str, Any] = field(default_factory=dict)
    #: criterion id -> weight actually used (for weight-change events)
    weights: dict[str, float] | None = None


@dataclass
class Run:
    command: str
    params: dict[str, Any]
    case_path: str
    case_files: dict[str, bytes]
    input_digests: dict[str, str]
    output: CommandOutput
    actor: str
    reason: str
    created_at: str
    versions: dict[str, str]
    run_id: str | None = None
    hash: str | None = None
    #: who is recorded as the author and how that was established (prioritizer.auth.Identity.as_record)
    identity: dict[str, Any] | None = None

    @property
    def result(self) -> dict[str, Any]:
        return self.output.result

    def payload(self) -> dict[str, Any]:
        """The JSON document printed by the CLI: run_id first, then the service's result."""
        return {"run_id": self.run_id, **self.output.result}


def library_versions() -> dict[str, str]:
    return dict(_library_versions())


@functools.cache
def _library_versions() -> dict[str, str]:
    # read once per process: importlib.metadata scans site-packages (10 ms of a 100 ms what-if)
    out = {"python": platform.python_version()}
    for lib in TRACKED_LIBRARIES:
        try:
            out[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            out[lib] = "not installed"
    return out


def service(command: str) -> Callable[[Case, dict[str, Any]], CommandOutput]:
    try:
        target = SERVICES[command]
    except KeyError as exc:
        raise ValueError(f"unknown command {command!r}; known: {', '.join(SERVICES)}") from exc
    mod, fn = target.split(":")
    return getattr(importlib.import_module(mod), fn)


def execute(command: str, case: Case, params: dict[str, Any], *, actor: str = "", reason: str = "") -> Run:
    # Round-trip params through JSON now so a non-JSON-able value fails here, not at replay time.
    params = json.loads(json.dumps(params, sort_keys=True, ensure_ascii=False))
    # The input files' digests are taken while the command runs (hashlib releases the GIL on
    # large buffers; a national flows.csv is 216 MB, 0.15 s) instead of after it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        digests = pool.submit(lambda: case.digests)
        out = service(command)(case, params)
        input_digests = digests.result()
    return Run(
        command=command,
        params=params,
        case_path=str(case.root),
        case_files=dict(case.files),
        input_digests=input_digests,
        output=out,
        actor=actor,
        reason=reason,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
        versions=library_versions(),
    )
