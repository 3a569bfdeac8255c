"""Weight samples for a study, drawn exactly as ``robustness`` draws them.

The sampler is :func:`prioritizer.robustness.sampling.sample_weights` on a
:class:`~prioritizer.robustness.sampling.WeightConstraints` set. What the model's
elicitation says is kept as ordinal constraints (``respect``, the default):

* ``roc``   the stated importance order (tied criteria unordered among themselves);
* ``swing`` the order of the swing points;
* ``ahp``   the order of the AHP priority vector (the ordinal content of the judgements);
* ``direct`` no constraint: uniform on the simplex.

An order a > b is the constraint w_a ≥ w_b (Lahdelma & Salminen 2001, §3: ordinal
preference information in SMAA). The grid may add its own ``order`` / ``intervals``
(robustness syntax), which replace the elicited order when given.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from prioritizer.robustness import sampling

_TIE = 1e-12


def elicitation_order(model: Any) -> tuple[list[list[str]], str]:
    """Criteria grouped by elicited importance, most important first, and the elicitation method."""
    from prioritizer.weights import derive

    method = str(model.weights_elicitation.method)
    if method == "direct":
        return [], method
    w, _ = derive(model)
    groups: list[list[str]] = []
    last: float | None = None
    for cid, v in sorted(w.items(), key=lambda kv: (-kv[1], model.criterion_ids.index(kv[0]))):
        if last is not None and abs(v - last) <= _TIE * max(1.0, abs(last)):
            groups[-1].append(cid)
        else:
            groups.append([cid])
        last = v
    return groups, method


def constraints(model: Any, grid: Any) -> tuple[sampling.WeightConstraints, dict[str, Any]]:
    """The weight set to sample and a record of where its constraints came from."""
    criteria = list(model.criterion_ids)
    lower, upper = sampling.parse_intervals(
        grid.intervals, criteria, source=f"{grid.file}: weights.intervals"
    )
    chains: list[tuple[int, ...]]
    source: str
    if grid.order:
        chains = sampling.parse_order(grid.order, criteria, source=f"{grid.file}: weights.order")
        source = "grid"
    elif grid.use_elicitation:
        groups, method = elicitation_order(model)
        idx = {c: i for i, c in enumerate(criteria)}
        if groups and all(len(g) == 1 for g in groups):
            chains = [tuple(idx[g[0]] for g in groups)] if len(groups) > 1 else []
        else:  # ties: every member of a group ≥ every member of the next
            chains = [(idx[a], idx[b]) for g, h in itertools.pairwise(groups) for a in g for b in h]
        source = f"elicitation:{method}"
    else:
        chains, source = [], "none"
    cons = sampling.WeightConstraints(len(criteria), tuple(chains), lower, upper, labels=tuple(criteria))
    return cons, {"source": source, **cons.describe()}


def draw(model: Any, grid: Any) -> tuple[list[str], np.ndarray, dict[str, Any]]:
    """(criteria, samples × criteria weights, record) for a grid with a ``weights`` dimension."""
    cons, rec = constraints(model, grid)
    rng = np.random.default_rng(grid.seed)
    w, info = sampling.sample_weights(int(grid.samples), cons, rng)
    return (
        list(model.criterion_ids),
        w,
        {"seed": grid.seed, "samples": int(grid.samples), "sampler": info, "constraints": rec},
    )
