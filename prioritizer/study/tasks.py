"""One task = one allocation; this runs on a Dask worker (or in-process for the serial engine).

What a worker receives (see docs/performance.md, "Studies on a cluster"):

* once per worker, a :class:`Context` (the case's tables, the model snapshot and the policy of
  every variant, the sampled weights) — broadcast by the scheduler, kept in worker memory;
* per task, a small spec dict (:meth:`prioritizer.study.grid.Task.spec`), plus for the
  regret phase the fixed portfolio (``must``: every project in or out).

It returns a small record (status, objective, benefit, funded fractions, goods' ranks).
Everything a worker needs is in what it receives: it reads no file, so a remote cluster
needs only the same ``prioritizer`` installed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from prioritizer.errors import PrioritizerError

#: a project counts as funded above this fraction (as the robustness core index does)
FUNDED_TOL = 1e-6
#: entries of a worker's per-process cache (criticality series and ranks, a few KB each)
MAX_CACHE = 8192


@dataclass
class Context:
    case: Any
    models: dict[str, dict[str, Any]]  # policy variant -> model snapshot
    policies: dict[str, dict[str, Any]]  # policy variant -> policy dict
    criteria: list[str]
    weights: list[list[float]] | None
    #: weights of every task when the grid samples none (the weights in force, or --weights)
    fixed_weights: dict[str, float] | None = None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["_cache"] = {}  # caches are per process, never shipped
        return d

    def model(self, variant: str) -> Any:
        key = f"model:{variant}"
        if key not in self._cache:
            from prioritizer.model import load_model

            self._cache[key] = load_model(self.models[variant], getattr(self.case, "root", None))
        return self._cache[key]

    def policy(self, variant: str) -> Any:
        key = f"policy:{variant}"
        if key not in self._cache:
            from prioritizer.case.policy import Policy

            self._cache[key] = Policy.model_validate(self.policies[variant])
        return self._cache[key]


def _ranks(crit: Any, tol: float) -> dict[str, int]:
    """Competition ranks ("min": tied goods share the best rank) of criticality, 1 = most critical."""
    ids = [str(i) for i in crit.index]
    v = np.asarray(crit.to_numpy(), float)
    # rank_i = 1 + #{j : v_j > v_i + tol}; O(n²) is nothing next to a solve for n in the hundreds
    r = 1 + (v[None, :] > v[:, None] + tol).sum(axis=1)
    return {g: int(k) for g, k in zip(ids, r, strict=True)}


def _task_ranks(ctx: Context, key: str, crit: Any, model: Any, weights: Any) -> dict[str, int] | None:
    """Goods' ranks under the task's weights (the criticality the allocation used, else the
    model's score). A case the model cannot score (e.g. a bare decision matrix with explicit
    project values) still allocates: its goods simply get no ranks."""
    if crit is not None:
        return _ranks(crit, model.tie_tolerance)
    if key not in ctx._cache:
        from prioritizer.scoring.api import criticality

        try:
            ctx._cache[key] = _ranks(criticality(ctx.case, model, weights=weights), model.tie_tolerance)
        except PrioritizerError:
            ctx._cache[key] = None
    return ctx._cache[key]


def run_task(ctx: Context, spec: dict[str, Any]) -> dict[str, Any]:
    """Solve one task. Bad input or an infeasible what-if is a result (status), not an exception:
    only a crash of the worker (retried by the engine) is an error of the engine."""
    from prioritizer.allocation.api import allocate_data, prepare, resolve_criticality

    variant = spec["policy"]
    rec: dict[str, Any] = {"index": spec["index"], "seed": spec["seed"], "phase": spec.get("phase", "task")}
    if "candidate" in spec:
        rec["candidate"] = spec["candidate"]
    weights = None
    if spec.get("weights_index") is not None and ctx.weights is not None:
        weights = dict(zip(ctx.criteria, ctx.weights[spec["weights_index"]], strict=True))
    elif ctx.fixed_weights:
        weights = dict(ctx.fixed_weights)
    try:
        model = ctx.model(variant)
        policy = ctx.policy(variant)
        ranks_key = f"ranks:{variant}:{spec.get('weights_index')}"
        crit_key = f"crit:{variant}:{spec.get('weights_index')}"
        if crit_key not in ctx._cache:
            # criticality depends on the weights and the variant only, not on budget or
            # scenarios: tasks sharing them on one worker score the goods once
            if len(ctx._cache) > MAX_CACHE:
                ctx._cache.clear()
            ctx._cache[crit_key] = resolve_criticality(ctx.case, policy, model, weights)
        crit, src = ctx._cache[crit_key]
        if rec["phase"] == "task":
            rec["ranks"] = _task_ranks(ctx, ranks_key, crit, model, weights)
        data, _ = prepare(
            ctx.case,
            policy=policy,
            model=model,
            weights=weights,
            budget=spec.get("budget"),
            criticality=crit,
            scenarios=spec.get("scenarios"),
            must=spec.get("must"),
        )
        res = allocate_data(data, explain="none", criticality_source=src)
    except PrioritizerError as exc:
        rec.update(status="input_error", objective=None, error=str(exc))
        issues = getattr(exc, "issues", None)
        if issues:
            rec["issues"] = [i.as_dict() for i in issues][:20]
        return rec
    out = res.to_json()
    obj = out.get("objective")
    rec["status"] = str(res.status)
    rec["objective"] = None if obj is None or not math.isfinite(obj) else float(obj)
    # benefit (DESIGN §7: project value + avoided shortfall loss) when the allocation reports it;
    # nothing is recomputed here, so the allocation's own figure flows through
    if "benefit" in out:
        rec["benefit"] = out.get("benefit")
    if rec["phase"] == "task":
        rec["funded"] = {str(k): float(v) for k, v in res.funded.items() if float(v) > FUNDED_TOL}
        from prioritizer.spend import spent_total

        rec["spend"] = spent_total(out)  # the one total: projects + stock
    return rec
