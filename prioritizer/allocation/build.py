"""The project-selection + stockpile model as a PuLP problem (formulation: docs/methodology/allocation.md).

    max  Σ_p v_p x_p − Σ_s π_s Σ_g w_g f_gs − Σ_k ρ_k u_k
    s.t. Σ_p c_p x_p + Σ_k ĉ_k q_k                ≤ B            (budget)
         Σ_p c_pt x_p + Σ_k ĉ_kt q_k              ≤ B_t          (budget_<t>)
         Σ_{p∈G} c_p x_p + Σ_{k∈G} ĉ_k q_k        ≥ / ≤ L_G      (limit_min_* / limit_max_*)
         z_p ≤ z_r                                               (requires_<p>_<r>)
         z_p + z_r ≤ 1                                           (excludes_<p>_<r>)
         z_p ≥ 1  /  x_p ≤ 0                                     (must_in_<p> / must_out_<p>)
         m_p y_p ≤ x_p ≤ y_p                                     (divisible_min_<p> / divisible_on_<p>)
         Σ_k p_k q_k ≤ S ;  p_k q_k ≤ S_k                        (storage / storage_<g>)
         365 q_k / D_k (+ u_k) ≥ T_k                             (target_<g>, hard / soft)
         d_js − α_js c_j                           ≤ α_js H_j      (pool_<j>_<s>)
         f_gs + q_g + Σ_{p→g} κ_p (M_s/12) x_p + Σ_{j→g} d_js ≥ ℓ_s A_gs M_s/12  (shortfall_<g>_<s>)
         x_p ∈ {0,1} (binary) or [0,1]; y_p ∈ {0,1}; q, f, u ≥ 0; 0 ≤ c_j ≤ C_j; 0 ≤ d_js ≤ ℓ_s A_gs M_s/12

``c_j`` is our contribution to joint pool *j* (:mod:`.pooldata`), paid in the budget rows and
the limits a stock of its good counts in (not in storage); ``d_js`` what we may draw from it.

``z_p`` is the on/off level of a project: ``y_p`` for a divisible project with a minimum
fraction, else ``x_p``. Every constraint carries a :class:`RowMeta` with its user-facing
name (kind first, DESIGN §5) and two structured messages — its description and its name
inside a sentence — rendered in Japanese or English by :mod:`prioritizer.text`
(templates in ``prioritizer/text/catalogue/allocation.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pulp

from prioritizer.allocation.data import AllocationData
from prioritizer.errors import InputError, Issue
from prioritizer.text import render, vocabulary

#: constraint kinds a planner controls (candidates for "ignore" and conflict explanations)
USER_KINDS = ("budget", "limit", "requires", "excludes", "must", "storage", "target")


@dataclass
class RowMeta:
    """What a constraint means to a planner: name, kind, sense, rhs in the rule's own unit."""

    name: str
    kind: str
    sense: str  # "<=" | ">="
    rhs: float
    unit: str  # 億円 | 日 | the good's unit | "" (a logical rule)
    #: structured description, e.g. {"kind": "alloc.row.budget_year", "year": 2026, "rhs": 4000}
    desc: dict[str, Any] = field(default_factory=dict)
    #: the rule named inside a sentence, e.g. {"kind": "alloc.what.budget_year", "year": 2026}
    what: dict[str, Any] = field(default_factory=dict)
    #: (ja, en) description already rendered from ``desc`` (bulk-built rows: a national case has 100,000)
    texts: tuple[str, str] | None = None

    @property
    def user(self) -> bool:
        return self.kind in USER_KINDS

    def description(self, lang: str) -> str:
        if self.texts is not None:
            return self.texts[0] if lang == "ja" else self.texts[1]
        return render(self.desc, lang) if self.desc else self.name  # type: ignore[arg-type]

    def what_text(self, lang: str) -> str:
        return render(self.what, lang) if self.what else self.name  # type: ignore[arg-type]

    @property
    def description_ja(self) -> str:
        return self.description("ja")

    @property
    def description_en(self) -> str:
        return self.description("en")


def _meta(name: str, kind: str, sense: str, rhs: float, unit: str, msg: str, **fields: Any) -> RowMeta:
    """A row descriptor whose description and in-sentence name share one set of fields."""
    rhs = float(rhs)  # callers pass numpy sums; the payload (and its audit record) is plain JSON
    return RowMeta(
        name,
        kind,
        sense,
        rhs,
        unit,
        desc={"kind": f"alloc.row.{msg}", "rhs": rhs, **fields},
        what={"kind": f"alloc.what.{msg}", "rhs": rhs, **fields},
    )


def _pair(prefix: str, names: tuple[str, str]) -> dict[str, str]:
    return {f"{prefix}_ja": names[0], f"{prefix}_en": names[1]}


@dataclass
class Built:
    prob: pulp.LpProblem
    data: AllocationData
    relax: bool
    x: list[pulp.LpVariable]
    y: dict[int, pulp.LpVariable]
    q: list[pulp.LpVariable]
    u: dict[int, pulp.LpVariable]
    f: dict[tuple[int, int], pulp.LpVariable]
    rows: dict[str, RowMeta] = field(default_factory=dict)
    #: pool index -> our contribution; (pool, scenario) -> our draw
    c: dict[int, pulp.LpVariable] = field(default_factory=dict)
    d: dict[tuple[int, int], pulp.LpVariable] = field(default_factory=dict)
    #: every row name the model *would* have, including ignored ones
    all_names: set[str] = field(default_factory=set)
    ignored: list[RowMeta] = field(default_factory=list)
    #: user-facing row name -> PuLP constraint name
    pulp_name: dict[str, str] = field(default_factory=dict)

    def onoff(self, p: int) -> pulp.LpVariable:
        return self.y.get(p, self.x[p])


def limit_fields(group: str, value: str) -> dict[str, str]:
    """The group and value of a limit as message fields (vocabulary labels where defined)."""
    g = vocabulary("alloc_limit_group").get(group, (group, group))
    vocab = vocabulary(group) if group in ("domain", "sector", "instrument") else {}
    if group == "specified_critical":
        vocab = vocabulary("bool")
    v = vocab.get(str(value).lower() if group == "specified_critical" else str(value), (value, value))
    return {"group_ja": g[0], "group_en": g[1], "value_ja": v[0], "value_en": v[1]}


def pool_meta(data: AllocationData, j: int, s: int, rhs: float) -> RowMeta:
    """The row capping our draw on pool ``j`` in scenario ``s`` (its rhs: units, α_s H)."""
    pd_, sc = data.pools[j], data.scenarios[s]
    g = pd_.good
    return _meta(
        f"pool_{pd_.id}_{sc.id}",
        "pool",
        "<=",
        rhs,
        data.good_unit[g],
        "pool_draw",
        pool=pd_.id,
        **_pair(
            "good", (data.good_names[g][0] or data.good_ids[g], data.good_names[g][1] or data.good_ids[g])
        ),
        **_pair("scenario", (sc.name_ja or sc.id, sc.name_en or sc.id)),
    )


def build_problem(data: AllocationData, *, relax: bool = False) -> Built:
    """The PuLP model of ``data``. ``relax`` makes every binary continuous in [0, 1]."""
    P, K = data.n_projects, len(data.stock_goods)
    prob = pulp.LpProblem("allocation", pulp.LpMaximize)
    bincat = pulp.LpContinuous if relax else pulp.LpBinary
    x: list[pulp.LpVariable] = []
    y: dict[int, pulp.LpVariable] = {}
    for p in range(P):
        if data.divisible[p]:
            x.append(prob.add_variable(f"x_{p}", 0, 1))
            if data.min_fraction[p] > 0:
                y[p] = prob.add_variable(f"y_{p}", 0, 1, cat=bincat)
        else:
            x.append(prob.add_variable(f"x_{p}", 0, 1, cat=bincat))
    kpos = {int(g): k for k, g in enumerate(data.stock_goods)}
    # Stock beyond the largest scenario need and the days-of-cover target earns nothing in
    # the objective; bounding it removes that degenerate, pointless spending. Where the
    # target is the larger of the two the bound sits at twice the target level, not at it:
    # a bound equal to the target would make the target row degenerate (q at its bound
    # *and* the row binding), and its dual would then price raising the target, not
    # lowering it (issue 13: "lower the target by a day" must be what the price says).
    need_max = np.zeros(K)
    for sc in data.scenarios:
        for g, a in sc.affected.items():
            if g in kpos:
                need_max[kpos[g]] = max(need_max[kpos[g]], sc.loss * a * sc.months / 12.0)
    target_q = np.array(
        [data.target_days[k] / 365.0 * data.annual_demand[g] for k, g in enumerate(data.stock_goods)]
    )
    qmax = np.where(target_q > need_max, 2.0 * target_q, need_max) if K else np.zeros(0)
    q = [prob.add_variable(f"q_{k}", 0, float(qmax[k])) for k in range(K)]
    u: dict[int, pulp.LpVariable] = {}
    if data.target_mode == "soft":
        u = {k: prob.add_variable(f"u_{k}", 0) for k in range(K) if data.target_days[k] > 0}
    f: dict[tuple[int, int], pulp.LpVariable] = {}
    for s, sc in enumerate(data.scenarios):
        for g in sc.affected:
            f[(g, s)] = prob.add_variable(f"f_{g}_{s}", 0)
    pc_ = {j: prob.add_variable(f"c_{j}", 0, pd_.cap) for j, pd_ in enumerate(data.pools)}
    pd_draw = {
        (j, s): prob.add_variable(f"d_{j}_{s}", 0, float(pd_.draw_cap[s]))
        for j, pd_ in enumerate(data.pools)
        for s in pd_.draw_scenarios()
    }
    b = Built(prob=prob, data=data, relax=relax, x=x, y=y, q=q, u=u, f=f, c=pc_, d=pd_draw)

    obj = pulp.LpAffineExpression([(x[p], float(data.value[p])) for p in range(P) if data.value[p] != 0])
    for (g, s), var in f.items():
        w = data.scenarios[s].probability * data.shortfall_weight[g]
        if w:
            obj += -w * var
    for k, var in u.items():
        if data.target_penalty[k]:
            obj += -float(data.target_penalty[k]) * var
    prob += obj

    def add(expr: pulp.LpAffineExpression, sense: str, rhs: float, meta: RowMeta) -> None:
        b.all_names.add(meta.name)
        if meta.name in data.ignore:
            b.ignored.append(meta)
            return
        c = expr <= rhs if sense == "<=" else expr >= rhs
        pname = f"r{len(b.rows)}"
        prob.addConstraint(c, name=pname)
        b.rows[meta.name] = meta
        b.pulp_name[meta.name] = pname

    def spend(pc: np.ndarray, sc: np.ndarray, pool: list[float] | None = None) -> pulp.LpAffineExpression:
        terms = [(x[p], float(pc[p])) for p in np.flatnonzero(pc)]
        terms += [(q[k], float(sc[k])) for k in np.flatnonzero(sc)]
        terms += [(pc_[j], float(v)) for j, v in enumerate(pool or []) if v]
        return pulp.LpAffineExpression(terms)

    if data.budget_total is not None:
        B = data.budget_total
        add(
            spend(data.cost, data.stock_unit_cost, [pd_.unit_cost for pd_ in data.pools]),
            "<=",
            B,
            _meta("budget", "budget", "<=", B, "億円", "budget_total"),
        )
    for j, yr in enumerate(data.years):
        B = data.budget_years[yr]
        add(
            spend(
                data.cost_by_year[:, j],
                data.stock_year_cost[:, j],
                [float(p.year_cost[j]) for p in data.pools],
            ),
            "<=",
            B,
            _meta(f"budget_{yr}", "budget", "<=", B, "億円", "budget_year", year=yr),
        )
    for lim in data.limits:
        L = lim.limit
        msg = ("limit_min" if lim.sense == "min" else "limit_max") + ("_year" if L.year is not None else "")
        sense = ">=" if lim.sense == "min" else "<="
        meta = _meta(
            lim.name, "limit", sense, lim.rhs, "億円", msg, year=L.year, **limit_fields(L.group, L.value)
        )
        if L.ignore:
            b.all_names.add(lim.name)
            b.ignored.append(meta)
            continue
        add(
            spend(lim.project_coef, lim.stock_coef, [p.limit_coef.get(lim.name, 0.0) for p in data.pools]),
            sense,
            lim.rhs,
            meta,
        )

    pid = data.project_ids
    nm = [(n[0] or pid[i], n[1] or pid[i]) for i, n in enumerate(data.project_names)]
    for p, r in data.requires:
        add(
            pulp.LpAffineExpression([(b.onoff(p), 1.0), (b.onoff(r), -1.0)]),
            "<=",
            0.0,
            _meta(
                f"requires_{pid[p]}_{pid[r]}",
                "requires",
                "<=",
                0.0,
                "",
                "requires",
                **_pair("project", nm[p]),
                **_pair("other", nm[r]),
            ),
        )
    for p, r in data.excludes:
        add(
            pulp.LpAffineExpression([(b.onoff(p), 1.0), (b.onoff(r), 1.0)]),
            "<=",
            1.0,
            _meta(
                f"excludes_{pid[p]}_{pid[r]}",
                "excludes",
                "<=",
                1.0,
                "",
                "excludes",
                **_pair("project", nm[p]),
                **_pair("other", nm[r]),
            ),
        )
    for p, m in sorted(data.must.items()):
        c = float(data.cost[p])
        if m == "in":
            add(
                pulp.LpAffineExpression([(b.onoff(p), 1.0)]),
                ">=",
                1.0,
                _meta(
                    f"must_in_{pid[p]}", "must", ">=", 1.0, "", "must_in", cost=c, **_pair("project", nm[p])
                ),
            )
        else:
            add(
                pulp.LpAffineExpression([(x[p], 1.0)]),
                "<=",
                0.0,
                _meta(f"must_out_{pid[p]}", "must", "<=", 0.0, "", "must_out", **_pair("project", nm[p])),
            )
    for p, yv in y.items():
        mf = float(data.min_fraction[p])
        add(
            pulp.LpAffineExpression([(x[p], 1.0), (yv, -mf)]),
            ">=",
            0.0,
            _meta(
                f"divisible_min_{pid[p]}",
                "divisible",
                ">=",
                0.0,
                "",
                "divisible_min",
                fraction=mf,
                **_pair("project", nm[p]),
            ),
        )
        add(
            pulp.LpAffineExpression([(x[p], 1.0), (yv, -1.0)]),
            "<=",
            0.0,
            _meta(
                f"divisible_on_{pid[p]}",
                "divisible",
                "<=",
                0.0,
                "",
                "divisible_on",
                **_pair("project", nm[p]),
            ),
        )

    gid = data.good_ids
    gn = [(n[0] or gid[i], n[1] or gid[i]) for i, n in enumerate(data.good_names)]
    if data.storage_total is not None and K:
        S = data.storage_total
        add(
            pulp.LpAffineExpression(
                [(q[k], float(data.unit_price[g])) for k, g in enumerate(data.stock_goods)]
            ),
            "<=",
            S,
            _meta("storage", "storage", "<=", S, "億円", "storage_total"),
        )
    for k, S in sorted(data.storage_by_good.items()):
        g = int(data.stock_goods[k])
        add(
            pulp.LpAffineExpression([(q[k], float(data.unit_price[g]))]),
            "<=",
            S,
            _meta(f"storage_{gid[g]}", "storage", "<=", S, "億円", "storage_good", **_pair("good", gn[g])),
        )
    for k, g in enumerate(data.stock_goods):
        T = float(data.target_days[k])
        if T <= 0:
            continue
        expr = pulp.LpAffineExpression([(q[k], 365.0 / float(data.annual_demand[g]))])
        if k in u:
            expr += u[k]
        msg = "target_soft" if k in u else "target_hard"
        # the row is in days (365 q / D), so its rhs, price and range are per day of cover
        add(expr, ">=", T, _meta(f"target_{gid[g]}", "target", ">=", T, "日", msg, **_pair("good", gn[g])))
    for (j, s), dv in pd_draw.items():
        pd_ = data.pools[j]
        a = float(pd_.alpha[s])
        add(
            pulp.LpAffineExpression([(dv, 1.0), (pc_[j], -a)]),
            "<=",
            a * pd_.allies_holding,
            pool_meta(data, j, s, a * pd_.allies_holding),
        )
    for (g, s), var in f.items():
        sc = data.scenarios[s]
        need = sc.loss * sc.affected[g] * sc.months / 12.0
        expr = pulp.LpAffineExpression([(var, 1.0)])
        for j, pd_ in enumerate(data.pools):
            if pd_.good == g and (j, s) in pd_draw:
                expr += pd_draw[(j, s)]
        if g in kpos:
            expr += q[kpos[g]]
        for p in np.flatnonzero((data.project_good == g) & (data.capacity > 0)):
            expr += float(data.capacity[p] * sc.months / 12.0) * x[p]
        add(
            expr,
            ">=",
            need,
            _meta(
                f"shortfall_{gid[g]}_{sc.id}",
                "shortfall",
                ">=",
                need,
                data.good_unit[g],
                "shortfall",
                **_pair("good", gn[g]),
                **_pair("scenario", (sc.name_ja or sc.id, sc.name_en or sc.id)),
            ),
        )
    unknown = sorted(data.ignore - b.all_names)
    if unknown:
        raise InputError(
            [
                Issue(
                    "params",
                    None,
                    "ignore",
                    n,
                    "no constraint has this name; use a name from the constraints list of allocate",
                )
                for n in unknown
            ]
        )
    return b
