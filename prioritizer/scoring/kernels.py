"""Pure numpy scoring kernels: no validation, no pandas (validated wrappers live in ``api``).

Conventions. ``x`` is the raw decision matrix (n alternatives × m criteria); ``v`` is
the *oriented* normalised matrix — every column "larger = higher priority" — built by
:func:`orient`; ``w`` are weights (m,). Every scoring kernel returns scores where
larger is better, so one ranking rule (:func:`rank`) serves all methods.

References for each formula are in the docstrings and docs/methodology/scoring.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# --------------------------------------------------------------------------- normalisation


def normalise(x: np.ndarray, how: str) -> tuple[np.ndarray, np.ndarray]:
    """Column-wise normalisation; returns (r, degenerate) where degenerate[j] = zero denominator.

    vector: r = x / sqrt(Σ x²) (Hwang & Yoon 1981); minmax: (x − min)/(max − min);
    sum: x / Σ x; max: x / max|x|; none: x. A zero denominator (an all-zero or constant
    column) gives a 0 column — it carries no information to rank by — and is reported.
    """
    x = np.asarray(x, dtype=float)
    if how == "none":
        return x.copy(), np.zeros(x.shape[1], dtype=bool)
    if how == "minmax":
        lo = x.min(axis=0)
        den = x.max(axis=0) - lo
        num = x - lo
    elif how == "vector":
        den = np.sqrt((x * x).sum(axis=0))
        num = x
    elif how == "sum":
        den = x.sum(axis=0)
        num = x
    elif how == "max":
        den = np.abs(x).max(axis=0)
        num = x
    else:
        raise ValueError(f"unknown normalisation {how!r}")
    bad = ~(np.abs(den) > 0)
    r = np.divide(num, den, out=np.zeros_like(x), where=~bad[None, :])
    return r, bad


def orient(x: np.ndarray, sign: np.ndarray, how: str, invert: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Normalise and orient so that larger = higher priority in every column.

    ``invert[j]`` (used where ``sign[j] = −1``) is one of
      * ``reciprocal`` — x → 1/x *before* normalising (Triantaphyllou 2000 §2.2: cost
        criteria in ratio methods; with ``max`` it gives the classic min(x)/x);
      * ``reflect`` — r → max(r) + min(r) − r *after* normalising: the best value takes
        the place of the worst, distances and the range are preserved (so TOPSIS,
        VIKOR and PROMETHEE see exactly the classic cost-criterion treatment);
      * ``negate`` — r → −r after normalising (distance-preserving, values ≤ 0).
    """
    x = np.asarray(x, dtype=float).copy()
    rec = (sign < 0) & (invert == "reciprocal")
    if rec.any():
        with np.errstate(divide="ignore"):
            x[:, rec] = 1.0 / x[:, rec]
    r, bad = normalise(x, how)
    refl = (sign < 0) & (invert == "reflect")
    if refl.any():
        r[:, refl] = r[:, refl].max(axis=0) + r[:, refl].min(axis=0) - r[:, refl]
    neg = (sign < 0) & (invert == "negate")
    if neg.any():
        r[:, neg] = -r[:, neg]
    return r, bad


# --------------------------------------------------------------------------- methods


def wsm(v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted sum (Fishburn 1967): S_i = Σ_j w_j v_ij."""
    return v @ w


def wpm(v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted product (Bridgman 1922; Miller & Starr 1969): P_i = Π_j v_ij^{w_j}; needs v > 0.

    Computed as exp(Σ w_j ln v_ij) so that 10⁵ rows do not underflow; the ratio form
    P(A_K/A_L) = Π (a_Kj/a_Lj)^{w_j} of Triantaphyllou (2000) is P_K / P_L.
    """
    with np.errstate(divide="ignore"):
        return np.exp(np.log(v) @ w)


@dataclass(frozen=True)
class Topsis:
    closeness: np.ndarray  # C_i = d⁻/(d⁺ + d⁻)
    d_plus: np.ndarray
    d_minus: np.ndarray
    plus2: np.ndarray  # (n × m) (w_j (v_ij − v_j⁺))²
    minus2: np.ndarray  # (n × m) (w_j (v_ij − v_j⁻))²


def topsis(v: np.ndarray, w: np.ndarray) -> Topsis:
    """TOPSIS (Hwang & Yoon 1981): closeness to the ideal on the weighted matrix u = w ∘ v.

    v⁺_j = max_i u_ij, v⁻_j = min_i u_ij (columns are oriented, so min = anti-ideal);
    d⁺_i = ‖u_i − v⁺‖₂, d⁻_i = ‖u_i − v⁻‖₂, C_i = d⁻_i / (d⁺_i + d⁻_i);
    C = 1/2 when every alternative is identical (d⁺ = d⁻ = 0).
    """
    u = v * w
    plus2 = (u - u.max(axis=0)) ** 2
    minus2 = (u - u.min(axis=0)) ** 2
    dp = np.sqrt(plus2.sum(axis=1))
    dm = np.sqrt(minus2.sum(axis=1))
    den = dp + dm
    c = np.divide(dm, den, out=np.full_like(den, 0.5), where=den > 0)
    return Topsis(c, dp, dm, plus2, minus2)


@dataclass(frozen=True)
class Vikor:
    s: np.ndarray  # group utility S_i (smaller = better)
    r: np.ndarray  # individual regret R_i
    q: np.ndarray  # compromise index Q_i
    regret: np.ndarray  # (n × m) w_j (f*_j − f_ij)/(f*_j − f⁻_j)
    acceptable_advantage: bool
    acceptable_stability: bool
    compromise: np.ndarray  # indices of the compromise set (best Q first)
    dq: float


def vikor(v: np.ndarray, w: np.ndarray, strategy: float = 0.5) -> Vikor:
    """VIKOR (Opricovic 1998; Opricovic & Tzeng 2004, EJOR 156:445–455).

    f*_j = max_i v_ij, f⁻_j = min_i v_ij (oriented columns); d_ij = w_j (f*_j − v_ij)/(f*_j − f⁻_j)
    (0 for a constant column); S_i = Σ_j d_ij; R_i = max_j d_ij;
    Q_i = v (S_i − S*)/(S⁻ − S*) + (1 − v)(R_i − R*)/(R⁻ − R*) (a zero range contributes 0).
    Conditions on the ranking by Q (ascending), with DQ = 1/(J − 1):
    C1 acceptable advantage Q(A⁽²⁾) − Q(A⁽¹⁾) ≥ DQ; C2 acceptable stability: A⁽¹⁾ is also
    best by S or by R. Compromise set: {A⁽¹⁾} if both hold; {A⁽¹⁾, A⁽²⁾} if only C2 fails;
    else A⁽¹⁾…A⁽ᴹ⁾ with Q(A⁽ᴹ⁾) − Q(A⁽¹⁾) < DQ.
    """
    n = v.shape[0]
    fs, fw = v.max(axis=0), v.min(axis=0)
    span = fs - fw
    d = np.divide(fs - v, span, out=np.zeros_like(v), where=span > 0) * w
    s, r = d.sum(axis=1), d.max(axis=1)

    def _scaled(z: np.ndarray) -> np.ndarray:
        rng = z.max() - z.min()
        return (z - z.min()) / rng if rng > 0 else np.zeros_like(z)

    q = strategy * _scaled(s) + (1 - strategy) * _scaled(r)
    order = np.lexsort((np.arange(n), q))
    dq = 1.0 / (n - 1) if n > 1 else 1.0
    best = order[0]
    adv = bool(n < 2 or q[order[1]] - q[best] >= dq - 1e-12)
    stab = bool(s[best] <= s.min() + 1e-12 or r[best] <= r.min() + 1e-12)
    if adv and stab:
        comp = order[:1]
    elif adv:
        comp = order[:2]
    else:
        comp = order[q[order] - q[best] < dq - 1e-12]
    return Vikor(s, r, q, d, adv, stab, comp, dq)


def _pref_sums(vals: np.ndarray, kind: str, q: float, p: float) -> tuple[np.ndarray, np.ndarray]:
    """For one criterion: Σ_b P(v_a − v_b) and Σ_b P(v_b − v_a) for every a, in O(n log n).

    Sorting plus prefix sums replaces the n × n difference matrix, so 10⁵ items fit.
    """
    s = np.sort(vals)
    n = s.size
    cs = np.concatenate(([0.0], np.cumsum(s)))

    def below(t: np.ndarray) -> np.ndarray:  # #{b : v_b < t}
        return np.searchsorted(s, t, side="left")

    def above(t: np.ndarray) -> np.ndarray:  # #{b : v_b > t}
        return n - np.searchsorted(s, t, side="right")

    a = vals
    if kind == "usual":
        return below(a).astype(float), above(a).astype(float)
    if kind == "u_shape":
        return below(a - q).astype(float), above(a + q).astype(float)
    if kind == "level":
        full_p, full_m = below(a - p), above(a + p)
        half_p = below(a - q) - full_p
        half_m = above(a + q) - full_m
        return full_p + 0.5 * half_p, full_m + 0.5 * half_m
    if kind == "v_shape":
        q = 0.0
    # linear: P(d) = 0 (d ≤ q), (d − q)/(p − q) (q < d ≤ p), 1 (d > p)
    if p <= q:
        return below(a - q).astype(float), above(a + q).astype(float)
    lo_p, hi_p = below(a - p), below(a - q)  # b with a − p ≤ v_b < a − q: partial preference of a
    cnt_p, sum_p = hi_p - lo_p, cs[hi_p] - cs[lo_p]
    plus = lo_p + ((a - q) * cnt_p - sum_p) / (p - q)
    lo_m = np.searchsorted(s, a + q, side="right")  # b with a + q < v_b ≤ a + p
    hi_m = np.searchsorted(s, a + p, side="right")
    cnt_m, sum_m = hi_m - lo_m, cs[hi_m] - cs[lo_m]
    minus = (n - hi_m) + (sum_m - (a + q) * cnt_m) / (p - q)
    return plus, minus


@dataclass(frozen=True)
class Promethee:
    phi: np.ndarray  # net flow φ = φ⁺ − φ⁻
    phi_plus: np.ndarray
    phi_minus: np.ndarray
    unicriterion: np.ndarray  # (n × m) φ_j(a); φ = Σ_j w_j φ_j


def promethee_ii(v: np.ndarray, w: np.ndarray, kinds: list[str], q: np.ndarray, p: np.ndarray) -> Promethee:
    """PROMETHEE II (Brans & Vincke 1985, Management Science 31(6):647–656; Brans & Mareschal 2005).

    π(a,b) = Σ_j w_j P_j(v_aj − v_bj) with Σ w = 1; φ⁺(a) = Σ_b π(a,b)/(n − 1),
    φ⁻(a) = Σ_b π(b,a)/(n − 1), φ = φ⁺ − φ⁻ = Σ_j w_j φ_j with the unicriterion
    net flows φ_j(a) = Σ_b [P_j(a,b) − P_j(b,a)]/(n − 1) (exact additive decomposition).
    Preference functions: usual (type I), u_shape (II, q), v_shape (III, p), level (IV, q, p),
    linear (V, q, p).
    """
    n, m = v.shape
    ws = w / w.sum() if w.sum() > 0 else w
    plus = np.zeros((n, m))
    minus = np.zeros((n, m))
    for j in range(m):
        pj = p[j] if kinds[j] != "v_shape" or p[j] > 0 else 0.0
        plus[:, j], minus[:, j] = _pref_sums(v[:, j], kinds[j], float(q[j]), float(pj))
    k = max(n - 1, 1)
    uni = (plus - minus) / k
    return Promethee(uni @ ws, (plus @ ws) / k, (minus @ ws) / k, uni)


# --------------------------------------------------------------------------- ranking


def rank(scores: np.ndarray, ids: np.ndarray, tol: float = 1e-12) -> tuple[np.ndarray, np.ndarray]:
    """Tie rule: sort by score (descending), then id; consecutive scores within ``tol``
    (absolute, on the method's score scale) share the better rank — "min" / competition
    ranking (1, 2, 2, 4). Returns (order: positions best first, ranks per alternative).
    """
    n = scores.size
    order = np.lexsort((ids, -scores))
    srt = scores[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (srt[:-1] - srt[1:]) > tol
    pos = np.where(new, np.arange(n), 0)
    rank_sorted = np.maximum.accumulate(pos) + 1 if n else pos
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = rank_sorted
    return order, ranks
