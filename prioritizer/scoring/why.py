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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prioritizer.errors import InputError, Issue
from prioritizer.scoring.why_math import (
    SHAPLEY_EXACT_MAX,
    SHAPLEY_PERMUTATIONS,
    fnum,
    gap_parts,
    min_l1_transfer,
    pareto_minimal,
    swap,
)

if TYPE_CHECKING:
    from prioritizer.case.types import Case
    from prioritizer.scoring.api import Ranking

__all__ = ["WhyResult", "check_ids", "min_l1_transfer", "pareto_minimal", "parse_pair", "why"]

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
            "score_a": fnum(self.score_a),
            "score_b": fnum(self.score_b),
            "gap": fnum(self.gap),
            "by_criterion": {c: fnum(v) for c, v in self.by_criterion.items()},
            "swap": self.swap,
            "text_ja": self.text("ja"),
            "text_en": self.text("en"),
            "method": self.method,
            "items": [
                {"id": i, "name_ja": self.names.get(i, (i, i))[0], "name_en": self.names.get(i, (i, i))[1]}
                for i in (self.a, self.b)
            ],
            "contribution_difference": {c: fnum(v) for c, v in self.contribution_difference.items()},
            "decomposition": self.decomposition,
            "criteria": self.criteria,
            "messages": [
                {**m, "text_ja": render(m, "ja"), "text_en": render(m, "en")} for m in self.messages
            ],
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
            # a share of what the criteria in favour add together, so it never exceeds 100 %;
            # when others narrow the gap, the sentence says both totals and that the net is the gap
            plus = sum(x for x, _ in favour)
            minus = -sum(x for x, _ in against)
            msgs.append(
                {
                    "kind": "why.driver_net" if against else "why.driver",
                    **who,
                    **_pair(labels, c, "criterion"),
                    "criterion": c,
                    "part": p,
                    "share": p / plus if plus > 0 else 0.0,
                    "plus": plus,
                    "minus": minus,
                    "gap": g,
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
    parts, raw, kind = gap_parts(r, i, j)
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
                "weight": fnum(pm.weights[k]),
                "value_a": fnum(pm.raw[i, k]),
                "value_b": fnum(pm.raw[j, k]),
                "normalised_a": fnum(pm.normalised[i, k]),
                "normalised_b": fnum(pm.normalised[j, k]),
                "contribution_a": fnum(contrib[i, k]),
                "contribution_b": fnum(contrib[j, k]),
                "part": fnum(parts[k]),
            }
        )
    residual = gap - float(parts.sum())
    decomposition = {
        "kind": kind,
        "exact": True,
        "sums_to": "gap",
        "residual": fnum(residual),
        "contribution_kind": r.contribution_kind,
        **(
            {"shapley": "exact" if len(crit) <= SHAPLEY_EXACT_MAX else f"{SHAPLEY_PERMUTATIONS} permutations"}
            if kind == "shapley"
            else {}
        ),
    }
    sw = swap(r, i, j, gap)
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
            "swap": sw,
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
        swap=sw,
        messages=msgs,
        names={k: tuple(names[k]) for k in (a, b) if names and k in names},  # type: ignore[misc]
    )
