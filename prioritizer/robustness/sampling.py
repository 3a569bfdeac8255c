"""Weight samplers for SMAA: uniform on the simplex, ordinal orders, intervals.

The feasible weight space is the polytope

    W = { w ∈ R^m : w ≥ 0, Σ w = 1, l ≤ w ≤ u, w_a ≥ w_b for every stated order a > b }.

Three samplers, chosen automatically by :func:`sample_weights`:

``simplex``
    No constraints. Exact: w = E / Σ E with E_j i.i.d. Exp(1) is uniform on the
    (m−1)-simplex (Rubinstein 1982, *Simulation and the Monte Carlo Method*, §3.5;
    Devroye 1986, *Non-Uniform Random Variate Generation*, §V.2: normalised
    exponential spacings = spacings of sorted uniforms).
``ordered``
    Only orders, given as disjoint chains (e.g. ``a>b>c``) and no intervals. Exact:
    the uniform density on the simplex is invariant under permutations of the
    coordinates, and the set where the coordinates of one chain are in the stated
    order is a fundamental domain of that permutation group — so sorting a uniform
    sample within each chain gives a uniform sample of the constrained set
    (Lahdelma & Salminen 2001, §3; Tervonen & Lahdelma 2007, §3.1).
``hit-and-run``
    Anything else (intervals; orders that are not disjoint chains). Hit-and-run on
    the polytope (Smith 1984, *Operations Research* 32(6):1296–1308; mixing:
    Lovász 1999, *Math. Programming* 86:443–461): from x pick a uniformly random
    direction d in the hyperplane Σ d = 0, find the chord {x + t d} ∩ W, move to a
    uniform point on it. Many chains run side by side (vectorised) from the
    Chebyshev centre, found by an LP which also proves whether W is empty.
    The Markov chain is only asymptotically uniform; the burn-in and thinning used
    are reported with the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from prioritizer.errors import InputError, Issue

SamplerName = Literal["simplex", "ordered", "hit-and-run"]

#: an interval of width below this (in weight units) counts as a fixed weight: hit-and-run
#: needs a set with interior, so such input is rejected with a message (widen the interval)
_MIN_RADIUS = 1e-9


@dataclass(frozen=True)
class WeightConstraints:
    """Constraints on the weight vector of ``m`` criteria (indices into the criteria list).

    ``chains`` are orders ``w[c0] ≥ w[c1] ≥ …``; ``lower``/``upper`` are per-weight bounds.
    """

    m: int
    chains: tuple[tuple[int, ...], ...] = ()
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None
    labels: tuple[str, ...] = field(default=())

    @property
    def pairs(self) -> list[tuple[int, int]]:
        """(a, b) meaning w_a ≥ w_b, from consecutive chain links."""
        return [(c[i], c[i + 1]) for c in self.chains for i in range(len(c) - 1)]

    @property
    def has_bounds(self) -> bool:
        lo = self.lower is not None and bool(np.any(self.lower > 0))
        hi = self.upper is not None and bool(np.any(self.upper < 1))
        return lo or hi

    @property
    def disjoint_chains(self) -> bool:
        seen: set[int] = set()
        for c in self.chains:
            if seen & set(c) or len(set(c)) != len(c):
                return False
            seen |= set(c)
        return True

    def sampler(self) -> SamplerName:
        if not self.chains and not self.has_bounds:
            return "simplex"
        if not self.has_bounds and self.disjoint_chains:
            return "ordered"
        return "hit-and-run"

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        lo = np.zeros(self.m) if self.lower is None else np.asarray(self.lower, float)
        hi = np.ones(self.m) if self.upper is None else np.asarray(self.upper, float)
        return lo, hi

    def inequalities(self) -> tuple[np.ndarray, np.ndarray]:
        """G, h with W = {w : G w ≤ h, Σ w = 1}."""
        lo, hi = self.bounds()
        eye = np.eye(self.m)
        rows = [-eye, eye]
        rhs = [-lo, hi]
        for a, b in self.pairs:
            g = np.zeros(self.m)
            g[b], g[a] = 1.0, -1.0
            rows.append(g[None, :])
            rhs.append(np.zeros(1))
        return np.vstack(rows), np.concatenate(rhs)

    def satisfied(self, w: np.ndarray, tol: float = 1e-9) -> np.ndarray:
        """Boolean per sample: does each row of ``w`` lie in W (within ``tol``)?"""
        g, h = self.inequalities()
        ok = np.all(w @ g.T <= h + tol, axis=1)
        return ok & (np.abs(w.sum(axis=1) - 1.0) <= 1e-9 * self.m + tol)

    def describe(self) -> dict[str, object]:
        name = (lambda i: self.labels[i]) if self.labels else str
        lo, hi = self.bounds()
        return {
            "order": [">".join(name(i) for i in c) for c in self.chains],
            "intervals": {
                name(i): [float(lo[i]), float(hi[i])] for i in range(self.m) if lo[i] > 0 or hi[i] < 1
            },
        }


# -- parsing user text ------------------------------------------------------------------------


def parse_order(
    text: str | list[str] | None, criteria: list[str], *, source: str = "--weights-order"
) -> list[tuple[int, ...]]:
    """Parse ``"a>b>c"`` (several chains separated by ``,`` or ``;``; ``>=``/``≥`` accepted).

    Raises InputError listing every unknown criterion or malformed chain.
    """
    if text is None or text == "" or text == []:
        return []
    parts = text if isinstance(text, list) else re.split(r"[;,]", text)
    index = {c: i for i, c in enumerate(criteria)}
    issues: list[Issue] = []
    chains: list[tuple[int, ...]] = []
    for part in parts:
        part = str(part).strip()
        if not part:
            continue
        names = [p.strip() for p in re.split(r">=|≥|>", part)]
        if len(names) < 2 or any(not n for n in names):
            issues.append(
                Issue(
                    source,
                    None,
                    None,
                    part,
                    "an order needs at least two criterion ids separated by '>', e.g. a>b>c",
                )
            )
            continue
        unknown = [n for n in names if n not in index]
        for n in unknown:
            issues.append(
                Issue(
                    source,
                    None,
                    None,
                    n,
                    f"unknown criterion {n!r}; the model's criteria are: {', '.join(criteria)}",
                )
            )
        if len(set(names)) != len(names):
            issues.append(
                Issue(source, None, None, part, "a criterion appears twice in one order; write each once")
            )
        if not unknown:
            chains.append(tuple(index[n] for n in names))
    if issues:
        raise InputError(issues, "invalid weight order")
    return chains


def parse_intervals(
    spec: dict[str, object] | str | None, criteria: list[str], *, source: str = "--weights-interval"
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Parse ``{"a": [0.1, 0.4]}`` or ``"a=0.1:0.4,b=0.2:0.5"`` into lower/upper arrays.

    Every problem (unknown criterion, non-numeric bound, bound outside [0, 1], low > high)
    is reported at once.
    """
    if not spec:
        return None, None
    items: list[tuple[str, object, object]] = []
    issues: list[Issue] = []
    if isinstance(spec, str):
        for part in re.split(r"[;,]", spec):
            part = part.strip()
            if not part:
                continue
            name, sep, rng = part.partition("=")
            lo, sep2, hi = rng.partition(":")
            if not sep or not sep2:
                issues.append(
                    Issue(
                        source, None, None, part, "write an interval as criterion=low:high, e.g. cost=0.1:0.3"
                    )
                )
                continue
            items.append((name.strip(), lo.strip(), hi.strip()))
    elif isinstance(spec, dict):
        for name, rng in spec.items():
            if isinstance(rng, list | tuple) and len(rng) == 2:
                items.append((str(name), rng[0], rng[1]))
            else:
                issues.append(Issue(source, None, str(name), rng, "an interval is a pair [low, high]"))
    else:
        raise InputError(
            [Issue(source, None, None, str(spec), "intervals must be a mapping or 'a=lo:hi,...' text")]
        )
    index = {c: i for i, c in enumerate(criteria)}
    lower, upper = np.zeros(len(criteria)), np.ones(len(criteria))
    for name, lo_raw, hi_raw in items:
        if name not in index:
            issues.append(
                Issue(
                    source,
                    None,
                    name,
                    name,
                    f"unknown criterion {name!r}; the model's criteria are: {', '.join(criteria)}",
                )
            )
            continue
        bounds = []
        for which, raw in (("low", lo_raw), ("high", hi_raw)):
            try:
                v = float(raw)  # type: ignore[arg-type]
                if not np.isfinite(v):
                    raise ValueError
            except (TypeError, ValueError):
                issues.append(
                    Issue(source, None, name, raw, f"{which} bound must be a number between 0 and 1")
                )
                bounds.append(None)
                continue
            if not 0.0 <= v <= 1.0:
                issues.append(
                    Issue(source, None, name, raw, f"{which} bound {v} is outside [0, 1]; weights sum to 1")
                )
                bounds.append(None)
                continue
            bounds.append(v)
        lo, hi = bounds
        if lo is not None and hi is not None:
            if lo > hi:
                issues.append(
                    Issue(source, None, name, f"{lo}:{hi}", "low bound is above high bound; swap them")
                )
                continue
            lower[index[name]], upper[index[name]] = lo, hi
    if issues:
        raise InputError(issues, "invalid weight intervals")
    return lower, upper


# -- feasibility -------------------------------------------------------------------------------


def _diagnose(cons: WeightConstraints) -> list[Issue]:
    """Human-readable reasons an empty W is empty (best effort; the LP is the proof)."""
    name = (lambda i: cons.labels[i]) if cons.labels else (lambda i: f"criterion {i}")
    lo, hi = cons.bounds()
    out: list[Issue] = []
    if lo.sum() > 1 + 1e-12:
        out.append(
            Issue(
                "weights",
                None,
                None,
                round(float(lo.sum()), 6),
                "the low bounds of the weight intervals sum to more than 1; lower some of them",
            )
        )
    if hi.sum() < 1 - 1e-12:
        out.append(
            Issue(
                "weights",
                None,
                None,
                round(float(hi.sum()), 6),
                "the high bounds of the weight intervals sum to less than 1; raise some of them",
            )
        )
    for a, b in cons.pairs:
        if hi[a] < lo[b]:
            out.append(
                Issue(
                    "weights",
                    None,
                    f"{name(a)}>{name(b)}",
                    f"{hi[a]} < {lo[b]}",
                    f"order {name(a)} > {name(b)} contradicts the intervals ({name(a)} ≤ {hi[a]}, {name(b)} ≥ {lo[b]})",
                )
            )
    # a cycle in the order graph forces equal weights: zero volume
    succ: dict[int, set[int]] = {}
    for a, b in cons.pairs:
        succ.setdefault(a, set()).add(b)
    for start in succ:
        stack, seen = list(succ[start]), set()
        while stack:
            v = stack.pop()
            if v == start:
                out.append(
                    Issue(
                        "weights",
                        None,
                        name(start),
                        None,
                        f"the stated orders form a cycle through {name(start)} (a > … > {name(start)}); remove one of them",
                    )
                )
                break
            if v not in seen:
                seen.add(v)
                stack.extend(succ.get(v, ()))
    return out


def chebyshev_centre(cons: WeightConstraints) -> tuple[np.ndarray, float]:
    """Centre and radius of the largest ball inside W (within the hyperplane Σ w = 1).

    Solved as an LP (HiGHS via scipy). Raises InputError when W is empty or has no
    interior, listing the reasons found.
    """
    from scipy.optimize import linprog

    g, h = cons.inequalities()
    m = cons.m
    proj = g - g.mean(axis=1, keepdims=True)  # component of each normal inside the hyperplane
    norms = np.linalg.norm(proj, axis=1)
    c = np.zeros(m + 1)
    c[-1] = -1.0
    a_ub = np.hstack([g, norms[:, None]])
    a_eq = np.hstack([np.ones((1, m)), np.zeros((1, 1))])
    res = linprog(
        c, A_ub=a_ub, b_ub=h, A_eq=a_eq, b_eq=[1.0], bounds=[(None, None)] * m + [(0.0, 1.0)], method="highs"
    )
    if res.status != 0 or res.x is None or -res.fun <= _MIN_RADIUS:
        issues = _diagnose(cons)
        empty = res.status == 2
        if not issues:
            issues = [
                Issue(
                    "weights",
                    None,
                    None,
                    cons.describe(),
                    "no weight vector satisfies all the stated orders and intervals together"
                    if empty
                    else "the orders and intervals leave no room to vary the weights (an interval of zero "
                    "width or orders that force equal weights); widen an interval or drop an order",
                )
            ]
        raise InputError(
            issues,
            "contradictory weight constraints: the feasible weight set is empty"
            if empty
            else "weight constraints leave a feasible set with no interior",
        )
    x = np.asarray(res.x[:m], float)
    return x / x.sum(), float(-res.fun)


# -- samplers ----------------------------------------------------------------------------------


def sample_simplex(n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` i.i.d. uniform points of the (m−1)-simplex: normalised Exp(1) variates (Rubinstein 1982)."""
    e = rng.standard_exponential((n, m))
    return e / e.sum(axis=1, keepdims=True)


def sample_ordered(
    n: int, m: int, chains: tuple[tuple[int, ...], ...], rng: np.random.Generator
) -> np.ndarray:
    """Uniform on {simplex, each chain in order}: sort uniform samples within each chain (exact)."""
    w = sample_simplex(n, m, rng)
    for chain in chains:
        idx = np.asarray(chain)
        w[:, idx] = -np.sort(-w[:, idx], axis=1)
    return w


@dataclass(frozen=True)
class HitAndRunInfo:
    chains: int
    burn_in: int
    thin: int
    start: list[float]
    radius: float


def hit_and_run(
    n: int,
    cons: WeightConstraints,
    rng: np.random.Generator,
    *,
    chains: int | None = None,
    burn_in: int | None = None,
    thin: int | None = None,
) -> tuple[np.ndarray, HitAndRunInfo]:
    """Hit-and-run (Smith 1984) on W, ``chains`` Markov chains advanced together.

    Defaults: ``chains = min(n, 1000)``, ``burn_in = 100 + 20 d²`` and ``thin = d`` steps
    for dimension d = m − 1 (mixing is polynomial in d from a warm start, Lovász 1999;
    the Chebyshev centre is a deep interior start).
    """
    m = cons.m
    d = m - 1
    x0, radius = chebyshev_centre(cons)
    if d == 0:
        return np.ones((n, 1)), HitAndRunInfo(0, 0, 0, [1.0], radius)
    chains = min(n, 1000) if chains is None else max(1, min(chains, n))
    burn_in = 100 + 20 * d * d if burn_in is None else burn_in
    thin = max(1, d) if thin is None else thin
    g, h = cons.inequalities()
    # orthonormal basis of the hyperplane {Σ x = 0}: QR of [1, e_1, …, e_{m−1}] minus its first column
    q, _ = np.linalg.qr(np.column_stack([np.ones(m), np.eye(m)[:, : m - 1]]))
    basis = q[:, 1:]
    x = np.tile(x0, (chains, 1))
    rounds = -(-n // chains)
    out = np.empty((rounds * chains, m))
    k = 0
    total = burn_in + rounds * thin
    for step in range(1, total + 1):
        direction = rng.standard_normal((chains, d)) @ basis.T
        gd = direction @ g.T
        slack = np.maximum(h - x @ g.T, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = slack / gd
        t_hi = np.where(gd > 1e-15, ratio, np.inf).min(axis=1)
        t_lo = np.where(gd < -1e-15, ratio, -np.inf).max(axis=1)
        t = t_lo + rng.random(chains) * (t_hi - t_lo)
        x = x + t[:, None] * direction
        if step > burn_in and (step - burn_in) % thin == 0:
            out[k * chains : (k + 1) * chains] = x
            k += 1
    w = np.clip(out[:n], 0.0, None)
    w /= w.sum(axis=1, keepdims=True)
    return w, HitAndRunInfo(chains, burn_in, thin, [float(v) for v in x0], radius)


def sample_weights(
    n: int, cons: WeightConstraints, rng: np.random.Generator
) -> tuple[np.ndarray, dict[str, object]]:
    """Draw ``n`` weight vectors uniformly from W with the best available sampler.

    Returns the (n, m) array and a JSON-able description of the sampler used.
    """
    if n < 1:
        raise InputError([Issue("samples", None, None, n, "the number of samples must be at least 1")])
    kind = cons.sampler()
    if kind == "simplex":
        return sample_simplex(n, cons.m, rng), {
            "name": "simplex",
            "exact": True,
            "method": "normalised exponentials (Rubinstein 1982)",
        }
    if kind == "ordered":
        return sample_ordered(n, cons.m, cons.chains, rng), {
            "name": "ordered",
            "exact": True,
            "method": "uniform simplex samples sorted within each order chain",
        }
    w, info = hit_and_run(n, cons, rng)
    return w, {
        "name": "hit-and-run",
        "exact": False,
        "method": "hit-and-run (Smith 1984) from the Chebyshev centre",
        "chains": info.chains,
        "burn_in": info.burn_in,
        "thin": info.thin,
        "start": info.start,
        "radius": info.radius,
    }
