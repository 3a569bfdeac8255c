"""The ``rank`` service: ``run_rank(case, params) -> CommandOutput`` (prioritizer/runs.py contract).

``params`` (all optional, JSON-able): ``model`` (name or path), ``model_snapshot``
(dict, wins over ``model`` — replay), ``method``, ``normalisation``, ``invert``,
``weights`` ({criterion: w}, overrides those criteria), ``filter``
({domain|sector|ministry|specified_critical: value or list}), ``why`` ("A,B" or [A, B]: adds
DESIGN §6's ``why`` — :func:`prioritizer.scoring.why.why` — for that pair).

The result is DESIGN §5's ``rank`` shape plus every choice that can change it:
model, inversion, weight normalisation, tie rule, each criterion's source (column,
indicator, fallback), the elicitation record and method details (VIKOR S/R/Q and its
two conditions, TOPSIS distances, PROMETHEE flows).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from prioritizer.case.types import Case
from prioritizer.errors import InputError, Issue
from prioritizer.runs import CommandOutput
from prioritizer.scoring import api
from prioritizer.scoring.hints import hint


def _f(x: Any) -> float | None:
    x = float(x)
    return x + 0.0 if np.isfinite(x) else None  # + 0.0: no "-0.0" in the JSON


def _item_attrs(case: Case, target: str) -> pd.DataFrame:
    """Per-item descriptive columns (names, domain, sector, ministry...) indexed by id."""
    cols = [
        "name_ja",
        "name_en",
        "domain",
        "sector",
        "ministry",
        "specified_critical",
        "good_id",
        "instrument",
    ]
    if target == "projects" and case.projects is not None:
        pr = case.projects.copy()
        pr["id"] = pr["id"].astype(str)
        goods = case.goods.set_index(case.goods["id"].astype(str))
        for c in ("domain", "sector", "ministry", "specified_critical"):
            from_good = (
                pr["good_id"].astype(str).map(goods[c]) if c in goods.columns and "good_id" in pr else None
            )
            if from_good is not None:
                own = pr[c] if c in pr.columns else pd.Series([None] * len(pr), index=pr.index)
                blank = own.isna() | (own.astype(str).str.strip() == "")
                pr[c] = own.where(~blank, from_good)
        df = pr
    else:
        df = case.goods.copy()
        df["id"] = df["id"].astype(str)
    keep = [c for c in cols if c in df.columns]
    return df.set_index("id")[keep]


def _clean(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and not np.isfinite(v):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def run_rank(case: Case, params: dict[str, Any]) -> CommandOutput:
    pair = None
    if params.get("why"):
        from prioritizer.scoring.why import parse_pair

        pair = parse_pair(params["why"])  # a malformed pair fails before anything is scored
    model_ref = params.get("model_snapshot") or params.get("model")
    if model_ref is None and case.policy is not None:
        model_ref = case.policy.model
    filt = params.get("filter") or None
    r = api.score(
        case,
        model_ref,
        method=params.get("method"),
        weights=params.get("weights") or None,
        normalisation=params.get("normalisation"),
        subset=filt,
        invert=params.get("invert"),
    )
    pm = r.prepared
    if params.get("judgements"):
        # The weights came from judgements made in the app (AHP matrix or swing points): record
        # the judgements themselves, after checking they give exactly these weights.
        pm.elicitation = elicitation_record(params["judgements"], params.get("weights") or {}, pm.elicitation)
    m = pm.model
    attrs = _item_attrs(case, m.target)
    d = r.details
    rows = []
    for pos in r.order:
        iid = r.ids[pos]
        a = attrs.loc[iid] if iid in attrs.index else pd.Series(dtype=object)
        row: dict[str, Any] = {
            "id": iid,
            "rank": int(r.ranks[pos]),
            "score": _f(r.scores[pos]),
            "contributions": {c: _f(r.contributions.iat[pos, j]) for j, c in enumerate(pm.criteria)},
        }
        for k, v in a.items():
            row[str(k)] = _clean(v)
        if isinstance(row.get("specified_critical"), str):
            row["specified_critical"] = row["specified_critical"].strip().lower() in ("true", "1", "yes")
        dom = row.get("domain")
        row["hint_ja"], row["hint_en"] = hint(dom, "ja"), hint(dom, "en")
        row["hint"] = row["hint_en"]
        row["values"] = {c: _f(pm.raw[pos, j]) for j, c in enumerate(pm.criteria)}
        if r.method == "topsis":
            row["d_plus"], row["d_minus"] = _f(d["d_plus"][pos]), _f(d["d_minus"][pos])
            row["distance_components"] = {
                "ideal": {c: _f(d["plus2"][pos, j]) for j, c in enumerate(pm.criteria)},
                "anti_ideal": {c: _f(d["minus2"][pos, j]) for j, c in enumerate(pm.criteria)},
            }
        elif r.method == "vikor":
            row["s"], row["r"], row["q"] = _f(d["s"][pos]), _f(d["r"][pos]), _f(d["q"][pos])
        elif r.method == "promethee_ii":
            row["phi_plus"], row["phi_minus"] = _f(d["phi_plus"][pos]), _f(d["phi_minus"][pos])
        rows.append(row)

    method_details: dict[str, Any] = {}
    if r.method == "vikor":
        method_details = {
            k: d[k] for k in ("v", "dq", "acceptable_advantage", "acceptable_stability", "compromise_set")
        }
    elif r.method == "promethee_ii":
        method_details = {
            "preference_functions": {c.id: {"type": c.preference, "q": c.q, "p": c.p} for c in m.criteria}
        }
    criteria = [
        {
            "id": c.id,
            "label_ja": c.label_ja,
            "label_en": c.label_en,
            "direction": c.direction,
            "weight": pm.weight_map[c.id],
            "source": pm.sources[c.id],
            **({"column": c.column} if c.column else {}),
            **({"indicator": c.indicator} if c.indicator else {}),
            **({"from_model": c.from_model} if c.from_model else {}),
            **({"invert": pm.invert[c.id]} if c.id in pm.invert else {}),
            **({"unit": c.unit} if c.unit else {}),
        }
        for c in m.criteria
    ]
    result: dict[str, Any] = {
        "method": r.method,
        "normalisation": r.normalisation,
        "weights": r.weights,
        "ranking": rows,
        "model": m.name,
        "model_file": m.file,
        "target": m.target,
        "invert": pm.invert,
        "weight_normalisation": pm.weight_normalisation,
        "tie_rule": r.tie_rule,
        "contribution_kind": r.contribution_kind,
        "criteria": criteria,
        "sources": pm.sources,
        "fallbacks": pm.fallbacks,
        "imputed": pm.imputed,
        "elicitation": pm.elicitation,
        "filter": filt,
        "n_items": len(rows),
        "method_details": method_details,
        "warnings": pm.warnings,
        # DESIGN §7: the committee's adopted weights when they were used, else null
        "weights_source": params.get("weights_source") if params.get("weights") else None,
    }
    if pair is not None:
        from prioritizer.scoring.why import why

        names = {
            str(i): (
                str(a.get("name_ja") or a.get("name_en") or i),
                str(a.get("name_en") or a.get("name_ja") or i),
            )
            for i, a in attrs.fillna("").to_dict("index").items()
        }
        result["why"] = why(r, pair[0], pair[1], names=names).to_json()
    table = pd.DataFrame(
        [
            {
                "rank": row["rank"],
                "id": row["id"],
                "name": row.get("name_ja") or row.get("name_en") or row["id"],
                "score": row["score"],
                "domain": row.get("domain"),
                **{f"c:{c}": v for c, v in row["contributions"].items()},
            }
            for row in rows
        ]
    )
    return CommandOutput(
        result=result,
        table=table,
        model=m.snapshot(),
        method={
            "method": r.method,
            "normalisation": r.normalisation,
            "invert": pm.invert,
            "weight_normalisation": pm.weight_normalisation,
            "tie_rule": r.tie_rule,
            "filter": filt,
        },
        weights=r.weights,
    )


def elicitation_record(
    judgements: dict[str, Any], weights: dict[str, float], previous: dict[str, Any] | None
) -> dict[str, Any]:
    """``{method, judgements, cr, ...}`` for weights elicited in the app, verified against them.

    An AHP matrix or swing points that do not reproduce the weights used are an error: the
    record must say how these weights were reached, not merely that some judgement was made.
    """
    from prioritizer import weights as W

    kind = judgements.get("method")
    if kind == "ahp":
        res = W.ahp_checked(judgements.get("matrix") or [], judgements.get("criteria") or [], file="app AHP")
        derived, extra = dict(res.as_dict()["weights"]), {"cr": res.cr, "consistent": res.consistent}
    elif kind == "swing":
        derived, extra = W.swing_weights(judgements.get("points") or {}, file="app swing"), {}
    else:
        raise InputError([Issue("params", None, "judgements.method", kind, "judgements are ahp or swing")])
    off = sorted(c for c in derived if abs(float(weights.get(c, -1.0)) - derived[c]) > 1e-9)
    if off:
        raise InputError(
            [
                Issue(
                    "params",
                    None,
                    f"weights.{c}",
                    weights.get(c),
                    f"the {kind} judgements give {derived[c]:.6f}",
                )
                for c in off
            ]
        )
    return {"method": f"{kind} (app)", "judgements": judgements, **extra, "model_elicitation": previous}
