"""Per-criterion contributions of every score (docs/methodology/scoring.md §7).

* ``wsm`` — c_ij = w_j v_ij; Σ_j c_ij = S_i exactly.
* ``wpm`` — log-contributions c_ij = w_j ln v_ij; Σ_j c_ij = ln P_i exactly
  (a product has no additive split of P itself; the log split is exact and ordinal).
* ``topsis`` — from the squared distance components (w_j(v_ij − v_j⁺))² and
  (w_j(v_ij − v_j⁻))²: c_ij = [(d⁻_ij)² − (d⁺_ij)²] / (2 (d⁺_i + d⁻_i)²), which sums
  exactly to C_i − 1/2 because C − 1/2 = (d⁻² − d⁺²)/(2(d⁺ + d⁻)²). A positive value
  means the criterion pulls the item towards the ideal. The raw components are also
  reported (``distance_components``).
* ``vikor`` — c_ij = −d_ij, the weighted normalised regret (Σ_j = −S_i, exact for the
  group-utility measure S; Q also mixes in R = max_j d_ij, which has no additive split).
* ``promethee_ii`` — c_ij = w_j φ_j(i), the weighted unicriterion net flow; Σ_j = φ_i exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from prioritizer.scoring.api import PreparedMatrix

KINDS = {
    "wsm": "w_j * v_ij (sums to the score)",
    "wpm": "w_j * ln v_ij (sums to ln score)",
    "topsis": "((d-_ij)^2 - (d+_ij)^2) / (2 (d+_i + d-_i)^2) (sums to closeness - 0.5)",
    "vikor": "-w_j (f*_j - f_ij)/(f*_j - f-_j) (sums to -S, the group regret)",
    "promethee_ii": "w_j * phi_j (sums to the net flow phi)",
}


def decompose(
    method: str, pm: PreparedMatrix, scores: np.ndarray, details: dict[str, Any]
) -> tuple[np.ndarray, str]:
    """(n × m) contributions for ``method`` and a one-line description of what they sum to."""
    v, w = pm.normalised, pm.weights
    if method == "wsm":
        c = v * w
    elif method == "wpm":
        with np.errstate(divide="ignore"):
            c = np.log(v) * w
    elif method == "topsis":
        dp, dm = details["d_plus"], details["d_minus"]
        den = 2.0 * (dp + dm) ** 2
        c = np.divide(
            details["minus2"] - details["plus2"], den[:, None], out=np.zeros_like(v), where=den[:, None] > 0
        )
    elif method == "vikor":
        c = -details["regret"]
    else:
        ws = w / w.sum() if w.sum() > 0 else w
        c = details["unicriterion"] * ws
    return c, KINDS[method]


#: the score at which every contribution is zero, where the contributions sum to score − reference
#: (wpm sums to ln score and vikor to −S: no additive reference on the score itself)
REFERENCE: dict[str, float] = {"wsm": 0.0, "topsis": 0.5, "promethee_ii": 0.0}


def reference(method: str | None) -> float | None:
    """The reference point of ``method``'s contributions on the score scale (None: not additive)."""
    return REFERENCE.get(method or "")


def shares(contributions: dict[str, float]) -> dict[str, float]:
    """Each contribution's signed share of their sum (what they explain): the shares add up to 1.

    A criterion pulling the other way has a negative share; with such criteria the others may
    exceed 100 %. All zero (an item at the reference point) gives zero shares.
    """
    total = float(sum(contributions.values()))
    if abs(total) < 1e-12:
        return {c: 0.0 for c in contributions}
    return {c: float(v) / total for c, v in contributions.items()}
