"""Validated scoring API (docs/architecture.md): ``prepare``, ``score``, ``criticality``.

``prepare`` turns a case and a model into the oriented, normalised decision matrix that
every method (and the robustness analysis) consumes; ``score`` applies a method and the
tie rule and decomposes every score. All input problems are collected and raised as
one :class:`~prioritizer.errors.InputError`, before anything is computed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from prioritizer.case.types import Case
from prioritizer.errors import InputError, Issue
from prioritizer.model import (
    METHODS,
    NORMALISATIONS,
    DecisionModel,
    canonical_method,
    check_choice,
    load_model,
    method_issue,
)
from prioritizer.scoring import kernels
from prioritizer.scoring.decompose import decompose
from prioritizer.weights import derive, normalise_weights

TIE_RULE = (
    "scores are sorted in descending order; consecutive scores within {tol:g} share the better rank "
    "(competition ranking 1, 2, 2, 4) and tied items are listed by id"
)


@dataclass
class PreparedMatrix:
    ids: list[str]
    criteria: list[str]
    raw: np.ndarray  # n × m, source units
    directions: np.ndarray  # +1 max / −1 min
    normalised: np.ndarray  # n × m, oriented so larger = higher priority
    weights: np.ndarray  # (m,), per weight_normalisation (sum: Σ = 1)
    sources: dict[str, str]
    model: DecisionModel
    method: str
    normalisation: str
    invert: dict[str, str]  # criterion -> resolved inversion (min criteria)
    weight_normalisation: str
    elicitation: dict[str, Any]
    #: criterion -> item ids whose value came from the fallback column
    fallbacks: dict[str, list[str]] = field(default_factory=dict)
    #: criterion -> item ids whose missing value was replaced by the column's worst
    imputed: dict[str, list[str]] = field(default_factory=dict)
    #: source column per criterion (None for indicators / from_model)
    columns: list[str | None] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def weight_map(self) -> dict[str, float]:
        return {c: float(w) for c, w in zip(self.criteria, self.weights, strict=True)}


@dataclass
class Ranking:
    ids: list[str]
    scores: np.ndarray
    ranks: np.ndarray
    order: np.ndarray  # positions, best first
    contributions: pd.DataFrame  # ids × criteria
    method: str
    normalisation: str
    tie_rule: str
    weights: dict[str, float]
    sources: dict[str, str]
    prepared: PreparedMatrix
    #: method-specific detail (TOPSIS distances, VIKOR S/R/Q and conditions, PROMETHEE flows)
    details: dict[str, Any] = field(default_factory=dict)
    contribution_kind: str = ""


# --------------------------------------------------------------------------- inputs


def _resolve_invert(
    model: DecisionModel, method: str, normalisation: str, override: str | None
) -> dict[str, str]:
    """Per criterion inversion; ``auto`` = reciprocal for WPM and for ``max`` normalisation, else reflect."""
    base = override or model.invert
    out = {}
    for c in model.criteria:
        inv = c.invert or base
        if inv == "auto":
            inv = "reciprocal" if method == "wpm" or normalisation == "max" else "reflect"
        out[c.id] = inv
    return out


def _target_table(case: Case, model: DecisionModel) -> tuple[pd.DataFrame | None, str]:
    if model.target == "projects":
        return case.projects, "projects.csv"
    return case.goods, "goods.csv"


def _numeric(col: pd.Series) -> pd.Series:
    return pd.to_numeric(col, errors="coerce").astype(float)


def _indicators(case: Case) -> pd.DataFrame | None:
    """The case's latest indicators (kept on the case: they depend on its tables only, so a
    weight what-if in the app reuses them — 0.05 s of a 0.3 s rerun on the default case)."""
    if case.flows is None or len(case.flows) == 0:
        return None
    from prioritizer.indicators.api import latest

    return case.kept("latest_indicators", None, lambda: latest(case)).copy()


def _column_values(table: pd.DataFrame, col: str) -> tuple[pd.Series | None, str]:
    if col in table.columns:
        return _numeric(table[col]), f"column:{col}"
    if col == "cost":
        years = [c for c in table.columns if str(c).startswith("cost_")]
        if years:
            return table[years].apply(pd.to_numeric, errors="coerce").fillna(0.0).sum(axis=1), (
                f"column:{'+'.join(years)}"
            )
    return None, f"column:{col}"


def _criterion_values(
    case: Case,
    model: DecisionModel,
    table: pd.DataFrame,
    fname: str,
    k: int,
    cache: dict[str, Any],
    issues: list[Issue],
) -> tuple[pd.Series | None, str, list[str]]:
    """Values of criterion k (aligned with ``table``), its source label and the fallback ids."""
    c = model.criteria[k]
    key = f"criteria.{k}"
    ids = table["id"].astype(str)
    if c.from_model:
        if "good_id" not in table.columns:
            issues.append(
                Issue(fname, None, "good_id", None, "from_model needs projects.csv's good_id column")
            )
            return None, f"model:{c.from_model}", []
        if c.from_model not in cache:
            cache[c.from_model] = criticality(case, c.from_model)
        crit: pd.Series = cache[c.from_model]
        vals = table["good_id"].astype(str).map(crit).astype(float)
        vals.index = table.index
        return vals, f"model:{c.from_model} (criticality of the project's good)", []
    if c.indicator:
        from prioritizer.indicators.api import INDICATOR_NAMES

        if c.indicator not in INDICATOR_NAMES:
            issues.append(
                Issue(
                    model.file,
                    None,
                    f"{key}.indicator",
                    c.indicator,
                    f"unknown indicator; use one of: {', '.join(INDICATOR_NAMES)}",
                )
            )
            return None, f"indicator:{c.indicator}", []
        if model.target != "goods":
            issues.append(
                Issue(model.file, None, f"{key}.indicator", c.indicator, "indicators exist for goods only")
            )
            return None, f"indicator:{c.indicator}", []
        if "indicators" not in cache:
            cache["indicators"] = _indicators(case)
        ind: pd.DataFrame | None = cache["indicators"]
        from_ind = (
            ids.map(ind[c.indicator]).astype(float)
            if ind is not None and c.indicator in ind.columns
            else pd.Series(np.nan, index=table.index)
        )
        from_ind.index = table.index
        if c.column:
            fb, _ = _column_values(table, c.column)
            if fb is None and from_ind.isna().any():
                issues.append(
                    Issue(
                        fname,
                        None,
                        c.column,
                        None,
                        f"column {c.column!r} (fallback of indicator {c.indicator!r}, criterion {c.id!r} of model "
                        f"{model.file}) is missing and {int(from_ind.isna().sum())} item(s) have no flows; add the "
                        "column or flows.csv",
                    )
                )
                return None, f"indicator:{c.indicator}", []
            use_fb = from_ind.isna() & (fb.notna() if fb is not None else False)
            vals = from_ind.where(~use_fb, fb) if fb is not None else from_ind
            fb_ids = ids[use_fb].tolist()
            if fb_ids and len(fb_ids) == len(ids):
                src = f"column:{c.column} (fallback: no flows for indicator {c.indicator})"
            elif fb_ids:
                src = f"indicator:{c.indicator} (fallback column:{c.column} for {len(fb_ids)} item(s))"
            else:
                src = f"indicator:{c.indicator}"
            return vals, src, fb_ids
        return from_ind, f"indicator:{c.indicator}", []
    vals, src = _column_values(table, c.column or c.id)
    if vals is None:
        issues.append(
            Issue(
                fname,
                None,
                c.column,
                None,
                f"column {c.column!r} needed by criterion {c.id!r} of model {model.file} (key {key}.column) is "
                f"missing; add it to {fname} or change the model",
            )
        )
    return vals, src, []


def _subset_mask(table: pd.DataFrame, subset: Any, fname: str) -> tuple[np.ndarray, list[Issue]]:
    """subset: None, a list of ids, or a filter dict {domain|sector|ministry|specified_critical: value(s)}."""
    n = len(table)
    if subset is None:
        return np.ones(n, dtype=bool), []
    ids = table["id"].astype(str)
    if isinstance(subset, Mapping):
        mask = np.ones(n, dtype=bool)
        issues = []
        for key, want in subset.items():
            if want is None or want == "" or want == []:
                continue
            if key not in ("domain", "sector", "ministry", "specified_critical"):
                issues.append(
                    Issue(
                        "filter", None, key, want, "filter by domain, sector, ministry or specified_critical"
                    )
                )
                continue
            if key not in table.columns:
                issues.append(Issue(fname, None, key, want, f"cannot filter by {key}: the column is missing"))
                continue
            col = table[key]
            if key == "specified_critical":
                flag = str(want).strip().lower() in ("true", "1", "yes")
                mask &= col.astype(str).str.strip().str.lower().isin(["true", "1", "yes"]).to_numpy() == flag
            else:
                wanted = {str(w) for w in (want if isinstance(want, list | tuple) else [want])}
                mask &= col.astype(str).isin(wanted).to_numpy()
        return mask, issues
    wanted = {str(s) for s in subset}
    unknown = sorted(wanted - set(ids))
    issues = [Issue(fname, None, "id", u, "subset names an id that is not in the table") for u in unknown]
    return ids.isin(wanted).to_numpy(), issues


# --------------------------------------------------------------------------- prepare


def _model_of(case: Case, model: Any) -> DecisionModel:
    if model is None:
        model = case.policy.model if case.policy is not None else "default"
    return load_model(model, case.root)


def prepare(
    case: Case,
    model: Any = None,
    *,
    weights: Mapping[str, float] | None = None,
    normalisation: str | None = None,
    subset: Any = None,
    method: str | None = None,
    invert: str | None = None,
) -> PreparedMatrix:
    """The oriented normalised decision matrix of ``model`` on ``case`` (see module doc).

    ``weights`` override the model's weights for the criteria they name (the others keep
    theirs); ``subset`` is a list of ids or a filter dict; normalisation happens *within*
    the subset. Raises InputError with every problem found.
    """
    m = _model_of(case, model)
    f = m.file
    issues: list[Issue] = []
    meth = canonical_method(method or m.method)
    if meth not in METHODS:
        issues.append(method_issue(f, "method" if method is None else "--method", method or m.method))
    norm = normalisation or m.normalisation
    if (iss := check_choice(f, "normalisation", norm, NORMALISATIONS, "normalisation")) is not None:
        issues.append(iss)
    if invert is not None and (
        iss := check_choice(f, "invert", invert, ("auto", "reflect", "reciprocal", "negate"), "inversion")
    ):
        issues.append(iss)

    raw_w, elicit = derive(m)
    key_of = {c.id: f"criteria.{i}.weight" for i, c in enumerate(m.criteria)}
    if weights:
        for cid, wv in weights.items():
            if cid not in raw_w:
                issues.append(
                    Issue(
                        f,
                        None,
                        f"weights.{cid}",
                        wv,
                        f"--weights names unknown criterion {cid!r}; criteria of this model: {', '.join(m.criterion_ids)}",
                    )
                )
        if not any(i.column and i.column.startswith("weights.") for i in issues):
            elicit = {
                "method": "direct (override)",
                "overridden": sorted(weights),
                "model_elicitation": elicit,
            }
            raw_w = {**raw_w, **{k: float(v) for k, v in weights.items()}}
    table, fname = _target_table(case, m)
    if table is None:
        issues.append(
            Issue(fname, None, None, None, f"model {f} scores {m.target} but the case has no {fname}")
        )
    if issues:
        raise InputError(issues, f"cannot score with model {f}")
    assert table is not None
    try:
        w_map = normalise_weights(raw_w, m.weight_normalisation, f, key_of=key_of)
    except InputError as exc:
        issues.extend(exc.issues)
        w_map = {}

    mask, sub_issues = _subset_mask(table, subset, fname)
    issues.extend(sub_issues)
    cache: dict[str, Any] = {}
    cols, sources, fallbacks = [], {}, {}
    for k, c in enumerate(m.criteria):
        vals, src, fb = _criterion_values(case, m, table, fname, k, cache, issues)
        cols.append(vals)
        sources[c.id] = src
        if fb:
            fb_set = set(fb)  # once, not per row (was quadratic in the number of goods)
            fallbacks[c.id] = [
                i for i, keep in zip(table["id"].astype(str), mask, strict=True) if keep and i in fb_set
            ]
    if issues:
        raise InputError(issues, f"cannot score with model {f}")

    sub = table[mask]
    ids = sub["id"].astype(str).tolist()
    n, mm = len(ids), len(m.criteria)
    raw = np.column_stack([np.asarray(col[mask], dtype=float) for col in cols]) if n else np.zeros((0, mm))
    imputed: dict[str, list[str]] = {}
    rows = np.flatnonzero(mask) + 2  # spreadsheet rows (header = 1)
    sign = np.array([c.sign for c in m.criteria], dtype=float)
    for j, c in enumerate(m.criteria):
        bad = ~np.isfinite(raw[:, j])
        if not bad.any():
            continue
        if m.missing == "worst" and (~bad).any():
            good = raw[~bad, j]
            raw[bad, j] = good.min() if c.sign > 0 else good.max()
            imputed[c.id] = [ids[i] for i in np.flatnonzero(bad)]
            continue
        for i in np.flatnonzero(bad):
            issues.append(
                Issue(
                    fname,
                    int(rows[i]),
                    c.column or c.indicator or c.id,
                    None,
                    f"no value for criterion {c.id!r} ({sources[c.id]}); fill the cell, filter the item out, or set "
                    f"missing: worst in model {f}",
                )
            )
    inv = _resolve_invert(m, meth, norm, invert)
    inv_arr = np.array([inv[c.id] for c in m.criteria], dtype=object)
    for j, c in enumerate(m.criteria):
        col = raw[:, j]
        if c.sign < 0 and inv[c.id] == "reciprocal" and (col <= 0).any():
            i = int(np.flatnonzero(col <= 0)[0])
            issues.append(
                Issue(
                    fname,
                    int(rows[i]),
                    c.column or c.id,
                    float(col[i]),
                    f"criterion {c.id!r} is inverted as 1/x (invert: reciprocal) and needs values > 0; use invert: "
                    f"reflect in model {f} or fix the value",
                )
            )
    if n == 0:
        issues.append(
            Issue(fname, None, "id", None, "no items to rank (empty table or the filter matches nothing)")
        )
    if issues:
        raise InputError(issues, f"cannot score with model {f}")

    v, degenerate = kernels.orient(raw, sign, norm, inv_arr)
    warnings = [
        f"criterion {c.id!r} does not discriminate (constant or zero column under {norm} normalisation)"
        for c, d in zip(m.criteria, degenerate, strict=True)
        if d
    ]
    if meth == "wpm" and (v <= 0).any():
        j = int(np.flatnonzero((v <= 0).any(axis=0))[0])
        i = int(np.flatnonzero(v[:, j] <= 0)[0])
        raise InputError(
            [
                Issue(
                    f,
                    None,
                    "normalisation",
                    norm,
                    f"the weighted product needs values > 0 but criterion {m.criteria[j].id!r} of item {ids[i]} is "
                    f"{v[i, j]:g} after {norm} normalisation; use normalisation max, sum or vector (invert: "
                    "reciprocal) or another method",
                )
            ]
        )
    if elicit.get("consistent") is False:
        warnings.append(
            f"AHP judgements are inconsistent (CR = {elicit['cr']:.3f} > 0.10): "
            + (elicit.get("suggestion") or {}).get("message_en", "")
        )
    return PreparedMatrix(
        ids=ids,
        criteria=m.criterion_ids,
        raw=raw,
        directions=sign.astype(int),
        normalised=v,
        weights=np.array([w_map[c] for c in m.criterion_ids]),
        sources=sources,
        model=m,
        method=meth,
        normalisation=norm,
        invert={c.id: inv[c.id] for c in m.criteria if c.sign < 0},
        weight_normalisation=m.weight_normalisation,
        elicitation=elicit,
        fallbacks=fallbacks,
        imputed=imputed,
        columns=[c.column for c in m.criteria],
        warnings=warnings,
    )


# --------------------------------------------------------------------------- score


def score_prepared(pm: PreparedMatrix, method: str | None = None) -> Ranking:
    meth = canonical_method(method or pm.method)
    if meth not in METHODS:
        raise InputError([method_issue(pm.model.file, "method", method)])
    v, w = pm.normalised, pm.weights
    details: dict[str, Any] = {}
    if meth == "wsm":
        s = kernels.wsm(v, w)
    elif meth == "wpm":
        s = kernels.wpm(v, w)
    elif meth == "topsis":
        t = kernels.topsis(v, w)
        s = t.closeness
        details = {"d_plus": t.d_plus, "d_minus": t.d_minus, "plus2": t.plus2, "minus2": t.minus2}
    elif meth == "vikor":
        vk = kernels.vikor(v, w, pm.model.vikor_v)
        s = 1.0 - vk.q
        details = {
            "s": vk.s,
            "r": vk.r,
            "q": vk.q,
            "regret": vk.regret,
            "v": pm.model.vikor_v,
            "dq": vk.dq,
            "acceptable_advantage": vk.acceptable_advantage,
            "acceptable_stability": vk.acceptable_stability,
            "compromise_set": [pm.ids[i] for i in vk.compromise],
        }
    else:
        crit = pm.model.criteria
        pr = kernels.promethee_ii(
            v,
            w,
            [c.preference for c in crit],
            np.array([c.q for c in crit], dtype=float),
            np.array([c.p for c in crit], dtype=float),
        )
        s = pr.phi
        details = {"phi_plus": pr.phi_plus, "phi_minus": pr.phi_minus, "unicriterion": pr.unicriterion}
    tol = pm.model.tie_tolerance
    order, ranks = kernels.rank(s, np.asarray(pm.ids, dtype=object).astype(str), tol)
    contrib, kind = decompose(meth, pm, s, details)
    return Ranking(
        ids=pm.ids,
        scores=s,
        ranks=ranks,
        order=order,
        contributions=pd.DataFrame(contrib, index=pm.ids, columns=pm.criteria),
        method=meth,
        normalisation=pm.normalisation,
        tie_rule=TIE_RULE.format(tol=tol),
        weights=pm.weight_map,
        sources=pm.sources,
        prepared=pm,
        details=details,
        contribution_kind=kind,
    )


def score(
    case: Case,
    model: Any = None,
    *,
    method: str | None = None,
    weights: Mapping[str, float] | None = None,
    normalisation: str | None = None,
    subset: Any = None,
    invert: str | None = None,
) -> Ranking:
    """Score and rank the items of ``case`` under ``model`` (method/normalisation/weights overridable)."""
    pm = prepare(
        case, model, weights=weights, normalisation=normalisation, subset=subset, method=method, invert=invert
    )
    return score_prepared(pm)


def criticality(case: Case, model: Any = None, *, weights: dict[str, float] | None = None) -> pd.Series:
    """good_id -> criticality in [0, 1] (higher = more critical) under ``model``.

    The method's own bounded scale where it has one — TOPSIS closeness C, VIKOR 1 − Q,
    PROMETHEE (φ + 1)/2 — and for WSM/WPM the score placed between the composite
    anti-ideal (0) and ideal (1) items (for WPM on the log scale). Every mapping is
    monotone, so the order is the ranking's. Default model: ``policy.model`` or default.
    ``weights`` override the model's weights exactly as in :func:`score` (recorded as a
    direct override of the model's elicitation).
    """
    r = score(case, model, weights=weights)
    pm = r.prepared
    s = r.scores
    if r.method in ("topsis", "vikor"):  # closeness C and 1 − Q are already on [0, 1]
        c = s
    elif r.method == "promethee_ii":
        c = (s + 1.0) / 2.0
    else:
        v, w = pm.normalised, pm.weights
        if r.method == "wsm":
            lo, hi, x = float(v.min(axis=0) @ w), float(v.max(axis=0) @ w), s
        else:
            lv = np.log(v)
            lo, hi, x = float(lv.min(axis=0) @ w), float(lv.max(axis=0) @ w), np.log(s)
        c = (x - lo) / (hi - lo) if hi > lo else np.ones_like(s)
    out = pd.Series(np.clip(c, 0.0, 1.0), index=pd.Index(r.ids, name="good_id"), name="criticality")
    out.attrs.update({"model": pm.model.name, "method": r.method, "normalisation": r.normalisation})
    return out


def parse_weights(text: str | None) -> dict[str, float]:
    """``id=w,id=w`` (command line) -> {id: w}; raises InputError naming every bad pair."""
    if not text:
        return {}
    out: dict[str, float] = {}
    issues = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        k, sep, val = part.partition("=")
        try:
            x = float(val)
            if not sep or not k.strip() or not math.isfinite(x):
                raise ValueError
        except ValueError:
            issues.append(
                Issue("--weights", None, k.strip() or None, part, "write weights as id=number,id=number")
            )
            continue
        out[k.strip()] = x
    if issues:
        raise InputError(issues, "cannot read --weights")
    return out
