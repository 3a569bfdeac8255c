"""Weight elicitation: direct, swing, rank-order centroid (ROC) and AHP.

Formulas (docs/methodology/scoring.md §5):

* **direct** — the weights written on the criteria, w_j / Σ w.
* **swing** (von Winterfeldt & Edwards 1986, *Decision Analysis and Behavioral
  Research*, ch. 8): the decision maker imagines every criterion at its worst, picks
  the swing to best that matters most (100 points) and scores the others against it;
  w_j = points_j / Σ points.
* **ROC** (Barron & Barrett 1996, *Management Science* 42(11):1515–1523):
  for rank k of n, w_k = (1/n) Σ_{i=k..n} 1/i. Tied criteria share the mean of
  the ROC weights of the positions they occupy.
* **AHP** (Saaty 1980, *The Analytic Hierarchy Process*; Saaty 1990, EJOR 48:9–26):
  w = principal right eigenvector of the positive reciprocal matrix A, normalised to
  Σ w = 1; λ_max its eigenvalue; CI = (λ_max − n)/(n − 1); CR = CI / RI(n) with
  Saaty's random index; CR > 0.10 is flagged as inconsistent. The most inconsistent
  judgement is the a_ij with the largest |ln(a_ij w_j / w_i)| (the judgement farthest
  from the ratio the priorities imply); the suggested revision is w_i / w_j snapped
  to the nearest value of Saaty's 1–9 scale (or its reciprocal).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from prioritizer.errors import InputError, Issue

if TYPE_CHECKING:
    from prioritizer.model import DecisionModel

#: Saaty's random consistency index RI(n) (Saaty 1980, Table 1.3; n = 1..15).
RANDOM_INDEX: dict[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}
CR_THRESHOLD = 0.10
#: Saaty's fundamental scale and reciprocals (a suggested revision is snapped to one of these)
SAATY_SCALE: tuple[float, ...] = tuple(
    sorted({float(v) for v in range(1, 10)} | {1.0 / v for v in range(2, 10)})
)
RECIPROCAL_TOL = 1e-3


@dataclass(frozen=True)
class AhpResult:
    ids: list[str]
    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float | None
    consistent: bool
    most_inconsistent: dict[str, Any] | None
    suggestion: dict[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "weights": {i: float(w) for i, w in zip(self.ids, self.weights, strict=True)},
            "lambda_max": float(self.lambda_max),
            "ci": float(self.ci),
            "cr": None if self.cr is None else float(self.cr),
            "consistent": bool(self.consistent),
            "random_index": RANDOM_INDEX.get(len(self.ids)),
            "threshold": CR_THRESHOLD,
        }
        if self.most_inconsistent is not None:
            d["most_inconsistent"] = self.most_inconsistent
            d["suggestion"] = self.suggestion
        return d


# --------------------------------------------------------------------------- kernels


def roc_weights(n: int) -> np.ndarray:
    """Rank-order centroid weights for ranks 1..n: w_k = (1/n) Σ_{i=k}^{n} 1/i."""
    inv = 1.0 / np.arange(1, n + 1)
    return np.cumsum(inv[::-1])[::-1] / n


def ahp_matrix_issues(a: np.ndarray, ids: Sequence[str], file: str, key: str) -> list[Issue]:
    """Every defect of a pairwise matrix: shape, non-finite / non-positive cells, diagonal, reciprocity."""
    issues: list[Issue] = []
    n = len(ids)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        return [
            Issue(
                file,
                None,
                key,
                list(a.shape),
                "the AHP matrix must be square (one row and column per criterion)",
            )
        ]
    if a.shape[0] != n:
        return [
            Issue(
                file,
                None,
                key,
                a.shape[0],
                f"the AHP matrix has {a.shape[0]} rows for {n} criteria ({', '.join(ids)})",
            )
        ]
    for i in range(n):
        for j in range(n):
            v = a[i, j]
            cell = f"{key}[{ids[i]}][{ids[j]}]"
            if not math.isfinite(v) or v <= 0:
                issues.append(
                    Issue(
                        file,
                        None,
                        cell,
                        v,
                        "pairwise judgements must be positive numbers (Saaty scale 1/9 … 9)",
                    )
                )
            elif i == j and abs(v - 1) > RECIPROCAL_TOL:
                issues.append(Issue(file, None, cell, v, "a criterion compared with itself must be 1"))
    if issues:
        return issues
    for i in range(n):
        for j in range(i + 1, n):
            if abs(a[i, j] * a[j, i] - 1) > RECIPROCAL_TOL:
                issues.append(
                    Issue(
                        file,
                        None,
                        f"{key}[{ids[j]}][{ids[i]}]",
                        a[j, i],
                        f"not reciprocal: a[{ids[i]}][{ids[j]}] = {a[i, j]:g} so a[{ids[j]}][{ids[i]}] must be "
                        f"1/{a[i, j]:g} = {1 / a[i, j]:.4g}",
                    )
                )
    return issues


def _snap_to_scale(x: float) -> float:
    return min(SAATY_SCALE, key=lambda s: abs(math.log(s) - math.log(x)))


def fmt_judgement(x: float) -> str:
    """A pairwise judgement on Saaty's scale as people write it (3, 1/5)."""
    return _fmt_judgement(x)


def _fmt_judgement(v: float) -> str:
    return f"{v:g}" if v >= 1 else f"1/{1 / v:g}"


def ahp(matrix: Sequence[Sequence[float]] | np.ndarray, ids: Sequence[str] | None = None) -> AhpResult:
    """Principal-eigenvector priorities and Saaty consistency of a validated pairwise matrix.

    The matrix must already be positive and reciprocal (see :func:`ahp_matrix_issues`).
    """
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0]
    ids = list(ids) if ids is not None else [f"c{i + 1}" for i in range(n)]
    if n == 1:
        return AhpResult(ids, np.ones(1), 1.0, 0.0, None, True, None, None)
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    # Perron-Frobenius: the principal eigenvector of a positive matrix has one sign
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    lam = float(vals[k].real)
    ci = (lam - n) / (n - 1)
    if abs(ci) < 1e-12:  # a consistent matrix: λ_max = n up to rounding
        ci = 0.0
    ri = RANDOM_INDEX.get(n)
    cr = ci / ri if ri else (0.0 if n <= 2 else None)
    consistent = cr is None or cr <= CR_THRESHOLD
    worst = sugg = None
    if not consistent:
        dev = np.abs(np.log(a * w[None, :] / w[:, None]))
        np.fill_diagonal(dev, -1.0)
        i, j = np.unravel_index(int(np.argmax(dev)), dev.shape)
        if a[i, j] < 1:  # report the judgement as "i over j" with a value >= 1
            i, j = j, i
        implied = float(w[i] / w[j])
        new = _snap_to_scale(implied)
        if abs(math.log(new) - math.log(a[i, j])) < 1e-9:
            # snapping lands on the current value: move one scale step towards the implied ratio
            steps = [s for s in SAATY_SCALE if (s - a[i, j]) * (implied - a[i, j]) > 0]
            new = min(steps, key=lambda s: abs(s - a[i, j])) if steps else new
        trial = a.copy()
        trial[i, j], trial[j, i] = new, 1.0 / new
        tv = np.linalg.eigvals(trial)
        t_lam = float(np.max(tv.real))
        t_cr = ((t_lam - n) / (n - 1)) / ri if ri else None
        worst = {
            "row": ids[i],
            "column": ids[j],
            "value": float(a[i, j]),
            "implied": implied,
            "log_deviation": float(dev[i, j]),
        }
        sugg = {
            "row": ids[i],
            "column": ids[j],
            "current": float(a[i, j]),
            "suggested": float(new),
            "cr_after": None if t_cr is None else float(t_cr),
            "message_en": (
                f"'{ids[i]}' over '{ids[j]}' is judged {_fmt_judgement(a[i, j])} but the other judgements imply "
                f"about {implied:.2f}; consider {_fmt_judgement(new)} (CR would become "
                f"{t_cr:.3f})"
                if t_cr is not None
                else ""
            ),
            "message_ja": (
                f"「{ids[i]}」対「{ids[j]}」の一対比較値 {_fmt_judgement(a[i, j])} は他の判断から導かれる比 "
                f"約 {implied:.2f} と大きく異なります。{_fmt_judgement(new)} への見直しを検討してください"
                f"（見直し後の CR {t_cr:.3f}）。"
                if t_cr is not None
                else ""
            ),
        }
    return AhpResult(ids, w, lam, ci, cr, consistent, worst, sugg)


# --------------------------------------------------------------------------- model-level


def elicitation_issues(m: DecisionModel) -> list[Issue]:
    """Problems in the weights and elicitation inputs of a parsed model (every one, at once)."""
    f = m.file
    e = m.weights_elicitation
    ids = m.criterion_ids
    known = set(ids)
    key = "weights_elicitation"
    issues: list[Issue] = []

    def unknown(where: str, cid: str) -> None:
        issues.append(
            Issue(f, None, where, cid, f"unknown criterion {cid!r}; criteria are: {', '.join(ids)}")
        )

    if e.method == "direct":
        missing = [c.id for c in m.criteria if c.weight is None]
        if missing:
            issues.append(
                Issue(
                    f,
                    None,
                    "criteria",
                    ", ".join(missing),
                    "direct weighting needs a weight on every criterion",
                )
            )
        elif not any((c.weight or 0) > 0 for c in m.criteria):
            issues.append(
                Issue(f, None, "criteria.*.weight", 0, "all weights are zero; give at least one > 0")
            )
    elif e.method == "swing":
        if not e.swings:
            issues.append(Issue(f, None, f"{key}.swings", None, "swing weighting needs points per criterion"))
        else:
            for cid, pts in e.swings.items():
                if cid not in known:
                    unknown(f"{key}.swings.{cid}", cid)
                elif not math.isfinite(pts) or pts < 0:
                    issues.append(Issue(f, None, f"{key}.swings.{cid}", pts, "swing points must be >= 0"))
            for cid in known - set(e.swings):
                issues.append(Issue(f, None, f"{key}.swings", cid, f"no swing points for criterion {cid!r}"))
            if all(v <= 0 for v in e.swings.values()):
                issues.append(
                    Issue(f, None, f"{key}.swings", 0, "all swing points are zero; the top swing is 100")
                )
    elif e.method == "roc":
        flat = [c for x in (e.order or []) for c in (x if isinstance(x, list) else [x])]
        if not flat:
            issues.append(
                Issue(f, None, f"{key}.order", None, "ROC needs the criteria ordered, most important first")
            )
        for cid in flat:
            if cid not in known:
                unknown(f"{key}.order", cid)
        for cid in sorted(known - set(flat)):
            issues.append(Issue(f, None, f"{key}.order", cid, f"criterion {cid!r} is missing from the order"))
        dup = sorted({c for c in flat if flat.count(c) > 1})
        if dup:
            issues.append(
                Issue(f, None, f"{key}.order", ", ".join(dup), "a criterion appears more than once")
            )
    elif e.method == "ahp":
        order = e.criteria or ids
        for cid in order:
            if cid not in known:
                unknown(f"{key}.criteria", cid)
        for cid in sorted(known - set(order)):
            issues.append(
                Issue(f, None, f"{key}.criteria", cid, f"criterion {cid!r} is missing from the AHP matrix")
            )
        if e.matrix is None:
            issues.append(Issue(f, None, f"{key}.matrix", None, "AHP needs the pairwise comparison matrix"))
        elif not issues:
            try:
                a = np.asarray(e.matrix, dtype=float)
            except ValueError:
                issues.append(
                    Issue(f, None, f"{key}.matrix", None, "the AHP matrix rows must all have the same length")
                )
            else:
                issues.extend(ahp_matrix_issues(a, order, f, f"{key}.matrix"))
    if e.method != "direct":
        given = [c.id for c in m.criteria if c.weight is not None]
        if given:
            issues.append(
                Issue(
                    f,
                    None,
                    "criteria.*.weight",
                    ", ".join(given),
                    f"weights are derived from the {e.method} elicitation; remove the weight fields from the "
                    "criteria (or set weights_elicitation.method: direct)",
                )
            )
    return issues


def derive(m: DecisionModel) -> tuple[dict[str, float], dict[str, Any]]:
    """Raw (un-normalised) weights of a validated model and the elicitation record kept in results."""
    e = m.weights_elicitation
    ids = m.criterion_ids
    rec: dict[str, Any] = {"method": e.method}
    if e.source:
        rec["source"] = e.source
    if e.date:
        rec["date"] = e.date
    if e.method == "direct":
        w = {c.id: float(c.weight or 0.0) for c in m.criteria}
    elif e.method == "swing":
        sw = e.swings or {}
        rec["swings"] = dict(sw)
        w = {cid: float(sw[cid]) for cid in ids}
    elif e.method == "roc":
        order = list(e.order or [])
        groups = [x if isinstance(x, list) else [x] for x in order]
        base = roc_weights(len(ids))
        w, pos = {}, 0
        for g in groups:
            share = float(base[pos : pos + len(g)].mean())
            for cid in g:
                w[cid] = share
            pos += len(g)
        rec["order"] = order
    else:  # ahp
        order = e.criteria or ids
        res = ahp(np.asarray(e.matrix, dtype=float), order)
        w = {cid: float(x) for cid, x in zip(order, res.weights, strict=True)}
        rec.update(
            {
                "criteria": list(order),
                "matrix": e.matrix,
                **{k: v for k, v in res.as_dict().items() if k != "weights"},
            }
        )
    rec["derived_weights"] = {cid: w[cid] for cid in ids}
    return {cid: w[cid] for cid in ids}, rec


def normalise_weights(
    raw: dict[str, float], how: str, file: str, *, key_of: dict[str, str] | None = None
) -> dict[str, float]:
    """Check and normalise weights (``sum``: w / Σw; ``none``: as given). Raises InputError."""
    issues = []
    for cid, v in raw.items():
        k = (key_of or {}).get(cid, f"weights.{cid}")
        if not math.isfinite(v) or v < 0:
            issues.append(Issue(file, None, k, v, "weights must be finite and >= 0"))
    if not issues and sum(raw.values()) <= 0:
        issues.append(
            Issue(file, None, "weights", 0, "all weights are zero; give at least one criterion a weight > 0")
        )
    if issues:
        raise InputError(issues, "invalid weights")
    if how == "sum":
        s = sum(raw.values())
        return {k: v / s for k, v in raw.items()}
    return dict(raw)


def swing_weights(points: dict[str, float], file: str = "swing", key: str = "swings") -> dict[str, float]:
    """Swing weighting (von Winterfeldt & Edwards 1986): w_i = points_i / Σ points.

    The most important swing gets 100 points and the others are scored against it;
    negative points or all-zero points are rejected with every offending key named.
    """
    issues = [
        Issue(file, None, f"{key}.{cid}", pts, "swing points must be >= 0")
        for cid, pts in points.items()
        if not (isinstance(pts, int | float) and np.isfinite(pts) and pts >= 0)
    ]
    total = sum(float(p) for p in points.values() if isinstance(p, int | float) and np.isfinite(p) and p > 0)
    if not issues and total <= 0:
        issues.append(
            Issue(file, None, key, None, "all swing points are zero; give the most important swing 100")
        )
    if issues:
        raise InputError(issues)
    return {cid: float(p) / total for cid, p in points.items()}


def ahp_checked(
    matrix: Sequence[Sequence[float]] | np.ndarray, ids: Sequence[str], file: str = "AHP"
) -> AhpResult:
    """:func:`ahp` after :func:`ahp_matrix_issues`: raises InputError listing every matrix defect."""
    a = np.array(matrix, dtype=float)
    issues = ahp_matrix_issues(a, ids, file, "matrix")
    if issues:
        raise InputError(issues)
    return ahp(a, ids)
