"""The allocation model as arrays: one backend-neutral form of the formulation of :mod:`.build`.

    max  cᵀv   s.t.  row_lo ≤ A v ≤ row_hi,  col_lo ≤ v ≤ col_hi,  v_j integer for j ∈ I

Columns, in this order: ``x_p`` (every project), ``y_p`` (divisible projects with a minimum
fraction), ``q_k`` (stockpilable goods), ``u_k`` (soft targets), ``f_gs`` (one per scenario and
affected good). Rows follow :func:`.build.build_problem` one for one and in the same order —
budget, budget years, limits, requires, excludes, must, divisible, storage, targets,
shortfall — so the row *i* of both models carries the same name and the same
:class:`~prioritizer.allocation.build.RowMeta`. Each section has its own small builder that
returns coordinate triplets; the shortfall section, which holds almost every row of a
national case, is built with numpy from flat (scenario, good) arrays and describes its rows
lazily (a million ``RowMeta`` objects would cost more than the solve).

Column names match the PuLP model's variable names (``x_3``, ``q_0``, ``f_12_4``) and row
keys its constraint names (``r17``), so a solution of either backend is read by the same
invert step and explanations (:mod:`.explain`). tests/test_allocation_arrays.py proves the
two models give the same optimum, funded set and coupling-row prices on generated cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from prioritizer.allocation.build import RowMeta, _meta, _pair, limit_fields, pool_meta
from prioritizer.allocation.data import AllocationData, Scenario
from prioritizer.errors import InputError, Issue

INF = float("inf")


@dataclass
class Col:
    """A column as the explanations see it (the PuLP variable's name)."""

    name: str
    index: int


@dataclass
class _Rows:
    """Rows under construction: coordinate triplets and one descriptor per row."""

    r: list[np.ndarray] = field(default_factory=list)
    c: list[np.ndarray] = field(default_factory=list)
    v: list[np.ndarray] = field(default_factory=list)
    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)
    metas: list[RowMeta] = field(default_factory=list)
    ignored: list[RowMeta] = field(default_factory=list)
    all_names: set[str] = field(default_factory=set)

    def add(
        self, cols: np.ndarray, vals: np.ndarray, sense: str, rhs: float, meta: RowMeta, ignore: set[str]
    ) -> None:
        self.all_names.add(meta.name)
        if meta.name in ignore:
            self.ignored.append(meta)
            return
        i = len(self.metas)
        cols = np.asarray(cols, dtype=np.int64)
        self.r.append(np.full(len(cols), i, dtype=np.int64))
        self.c.append(cols)
        self.v.append(np.asarray(vals, dtype=float))
        self.lo.append(rhs if sense == ">=" else -INF)
        self.hi.append(rhs if sense == "<=" else INF)
        self.metas.append(meta)


@dataclass
class ArrayModel:
    data: AllocationData
    relax: bool
    cost: np.ndarray  # (n,) objective, maximised
    col_lo: np.ndarray
    col_hi: np.ndarray
    integer: np.ndarray  # (n,) bool
    col_names: list[str]
    A: sp.csr_matrix  # (m, n)
    row_lo: np.ndarray
    row_hi: np.ndarray
    #: descriptors of the rows before the shortfall block (the planner's rules and links)
    metas: list[RowMeta]
    #: shortfall block: rows n_rules.., one per (good, scenario) entry
    sf_good: np.ndarray
    sf_scen: np.ndarray
    sf_need: np.ndarray
    ignored: list[RowMeta]
    all_names: set[str]
    x: list[Col]
    y: dict[int, Col]
    q: list[Col]
    u: dict[int, Col]
    f: dict[tuple[int, int], Col]
    #: pool index -> our contribution; (pool, scenario) -> our draw (:mod:`.pooldata`)
    c: dict[int, Col] = field(default_factory=dict)
    d: dict[tuple[int, int], Col] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return self.A.shape[0]

    @property
    def n_rules(self) -> int:
        return len(self.metas)

    def meta(self, i: int) -> RowMeta:
        """The descriptor of row ``i`` (built on demand for shortfall rows)."""
        if i < len(self.metas):
            return self.metas[i]
        return _sf_meta(self.data, self.sf_good, self.sf_scen, self.sf_need, i - len(self.metas))

    def copy(self) -> ArrayModel:
        """A copy whose bounds and rows can change without touching this model (re-solves)."""
        from copy import copy

        m = copy(self)
        m.col_lo, m.col_hi, m.integer = self.col_lo.copy(), self.col_hi.copy(), self.integer.copy()
        m.row_lo, m.row_hi = self.row_lo.copy(), self.row_hi.copy()
        return m

    def onoff(self, p: int) -> Col:
        return self.y.get(p, self.x[p])


def shortfall_entries(data: AllocationData) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Flat (good, scenario, need, weight) per shortfall variable, in the PuLP model's order.

    need = ℓ_s A_gs M_s/12 (units); weight = π_s w_g (objective units per unit short).
    """
    goods: list[int] = []
    scen: list[int] = []
    need: list[float] = []
    for s, sc in enumerate(data.scenarios):
        f = sc.loss * sc.months / 12.0
        for g, a in sc.affected.items():
            goods.append(g)
            scen.append(s)
            need.append(f * a)
    g_a = np.asarray(goods, dtype=np.int64)
    s_a = np.asarray(scen, dtype=np.int64)
    prob = np.asarray([sc.probability for sc in data.scenarios], dtype=float)
    w = prob[s_a] * data.shortfall_weight[g_a] if len(g_a) else np.zeros(0)
    return g_a, s_a, np.asarray(need, dtype=float), w


def build_arrays(data: AllocationData, *, relax: bool = False) -> ArrayModel:
    """The array form of ``data``'s model; ``relax`` makes every binary continuous in [0, 1]."""
    P, K = data.n_projects, len(data.stock_goods)
    # ------------------------------------------------------------ columns
    names: list[str] = []
    x: list[Col] = []
    y: dict[int, Col] = {}
    lo: list[float] = []
    hi: list[float] = []
    integ: list[bool] = []
    for p in range(P):
        x.append(Col(f"x_{p}", len(names)))
        names.append(f"x_{p}")
        lo.append(0.0)
        hi.append(1.0)
        integ.append(not relax and not bool(data.divisible[p]))
        if data.divisible[p] and data.min_fraction[p] > 0:
            y[p] = Col(f"y_{p}", len(names))
            names.append(f"y_{p}")
            lo.append(0.0)
            hi.append(1.0)
            integ.append(not relax)
    sf_g, sf_s, sf_need, sf_w = shortfall_entries(data)
    kpos = np.full(len(data.good_ids), -1, dtype=np.int64)
    kpos[data.stock_goods] = np.arange(K)
    target_q = data.target_days / 365.0 * data.annual_demand[data.stock_goods] if K else np.zeros(0)
    need_max = np.zeros(K)
    stocked = kpos[sf_g] >= 0 if len(sf_g) else np.zeros(0, dtype=bool)
    if stocked.any():
        np.maximum.at(need_max, kpos[sf_g[stocked]], sf_need[stocked])
    # same bound as the PuLP model (see build.py): off the target level to keep its row non-degenerate
    qmax = np.where(target_q > need_max, 2.0 * target_q, need_max) if K else np.zeros(0)
    q0 = len(names)
    q = [Col(f"q_{k}", q0 + k) for k in range(K)]
    names += [c.name for c in q]
    soft = [k for k in range(K) if data.target_mode == "soft" and data.target_days[k] > 0]
    u0 = len(names) + 0
    u = {k: Col(f"u_{k}", u0 + i) for i, k in enumerate(soft)}
    names += [f"u_{k}" for k in soft]
    f0 = len(names)
    F = len(sf_g)
    f = {(int(g), int(s)): Col(f"f_{g}_{s}", f0 + e) for e, (g, s) in enumerate(zip(sf_g, sf_s, strict=True))}
    names += [f"f_{g}_{s}" for g, s in zip(sf_g, sf_s, strict=True)]
    # joint pools: contributions, then draws (same names and order as build.py)
    pools = data.pools
    pc = {j: Col(f"c_{j}", len(names) + j) for j in range(len(pools))}
    names += [c.name for c in pc.values()]
    pdraw: dict[tuple[int, int], Col] = {}
    draw_hi: list[float] = []
    for j, pd_ in enumerate(pools):
        for s in pd_.draw_scenarios():
            pdraw[(j, s)] = Col(f"d_{j}_{s}", len(names))
            names.append(f"d_{j}_{s}")
            draw_hi.append(float(pd_.draw_cap[s]))
    NP = len(pools) + len(pdraw)
    n = len(names)
    col_lo = np.concatenate([np.asarray(lo, dtype=float), np.zeros(K + len(soft) + F + NP)])
    col_hi = np.concatenate(
        [
            np.asarray(hi, dtype=float),
            qmax,
            np.full(len(soft) + F, INF),
            np.array([pd_.cap for pd_ in pools], dtype=float),
            np.asarray(draw_hi, dtype=float),
        ]
    )
    integer = np.concatenate([np.asarray(integ, dtype=bool), np.zeros(K + len(soft) + F + NP, dtype=bool)])
    cost = np.zeros(n)
    xi = np.array([c.index for c in x], dtype=np.int64)
    cost[xi] = data.value
    cost[f0 : f0 + F] = -sf_w
    ci = np.array([c.index for c in pc.values()], dtype=np.int64)
    for k, col in u.items():
        cost[col.index] = -float(data.target_penalty[k])

    # ------------------------------------------------------------ rows
    rows = _Rows()
    ign = data.ignore
    qi = q0 + np.arange(K)

    def spend(
        prc: np.ndarray, sc: np.ndarray, pool: list[float] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        pn, kn = np.flatnonzero(prc), np.flatnonzero(sc)
        pv = np.asarray(pool if pool else np.zeros(0), dtype=float)
        jn = np.flatnonzero(pv)
        return np.concatenate([xi[pn], qi[kn], ci[jn]]), np.concatenate([prc[pn], sc[kn], pv[jn]])

    if data.budget_total is not None:
        B = data.budget_total
        rows.add(
            *spend(data.cost, data.stock_unit_cost, [p.unit_cost for p in pools]),
            "<=",
            B,
            _meta("budget", "budget", "<=", B, "億円", "budget_total"),
            ign,
        )
    for j, yr in enumerate(data.years):
        B = data.budget_years[yr]
        meta = _meta(f"budget_{yr}", "budget", "<=", B, "億円", "budget_year", year=yr)
        yc = [float(p.year_cost[j]) for p in pools]
        rows.add(*spend(data.cost_by_year[:, j], data.stock_year_cost[:, j], yc), "<=", B, meta, ign)
    for lim in data.limits:
        L = lim.limit
        msg = ("limit_min" if lim.sense == "min" else "limit_max") + ("_year" if L.year is not None else "")
        sense = ">=" if lim.sense == "min" else "<="
        meta = _meta(
            lim.name, "limit", sense, lim.rhs, "億円", msg, year=L.year, **limit_fields(L.group, L.value)
        )
        if L.ignore:
            rows.all_names.add(lim.name)
            rows.ignored.append(meta)
            continue
        lc = [p.limit_coef.get(lim.name, 0.0) for p in pools]
        rows.add(*spend(lim.project_coef, lim.stock_coef, lc), sense, lim.rhs, meta, ign)
    pid = data.project_ids
    nm = [(a or pid[i], b or pid[i]) for i, (a, b) in enumerate(data.project_names)]

    def oo(p: int) -> int:
        return (y.get(p) or x[p]).index

    for p, r in data.requires:
        meta = _meta(
            f"requires_{pid[p]}_{pid[r]}",
            "requires",
            "<=",
            0.0,
            "",
            "requires",
            **_pair("project", nm[p]),
            **_pair("other", nm[r]),
        )
        rows.add(np.array([oo(p), oo(r)]), np.array([1.0, -1.0]), "<=", 0.0, meta, ign)
    for p, r in data.excludes:
        meta = _meta(
            f"excludes_{pid[p]}_{pid[r]}",
            "excludes",
            "<=",
            1.0,
            "",
            "excludes",
            **_pair("project", nm[p]),
            **_pair("other", nm[r]),
        )
        rows.add(np.array([oo(p), oo(r)]), np.array([1.0, 1.0]), "<=", 1.0, meta, ign)
    for p, m in sorted(data.must.items()):
        if m == "in":
            meta = _meta(
                f"must_in_{pid[p]}",
                "must",
                ">=",
                1.0,
                "",
                "must_in",
                cost=float(data.cost[p]),
                **_pair("project", nm[p]),
            )
            rows.add(np.array([oo(p)]), np.array([1.0]), ">=", 1.0, meta, ign)
        else:
            meta = _meta(f"must_out_{pid[p]}", "must", "<=", 0.0, "", "must_out", **_pair("project", nm[p]))
            rows.add(np.array([x[p].index]), np.array([1.0]), "<=", 0.0, meta, ign)
    for p, yc in y.items():
        mf = float(data.min_fraction[p])
        meta = _meta(
            f"divisible_min_{pid[p]}",
            "divisible",
            ">=",
            0.0,
            "",
            "divisible_min",
            fraction=mf,
            **_pair("project", nm[p]),
        )
        rows.add(np.array([x[p].index, yc.index]), np.array([1.0, -mf]), ">=", 0.0, meta, ign)
        meta = _meta(
            f"divisible_on_{pid[p]}", "divisible", "<=", 0.0, "", "divisible_on", **_pair("project", nm[p])
        )
        rows.add(np.array([x[p].index, yc.index]), np.array([1.0, -1.0]), "<=", 0.0, meta, ign)
    gid = data.good_ids
    gn = [(a or gid[i], b or gid[i]) for i, (a, b) in enumerate(data.good_names)]
    if data.storage_total is not None and K:
        S = data.storage_total
        rows.add(
            qi,
            data.unit_price[data.stock_goods],
            "<=",
            S,
            _meta("storage", "storage", "<=", S, "億円", "storage_total"),
            ign,
        )
    for k, S in sorted(data.storage_by_good.items()):
        g = int(data.stock_goods[k])
        meta = _meta(f"storage_{gid[g]}", "storage", "<=", S, "億円", "storage_good", **_pair("good", gn[g]))
        rows.add(np.array([qi[k]]), np.array([float(data.unit_price[g])]), "<=", S, meta, ign)
    for k, g in enumerate(data.stock_goods):
        T = float(data.target_days[k])
        if T <= 0:
            continue
        cols, vals = [qi[k]], [365.0 / float(data.annual_demand[g])]
        if k in u:
            cols.append(u[k].index)
            vals.append(1.0)
        msg = "target_soft" if k in u else "target_hard"
        meta = _meta(f"target_{gid[g]}", "target", ">=", T, "日", msg, **_pair("good", gn[g]))
        rows.add(np.array(cols), np.array(vals), ">=", T, meta, ign)

    for (j, s), col in pdraw.items():
        a = float(pools[j].alpha[s])
        rhs = a * pools[j].allies_holding
        rows.add(
            np.array([col.index, pc[j].index]),
            np.array([1.0, -a]),
            "<=",
            rhs,
            pool_meta(data, j, s, rhs),
            ign,
        )

    # shortfall block: f_e + q_k(g) + Σ_{p→g} κ_p M_s/12 x_p + Σ_j d_js ≥ need_e, built flat
    m0 = len(rows.metas)
    ignored_sf = [e for e in range(F) if ign and _sf_name(data, sf_g, sf_s, e) in ign]
    keep = np.ones(F, dtype=bool)
    for e in ignored_sf:
        keep[e] = False
    # every shortfall row name exists (for the ignore check), whether kept or not
    if ign:
        rows.all_names |= {_sf_name(data, sf_g, sf_s, e) for e in range(F)}
    kept = np.flatnonzero(keep)
    ridx = m0 + np.arange(len(kept))
    rr = [ridx]
    cc = [f0 + kept]
    vv = [np.ones(len(kept))]
    st = kpos[sf_g[kept]] >= 0 if len(kept) else np.zeros(0, dtype=bool)
    rr.append(ridx[st])
    cc.append(qi[kpos[sf_g[kept][st]]] if st.any() else np.zeros(0, dtype=np.int64))
    vv.append(np.ones(int(st.sum())))
    months = np.array([sc.months for sc in data.scenarios], dtype=float)
    # a capacity project's entries: its good's kept rows, in row order, project by project
    # (one sort of the rows by good instead of a scan of every row per project)
    caps = np.flatnonzero((data.capacity > 0) & (data.project_good >= 0))
    kg, ks = sf_g[kept], sf_s[kept]
    by_good = np.argsort(kg, kind="stable")
    lo = np.searchsorted(kg[by_good], data.project_good[caps], side="left")
    n_hit = np.searchsorted(kg[by_good], data.project_good[caps], side="right") - lo
    cap_p = np.repeat(caps, n_hit)
    first = np.cumsum(n_hit) - n_hit  # where each project's entries start
    hit = by_good[np.arange(int(n_hit.sum())) - np.repeat(first - lo, n_hit)]
    rr.append(ridx[hit])
    cc.append(xi[cap_p])
    vv.append(data.capacity[cap_p].astype(float) * months[ks[hit]] / 12.0)
    if pdraw:
        at = {(int(g), int(s)): int(r) for g, s, r in zip(kg, ks, ridx, strict=True)}
        hits_ = [
            (at[(pools[j].good, s)], col.index) for (j, s), col in pdraw.items() if (pools[j].good, s) in at
        ]
        if hits_:
            rr.append(np.array([h[0] for h in hits_], dtype=np.int64))
            cc.append(np.array([h[1] for h in hits_], dtype=np.int64))
            vv.append(np.ones(len(hits_)))
    for e in ignored_sf:
        rows.ignored.append(_sf_meta(data, sf_g, sf_s, sf_need, e))

    unknown = sorted(ign - rows.all_names)
    if unknown:
        raise InputError(
            [
                Issue(
                    "params",
                    None,
                    "ignore",
                    nm_,
                    "no constraint has this name; use a name from the constraints list of allocate",
                )
                for nm_ in unknown
            ]
        )
    m = m0 + len(kept)
    r_all = np.concatenate(rows.r + rr) if rows.r or rr else np.zeros(0, dtype=np.int64)
    c_all = np.concatenate(rows.c + cc) if rows.c or cc else np.zeros(0, dtype=np.int64)
    v_all = np.concatenate(rows.v + vv) if rows.v or vv else np.zeros(0)
    A = sp.csr_matrix((v_all, (r_all, c_all)), shape=(m, n))
    A.sum_duplicates()
    row_lo = np.concatenate([np.asarray(rows.lo, dtype=float), sf_need[kept]])
    row_hi = np.concatenate([np.asarray(rows.hi, dtype=float), np.full(len(kept), INF)])
    return ArrayModel(
        data=data,
        relax=relax,
        cost=cost,
        col_lo=col_lo,
        col_hi=col_hi,
        integer=integer,
        col_names=names,
        A=A,
        row_lo=row_lo,
        row_hi=row_hi,
        metas=rows.metas,
        sf_good=sf_g[kept],
        sf_scen=sf_s[kept],
        sf_need=sf_need[kept],
        ignored=rows.ignored,
        all_names=rows.all_names,
        x=x,
        y=y,
        q=q,
        u=u,
        f={key: col for key, col in f.items()},
        c=pc,
        d=pdraw,
    )


def _sf_name(data: AllocationData, g: np.ndarray, s: np.ndarray, e: int) -> str:
    return _sf_label(data, int(g[e]), int(s[e]))


def _sf_label(data: AllocationData, g: int, s: int) -> str:
    return f"shortfall_{data.good_ids[g]}_{data.scenarios[s].id}"


def _good_pair(data: AllocationData, g: int) -> tuple[str, str]:
    return data.good_names[g][0] or data.good_ids[g], data.good_names[g][1] or data.good_ids[g]


def _scenario_pair(sc: Scenario) -> tuple[str, str]:
    return sc.name_ja or sc.id, sc.name_en or sc.id


def _sf_meta(data: AllocationData, g: np.ndarray, s: np.ndarray, need: np.ndarray, e: int) -> RowMeta:
    gi, si = int(g[e]), int(s[e])
    return _shortfall_meta(
        data, gi, si, float(need[e]), _good_pair(data, gi), _scenario_pair(data.scenarios[si])
    )


def _shortfall_meta(
    data: AllocationData, g: int, s: int, need: float, good: tuple[str, str], scenario: tuple[str, str]
) -> RowMeta:
    """The descriptor of good ``g``'s shortfall row in scenario ``s`` (names passed in, so the
    bulk builder looks each good and scenario up once)."""
    return _meta(
        _sf_label(data, g, s),
        "shortfall",
        ">=",
        need,
        data.good_unit[g],
        "shortfall",
        **_pair("good", good),
        **_pair("scenario", scenario),
    )


@dataclass
class ArrayBuilt:
    """The array model seen through the attributes :mod:`.explain` reads from a PuLP :class:`.build.Built`."""

    arrays: ArrayModel
    data: AllocationData
    relax: bool
    x: list[Col]
    y: dict[int, Col]
    q: list[Col]
    u: dict[int, Col]
    f: dict[tuple[int, int], Col]
    rows: dict[str, RowMeta]
    pulp_name: dict[str, str]
    ignored: list[RowMeta]
    all_names: set[str]
    prob: None = None
    c: dict[int, Col] = field(default_factory=dict)
    d: dict[tuple[int, int], Col] = field(default_factory=dict)

    def onoff(self, p: int) -> Col:
        return self.y.get(p, self.x[p])


def _shortfall_metas(model: ArrayModel) -> list[RowMeta]:
    """Every shortfall row's descriptor at once, descriptions rendered in bulk: the same
    messages :meth:`ArrayModel.meta` builds one by one, ~10× faster for a national case."""
    from prioritizer.text.catalogue import catalogue

    tja, ten = catalogue().messages["alloc.row.shortfall"]  # bare {good} and {scenario} fields
    d = model.data
    goods = [_good_pair(d, g) for g in range(len(d.good_ids))]
    scens = [_scenario_pair(sc) for sc in d.scenarios]
    out = []
    for g, s, need in zip(
        model.sf_good.tolist(), model.sf_scen.tolist(), model.sf_need.tolist(), strict=True
    ):
        good, scen = goods[g], scens[s]
        m = _shortfall_meta(d, g, s, need, good, scen)
        m.texts = (
            tja.format_map({"good": good[0], "scenario": scen[0]}),
            ten.format_map({"good": good[1], "scenario": scen[1]}),
        )
        out.append(m)
    return out


def as_built(model: ArrayModel) -> ArrayBuilt:
    rows: dict[str, RowMeta] = {}
    pname: dict[str, str] = {}
    for i, meta in enumerate([*model.metas, *_shortfall_metas(model)]):
        rows[meta.name] = meta
        pname[meta.name] = f"r{i}"
    return ArrayBuilt(
        arrays=model,
        data=model.data,
        relax=model.relax,
        x=model.x,
        y=model.y,
        q=model.q,
        u=model.u,
        f=model.f,
        rows=rows,
        pulp_name=pname,
        ignored=model.ignored,
        all_names=model.all_names,
        c=model.c,
        d=model.d,
    )
