"""``robustness`` service: params (JSON-able) -> :class:`CommandOutput` (DESIGN §5 JSON).

params (all optional):

``model`` / ``model_snapshot``   decision model (snapshot wins; replay passes it)
``method``, ``normalisation``, ``weights`` ({criterion: w})   overrides, as for ``rank``
``samples`` (10 000)             SMAA weight samples N
``seed`` (0)                     numpy Generator seed; recorded in the result
``weights_order``                "a>b>c" (chains separated by ``,``/``;``)
``intervals``                    {criterion: [low, high]} or "a=0.1:0.4,b=0.2:0.5"
``value_spread`` (0)             ± relative spread on criterion values without a case interval
``value_intervals`` (true)       use ``<criterion>_low``/``_high`` columns of goods.csv
``holistic`` ("centroid")        rank meta-weights: centroid | linear | inverse
``tornado_spread`` (0.5)         tornado range w_k(1 ± s), clipped to [0, 1] (or the interval)
``tornado_item``                 item whose score the tornado bars show (default: top ranked)
``pairs``                        ["a:b", ...] item pairs for swap thresholds (default: adjacent top 10)
``portfolio`` (false)            re-optimise the allocation per sampled weight, core index
``portfolio_samples`` (100)      weight samples for the portfolio analysis
``core_threshold`` (1.0)         CI at/above which a project is "core"
``policy_snapshot``              policy override for the allocation (replay)

Result: ``samples``, ``acceptability`` {id: [b1..bn]}, ``central_weights`` {id: {c: w} | null},
``confidence`` {id: p | null}, plus ``seed``, ``sampler``, ``mc_error``, ``holistic``,
``thresholds``, ``tornado``, ``names`` {id: {name_ja, name_en}}, ``verdict`` (the sentences a committee can quote: structured
messages with ``text_ja``/``text_en``, :mod:`prioritizer.robustness.verdict`), and with
``portfolio`` ``core_index`` {project: CI} and ``portfolio``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import numpy as np
import pandas as pd

from prioritizer.case.types import Case
from prioritizer.errors import InputError, Issue
from prioritizer.robustness import kernels, portfolio, sampling, sensitivity, smaa, values, verdict
from prioritizer.runs import CommandOutput

DEFAULT_SAMPLES = 10_000
DEFAULT_SEED = 0
MAX_SAMPLES = 5_000_000
#: numeric (non-additive) thresholds cost O(grid · n²) per criterion; above this, skipped
NUMERIC_THRESHOLD_MAX_ITEMS = 400

#: (stage, done, total) -> None; set by the CLI to drive a progress bar (stays None elsewhere)
PROGRESS: ContextVar[Callable[[str, int, int], None] | None] = ContextVar("robustness_progress", default=None)


# -- parameters --------------------------------------------------------------------------------


def _int(
    params: dict[str, Any], key: str, default: int, lo: int, hi: int, issues: list[Issue], what: str
) -> int:
    v = params.get(key)
    if v is None:
        return default
    try:
        if isinstance(v, bool) or (isinstance(v, float) and not v.is_integer()):
            raise ValueError
        iv = int(v)
    except (TypeError, ValueError):
        issues.append(Issue(key, None, None, v, f"{what} must be a whole number"))
        return default
    if not lo <= iv <= hi:
        issues.append(Issue(key, None, None, v, f"{what} must be between {lo:,} and {hi:,}"))
    return iv


def _float(
    params: dict[str, Any], key: str, default: float, lo: float, hi: float, issues: list[Issue], what: str
) -> float:
    v = params.get(key)
    if v is None:
        return default
    try:
        fv = float(v)
        if not math.isfinite(fv):
            raise ValueError
    except (TypeError, ValueError):
        issues.append(Issue(key, None, None, v, f"{what} must be a number"))
        return default
    if not lo <= fv <= hi:
        issues.append(Issue(key, None, None, v, f"{what} must be between {lo} and {hi}"))
    return fv


def _options(params: dict[str, Any], issues: list[Issue]) -> dict[str, Any]:
    opt = {
        "samples": _int(params, "samples", DEFAULT_SAMPLES, 1, MAX_SAMPLES, issues, "the number of samples"),
        "seed": _int(params, "seed", DEFAULT_SEED, 0, 2**63 - 1, issues, "the seed"),
        "portfolio_samples": _int(params, "portfolio_samples", 100, 1, 100_000, issues, "portfolio samples"),
        "value_spread": _float(params, "value_spread", 0.0, 0.0, 0.99, issues, "the value spread"),
        "tornado_spread": _float(params, "tornado_spread", 0.5, 0.01, 1.0, issues, "the tornado spread"),
        "core_threshold": _float(params, "core_threshold", 1.0, 0.5, 1.0, issues, "the core threshold"),
    }
    holistic = params.get("holistic") or "centroid"
    if holistic not in ("centroid", "linear", "inverse"):
        issues.append(Issue("holistic", None, None, holistic, "meta-weights are centroid, linear or inverse"))
    opt["holistic"] = holistic
    return opt


# -- model and matrix (scoring layer, imported lazily) -----------------------------------------


def _criterion_ids(prepared: Any) -> list[str]:
    return [str(getattr(c, "id", c)) for c in prepared.criteria]


def _model_info(model: Any) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    snap = model.snapshot() if hasattr(model, "snapshot") else dict(model)
    crit = {str(c.get("id")): dict(c) for c in snap.get("criteria", [])}
    return snap, crit


def _source_column(prepared: Any, crit: str, model_crit: dict[str, dict[str, Any]]) -> str | None:
    src = (getattr(prepared, "sources", None) or {}).get(crit)
    if isinstance(src, str) and src.startswith("column:"):
        return src.split(":", 1)[1]
    col = model_crit.get(crit, {}).get("column")
    return str(col) if col else None


def _prepare(case: Case, params: dict[str, Any]) -> tuple[Any, Any]:
    from prioritizer.model import load_model
    from prioritizer.scoring.api import prepare

    ref = params.get("model_snapshot") or params.get("model")
    if ref is None and case.policy is not None:
        ref = case.policy.model
    model = load_model(ref, case.root)
    prepared = prepare(
        case,
        model,
        weights=params.get("weights"),
        normalisation=params.get("normalisation"),
        method=params.get("method"),
    )
    return model, prepared


# -- the service -------------------------------------------------------------------------------


def _r(x: float | None, nd: int = 6) -> float | None:
    if x is None or not np.isfinite(x):
        return None
    return round(float(x), nd)


def run_robustness(case: Case, params: dict[str, Any]) -> CommandOutput:
    issues: list[Issue] = []
    opt = _options(params, issues)
    model, pm = _prepare(case, params)
    snap, model_crit = _model_info(model)
    criteria = _criterion_ids(pm)
    ids = [str(i) for i in pm.ids]
    x = np.asarray(pm.normalised, dtype=float)
    w0 = np.asarray(pm.weights, dtype=float)
    n, m = x.shape
    method_name = (
        params.get("method")
        or getattr(pm, "method", None)
        or getattr(model, "method", None)
        or snap.get("method")
    )
    method = "wsm"
    try:
        method = kernels.canonical_method(str(method_name))
    except InputError as exc:
        issues.extend(exc.issues)

    chains: list[tuple[int, ...]] = []
    lower = upper = None
    try:
        chains = sampling.parse_order(params.get("weights_order"), criteria, source="weights_order")
    except InputError as exc:
        issues.extend(exc.issues)
    try:
        lower, upper = sampling.parse_intervals(params.get("intervals"), criteria, source="intervals")
    except InputError as exc:
        issues.extend(exc.issues)
    if issues:  # every option problem at once
        raise InputError(issues, "invalid robustness options")
    fixed, _ = kernels.scorers(method)
    additive = method == "wsm"
    # the scoring layer's tie rule, so that "rank 1" means the same here as in `rank`
    tie_tol = float(getattr(model, "tie_tolerance", None) or snap.get("tie_tolerance") or smaa.TIE_TOL)
    cons = sampling.WeightConstraints(m, tuple(chains), lower, upper, labels=tuple(criteria))
    report = PROGRESS.get()

    root = np.random.default_rng(opt["seed"])
    w_rng, v_rng, p_rng = root.spawn(3)
    w, sampler_info = sampling.sample_weights(opt["samples"], cons, w_rng)

    target = str(getattr(model, "target", None) or snap.get("target") or "goods")
    target_table = case.projects if target == "projects" and case.projects is not None else case.goods
    vi = values.value_intervals(
        target_table,
        ids,
        criteria,
        [_source_column(pm, c, model_crit) for c in criteria],
        np.asarray(pm.raw, float),
        x,
        spread=opt["value_spread"],
        use_case_columns=bool(params.get("value_intervals", True)),
        file=f"{target}.csv" if target in ("goods", "projects") else "goods.csv",
    )
    value_sampler = smaa.interval_sampler(vi.low, vi.high) if vi is not None and vi.any else None
    res = smaa.smaa2(
        x,
        w,
        method=method,
        value_sampler=value_sampler,
        rng=v_rng,
        tol=tie_tol,
        progress=(lambda d, t: report("smaa", d, t)) if report else None,
    )

    base_scores = fixed(x, w0[None, :])[0]
    base_rank = kernels.ranks(base_scores[None, :], tie_tol)[0]
    order = np.lexsort((np.arange(n), base_rank))
    b, se = res.acceptability, res.mc_error
    hol = res.holistic(opt["holistic"])

    result: dict[str, Any] = {
        "samples": res.samples,
        "seed": opt["seed"],
        "sampler": sampler_info,
        "method": method,
        "normalisation": getattr(pm, "normalisation", None)
        or params.get("normalisation")
        or snap.get("normalisation"),
        "criteria": criteria,
        "weights": {c: _r(v) for c, v in zip(criteria, w0, strict=True)},
        "constraints": cons.describe(),
        "tie_rule": "min (tied items share the best rank)",
        "acceptability": {ids[i]: [_r(v) for v in b[i]] for i in order},
        "central_weights": {
            ids[i]: (
                None
                if np.isnan(res.central[i]).any()
                else {c: _r(res.central[i, k]) for k, c in enumerate(criteria)}
            )
            for i in order
        },
        "confidence": {ids[i]: _r(res.confidence[i]) for i in order},
        "holistic": {"meta_weights": opt["holistic"], "values": {ids[i]: _r(hol[i]) for i in order}},
        "base_rank": {ids[i]: int(base_rank[i]) for i in order},
        "mc_error": {
            "formula": "sqrt(b(1-b)/N)",
            "max": _r(float(se.max()) if se.size else 0.0),
            "acceptability": {ids[i]: [_r(v) for v in se[i]] for i in order},
        },
        "value_uncertainty": None
        if value_sampler is None
        else {
            "sources": vi.sources,  # type: ignore[union-attr]
            "distribution": "independent uniform within each interval",
            "confidence_samples": res.confidence_samples,
            "warnings": vi.warnings,  # type: ignore[union-attr]
        },
    }
    result["thresholds"] = _thresholds(x, w0, ids, criteria, additive, fixed, params.get("pairs"), base_rank)
    tor, tor_ranks = _tornado(
        x, w0, ids, criteria, model_crit, cons, fixed, additive, opt, params, base_scores
    )
    result["tornado"], result["tornado_ranks"] = tor, tor_ranks
    names = _names(target_table)
    result["names"] = {i: {"name_ja": names[i][0], "name_en": names[i][1]} for i in ids if i in names}
    result["verdict"] = verdict.with_text(
        verdict.verdict(result, names=names, labels=_labels(criteria, model_crit))
    )

    table = _table(ids, order, base_rank, b, hol, res, criteria)
    if params.get("portfolio"):
        pw, _ = sampling.sample_weights(opt["portfolio_samples"], cons, p_rng)
        port = _portfolio(case, params, snap, dict(zip(criteria, w0.tolist(), strict=True)), pw, opt, report)
        result["core_index"] = {pid: _r(v) for pid, v in zip(port.project_ids, port.core_index, strict=True)}
        result["portfolio"] = _portfolio_json(port)
        table = pd.concat([table, _portfolio_table(port)], ignore_index=True)

    result["weights_source"] = (
        params.get("weights_source") if params.get("weights") else None
    )  # DESIGN §7: adopted weights used, or null
    method_rec = {
        "method": method,
        "normalisation": result["normalisation"],
        "seed": opt["seed"],
        "samples": opt["samples"],
        "sampler": sampler_info["name"],
        "holistic": opt["holistic"],
    }
    return CommandOutput(
        result=result,
        table=table,
        model=snap,
        method=method_rec,
        weights={c: float(v) for c, v in zip(criteria, w0, strict=True)},
    )


# -- pieces -------------------------------------------------------------------------------------


def _names(table: pd.DataFrame | None) -> dict[str, tuple[str, str]]:
    """id -> (name_ja, name_en), each falling back to the other and then to the id."""
    if table is None or "id" not in table.columns:
        return {}
    out = {}
    for row in table.to_dict("records"):
        iid = str(row["id"])
        ja, en = (
            row.get(c) if isinstance(row.get(c), str) and row.get(c).strip() else None
            for c in ("name_ja", "name_en")
        )
        out[iid] = (ja or en or iid, en or ja or iid)
    return out


def _labels(criteria: list[str], model_crit: dict[str, dict[str, Any]]) -> dict[str, tuple[str, str]]:
    out = {}
    for c in criteria:
        info = model_crit.get(c, {})
        ja, en = info.get("label_ja"), info.get("label_en")
        out[c] = (ja or en or c, en or ja or c)
    return out


def _thresholds(
    x: np.ndarray,
    w0: np.ndarray,
    ids: list[str],
    criteria: list[str],
    additive: bool,
    fixed: kernels.Scorer,
    pairs_param: Any,
    base_rank: np.ndarray,
) -> dict[str, Any]:
    n = len(ids)
    out: dict[str, Any] = {
        "convention": "w_k = t, other weights rescaled by (1 - t)/(1 - w_k); t is the weight at which "
        "the item ties with `with` (its rank changes beyond t)",
        "exact": additive,
    }
    if additive:
        th = sensitivity.additive_thresholds(x, w0)
    elif n <= NUMERIC_THRESHOLD_MAX_ITEMS:
        th = sensitivity.numeric_thresholds(x, w0, fixed)
        out["resolution"] = "grid of 201 points per direction, then bisection to 1e-10"
    else:
        out["items"] = None
        out["note"] = (
            f"thresholds for non-additive methods are computed numerically for at most "
            f"{NUMERIC_THRESHOLD_MAX_ITEMS} items; use method wsm for exact thresholds"
        )
        return out

    def who(j: int) -> str | None:
        return ids[j] if j >= 0 else None

    order = np.lexsort((np.arange(n), base_rank))
    out["items"] = {
        ids[i]: {
            c: {
                "weight": _r(w0[k]),
                "up": _r(th.up[i, k]),
                "up_with": who(int(th.up_with[i, k])),
                "down": _r(th.down[i, k]),
                "down_with": who(int(th.down_with[i, k])),
            }
            for k, c in enumerate(criteria)
        }
        for i in order
    }
    # pairs: requested, else adjacent items of the current top 10
    index = {v: i for i, v in enumerate(ids)}
    pairs: list[tuple[int, int]] = []
    issues: list[Issue] = []
    if pairs_param:
        items = pairs_param if isinstance(pairs_param, list) else str(pairs_param).split(",")
        for p in items:
            a, _, bb = str(p).partition(":")
            a, bb = a.strip(), bb.strip()
            bad = [v for v in (a, bb) if v not in index]
            if bad or not _:
                issues.append(Issue("pairs", None, None, p, "write a pair as id:id with ids of ranked items"))
                continue
            pairs.append((index[a], index[bb]))
        if issues:
            raise InputError(issues, "invalid item pairs")
    else:
        top = order[: min(n, 10)]
        pairs = [(int(top[r]), int(top[r + 1])) for r in range(len(top) - 1)]
    if additive:
        plist = []
        for i, j in pairs:
            for rec in sensitivity.pair_threshold_additive(x, w0, i, j):
                k = int(rec["criterion"])  # type: ignore[call-overload]
                after = rec["after"]
                plist.append(
                    {
                        "a": ids[i],
                        "b": ids[j],
                        "criterion": criteria[k],
                        "weight": _r(w0[k]),
                        "t": _r(rec["t"]),  # type: ignore[arg-type]
                        "delta": _r(rec["delta"]),  # type: ignore[arg-type]
                        "direction": rec["direction"],
                        "top_after": ids[int(after)] if after is not None else None,  # type: ignore[call-overload]
                    }
                )
        out["pairs"] = plist
        mc = sensitivity.minimum_change(x, w0)
        mins: dict[str, Any] = {}
        for k, c in enumerate(criteria):
            ai, aj = mc["any_i"][k], mc["any_j"][k]
            tj = mc["top_j"][k]
            mins[c] = {
                "any": None
                if np.isnan(ai)
                else {
                    "pair": [ids[int(ai)], ids[int(aj)]],
                    "delta": _r(mc["any_delta"][k]),
                    "percent": _r(mc["any_percent"][k], 3),
                },
                "top": None
                if np.isnan(tj)
                else {
                    "pair": [ids[int(mc["top"][0])], ids[int(tj)]],
                    "delta": _r(mc["top_delta"][k]),
                    "percent": _r(mc["top_percent"][k], 3),
                },
            }

        def most(key: str) -> str | None:
            cand = [
                (abs(v[key]["percent"]), c)
                for c, v in mins.items()
                if v[key] and v[key]["percent"] is not None
            ]
            return min(cand)[1] if cand else None

        out["minimum_change"] = {
            "reference": "Triantaphyllou & Sánchez (1997): smallest change of one weight (others re-normalised) "
            "that reverses a pair; percent = delta / w_k * 100",
            "criteria": mins,
            "most_critical_any": most("any"),
            "most_critical_top": most("top"),
        }
    return out


def _tornado(
    x: np.ndarray,
    w0: np.ndarray,
    ids: list[str],
    criteria: list[str],
    model_crit: dict[str, dict[str, Any]],
    cons: sampling.WeightConstraints,
    fixed: kernels.Scorer,
    additive: bool,
    opt: dict[str, Any],
    params: dict[str, Any],
    base_scores: np.ndarray,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    s = opt["tornado_spread"]
    lo_c, hi_c = cons.bounds()
    explicit = (lo_c > 0) | (hi_c < 1)
    low = np.where(explicit, lo_c, np.clip(w0 * (1 - s), 0, 1))
    high = np.where(explicit, hi_c, np.clip(w0 * (1 + s), 0, 1))
    item = params.get("tornado_item")
    if item is not None and str(item) not in ids:
        raise InputError([Issue("tornado_item", None, None, item, "not an id of a ranked item")])
    focal = ids.index(str(item)) if item is not None else int(np.argmax(base_scores))
    rows = sensitivity.tornado(x, w0, low, high, fixed, additive=additive)
    bars, ranks = [], {}
    for k, c in enumerate(criteria):
        t = rows[k]
        info = model_crit.get(c, {})
        bars.append(
            {
                "criterion": c,
                "label": info.get("label_ja") or c,
                "label_en": info.get("label_en") or c,
                "item": ids[focal],
                "measure": "score",
                "low": _r(t["score_min"][focal]),
                "high": _r(t["score_max"][focal]),
                "score_at_weight_low": _r(t["score_at_low"][focal]),
                "score_at_weight_high": _r(t["score_at_high"][focal]),
                "weight": _r(w0[k]),
                "weight_low": _r(t["weight_low"]),
                "weight_high": _r(t["weight_high"]),
                "rank_best": int(t["rank_best"][focal]),
                "rank_worst": int(t["rank_worst"][focal]),
            }
        )
        ranks[c] = {ids[i]: [int(t["rank_best"][i]), int(t["rank_worst"][i])] for i in range(len(ids))}
    return bars, ranks


def _table(
    ids: list[str],
    order: np.ndarray,
    base_rank: np.ndarray,
    b: np.ndarray,
    hol: np.ndarray,
    res: smaa.SmaaResult,
    criteria: list[str],
) -> pd.DataFrame:
    n = len(ids)
    cols: dict[str, Any] = {
        "kind": ["item"] * n,
        "id": [ids[i] for i in order],
        "rank": [int(base_rank[i]) for i in order],
    }
    for r in range(min(3, n)):
        cols[f"b{r + 1}"] = [round(float(b[i, r]), 4) for i in order]
    cols["holistic"] = [round(float(hol[i]), 4) for i in order]
    cols["confidence"] = [res.confidence[i] for i in order]
    for k, c in enumerate(criteria):
        cols[f"w_c:{c}"] = [
            round(float(res.central[i, k]), 4) if np.isfinite(res.central[i, k]) else np.nan for i in order
        ]
    return pd.DataFrame(cols)


def _portfolio(
    case: Case,
    params: dict[str, Any],
    snap: dict[str, Any],
    base: dict[str, float],
    pw: np.ndarray,
    opt: dict[str, Any],
    report: Callable[[str, int, int], None] | None,
) -> portfolio.PortfolioResult:
    if case.projects is None or not len(case.projects):
        raise InputError(
            [Issue("projects.csv", None, None, None, "--portfolio needs candidate projects (projects.csv)")],
            "no projects to build portfolios from",
        )
    policy = None
    if params.get("policy_snapshot") is not None:
        from prioritizer.allocation.service import policy_from_params

        policy = policy_from_params(case, params)
    # The sampled weights are direct weights: hand allocate a snapshot whose elicitation says so,
    # otherwise a model whose weights come from AHP/swing/ROC rejects explicit criterion weights.
    direct = {
        **snap,
        "weights_elicitation": {"method": "direct"},
        "criteria": [
            {**c, "weight": float(base[c["id"]])} if c.get("id") in base else dict(c)
            for c in snap.get("criteria", [])
        ],
    }
    solve = portfolio.allocation_solver(case, policy=policy, model=direct)
    pids = [str(p) for p in case.projects["id"]]
    return portfolio.robust_portfolios(
        solve,
        list(base),
        pids,
        pw,
        core_threshold=opt["core_threshold"],
        progress=(lambda d, t: report("portfolio", d, t)) if report else None,
    )


def _portfolio_json(port: portfolio.PortfolioResult) -> dict[str, Any]:
    ci, se, cls = port.core_index, port.mc_error, port.classes
    mean = port.fractions.mean(axis=0) if port.samples else np.full(len(port.project_ids), np.nan)
    return {
        "samples": port.samples,
        "failed": port.failed,
        "distinct_portfolios": port.distinct_portfolios,
        "core_threshold": port.core_threshold,
        "funded_tolerance": port.tol,
        "reference": "Liesiö, Mild & Salo (2007): core = in every non-dominated portfolio; here over the "
        "optimal portfolios of the sampled weights",
        "projects": [
            {
                "id": pid,
                "core_index": _r(ci[k]),
                "mc_error": _r(se[k]),
                "class": cls[k],
                "mean_fraction": _r(mean[k]),
            }
            for k, pid in enumerate(port.project_ids)
        ],
    }


def _portfolio_table(port: portfolio.PortfolioResult) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": "project",
            "id": port.project_ids,
            "core_index": np.round(port.core_index, 4),
            "class": port.classes,
        }
    )
