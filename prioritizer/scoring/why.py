"""Why is A above B? The score gap split by criterion and the smallest weight change that swaps them.

``why(ranking_or_case, a, b) -> WhyResult`` (docs/methodology/scoring.md §11).

**Gap split** (``by_criterion``, Σ = gap = score_a − score_b, always exactly):

* ``wsm``, ``promethee_ii`` — the difference of the contributions the scorer already reports
  (:mod:`prioritizer.scoring.decompose`): c_aj − c_bj; they sum to the score, so their
  differences sum to the gap.
* ``wpm`` — the log contributions w_j ln v_ij sum to ln P, not to P. Their differences are scaled
  by the logarithmic mean L(P_a, P_b) = (P_a − P_b)/(ln P_a − ln P_b) (the LMDI decomposition,
  Ang 2004), which makes them sum to P_a − P_b exactly.
* ``topsis`` and ``vikor`` — Shapley values of the criteria (Shapley 1953) for the game
  v(T) = score(a row with A's values on the criteria in T and B's elsewhere) − score_b, holding
  the matrix-level reference points fixed (TOPSIS: the ideal and anti-ideal; VIKOR: f*, f⁻, S*,
  S⁻, R*, R⁻). Shapley values are efficient (Σ = v(N) − v(∅) = the gap) and give 0 to a criterion
  on which A and B are equal. TOPSIS's own contributions (``contribution_difference``, summing to
  the gap as well, since they sum to C − 1/2) lack that property: their denominators differ per
  item, so two equal values can show a difference. VIKOR's 1 − Q includes the maximum regret R,
  which has no additive split at all. Exact enumeration for m ≤ 12 criteria, else 4,096 seeded
  permutations (still summing to the gap exactly, because every order's marginals telescope).

**Swap** (``swap``): weights are taken on the simplex (w / Σ w). Write u for the item ranked
higher and l for the other.

* Methods whose pair order is linear in the weights — ``wsm`` (f = Σ w_j (v_uj − v_lj)), ``wpm``
  (ln P: Σ w_j (ln v_uj − ln v_lj)) and ``promethee_ii`` (Σ w_j (φ_j(u) − φ_j(l))) — get the
  **exact minimal L1 change** on the simplex: minimise Σ|Δ_j| subject to Σ Δ_j = 0, w + Δ ≥ 0 and
  f(w + Δ) = 0. With δ = per-criterion difference, the optimum sends weight to q = argmin δ and
  takes it from the criteria with the largest δ first (a fractional knapsack): moving ε from p to
  q lowers f by ε(δ_p − δ_q). Usually one move; ``amount`` = Σ ε (= the L∞ change), ``l1`` = 2 Σ ε.
  No change can swap them when δ ≥ 0 on every criterion (u at least as good everywhere).
* ``topsis`` and ``vikor`` — numerically, the **smallest single transfer** ε from one criterion p
  to another q (others unchanged): for every ordered pair a grid of 201 points on [0, w_p] and
  bisection (60 steps) on the score difference; ``exact: false``. A swap and swap-back inside one
  grid step can be missed, and a change spread over several criteria can be smaller.
* Both also report ``one_criterion``: the weight of one criterion alone moved, the others rescaled
  proportionally (the convention of the robustness thresholds,
  :mod:`prioritizer.robustness.sensitivity`; exact for the linear methods, grid + bisection else).

The returned weights are those at which l draws level with u; any further move the same way
puts l above u.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from prioritizer.errors import InputError, Issue
from prioritizer.robustness import sensitivity

if TYPE_CHECKING:
    from prioritizer.case.types import Case
    from prioritizer.scoring.api import Ranking

#: methods whose pair order is linear in the weights (closed-form swap)
LINEAR_IN_WEIGHTS = frozenset({"wsm", "wpm", "promethee_ii"})
#: how ``by_criterion`` is obtained, per method (also the message kind explaining it)
DECOMPOSITION = {
    "wsm": "contributions",
    "topsis": "shapley",
    "promethee_ii": "contributions",
    "wpm": "lmdi",
    "vikor": "shapley",
}
GRID = 201
BISECT = 60
SHAPLEY_EXACT_MAX = 12
SHAPLEY_PERMUTATIONS = 4096
_TOL = 1e-12


# --------------------------------------------------------------------------- input


def parse_pair(text: str | Sequence[str] | None, *, source: str = "--why") -> tuple[str, str]:
    """``"A,B"`` (or a two-item list) -> (A, B); a clear error for anything else."""
    parts = [p.strip() for p in (text.split(",") if isinstance(text, str) else list(text or []))]
    parts = [p for p in parts if p]
    shown = text if isinstance(text, str) else ",".join(map(str, text or []))
    if len(parts) != 2:
        raise InputError(
            [
                Issue(
                    source,
                    None,
                    None,
                    shown,
                    "name exactly two item ids separated by a comma, e.g. --why gallium,graphite",
                )
            ],
            "cannot read --why",
        )
    if parts[0] == parts[1]:
        raise InputError(
            [Issue(source, None, None, shown, f"both ids are {parts[0]!r}; name two different items")],
            "cannot read --why",
        )
    return parts[0], parts[1]


def check_ids(ids: Sequence[str], wanted: Sequence[str], *, file: str = "goods.csv") -> None:
    """Every id of ``wanted`` must be ranked; else one error per unknown id with the closest ids."""
    known = [str(i) for i in ids]
    have = set(known)
    issues = []
    for w in wanted:
        if w in have:
            continue
        close = difflib.get_close_matches(w, known, n=3, cutoff=0.5) or difflib.get_close_matches(
            w, known, n=3, cutoff=0.0
        )
        issues.append(
            Issue(
                file,
                None,
                "id",
                w,
                f"--why names {w!r}, which is not among the ranked items (check the id and any filter); "
                f"closest ids: {', '.join(close)}",
            )
        )
    if issues:
        raise InputError(issues, "unknown item id in --why")


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class WhyResult:
    a: str
    b: str
    method: str
    score_a: float
    score_b: float
    gap: float
    #: criterion -> part of the gap (Σ = gap); see the module doc for the kind per method
    by_criterion: dict[str, float]
    #: raw contribution differences c_aj − c_bj as the scorer reports them (decompose.KINDS)
    contribution_difference: dict[str, float]
    decomposition: dict[str, Any]
    #: per criterion: label, direction, unit, weight, raw / normalised values and contributions
    criteria: list[dict[str, Any]]
    swap: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)
    #: id -> (name_ja, name_en) of a and b
    names: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def upper(self) -> str:
        return self.a if self.gap >= 0 else self.b

    def text(self, lang: str = "ja") -> str:
        from prioritizer.text import render

        return "\n".join(render(m, lang) for m in self.messages)  # type: ignore[arg-type]

    def to_json(self) -> dict[str, Any]:
        """DESIGN §6 ``why``: a, b, score_a, score_b, gap, by_criterion, swap, text_ja, text_en (+ detail)."""
        from prioritizer.text import render

        return {
            "a": self.a,
            "b": self.b,
            "score_a": _f(self.score_a),
            "score_b": _f(self.score_b),
            "gap": _f(self.gap),
            "by_criterion": {c: _f(v) for c, v in self.by_criterion.items()},
            "swap": self.swap,
            "text_ja": self.text("ja"),
            "text_en": self.text("en"),
            "method": self.method,
            "items": [
                {"id": i, "name_ja": self.names.get(i, (i, i))[0], "name_en": self.names.get(i, (i, i))[1]}
                for i in (self.a, self.b)
            ],
            "contribution_difference": {c: _f(v) for c, v in self.contribution_difference.items()},
            "decomposition": self.decomposition,
            "criteria": self.criteria,
            "messages": [
                {**m, "text_ja": render(m, "ja"), "text_en": render(m, "en")} for m in self.messages
            ],
        }


def _f(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x + 0.0 if math.isfinite(x) else None


# --------------------------------------------------------------------------- gap split


def _vikor_score_of_rows(d_rows: np.ndarray, s_all: np.ndarray, r_all: np.ndarray, v: float) -> np.ndarray:
    """1 − Q for regret rows (k × m), with S*, S⁻, R*, R⁻ of the actual matrix held fixed."""
    s, r = d_rows.sum(axis=1), d_rows.max(axis=1)
    s_rng, r_rng = s_all.max() - s_all.min(), r_all.max() - r_all.min()
    qs = (s - s_all.min()) / s_rng if s_rng > 0 else np.zeros_like(s)
    qr = (r - r_all.min()) / r_rng if r_rng > 0 else np.zeros_like(r)
    return 1.0 - (v * qs + (1 - v) * qr)


def shapley_rows(
    value: Callable[[np.ndarray], np.ndarray], row_a: np.ndarray, row_b: np.ndarray
) -> np.ndarray:
    """Shapley values φ_j of the game v(T) = value(a on T, b elsewhere); Σ φ = value(a) − value(b).

    Exact for m ≤ SHAPLEY_EXACT_MAX (all 2^m coalitions, weights |T|!(m−|T|−1)!/m!); otherwise the
    mean marginal contribution over SHAPLEY_PERMUTATIONS seeded random orders (Castro et al. 2009),
    which keeps Σ φ exact because every order's marginals telescope.
    """
    m = row_a.size
    if m <= SHAPLEY_EXACT_MAX:
        masks = (np.arange(2**m)[:, None] >> np.arange(m)[None, :]) & 1
        vals = value(np.where(masks == 1, row_a[None, :], row_b[None, :]))
        size = masks.sum(axis=1)
        wt = np.array([math.factorial(s) * math.factorial(m - s - 1) / math.factorial(m) for s in range(m)])
        phi = np.zeros(m)
        idx = np.arange(2**m)
        for j in range(m):
            without = idx[masks[:, j] == 0]
            phi[j] = float((wt[size[without]] * (vals[without | (1 << j)] - vals[without])).sum())
        return phi
    rng = np.random.default_rng(0)
    phi = np.zeros(m)
    for _ in range(SHAPLEY_PERMUTATIONS):
        perm = rng.permutation(m)
        rows = np.repeat(row_b[None, :], m + 1, axis=0)
        for pos, j in enumerate(perm):
            rows[pos + 1 :, j] = row_a[j]
        vals = value(rows)
        phi[perm] += np.diff(vals)
    return phi / SHAPLEY_PERMUTATIONS


def _gap_parts(r: Ranking, i: int, j: int) -> tuple[np.ndarray, np.ndarray, str]:
    """(parts summing to the gap, raw contribution differences, decomposition kind)."""
    c = r.contributions.to_numpy(dtype=float)
    raw = c[i] - c[j]
    kind = DECOMPOSITION[r.method]
    if kind == "contributions":
        return raw, raw, kind
    if kind == "lmdi":
        pa, pb = float(r.scores[i]), float(r.scores[j])
        lg = math.log(pa) - math.log(pb)
        lmean = (pa - pb) / lg if abs(lg) > _TOL else pa
        return raw * lmean, raw, kind
    d = r.details
    if r.method == "topsis":
        v = r.prepared.normalised
        w = np.asarray(r.prepared.weights, float)
        vmax, vmin = v.max(axis=0), v.min(axis=0)  # the ideal and anti-ideal (w ≥ 0), held fixed

        def closeness(rows: np.ndarray) -> np.ndarray:
            dp = np.sqrt(((w * (rows - vmax)) ** 2).sum(axis=1))
            dm = np.sqrt(((w * (rows - vmin)) ** 2).sum(axis=1))
            den = dp + dm
            return np.divide(dm, den, out=np.full_like(den, 0.5), where=den > 0)

        return shapley_rows(closeness, v[i], v[j]), raw, kind
    strategy = float(d["v"])
    regret = np.asarray(d["regret"], float)
    s_all, r_all = np.asarray(d["s"], float), np.asarray(d["r"], float)
    phi = shapley_rows(lambda rows: _vikor_score_of_rows(rows, s_all, r_all, strategy), regret[i], regret[j])
    return phi, raw, kind


# --------------------------------------------------------------------------- swap


def _linear_terms(r: Ranking) -> np.ndarray:
    """Per-item per-criterion terms whose weighted sum orders the items (linear methods only)."""
    v = r.prepared.normalised
    if r.method == "wsm":
        return v
    if r.method == "wpm":
        return np.log(v)
    return np.asarray(r.details["unicriterion"], float)


def min_l1_transfer(delta: np.ndarray, w: np.ndarray) -> list[tuple[int, int, float]] | None:
    """Minimal L1 weight change (Σw = 1 kept, w ≥ 0) making Σ w_j δ_j = 0, from Σ w δ > 0.

    Returns the moves [(from, to, amount)], [] when already tied, None when impossible (δ ≥ 0).
    """
    g = float(w @ delta)
    if g <= _TOL:
        return []
    q = int(np.argmin(delta))
    if delta[q] >= -_TOL:
        return None
    need, moves = g, []
    for p in np.argsort(-delta, kind="stable"):
        p = int(p)
        rate = delta[p] - delta[q]
        if p == q or rate <= _TOL or w[p] <= 0:
            continue
        eps = min(float(w[p]), need / rate)
        moves.append((p, q, eps))
        need -= eps * rate
        if need <= _TOL * max(1.0, g):
            break
    return moves


def pareto_minimal(x: np.ndarray, block: int = 256) -> np.ndarray:
    """Indices of the Pareto-minimal rows of x (no other row ≤ everywhere; equal rows kept once).

    For w ≥ 0, min_i max_j w_j x_ij is attained on these rows whatever the weights, so VIKOR's
    R* needs only them. Rows are visited by increasing sum — a row can be dominated only by one
    visited earlier — in blocks compared against the front found so far.
    """
    n, m = x.shape
    order = np.argsort(x.sum(axis=1), kind="stable")
    front = np.empty((0, m))
    keep: list[np.ndarray] = []
    for s0 in range(0, n, block):
        blk = order[s0 : s0 + block]
        zb = x[blk]
        dom = (front[None, :, :] <= zb[:, None, :]).all(axis=2).any(axis=1)
        earlier = (zb[None, :, :] <= zb[:, None, :]).all(axis=2) & np.tri(len(blk), k=-1, dtype=bool)
        dom |= earlier.any(axis=1)
        front = np.vstack([front, zb[~dom]])
        keep.append(blk[~dom])
    return np.sort(np.concatenate(keep)) if keep else np.zeros(0, dtype=int)


def _pair_scorer(method: str, r: Ranking, u: int, lo: int) -> Callable[[np.ndarray], np.ndarray]:
    """W (k × m, rows on the simplex) -> score_u − score_l under each weight row (non-linear methods).

    Only the rows that can matter are evaluated: TOPSIS's ideal and anti-ideal are w ∘ (column max /
    min) for w ≥ 0, so the two items' rows suffice; for VIKOR, S for every item is one matrix
    product, R⁻ = max_j w_j max_i n_ij, and R* lies on the Pareto-minimal regret rows
    (:func:`pareto_minimal`).
    """
    v = r.prepared.normalised
    if method == "topsis":
        rows = v[[u, lo]]
        plus2 = ((rows - v.max(axis=0)) ** 2).T  # m × 2
        minus2 = ((rows - v.min(axis=0)) ** 2).T

        def diff(wts: np.ndarray) -> np.ndarray:
            w2 = wts * wts
            dp, dm = np.sqrt(w2 @ plus2), np.sqrt(w2 @ minus2)
            den = dp + dm
            c = np.divide(dm, den, out=np.full_like(den, 0.5), where=den > 0)
            return c[:, 0] - c[:, 1]

        return diff
    strategy = float(r.details["v"])
    fs, fw = v.max(axis=0), v.min(axis=0)
    span = fs - fw
    norm = np.divide(fs - v, span, out=np.zeros_like(v), where=span > 0)  # (f* − f)/(f* − f⁻)
    col_max = norm.max(axis=0)
    front = norm[pareto_minimal(norm)]
    nu, nl = norm[u], norm[lo]
    chunk = max(1, 2_000_000 // max(1, front.size))

    def _scaled(z: np.ndarray, lo_: np.ndarray, hi_: np.ndarray) -> np.ndarray:  # as kernels.vikor
        rng = hi_ - lo_
        return np.divide(z - lo_, rng, out=np.zeros_like(z), where=rng > 0)

    def diff_vikor(wts: np.ndarray) -> np.ndarray:
        out = np.empty(len(wts))
        for s0 in range(0, len(wts), chunk):
            wk = wts[s0 : s0 + chunk]
            s_all = wk @ norm.T  # S_i = Σ_j w_j n_ij
            r_star = (wk[:, None, :] * front[None, :, :]).max(axis=2).min(axis=1)
            r_worst = (wk * col_max).max(axis=1)
            s_lo, s_hi = s_all.min(axis=1), s_all.max(axis=1)
            pair_s = np.stack([s_all[:, u], s_all[:, lo]], axis=1)
            pair_r = np.stack([(wk * nu).max(axis=1), (wk * nl).max(axis=1)], axis=1)
            q = strategy * _scaled(pair_s, s_lo[:, None], s_hi[:, None]) + (1 - strategy) * _scaled(
                pair_r, r_star[:, None], r_worst[:, None]
            )
            out[s0 : s0 + chunk] = q[:, 1] - q[:, 0]  # score = 1 − Q
        return out

    return diff_vikor


def _first_swap(
    path: Callable[[np.ndarray], np.ndarray], diff: Callable[[np.ndarray], np.ndarray], end: float
) -> float | None:
    """Smallest s ∈ (0, end] with diff(path(s)) < 0 (strictly swapped): grid of GRID points, then
    bisection down to the tie point (BISECT halvings; the returned s is on the swapped side)."""
    if end <= 0:
        return None
    ts = np.linspace(0.0, end, GRID)
    g = diff(path(ts))
    hit = np.flatnonzero(g[1:] < 0)
    if hit.size == 0:
        return None
    k = int(hit[0]) + 1
    lo, hi = float(ts[k - 1]), float(ts[k])
    for _ in range(BISECT):
        mid = 0.5 * (lo + hi)
        if diff(path(np.array([mid])))[0] < 0:
            hi = mid
        else:
            lo = mid
    return hi


def _best_single_transfer(
    diff: Callable[[np.ndarray], np.ndarray], w: np.ndarray
) -> tuple[int, int, float] | None:
    m = w.size
    best: tuple[int, int, float] | None = None
    for p in range(m):
        for q in range(m):
            if p == q or w[p] <= 0:
                continue
            e = np.zeros(m)
            e[p], e[q] = -1.0, 1.0

            def path(s: np.ndarray, e: np.ndarray = e) -> np.ndarray:
                return w[None, :] + np.asarray(s)[:, None] * e[None, :]

            eps = _first_swap(path, diff, float(w[p]))
            if eps is not None and (best is None or eps < best[2]):
                best = (p, q, eps)
    return best


def _one_criterion(
    r: Ranking, w: np.ndarray, u: int, lo: int, linear: bool, diff: Callable[[np.ndarray], np.ndarray] | None
) -> list[dict[str, Any]]:
    """Per criterion, the weight t (others rescaled proportionally) at which l draws level with u."""
    crit = r.prepared.criteria
    out = []
    if linear:
        x = _linear_terms(r)
        for rec in sensitivity.pair_threshold_additive(x, w, u, lo):
            if rec["t"] is None:
                continue
            k = int(rec["criterion"])  # type: ignore[call-overload]
            out.append(
                {
                    "criterion": crit[k],
                    "weight": _f(w[k]),
                    "t": _f(rec["t"]),  # type: ignore[arg-type]
                    "delta": _f(rec["delta"]),  # type: ignore[arg-type]
                    "direction": rec["direction"],
                }
            )
    else:
        assert diff is not None
        for k, c in enumerate(crit):
            found: list[float] = []
            for end in (1.0, 0.0):
                span = end - float(w[k])
                if abs(span) <= _TOL:
                    continue

                def path(s: np.ndarray, k: int = k, span: float = span) -> np.ndarray:
                    return sensitivity.proportional_weights(w, k, float(w[k]) + span * np.asarray(s))

                s = _first_swap(path, diff, 1.0)
                if s is not None:
                    found.append(float(w[k]) + span * s)
            if found:
                t = min(found, key=lambda t: abs(t - float(w[k])))
                out.append(
                    {
                        "criterion": c,
                        "weight": _f(w[k]),
                        "t": _f(t),
                        "delta": _f(t - w[k]),
                        "direction": "increase" if t > w[k] else "decrease",
                    }
                )
    out.sort(key=lambda rec: abs(rec["delta"]))
    return out


def _swap(r: Ranking, i: int, j: int, gap: float) -> dict[str, Any]:
    pm = r.prepared
    crit = pm.criteria
    w = np.asarray(pm.weights, float)
    w = w / w.sum() if w.sum() > 0 else w
    linear = r.method in LINEAR_IN_WEIGHTS
    before = {c: _f(x) for c, x in zip(crit, w, strict=True)}
    base: dict[str, Any] = {
        "exact": linear,
        "definition": "min_l1_transfer" if linear else "smallest_found",
        "weights_before": before,
    }
    if abs(gap) <= pm.model.tie_tolerance:
        return {
            **base,
            "possible": True,
            "reason": "tied",
            "moves": [],
            "amount": 0.0,
            "l1": 0.0,
            "weights_after": before,
            "one_criterion": [],
        }
    u, lo = (i, j) if gap > 0 else (j, i)
    diff = None
    path = "transfer"
    after: np.ndarray | None = None
    if linear:
        x = _linear_terms(r)
        delta = x[u] - x[lo]
        moves = min_l1_transfer(delta, w)
        one = _one_criterion(r, w, u, lo, linear, diff)
    else:
        diff = _pair_scorer(r.method, r, u, lo)
        best = _best_single_transfer(diff, w)
        moves = [best] if best is not None else None
        one = _one_criterion(r, w, u, lo, linear, diff)
        # changing w_k to t with the others rescaled moves |t − w_k| of weight (half its L1 change)
        if one and (moves is None or abs(one[0]["delta"]) < moves[0][2]):
            k = crit.index(one[0]["criterion"])
            t = float(one[0]["t"])
            after = sensitivity.proportional_weights(w, k, t)[0]
            step = after - w
            moves = (
                [(q, k, float(-step[q])) for q in range(len(w)) if q != k and -step[q] > 0]
                if t > w[k]
                else [(k, q, float(step[q])) for q in range(len(w)) if q != k and step[q] > 0]
            )
            path = "one_criterion"
    if moves is None:
        reason = "dominates" if linear else "not_found"
        return {
            **base,
            "possible": False,
            "reason": reason,
            "moves": [],
            "amount": None,
            "l1": None,
            "weights_after": None,
            "one_criterion": one,
        }
    if after is None:
        after = w.copy()
        for p, q, eps in moves:
            after[p] -= eps
            after[q] += eps
        after = np.maximum(after, 0.0)  # a source emptied to −1e-17 by rounding
    amount = float(sum(e for _, _, e in moves))
    return {
        **base,
        "possible": True,
        "reason": None,
        "path": path,
        "moves": [{"from": crit[p], "to": crit[q], "amount": _f(eps)} for p, q, eps in moves],
        "amount": _f(amount),
        "l1": _f(2 * amount),
        "weights_after": {c: _f(x) for c, x in zip(crit, after, strict=True)},
        "one_criterion": one,
    }


# --------------------------------------------------------------------------- messages


def _pair(labels: Mapping[str, tuple[str, str]], key: str, prefix: str) -> dict[str, str]:
    ja, en = labels.get(key, (key, key))
    return {f"{prefix}_ja": ja, f"{prefix}_en": en}


def _messages(
    res: dict[str, Any],
    names: Mapping[str, tuple[str, str]],
    labels: Mapping[str, tuple[str, str]],
    ids_sep: tuple[str, str],
) -> list[dict[str, Any]]:
    a, b, gap = res["a"], res["b"], res["gap"]
    u, lo = (a, b) if gap >= 0 else (b, a)
    su, sl = (res["score_a"], res["score_b"]) if gap >= 0 else (res["score_b"], res["score_a"])
    who = {**_pair(names, u, "upper"), **_pair(names, lo, "lower"), "upper": u, "lower": lo}
    msgs: list[dict[str, Any]] = []
    if abs(gap) <= res["tie_tol"]:
        msgs.append({"kind": "why.tied", **who, "score": su})
    else:
        msgs.append(
            {
                "kind": "why.gap" if gap > 0 else "why.gap_reversed",
                **who,
                "score_upper": su,
                "score_lower": sl,
                "gap": abs(gap),
            }
        )
    parts = res["by_criterion"]
    g = abs(gap)
    if g > res["tie_tol"]:
        sign = 1.0 if gap > 0 else -1.0
        favour = sorted(((sign * p, c) for c, p in parts.items() if sign * p > 0), reverse=True)
        against = sorted(((sign * p, c) for c, p in parts.items() if sign * p < 0))
        if favour:
            p, c = favour[0]
            msgs.append(
                {
                    "kind": "why.driver",
                    **who,
                    **_pair(labels, c, "criterion"),
                    "criterion": c,
                    "part": p,
                    "share": p / g,
                }
            )
        if against:
            p, c = against[0]
            msgs.append(
                {
                    "kind": "why.counter",
                    **who,
                    **_pair(labels, c, "criterion"),
                    "criterion": c,
                    "part": -p,
                    "share": -p / g,
                }
            )
    msgs.append({"kind": f"why.decomposition.{res['method']}", "method": res["method"], **who})
    sw = res["swap"]
    if sw.get("reason") == "tied":
        pass
    elif not sw["possible"]:
        msgs.append({"kind": f"why.swap.{sw['reason']}", **who})
    else:
        moves = sw["moves"]
        wb, wa = sw["weights_before"], sw["weights_after"]
        if sw.get("path") == "one_criterion":
            oc = sw["one_criterion"][0]
            msgs.append(
                {
                    "kind": "why.swap.one_criterion_numeric",
                    **who,
                    **_pair(labels, oc["criterion"], "criterion"),
                    "weight": oc["weight"],
                    "t": oc["t"],
                    "amount": sw["amount"],
                }
            )
        elif len(moves) == 1:
            mv = moves[0]
            msgs.append(
                {
                    "kind": "why.swap.move" if sw["exact"] else "why.swap.move_numeric",
                    **who,
                    **_pair(labels, mv["from"], "src"),
                    **_pair(labels, mv["to"], "dst"),
                    "amount": mv["amount"],
                    "src_before": wb[mv["from"]],
                    "src_after": wa[mv["from"]],
                    "dst_before": wb[mv["to"]],
                    "dst_after": wa[mv["to"]],
                }
            )
        else:
            srcs = [mv["from"] for mv in moves]
            msgs.append(
                {
                    "kind": "why.swap.moves",
                    **who,
                    **_pair(labels, moves[0]["to"], "dst"),
                    "src_ja": ids_sep[0].join(labels.get(s, (s, s))[0] for s in srcs),
                    "src_en": ids_sep[1].join(labels.get(s, (s, s))[1] for s in srcs),
                    "amount": sw["amount"],
                }
            )
    if sw.get("one_criterion") and sw.get("path") != "one_criterion":
        oc = sw["one_criterion"][0]
        msgs.append(
            {
                "kind": "why.swap.one_criterion",
                **who,
                **_pair(labels, oc["criterion"], "criterion"),
                "weight": oc["weight"],
                "t": oc["t"],
                "exact": sw["exact"],
            }
        )
    return msgs


# --------------------------------------------------------------------------- entry point


def _names_from_case(case: Case, target: str) -> dict[str, tuple[str, str]]:
    table = case.projects if target == "projects" and case.projects is not None else case.goods
    out: dict[str, tuple[str, str]] = {}
    if table is None:
        return out
    for row in table.to_dict("records"):
        iid = str(row.get("id"))
        ja, en = row.get("name_ja"), row.get("name_en")
        ja = ja if isinstance(ja, str) and ja.strip() else None
        en = en if isinstance(en, str) and en.strip() else None
        out[iid] = (ja or en or iid, en or ja or iid)
    return out


def why(
    source: Ranking | Case,
    a: str,
    b: str,
    *,
    names: Mapping[str, tuple[str, str]] | None = None,
    **score_kwargs: Any,
) -> WhyResult:
    """Explain the order of items ``a`` and ``b`` (module doc for the definitions).

    ``source`` is a :class:`~prioritizer.scoring.api.Ranking` or a Case (then scored with
    ``score_kwargs`` — model, method, weights, normalisation, subset, invert — as
    :func:`prioritizer.scoring.api.score`). ``names`` maps id -> (name_ja, name_en) for the
    sentences (taken from the case when a case is given; else ids are used).
    Raises InputError for an unknown id (with the closest ids) or a == b.
    """
    from prioritizer.scoring.api import Ranking, score

    if isinstance(source, Ranking):
        r = source
    else:
        r = score(source, score_kwargs.pop("model", None), **score_kwargs)
        if names is None:
            names = _names_from_case(source, r.prepared.model.target)
    a, b = str(a), str(b)
    if a == b:
        parse_pair([a, b])  # raises the "two different items" error
    pm = r.prepared
    check_ids(r.ids, [a, b], file="projects.csv" if pm.model.target == "projects" else "goods.csv")
    index = {iid: k for k, iid in enumerate(r.ids)}
    i, j = index[a], index[b]
    gap = float(r.scores[i] - r.scores[j])
    parts, raw, kind = _gap_parts(r, i, j)
    crit = pm.criteria
    model_crit = {c.id: c for c in pm.model.criteria}
    labels = {c: (model_crit[c].label("ja"), model_crit[c].label("en")) for c in crit}
    contrib = r.contributions.to_numpy(dtype=float)
    rows = []
    for k, c in enumerate(crit):
        mc = model_crit[c]
        rows.append(
            {
                "criterion": c,
                "label_ja": labels[c][0],
                "label_en": labels[c][1],
                "direction": mc.direction,
                "unit": mc.unit,
                "weight": _f(pm.weights[k]),
                "value_a": _f(pm.raw[i, k]),
                "value_b": _f(pm.raw[j, k]),
                "normalised_a": _f(pm.normalised[i, k]),
                "normalised_b": _f(pm.normalised[j, k]),
                "contribution_a": _f(contrib[i, k]),
                "contribution_b": _f(contrib[j, k]),
                "part": _f(parts[k]),
            }
        )
    residual = gap - float(parts.sum())
    decomposition = {
        "kind": kind,
        "exact": True,
        "sums_to": "gap",
        "residual": _f(residual),
        "contribution_kind": r.contribution_kind,
        **(
            {"shapley": "exact" if len(crit) <= SHAPLEY_EXACT_MAX else f"{SHAPLEY_PERMUTATIONS} permutations"}
            if kind == "shapley"
            else {}
        ),
    }
    swap = _swap(r, i, j, gap)
    by = {c: float(parts[k]) for k, c in enumerate(crit)}
    from prioritizer.text import t

    seps = (t("why.list_sep", "ja"), t("why.list_sep", "en"))
    msgs = _messages(
        {
            "a": a,
            "b": b,
            "gap": gap,
            "score_a": float(r.scores[i]),
            "score_b": float(r.scores[j]),
            "by_criterion": by,
            "decomposition": decomposition,
            "method": r.method,
            "swap": swap,
            "tie_tol": pm.model.tie_tolerance,
        },
        names or {},
        labels,
        seps,
    )
    return WhyResult(
        a=a,
        b=b,
        method=r.method,
        score_a=float(r.scores[i]),
        score_b=float(r.scores[j]),
        gap=gap,
        by_criterion=by,
        contribution_difference={c: float(raw[k]) for k, c in enumerate(crit)},
        decomposition=decomposition,
        criteria=rows,
        swap=swap,
        messages=msgs,
        names={k: tuple(names[k]) for k in (a, b) if names and k in names},  # type: ignore[misc]
    )
