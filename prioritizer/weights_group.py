"""Group weighting for decision conferencing: combine committee members' AHP judgements.

Two aggregation rules (both keep the reciprocal property and the Pareto principle):

* **AIJ** — aggregation of individual judgements (Aczél & Saaty 1983, "Procedures for
  synthesizing ratio judgements", J. Math. Psychology 27:93–102): the group matrix is the
  element-wise weighted geometric mean ``g_ij = Π_k a_ij^(k) ^ w_k`` (Σ w_k = 1), whose
  principal eigenvector gives the group weights. Suited when the members act as one body.
* **AIP** — aggregation of individual priorities (Forman & Peniwati 1998, "Aggregating
  individual judgments and priorities with the AHP", EJOR 108:165–169): each member's
  eigenvector ``p^(k)``, then ``p_i ∝ Π_k p_i^(k) ^ w_k`` normalised to sum 1. Suited when
  the members are separate individuals.

Members' weights ``w_k`` are equal unless given (they are normalised to sum 1).

Agreement is reported two ways:

* ``spread`` per criterion: min, max and population standard deviation of the members' weights;
* ``consensus``: Goepel's AHP consensus indicator S* (Goepel 2013, "Implementing the AHP as a
  standard method for MCDM in corporate enterprises", Proc. ISAHP 2013, Kuala Lumpur; in the
  form used by AHP-OS, Goepel 2018, IJAHP 10(3)), from Shannon entropy partitioning
  (Jost 2006)::

      H_α = mean_k H(p^(k)),  H_γ = H(mean_k p^(k)),  H_β = H_γ − H_α,  H(p) = −Σ p_i ln p_i
      D_α,min = exp(H(p_M)),  p_M = (M, 1, …, 1) / (n + M − 1)   (one criterion M = 9 times all others)
      S* = (1/exp(H_β) − D_α,min / n) / (1 − D_α,min / n)

  S* is 1 when all members' priorities agree and falls towards 0 as they diverge (Goepel's
  word scale: < 0.5 very low, 0.5–0.625 low, 0.625–0.75 moderate, 0.75–0.875 high, > 0.875
  very high). The mean is unweighted, as in Goepel's definition.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from prioritizer.errors import InputError, Issue
from prioritizer.weights import CR_THRESHOLD, ahp

METHODS: tuple[str, ...] = ("aij", "aip")
#: the largest value of Saaty's fundamental scale, used by the consensus indicator's bound
SCALE_MAX = 9.0


@dataclass(frozen=True)
class Member:
    """One member's judgements: a label (file name or account) and a validated square matrix."""

    label: str
    ids: list[str]
    matrix: np.ndarray


def member_weights(text: str | Sequence[float] | None, k: int, where: str = "--member-weights") -> np.ndarray:
    """Normalised weights of ``k`` members from ``"W,W,…"`` or a sequence (equal when None)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return np.full(k, 1.0 / k)
    raw = [s.strip() for s in text.split(",")] if isinstance(text, str) else list(text)
    issues: list[Issue] = []
    vals: list[float] = []
    for i, s in enumerate(raw):
        try:
            v = float(s)
        except (TypeError, ValueError):
            issues.append(Issue("options", None, where, s, f"member {i + 1}: not a number"))
            continue
        if not math.isfinite(v) or v <= 0:
            issues.append(Issue("options", None, where, s, f"member {i + 1}: a weight must be > 0"))
        vals.append(v)
    if len(raw) != k:
        issues.append(
            Issue("options", None, where, ",".join(map(str, raw)), f"give one weight per member ({k})")
        )
    if issues:
        raise InputError(issues, "cannot read the member weights")
    w = np.asarray(vals, dtype=float)
    return w / w.sum()


def align(members: Sequence[Member]) -> tuple[list[str], list[np.ndarray]]:
    """All matrices in the first member's criterion order; every mismatch named by file and cell."""
    if not members:
        raise InputError([Issue("judgements", None, None, None, "give at least one judgement matrix")])
    ids = list(members[0].ids)
    want = set(ids)
    issues: list[Issue] = []
    out: list[np.ndarray] = []
    for m in members:
        have = list(m.ids)
        unknown = [c for c in have if c not in want]
        missing = [c for c in ids if c not in set(have)]
        for c in unknown:
            issues.append(
                Issue(m.label, 1, c, c, f"unknown criterion; the group's criteria are {', '.join(ids)}")
            )
        if missing:
            issues.append(
                Issue(
                    m.label,
                    1,
                    None,
                    ", ".join(missing),
                    "criteria missing from this matrix: add their rows and columns",
                )
            )
        if unknown or missing:
            continue
        order = [have.index(c) for c in ids]
        out.append(np.asarray(m.matrix, dtype=float)[np.ix_(order, order)])
    if issues:
        raise InputError(issues, "the judgement matrices do not cover the same criteria")
    return ids, out


def aij_matrix(matrices: Sequence[np.ndarray], w: np.ndarray) -> np.ndarray:
    """Element-wise weighted geometric mean ``exp(Σ_k w_k ln A_k)`` (Aczél & Saaty 1983)."""
    logs = np.stack([np.log(a) for a in matrices])  # (k, n, n)
    return np.exp(np.tensordot(w, logs, axes=1))


def aip_weights(priorities: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted geometric mean of priority vectors (rows), normalised (Forman & Peniwati 1998)."""
    g = np.exp(w @ np.log(priorities))
    return g / g.sum()


def _entropy(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-300, None)
    return -(p * np.log(p)).sum(axis=-1)


def consensus(priorities: np.ndarray, scale_max: float = SCALE_MAX) -> dict[str, float]:
    """Goepel's AHP consensus indicator S* of members' priority vectors (rows; see module doc)."""
    n = priorities.shape[1]
    h_alpha = float(_entropy(priorities).mean())
    h_gamma = float(_entropy(priorities.mean(axis=0)))
    h_beta = max(h_gamma - h_alpha, 0.0)
    pm = np.array([scale_max] + [1.0] * (n - 1)) / (n + scale_max - 1)
    d_alpha_min = math.exp(float(_entropy(pm)))
    bound = d_alpha_min / n
    s_star = (1.0 / math.exp(h_beta) - bound) / (1.0 - bound) if n > 1 else 1.0
    return {
        "s_star": float(s_star),
        "h_alpha": h_alpha,
        "h_beta": h_beta,
        "h_gamma": h_gamma,
        "d_beta": math.exp(h_beta),
        "d_alpha_min": d_alpha_min,
    }


def consensus_word(s: float) -> str:
    """Goepel's word scale for S*: very_low, low, moderate, high, very_high."""
    if s < 0.5:
        return "very_low"
    if s < 0.625:
        return "low"
    if s < 0.75:
        return "moderate"
    if s < 0.875:
        return "high"
    return "very_high"


def group_ahp(
    members: Sequence[Member], method: str = "aij", weights: str | Sequence[float] | None = None
) -> dict[str, Any]:
    """Group weights of AHP judgements (DESIGN §6 ``weights group ahp`` JSON, without run_id)."""
    if method not in METHODS:
        raise InputError([Issue("options", None, "--method", method, f"use one of {', '.join(METHODS)}")])
    ids, mats = align(members)
    w = member_weights(weights, len(mats))
    each = [ahp(a, ids) for a in mats]
    pri = np.vstack([r.weights for r in each])
    if method == "aij":
        group = ahp(aij_matrix(mats, w), ids)
        gw, extra = group.weights, {"group_cr": group.cr, "group_consistent": group.consistent}
    else:
        gw, extra = aip_weights(pri, w), {}
    cons = consensus(pri)
    return {
        "weights": {c: float(v) for c, v in zip(ids, gw, strict=True)},
        "method": method,
        "member_weights": [float(x) for x in w],
        "members": [
            {
                "file": m.label,
                "weights": {c: float(v) for c, v in zip(ids, r.weights, strict=True)},
                "cr": None if r.cr is None else float(r.cr),
                "consistent": bool(r.consistent),
            }
            for m, r in zip(members, each, strict=True)
        ],
        "spread": {
            c: {"min": float(pri[:, j].min()), "max": float(pri[:, j].max()), "sd": float(pri[:, j].std())}
            for j, c in enumerate(ids)
        },
        "consensus": cons["s_star"],
        "consensus_level": consensus_word(cons["s_star"]),
        "consensus_detail": {
            **cons,
            "definition": "Goepel 2013 AHP consensus indicator S* (Shannon α/β entropy)",
        },
        "cr_threshold": CR_THRESHOLD,
        **extra,
    }


def run_group_service(case: Any, params: dict[str, Any]) -> Any:
    """Service ``weights_group`` (runs.SERVICES): adopt group weights as a model version.

    ``params``: ``judgements`` [{``member``, ``ids``, ``matrix``, ``submission``}], ``method``,
    ``member_weights``, ``model`` (name whose weights these become). The Run records the group
    weights (so the audit trail's weight history of that model changes) and the submission
    event numbers it was built from.
    """
    from prioritizer.runs import CommandOutput

    members = [
        Member(str(j.get("member")), list(j["ids"]), np.asarray(j["matrix"], dtype=float))
        for j in params.get("judgements", [])
    ]
    res = group_ahp(members, params.get("method", "aij"), params.get("member_weights"))
    res["submissions"] = [j.get("submission") for j in params.get("judgements", [])]
    return CommandOutput(
        result=res,
        method={"method": f"group_ahp_{res['method']}", "consensus": "goepel_2013"},
        weights=res["weights"],
    )
