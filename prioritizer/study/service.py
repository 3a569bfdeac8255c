"""``study`` service: a grid of what-if allocations -> one :class:`CommandOutput` (DESIGN §6 JSON).

params:

``grid``          the STUDY.yaml document (a mapping; see :mod:`prioritizer.study.grid`)
``grid_file``     its file name (for messages)
``model`` / ``model_snapshot``  decision model (snapshot wins; default ``policy.model``)
``workers``       0 = in-process serial; N ≥ 1 = a Dask LocalCluster of N worker processes
``address``       an existing Dask scheduler (``tcp://host:8786``); ``workers`` is then ignored
``retries``       retries of a failed task (default 2)
``max_tasks``     refuse a larger grid (overrides the grid's ``max_tasks``)
``study_dir``     where finished tasks are kept (default: ``studies/<key>`` beside the audit DB)

Phase 1 solves every task of the grid; phase 2 evaluates the candidate portfolios (the
most frequent optimal portfolios and the frequent portfolio) in every successful task
for regret. Both phases store each finished task at once and skip stored ones, so a
study that was stopped resumes where it stopped; a stop (Ctrl-C) returns a result with
``complete: false`` and how far it got, which the CLI records before exiting non-zero.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prioritizer.case.types import Case
from prioritizer.errors import InputError, Issue
from prioritizer.runs import CommandOutput
from prioritizer.study import results as rs
from prioritizer.study.engine import DEFAULT_RETRIES, Engine, Stopped
from prioritizer.study.grid import Grid, Task, parse_grid
from prioritizer.study.store import StudyStore, default_root
from prioritizer.study.tasks import FUNDED_TOL, Context, run_task

#: (stage, done, total) -> None; the CLI and the app set it to drive a progress bar
PROGRESS: ContextVar[Callable[[str, int, int], None] | None] = ContextVar("study_progress", default=None)
#: set by a caller that wants to stop a study cleanly (Ctrl-C on the CLI); checked before each
#: task, while tasks run on Dask, between the stages and once more at the end — a stop asked for
#: at any time before the result is summed up makes the result incomplete
STOP: ContextVar[Callable[[], bool] | None] = ContextVar("study_stop", default=None)
#: (stage) -> None, called as each stage starts: prepare, workers, tasks, regret
STAGE: ContextVar[Callable[[str], None] | None] = ContextVar("study_stage", default=None)


def _names(df: pd.DataFrame | None, ids: list[str]) -> dict[str, tuple[str, str]]:
    if df is None or "id" not in df.columns:
        return {}
    out = {}
    for _, row in df.iterrows():
        ja = row.get("name_ja") if "name_ja" in df.columns else None
        en = row.get("name_en") if "name_en" in df.columns else None
        ja = ja if isinstance(ja, str) and ja else (en if isinstance(en, str) else str(row["id"]))
        en = en if isinstance(en, str) and en else ja
        out[str(row["id"])] = (ja, en)
    return {i: out.get(i, (i, i)) for i in ids}


def _int_param(params: dict[str, Any], key: str, default: int, lo: int, issues: list[Issue]) -> int:
    v = params.get(key, default)
    if v is None:
        return default
    if isinstance(v, bool) or not isinstance(v, int) or v < lo:
        issues.append(Issue(f"--{key.replace('_', '-')}", None, None, v, f"a whole number ≥ {lo}"))
        return default
    return v


def prepare_study(case: Case, params: dict[str, Any]) -> tuple[Grid, Context, list[Task], dict[str, Any]]:
    """Validate everything (grid against the case, models, weights) before any work starts."""
    from prioritizer.case.policy import Policy
    from prioritizer.model import load_model

    issues: list[Issue] = []
    raw = params.get("grid")
    gfile = str(params.get("grid_file") or "STUDY.yaml")
    max_tasks = params.get("max_tasks")
    if max_tasks is not None:
        _int_param(params, "max_tasks", 1, 1, issues)
    if issues:
        raise InputError(issues, "invalid study options")
    base_policy = (case.policy or Policy()).model_dump(mode="json")
    scen_ids = (
        [str(s) for s in case.scenarios["id"]] if case.scenarios is not None and len(case.scenarios) else []
    )
    grid = parse_grid(raw, file=gfile, scenario_ids=scen_ids, policy=base_policy, max_tasks=max_tasks)
    policies = grid.policies or {"base": base_policy}
    ref = params.get("model_snapshot") or params.get("model")
    models: dict[str, dict[str, Any]] = {}
    loaded: dict[str, Any] = {}
    for name, pol in policies.items():
        m = load_model(ref if ref is not None else pol.get("model"), case.root)
        loaded[name], models[name] = m, m.snapshot()
    first = next(iter(loaded.values()))
    criteria = list(first.criterion_ids)
    weights: list[list[float]] | None = None
    wrec: dict[str, Any] | None = None
    if grid.samples is not None:
        for name, m in loaded.items():
            if list(m.criterion_ids) != criteria:
                issues.append(
                    Issue(
                        gfile,
                        None,
                        f"policies.{name}.model",
                        m.name,
                        "with a weights dimension every policy variant must use a model with the same criteria",
                    )
                )
        if issues:
            raise InputError(issues, "invalid study grid")
        from prioritizer.study.weights import draw

        criteria, w, wrec = draw(first, grid)
        weights = [[float(x) for x in row] for row in w]
    fixed = params.get("weights") if weights is None else None
    ctx = Context(
        case=case, models=models, policies=policies, criteria=criteria, weights=weights, fixed_weights=fixed
    )
    info = {"weights": wrec, "criteria": criteria, "drawn": weights}
    return grid, ctx, grid.tasks(), info


def study_key(case: Case, grid: Grid, ctx: Context) -> str:
    doc = {
        "digests": case.digests,
        "grid": grid.raw,
        "models": ctx.models,
        "policies": ctx.policies,
        "weights": ctx.weights,
        **({"fixed_weights": ctx.fixed_weights} if ctx.fixed_weights else {}),
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def _spec(task: Task, key: str) -> dict[str, Any]:
    return {**task.spec(), "phase": "task", "nonce": key[:12]}


def run_study(case: Case, params: dict[str, Any]) -> CommandOutput:
    issues: list[Issue] = []
    workers = _int_param(params, "workers", 0, 0, issues)
    retries = _int_param(params, "retries", DEFAULT_RETRIES, 0, issues)
    address = params.get("address") or None
    if issues:
        raise InputError(issues, "invalid study options")
    report = PROGRESS.get()
    stop_fn = STOP.get()
    stage_fn = STAGE.get()

    def stop() -> bool:
        return stop_fn is not None and bool(stop_fn())

    def stage(name: str) -> None:
        if stage_fn is not None:
            stage_fn(name)

    stage("prepare")
    grid, ctx, tasks, info = prepare_study(case, params)
    key = study_key(case, grid, ctx)
    sdir = Path(params["study_dir"]) if params.get("study_dir") else default_root() / key[:16]
    store = StudyStore(sdir, key)
    pids = [str(p) for p in case.projects["id"]] if case.projects is not None else []
    gids = [str(g) for g in case.goods["id"]]

    specs = {t.key: _spec(t, key) for t in tasks}
    done: dict[str, dict[str, Any]] = {
        k: r for k, r in store.load("task", specs).items() if r.get("status") != "failed"
    }
    resumed = len(done)
    complete = True
    regret_done: dict[str, dict[str, Any]] = {}
    cand_specs: dict[str, dict[str, Any]] = {}
    candidates: list[tuple[str, ...]] = []
    stage("workers")
    with Engine(workers=workers, address=address, retries=retries) as eng:
        engine_info = eng.info()
        store.write_manifest(
            status="running",
            grid=grid.raw,
            tasks=len(tasks),
            engine=engine_info["name"],
            workers=engine_info["workers"],
        )

        def tick(
            stage: str, got: dict[str, Any], total: int
        ) -> Callable[[str, dict[str, Any], dict[str, Any]], None]:
            def on_done(name: str, spec: dict[str, Any], rec: dict[str, Any]) -> None:
                store.put(spec["phase"], name, spec, rec)
                got[name] = rec
                if report:
                    report(stage, len(got), total)

            return on_done

        try:
            if stop():  # asked for while the case loaded or the workers started
                raise Stopped
            stage("tasks")
            if report:
                report("tasks", len(done), len(tasks))
            # submitted weight-major: tasks sharing weights then tend to meet on one worker and
            # reuse its scored criticality (results are put back in task order regardless)
            todo = sorted(
                ((k, s) for k, s in specs.items() if k not in done),
                key=lambda kv: (kv[1]["weights_index"] or 0, kv[1]["policy"], kv[1]["index"]),
            )
            eng.run(run_task, ctx, todo, tick("tasks", done, len(tasks)), stop)
            ok = [done[t.key] for t in tasks if done[t.key].get("status") == rs.OK]
            if grid.candidates > 0 and ok:
                f = rs.funded_matrix(ok, pids)
                share = rs.funded_share(f, FUNDED_TOL)
                dist = rs.distinct_portfolios(f, pids, FUNDED_TOL)
                candidates = [d[0] for d in dist[: grid.candidates]]
                freq = tuple(rs.frequent_portfolio(pids, share, grid.threshold))
                if freq not in candidates:
                    candidates.append(freq)
                for ci, cand in enumerate(candidates):
                    cset = set(cand)
                    must = {p: ("in" if p in cset else "out") for p in pids}
                    for r in ok:
                        if tuple(p for p in pids if p in (r.get("funded") or {})) == cand:
                            continue  # the task's own optimum: regret 0 without a solve
                        t = tasks[r["index"]]
                        name = f"c{ci:02d}-{t.key}"
                        cand_specs[name] = {
                            **_spec(t, key),
                            "phase": "regret",
                            "candidate": ci,
                            "portfolio": list(cand),
                            "must": must,
                        }
                regret_done = store.load("regret", cand_specs)
                stage("regret")
                if report:
                    report("regret", len(regret_done), len(cand_specs))
                todo2 = [(k, s) for k, s in cand_specs.items() if k not in regret_done]
                eng.run(run_task, ctx, todo2, tick("regret", regret_done, len(cand_specs)), stop)
        except (KeyboardInterrupt, Stopped):
            complete = False
    if stop():  # the last look: a stop that came after the last task still marks the run incomplete
        complete = False
    n_done = len(done)
    status = "complete" if complete else "incomplete"
    store.write_manifest(
        status=status, done=n_done, regret_done=len(regret_done), regret_total=len(cand_specs)
    )
    result = _result(
        case, grid, tasks, done, candidates, cand_specs, regret_done, pids, gids, info, engine_info, complete
    )
    result["weights_source"] = (
        params.get("weights_source") if params.get("weights") else None
    )  # DESIGN §7: adopted weights used, or null
    result["study"] = {
        "key": key,
        "dir": str(sdir),
        "status": status,
        "resumed_tasks": resumed,
        "tasks_done": n_done,
        "tasks_total": len(tasks),
        "regret_done": len(regret_done),
        "regret_total": len(cand_specs),
    }
    return CommandOutput(
        result=result,
        table=_table(result),
        model=next(iter(ctx.models.values())),
        policy=next(iter(ctx.policies.values())),
        method={
            "engine": engine_info["name"],
            "workers": engine_info["workers"],
            "seed": grid.seed,
            "samples": grid.samples,
            "tasks": len(tasks),
            "explain": "none",
        },
    )


def _result(
    case: Case,
    grid: Grid,
    tasks: list[Task],
    done: dict[str, dict[str, Any]],
    candidates: list[tuple[str, ...]],
    cand_specs: dict[str, dict[str, Any]],
    regret_done: dict[str, dict[str, Any]],
    pids: list[str],
    gids: list[str],
    info: dict[str, Any],
    engine_info: dict[str, Any],
    complete: bool,
) -> dict[str, Any]:
    recs = [done[t.key] for t in tasks if t.key in done]  # task order, whoever ran them
    ok = [r for r in recs if r.get("status") == rs.OK]
    f = rs.funded_matrix(ok, pids)
    share = rs.funded_share(f, FUNDED_TOL)
    mean_frac = f.mean(axis=0) if len(ok) else np.full(len(pids), np.nan)
    pnames = _names(case.projects, pids)
    gnames = _names(case.goods, gids)
    ranks = rs.rank_matrix(recs, gids)
    rq = rs.rank_quantiles(ranks)
    has_benefit = any("benefit" in r for r in ok)
    bfield = "benefit" if has_benefit else "objective"

    def val(r: dict[str, Any]) -> float | None:
        return r.get(bfield)

    levels = []
    for b in grid.budgets:
        sel = [r for r in ok if tasks[r["index"]].budget == b]
        levels.append({"budget": b, "tasks": len(sel), "quantiles": rs.quantiles([val(r) for r in sel])})
    out: dict[str, Any] = {
        "complete": complete,
        "runs": len(recs),
        "tasks_total": len(tasks),
        "tasks_ok": len(ok),
        # every task's solver status counted (infeasible what-ifs are results, not failures)
        "statuses": {
            st: sum(1 for r in recs if r.get("status") == st)
            for st in sorted({str(r.get("status")) for r in recs})
        },
        "engine": engine_info["name"],
        "workers": engine_info["workers"],
        "engine_info": engine_info,
        "projects": [
            {
                "id": p,
                "name_ja": pnames[p][0],
                "name_en": pnames[p][1],
                "funded_share": None if not np.isfinite(share[k]) else round(float(share[k]), 6),
                "mean_fraction": None if not np.isfinite(mean_frac[k]) else round(float(mean_frac[k]), 6),
            }
            for k, p in enumerate(pids)
        ],
        "goods": [
            {"id": g, "name_ja": gnames[g][0], "name_en": gnames[g][1], "rank_quantiles": rq[k]}
            for k, g in enumerate(gids)
        ],
        "benefit": {
            "field": bfield,
            "quantile_levels": list(rs.QUANTILES),
            "quantiles": rs.quantiles([val(r) for r in ok]),
            "by_budget": levels,
        },
        "robust_portfolio": _robust(
            grid, tasks, ok, pids, share, candidates, cand_specs, regret_done, complete
        ),
        "grid": {
            "file": grid.file,
            "digest": grid.digest(),
            "budgets": grid.budgets,
            "weight_samples": grid.samples,
            "seed": grid.seed,
            "scenario_sets": [{"name": n, "scenarios": s} for n, s in grid.scenario_sets],
            "policies": list(grid.policies) or ["base"],
            "threshold": grid.threshold,
            "candidates": grid.candidates,
            "max_tasks": grid.max_tasks,
            "task_seed": "SeedSequence(weights.seed, spawn_key=(task index,)).generate_state(1)[0]",
        },
        "weights": None
        if info["weights"] is None
        else {
            **info["weights"],
            "criteria": info["criteria"],
            "drawn": [[round(x, 12) for x in row] for row in info["drawn"]],
        },
        "failures": [
            {k: r.get(k) for k in ("index", "phase", "status", "error", "attempts")}
            for r in [*recs, *regret_done.values()]
            if r.get("status") in ("failed", "input_error")
        ],
        "tasks": [
            {
                **{k: v for k, v in tasks[r["index"]].spec().items() if k != "scenarios"},
                "status": r.get("status"),
                "objective": r.get("objective"),
                **({"benefit": r["benefit"]} if "benefit" in r else {}),
                "spend": r.get("spend"),
                "funded": sorted(r.get("funded") or {}),
            }
            for r in recs
        ],
    }
    return out


def _robust(
    grid: Grid,
    tasks: list[Task],
    ok: list[dict[str, Any]],
    pids: list[str],
    share: np.ndarray,
    candidates: list[tuple[str, ...]],
    cand_specs: dict[str, dict[str, Any]],
    regret_done: dict[str, dict[str, Any]],
    complete: bool,
) -> dict[str, Any]:
    freq = rs.frequent_portfolio(pids, share, grid.threshold) if ok else []
    out: dict[str, Any] = {
        "threshold": grid.threshold,
        "frequent": {"projects": freq},
        "minimax_regret": None,
        "candidates": [],
        "regret_measure": "objective",
    }
    if not candidates:
        return out
    opt = np.asarray([r["objective"] for r in ok], float)
    own = [tuple(p for p in pids if p in (r.get("funded") or {})) for r in ok]
    value = np.full((len(candidates), len(ok)), np.nan)
    evaluated = np.zeros((len(candidates), len(ok)), bool)
    by_index = {r["index"]: j for j, r in enumerate(ok)}
    for ci, cand in enumerate(candidates):
        for j in range(len(ok)):
            if own[j] == cand:
                value[ci, j], evaluated[ci, j] = opt[j], True
    for rec in regret_done.values():
        j = by_index.get(rec["index"])
        if j is None:
            continue
        ci = rec["candidate"]
        evaluated[ci, j] = True
        if rec.get("status") == rs.OK and rec.get("objective") is not None:
            value[ci, j] = rec["objective"]
    table = rs.regret_table(opt, value)
    rows = []
    for ci, cand in enumerate(candidates):
        row = dict(table[ci])
        wt = row.pop("worst_task")
        row["worst_task"] = ok[wt]["index"] if wt is not None and len(ok) else None
        row["evaluated_tasks"] = int(evaluated[ci].sum())
        row["projects"] = list(cand)
        row["optimal_in_tasks"] = sum(1 for o in own if o == cand)
        row["frequent"] = list(cand) == freq
        rows.append(row)
    out["candidates"] = rows
    best = rs.minimax(table) if complete or all(r["evaluated_tasks"] == len(ok) for r in rows) else None
    if best is not None:
        out["minimax_regret"] = rows[best]
    freq_row = next((r for r in rows if r["frequent"]), None)
    if freq_row is not None:
        out["frequent"] = {**freq_row}
    return out


def _table(result: dict[str, Any]) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for p in result["projects"]:
        rows.append(
            {"section": "project", "id": p["id"], "name": p["name_ja"], "funded_share": p["funded_share"]}
        )
    for g in result["goods"]:
        q = g["rank_quantiles"]
        rows.append({"section": "good", "id": g["id"], "name": g["name_ja"], "rank_median": q.get("0.5")})
    for lv in result["benefit"]["by_budget"]:
        rows.append(
            {
                "section": "budget",
                "id": lv["budget"],
                "tasks": lv["tasks"],
                "median": lv["quantiles"].get("0.5"),
            }
        )
    mm = result["robust_portfolio"].get("minimax_regret")
    if mm:
        rows.append(
            {"section": "minimax_regret", "id": ";".join(mm["projects"]), "max_regret": mm["max_regret"]}
        )
    return pd.DataFrame(rows)
