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
         f_gs + q_g + Σ_{p→g} κ_p (M_s/12) x_p ≥ ℓ_s A_gs M_s/12  (shortfall_<g>_<s>)
         x_p ∈ {0,1} (binary) or [0,1]; y_p ∈ {0,1}; q, f, u ≥ 0

``z_p`` is the on/off level of a project: ``y_p`` for a divisible project with a minimum
fraction, else ``x_p``. Every constraint carries a :class:`RowMeta` with its user-facing
name (kind first, DESIGN §5) and a description in Japanese and English.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pulp

from prioritizer.allocation.data import AllocationData
from prioritizer.errors import InputError, Issue
from prioritizer.i18n import DOMAINS, INSTRUMENTS, SECTORS

#: constraint kinds a planner controls (candidates for "ignore" and conflict explanations)
USER_KINDS = ("budget", "limit", "requires", "excludes", "must", "storage", "target")


@dataclass
class RowMeta:
    name: str
    kind: str
    sense: str  # "<=" | ">="
    rhs: float
    unit: str
    description_ja: str
    description_en: str

    @property
    def user(self) -> bool:
        return self.kind in USER_KINDS


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
    #: every row name the model *would* have, including ignored ones
    all_names: set[str] = field(default_factory=set)
    ignored: list[RowMeta] = field(default_factory=list)
    #: user-facing row name -> PuLP constraint name
    pulp_name: dict[str, str] = field(default_factory=dict)

    def onoff(self, p: int) -> pulp.LpVariable:
        return self.y.get(p, self.x[p])


def _group_label(group: str, value: str, lang: str) -> str:
    vocab = {"domain": DOMAINS, "sector": SECTORS, "instrument": INSTRUMENTS}.get(group)
    if vocab and value in vocab:
        return vocab[value][0 if lang == "ja" else 1]
    return value


_GROUP_JA = {
    "domain": "領域",
    "sector": "分野",
    "ministry": "所管",
    "instrument": "政策手段",
    "good": "物資",
    "specified_critical": "特定重要物資",
}


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
    # the objective; bounding it there removes that degenerate, pointless spending.
    qmax = np.zeros(K)
    for k, g in enumerate(data.stock_goods):
        qmax[k] = data.target_days[k] / 365.0 * data.annual_demand[g]
    for sc in data.scenarios:
        for g, a in sc.affected.items():
            if g in kpos:
                qmax[kpos[g]] = max(qmax[kpos[g]], sc.loss * a * sc.months / 12.0)
    q = [prob.add_variable(f"q_{k}", 0, float(qmax[k])) for k in range(K)]
    u: dict[int, pulp.LpVariable] = {}
    if data.target_mode == "soft":
        u = {k: prob.add_variable(f"u_{k}", 0) for k in range(K) if data.target_days[k] > 0}
    f: dict[tuple[int, int], pulp.LpVariable] = {}
    for s, sc in enumerate(data.scenarios):
        for g in sc.affected:
            f[(g, s)] = prob.add_variable(f"f_{g}_{s}", 0)
    b = Built(prob=prob, data=data, relax=relax, x=x, y=y, q=q, u=u, f=f)

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

    def spend(pc: np.ndarray, sc: np.ndarray) -> pulp.LpAffineExpression:
        terms = [(x[p], float(pc[p])) for p in np.flatnonzero(pc)]
        terms += [(q[k], float(sc[k])) for k in np.flatnonzero(sc)]
        return pulp.LpAffineExpression(terms)

    if data.budget_total is not None:
        B = data.budget_total
        add(
            spend(data.cost, data.stock_unit_cost),
            "<=",
            B,
            RowMeta(
                "budget",
                "budget",
                "<=",
                B,
                "億円",
                f"総予算（{B:,.0f}億円）",
                f"the total budget (¥{B / 10:,.1f}bn = {B:,.0f}億円)",
            ),
        )
    for j, yr in enumerate(data.years):
        B = data.budget_years[yr]
        add(
            spend(data.cost_by_year[:, j], data.stock_year_cost[:, j]),
            "<=",
            B,
            RowMeta(
                f"budget_{yr}",
                "budget",
                "<=",
                B,
                "億円",
                f"{yr}年度予算（{B:,.0f}億円）",
                f"the FY{yr} budget ({B:,.0f}億円)",
            ),
        )
    for lim in data.limits:
        L = lim.limit
        if L.ignore:
            b.all_names.add(lim.name)
            b.ignored.append(RowMeta(lim.name, "limit", "", lim.rhs, "億円", "", ""))
            continue
        gja = _GROUP_JA.get(L.group, L.group)
        vja, ven = _group_label(L.group, str(L.value), "ja"), _group_label(L.group, str(L.value), "en")
        yja = f"{L.year}年度の" if L.year is not None else ""
        yen = f" in FY{L.year}" if L.year is not None else ""
        if lim.sense == "min":
            dja = f"{gja}「{vja}」への{yja}支出の下限（{lim.rhs:,.0f}億円）"
            den = f"the floor on spend{yen} for {L.group} {ven} ({lim.rhs:,.0f}億円)"
        else:
            dja = f"{gja}「{vja}」への{yja}支出の上限（{lim.rhs:,.0f}億円）"
            den = f"the cap on spend{yen} for {L.group} {ven} ({lim.rhs:,.0f}億円)"
        add(
            spend(lim.project_coef, lim.stock_coef),
            ">=" if lim.sense == "min" else "<=",
            lim.rhs,
            RowMeta(lim.name, "limit", ">=" if lim.sense == "min" else "<=", lim.rhs, "億円", dja, den),
        )

    pid = data.project_ids
    nm = [(n[0] or pid[i], n[1] or pid[i]) for i, n in enumerate(data.project_names)]
    for p, r in data.requires:
        add(
            pulp.LpAffineExpression([(b.onoff(p), 1.0), (b.onoff(r), -1.0)]),
            "<=",
            0.0,
            RowMeta(
                f"requires_{pid[p]}_{pid[r]}",
                "requires",
                "<=",
                0.0,
                "",
                f"事業「{nm[p][0]}」は事業「{nm[r][0]}」の採択が前提",
                f"project {nm[p][1]} can only be funded together with {nm[r][1]}",
            ),
        )
    for p, r in data.excludes:
        add(
            pulp.LpAffineExpression([(b.onoff(p), 1.0), (b.onoff(r), 1.0)]),
            "<=",
            1.0,
            RowMeta(
                f"excludes_{pid[p]}_{pid[r]}",
                "excludes",
                "<=",
                1.0,
                "",
                f"事業「{nm[p][0]}」と「{nm[r][0]}」は同時に採択できない",
                f"projects {nm[p][1]} and {nm[r][1]} exclude each other",
            ),
        )
    for p, m in sorted(data.must.items()):
        c = float(data.cost[p])
        if m == "in":
            add(
                pulp.LpAffineExpression([(b.onoff(p), 1.0)]),
                ">=",
                1.0,
                RowMeta(
                    f"must_in_{pid[p]}",
                    "must",
                    ">=",
                    1.0,
                    "",
                    f"必須採択の事業「{nm[p][0]}」（{c:,.0f}億円）",
                    f"the must-fund project {nm[p][1]} ({c:,.0f}億円)",
                ),
            )
        else:
            add(
                pulp.LpAffineExpression([(x[p], 1.0)]),
                "<=",
                0.0,
                RowMeta(
                    f"must_out_{pid[p]}",
                    "must",
                    "<=",
                    0.0,
                    "",
                    f"除外指定の事業「{nm[p][0]}」",
                    f"the excluded project {nm[p][1]}",
                ),
            )
    for p, yv in y.items():
        mf = float(data.min_fraction[p])
        add(
            pulp.LpAffineExpression([(x[p], 1.0), (yv, -mf)]),
            ">=",
            0.0,
            RowMeta(
                f"divisible_min_{pid[p]}",
                "divisible",
                ">=",
                0.0,
                "",
                f"事業「{nm[p][0]}」は採択するなら{mf:.0%}以上",
                f"project {nm[p][1]} is funded at {mf:.0%} or more if at all",
            ),
        )
        add(
            pulp.LpAffineExpression([(x[p], 1.0), (yv, -1.0)]),
            "<=",
            0.0,
            RowMeta(
                f"divisible_on_{pid[p]}",
                "divisible",
                "<=",
                0.0,
                "",
                f"事業「{nm[p][0]}」は採択時のみ資金配分",
                f"project {nm[p][1]} gets money only if selected",
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
            RowMeta(
                "storage",
                "storage",
                "<=",
                S,
                "億円",
                f"備蓄の保管容量（在庫価額{S:,.0f}億円）",
                f"the storage capacity ({S:,.0f}億円 of stock value)",
            ),
        )
    for k, S in sorted(data.storage_by_good.items()):
        g = int(data.stock_goods[k])
        add(
            pulp.LpAffineExpression([(q[k], float(data.unit_price[g]))]),
            "<=",
            S,
            RowMeta(
                f"storage_{gid[g]}",
                "storage",
                "<=",
                S,
                "億円",
                f"「{gn[g][0]}」の保管容量（{S:,.0f}億円）",
                f"the storage capacity for {gn[g][1]} ({S:,.0f}億円)",
            ),
        )
    for k, g in enumerate(data.stock_goods):
        T = float(data.target_days[k])
        if T <= 0:
            continue
        expr = pulp.LpAffineExpression([(q[k], 365.0 / float(data.annual_demand[g]))])
        if k in u:
            expr += u[k]
        mode_ja = "目標" if k in u else "必達目標"
        mode_en = "target" if k in u else "mandatory target"
        add(
            expr,
            ">=",
            T,
            RowMeta(
                f"target_{gid[g]}",
                "target",
                ">=",
                T,
                "日",
                f"「{gn[g][0]}」の備蓄日数{mode_ja}（{T:,.0f}日分）",
                f"the days-of-cover {mode_en} for {gn[g][1]} ({T:,.0f} days)",
            ),
        )
    for (g, s), var in f.items():
        sc = data.scenarios[s]
        need = sc.loss * sc.affected[g] * sc.months / 12.0
        expr = pulp.LpAffineExpression([(var, 1.0)])
        if g in kpos:
            expr += q[kpos[g]]
        for p in np.flatnonzero((data.project_good == g) & (data.capacity > 0)):
            expr += float(data.capacity[p] * sc.months / 12.0) * x[p]
        add(
            expr,
            ">=",
            need,
            RowMeta(
                f"shortfall_{gid[g]}_{sc.id}",
                "shortfall",
                ">=",
                need,
                data.good_unit[g],
                f"シナリオ「{sc.name_ja or sc.id}」での「{gn[g][0]}」の不足量の定義",
                f"definition of the shortfall of {gn[g][1]} in scenario {sc.name_en or sc.id}",
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
