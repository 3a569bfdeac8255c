"""A study grid (``STUDY.yaml``): parse, validate every problem at once, expand into tasks.

Grid keys (DESIGN §6; more keys allowed):

``budgets``    a list of totals (億円) or a range ``{from, to, step}`` (both ends included);
               absent = the policy's own budget
``weights``    ``{samples, seed}``: weight vectors drawn by the robustness sampler
               (:func:`prioritizer.robustness.sampling.sample_weights`) inside the weight set the
               model's elicitation allows (see :func:`elicitation_constraints`); optional ``order``
               and ``intervals`` as for ``robustness --weights-order/--weights-interval``;
               ``elicitation: ignore`` samples the whole simplex; absent = the model's weights
``scenarios``  ``all`` (every scenario together), ``each`` (one task per scenario alone),
               ``none`` (no disruption), a mapping ``{name: [scenario ids]}`` of named subsets,
               or a list mixing these; absent = ``all``
``policies``   ``{name: {edits}}``: named edits of ``policy.yaml`` merged key by key into it
               (a list such as ``limits`` is replaced as a whole); absent = the policy as is
``robust``     ``{threshold: 0.5, candidates: 5}``: the "funded in ≥ x % of tasks" share and
               how many of the most frequent optimal portfolios are candidates for regret
``max_tasks``  refuse a larger grid (default :data:`DEFAULT_MAX_TASKS`)

The grid is the Cartesian product budgets × weights × scenarios × policies, in that
nesting order; a task's index is its position in that order, so the task list — and with
it every result — is the same whatever runs it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from prioritizer import yamlsafe
from prioritizer.errors import InputError, Issue

DEFAULT_MAX_TASKS = 20_000
MAX_SAMPLES = 100_000
DEFAULT_THRESHOLD = 0.5
DEFAULT_CANDIDATES = 5
KNOWN_KEYS = ("budgets", "weights", "scenarios", "policies", "robust", "max_tasks")


@dataclass(frozen=True)
class Task:
    """One allocation of the study. ``seed`` is derived from the grid seed and the index only."""

    index: int
    budget: float | None
    weights_index: int | None
    scenario_set: str
    scenarios: list[str] | None
    policy: str
    seed: int

    @property
    def key(self) -> str:
        return f"t{self.index:06d}"

    def spec(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "budget": self.budget,
            "weights_index": self.weights_index,
            "scenario_set": self.scenario_set,
            "scenarios": self.scenarios,
            "policy": self.policy,
            "seed": self.seed,
        }


@dataclass
class Grid:
    """A validated grid. ``weights`` holds the sampled vectors (rows) once :func:`draw` ran."""

    raw: dict[str, Any]
    file: str
    budgets: list[float | None]
    samples: int | None
    seed: int
    order: Any = None
    intervals: Any = None
    use_elicitation: bool = True
    scenario_sets: list[tuple[str, list[str] | None]] = field(default_factory=list)
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    threshold: float = DEFAULT_THRESHOLD
    candidates: int = DEFAULT_CANDIDATES
    max_tasks: int = DEFAULT_MAX_TASKS

    @property
    def n_weights(self) -> int:
        return 1 if self.samples is None else self.samples

    @property
    def size(self) -> int:
        return len(self.budgets) * self.n_weights * len(self.scenario_sets) * max(1, len(self.policies))

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.raw, sort_keys=True, default=str).encode()).hexdigest()

    def tasks(self) -> list[Task]:
        """The product budgets × weights × scenarios × policies, each task with its own seed."""
        ss = np.random.SeedSequence(self.seed)
        policies = list(self.policies) or ["base"]
        out: list[Task] = []
        widx: list[int | None] = [None] if self.samples is None else list(range(self.samples))
        for b in self.budgets:
            for w in widx:
                for sname, sids in self.scenario_sets:
                    for p in policies:
                        i = len(out)
                        # spawn_key = (i,) is what SeedSequence.spawn would give child i: the seed of
                        # a task depends on the grid seed and its index, never on who runs it
                        seed = int(np.random.SeedSequence(ss.entropy, spawn_key=(i,)).generate_state(1)[0])
                        out.append(Task(i, b, w, sname, None if sids is None else list(sids), p, seed))
        return out


def read_grid(path: str | Path) -> dict[str, Any]:
    """The STUDY.yaml document as a mapping (validated against the case by :func:`parse_grid`)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            [Issue(str(p), None, None, None, f"cannot read the grid file: {exc.strerror}")]
        ) from None
    try:
        raw = yamlsafe.load(text)
    except yamlsafe.YamlRefused as exc:
        raise InputError([Issue(p.name, None, None, None, f"{exc.where()}{exc.message}")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Issue(p.name, None, None, None, f"not valid YAML: {exc}")]) from None
    if not isinstance(raw, dict):
        raise InputError(
            [Issue(p.name, None, None, raw, "the grid is a YAML mapping with keys " + ", ".join(KNOWN_KEYS))]
        )
    return raw


def _num(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _int(v: Any) -> int | None:
    f = _num(v)
    return int(f) if f is not None and f.is_integer() else None


def _budgets(raw: Any, f: str, issues: list[Issue]) -> list[float | None]:
    if raw is None:
        return [None]
    if isinstance(raw, dict):
        unknown = set(raw) - {"from", "to", "step"}
        for k in sorted(unknown, key=str):
            issues.append(Issue(f, None, f"budgets.{k}", raw[k], "a budget range has keys from, to, step"))
        lo, hi, st = _num(raw.get("from")), _num(raw.get("to")), _num(raw.get("step"))
        bad = False
        for k, v in (("from", lo), ("to", hi), ("step", st)):
            if v is None or v <= 0:
                issues.append(
                    Issue(
                        f, None, f"budgets.{k}", raw.get(k), "give a positive amount in 億円, e.g. from: 7000"
                    )
                )
                bad = True
        if bad:
            return []
        assert lo is not None and hi is not None and st is not None
        if hi < lo:
            issues.append(
                Issue(f, None, "budgets", raw, "the range is empty: 'to' is below 'from'; swap them")
            )
            return []
        n = math.floor((hi - lo) / st + 1e-9) + 1
        if n > MAX_SAMPLES:
            issues.append(
                Issue(f, None, "budgets.step", st, f"the range has {n:,} levels; use a larger step")
            )
            return []
        return [round(lo + k * st, 9) for k in range(n)]
    if isinstance(raw, list):
        if not raw:
            issues.append(
                Issue(f, None, "budgets", "[]", "the budget list is empty; give at least one amount")
            )
            return []
        out: list[float | None] = []
        for k, v in enumerate(raw):
            x = _num(v)
            if x is None or x <= 0:
                issues.append(Issue(f, None, f"budgets[{k}]", v, "a budget is a positive amount in 億円"))
            else:
                out.append(x)
        if len({b for b in out}) != len(out):
            issues.append(Issue(f, None, "budgets", raw, "a budget appears twice; list each level once"))
        return out
    issues.append(
        Issue(f, None, "budgets", raw, "budgets is a list of amounts or a range {from, to, step} (億円)")
    )
    return []


def _weights(raw: Any, f: str, issues: list[Issue], grid: dict[str, Any]) -> None:
    grid.update(samples=None, seed=0, order=None, intervals=None, use_elicitation=True)
    if raw is None:
        return
    if not isinstance(raw, dict):
        issues.append(Issue(f, None, "weights", raw, "weights is a mapping {samples: N, seed: S}"))
        return
    for k in sorted(set(raw) - {"samples", "seed", "order", "intervals", "elicitation"}, key=str):
        issues.append(
            Issue(
                f, None, f"weights.{k}", raw[k], "weights keys: samples, seed, order, intervals, elicitation"
            )
        )
    n = _int(raw.get("samples"))
    if n is None or not 1 <= n <= MAX_SAMPLES:
        issues.append(
            Issue(
                f,
                None,
                "weights.samples",
                raw.get("samples"),
                f"the number of weight samples is a whole number from 1 to {MAX_SAMPLES:,}",
            )
        )
    s = _int(raw.get("seed", 0))
    if s is None or s < 0:
        issues.append(Issue(f, None, "weights.seed", raw.get("seed"), "the seed is a whole number ≥ 0"))
    el = raw.get("elicitation", "respect")
    if el not in ("respect", "ignore"):
        issues.append(Issue(f, None, "weights.elicitation", el, "elicitation is respect (default) or ignore"))
    grid.update(
        samples=n,
        seed=s or 0,
        order=raw.get("order"),
        intervals=raw.get("intervals"),
        use_elicitation=el != "ignore",
    )


def _scenarios(
    raw: Any, f: str, issues: list[Issue], known: list[str] | None
) -> list[tuple[str, list[str] | None]]:
    items = raw if isinstance(raw, list) else [raw if raw is not None else "all"]
    if isinstance(raw, list) and not raw:
        issues.append(
            Issue(f, None, "scenarios", "[]", "the scenario list is empty; write all, each or subsets")
        )
        return []
    out: list[tuple[str, list[str] | None]] = []
    kn = set(known or [])

    def check(name: str, ids: list[Any], where: str) -> None:
        if not ids:
            issues.append(Issue(f, None, where, name, "a named scenario subset is empty; list scenario ids"))
            return
        for sid in ids:
            if str(sid) not in kn:
                hint = (
                    f"the case's scenarios are: {', '.join(known)}"
                    if known
                    else "the case has no scenarios.csv"
                )
                issues.append(Issue(f, None, where, sid, f"unknown scenario {sid!r}; {hint}"))
        out.append((name, [str(s) for s in ids]))

    for k, item in enumerate(items):
        where = "scenarios" if not isinstance(raw, list) else f"scenarios[{k}]"
        if item == "all":
            # every scenario of the case (not the policy's own selection): "all" means all
            out.append(("all", list(known) if known else None))
        elif item == "none":
            out.append(("none", []))
        elif item == "each":
            if not known:
                issues.append(
                    Issue(f, None, where, item, "'each' needs scenarios: the case has no scenarios.csv")
                )
            for sid in known or []:
                out.append((sid, [sid]))
        elif isinstance(item, dict):
            if not item:
                issues.append(Issue(f, None, where, "{}", "no named subsets given"))
            for name, ids in item.items():
                lst = ids if isinstance(ids, list) else [ids]
                check(str(name), lst, f"{where}.{name}")
        elif isinstance(item, str | int) and not isinstance(item, bool):
            # a bare scenario id: that scenario alone, under its own name
            check(str(item), [item], where)
        else:
            issues.append(
                Issue(
                    f,
                    None,
                    where,
                    item,
                    "scenarios are all, each, none, scenario ids or {name: [scenario ids]}",
                )
            )
    names = [n for n, _ in out]
    for n in sorted({n for n in names if names.count(n) > 1}):
        issues.append(Issue(f, None, "scenarios", n, f"the scenario set {n!r} appears twice; name each once"))
    return out


def merge(base: dict[str, Any], edits: dict[str, Any]) -> dict[str, Any]:
    """``edits`` merged into ``base`` key by key (mappings recursively; anything else replaced)."""
    out = copy.deepcopy(base)
    for k, v in edits.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _policies(
    raw: Any, f: str, issues: list[Issue], base: dict[str, Any] | None
) -> dict[str, dict[str, Any]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not raw:
        issues.append(
            Issue(
                f, None, "policies", raw, "policies is a mapping {name: {edits of policy.yaml}}, at least one"
            )
        )
        return {}
    from pydantic import ValidationError

    from prioritizer.case.policy import Policy

    out: dict[str, dict[str, Any]] = {}
    for name, edits in raw.items():
        if edits is None:
            edits = {}
        if not isinstance(edits, dict):
            issues.append(Issue(f, None, f"policies.{name}", edits, "a policy variant is a mapping of edits"))
            continue
        merged = merge(base or {}, edits)
        try:
            out[str(name)] = Policy.model_validate(merged).model_dump(mode="json")
        except ValidationError as exc:
            for e in exc.errors():
                loc = ".".join(str(x) for x in e["loc"])
                issues.append(Issue(f, None, f"policies.{name}.{loc}", e.get("input"), e["msg"]))
    return out


def parse_grid(
    raw: Any,
    *,
    file: str = "STUDY.yaml",
    scenario_ids: list[str] | None = None,
    policy: dict[str, Any] | None = None,
    max_tasks: int | None = None,
) -> Grid:
    """Validate ``raw`` (the YAML document) against a case; every problem in one InputError.

    ``scenario_ids`` are the case's scenarios (to reject unknown names), ``policy`` its
    policy as a dict (the base of the variants); both may be left out for a syntax check.
    """
    f = file
    issues: list[Issue] = []
    if not isinstance(raw, dict):
        raise InputError(
            [Issue(f, None, None, raw, "the grid is a YAML mapping with keys " + ", ".join(KNOWN_KEYS))]
        )
    for k in sorted(set(raw) - set(KNOWN_KEYS), key=str):
        issues.append(
            Issue(f, None, str(k), raw[k], f"unknown grid key; known keys: {', '.join(KNOWN_KEYS)}")
        )
    budgets = _budgets(raw.get("budgets"), f, issues)
    w: dict[str, Any] = {}
    _weights(raw.get("weights"), f, issues, w)
    scen = _scenarios(raw.get("scenarios"), f, issues, scenario_ids)
    pols = _policies(raw.get("policies"), f, issues, policy)
    robust = raw.get("robust") or {}
    thr, cand = DEFAULT_THRESHOLD, DEFAULT_CANDIDATES
    if not isinstance(robust, dict):
        issues.append(Issue(f, None, "robust", robust, "robust is a mapping {threshold, candidates}"))
    else:
        t = _num(robust.get("threshold", DEFAULT_THRESHOLD))
        if t is None or not 0 < t <= 1:
            issues.append(
                Issue(
                    f,
                    None,
                    "robust.threshold",
                    robust.get("threshold"),
                    "a share of tasks in (0, 1], e.g. 0.8",
                )
            )
        else:
            thr = t
        c = _int(robust.get("candidates", DEFAULT_CANDIDATES))
        if c is None or not 0 <= c <= 100:
            issues.append(
                Issue(f, None, "robust.candidates", robust.get("candidates"), "a whole number from 0 to 100")
            )
        else:
            cand = c
    mt = max_tasks if max_tasks is not None else _int(raw.get("max_tasks", DEFAULT_MAX_TASKS))
    if mt is None or mt < 1:
        issues.append(Issue(f, None, "max_tasks", raw.get("max_tasks"), "a whole number ≥ 1"))
        mt = DEFAULT_MAX_TASKS
    grid = Grid(
        raw=raw,
        file=f,
        budgets=budgets,
        scenario_sets=scen,
        policies=pols,
        threshold=thr,
        candidates=cand,
        max_tasks=mt,
        **w,
    )
    if not issues and grid.size > mt:
        issues.append(
            Issue(
                f,
                None,
                None,
                grid.size,
                f"the grid has {grid.size:,} tasks ({len(budgets)} budgets × {grid.n_weights} weights × "
                f"{len(scen)} scenario sets × {max(1, len(pols))} policies), more than the maximum {mt:,}; "
                "shrink a dimension or raise max_tasks",
            )
        )
    if issues:
        raise InputError(issues, "invalid study grid")
    return grid
