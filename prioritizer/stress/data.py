"""Arrays for the stress kernel, built from a :class:`Case` (validation and units).

Everything is per month in the good's own unit: demand ``annual_demand / 12``; a
scenario's loss rate ``ℓ_s A_gs / 12`` with the affected supply *A_gs* exactly as the
allocation model defines it (:func:`prioritizer.allocation.data._scenarios`: the good's demand
for a good-based scenario, demand × the partner's import share × import reliance for a
partner-based one), computed here with group sums so a national case takes well under a
second (tests/test_stress_data.py proves the two equal);
projects' added capacity ``capacity / 12`` arriving after ``lead_months``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from prioritizer.case.types import Case
from prioritizer.errors import InputError, Issue


@dataclass
class StressData:
    good_ids: list[str]
    good_names: list[tuple[str, str]]
    units: list[str]
    demand: np.ndarray  # (G,) units / month (0 = unknown)
    unit_price: np.ndarray  # (G,) 億円 / unit (nan = unknown)
    scenario_ids: list[str]
    scenario_names: list[tuple[str, str]]
    probability: np.ndarray  # (S,)
    loss: np.ndarray  # (S,) ℓ_s
    duration: np.ndarray  # (S,) months M_s
    loss_rate: np.ndarray  # (S, G) ℓ_s A_gs / 12, units / month
    project_ids: list[str]
    project_good: np.ndarray  # (P,) good index or −1
    project_capacity: np.ndarray  # (P,) units / year
    lead_months: np.ndarray  # (P,) months (0 = at once)
    links: sp.csr_matrix | None  # (G, G): links[p, i] = a_pi
    levels: list[np.ndarray]
    domestic_share: np.ndarray  # (G,) 1 − import reliance
    partner_shares: dict[str, dict[int, float]]  # partner -> good index -> share of supply
    notes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def gidx(self) -> dict[str, int]:
        return {g: i for i, g in enumerate(self.good_ids)}

    @property
    def sidx(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(self.scenario_ids)}

    def capacity_by_month(self, funded: np.ndarray, horizon: int) -> np.ndarray:
        """``K_gt = Σ_p κ_p x_p / 12 · clip(t − lead_p, 0, 1)`` (G, T): capacity arrives after its lead time."""
        G = len(self.good_ids)
        t = np.arange(1, horizon + 1, dtype=float)
        arrive = np.clip(t[None, :] - self.lead_months[:, None], 0.0, 1.0)  # (P, T)
        per = (self.project_capacity * funded / 12.0)[:, None] * arrive
        out = np.zeros((G, horizon))
        ok = self.project_good >= 0
        np.add.at(out, self.project_good[ok], per[ok])
        return out


def _s(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v).strip()


def _num(df: pd.DataFrame | None, col: str, default: float = math.nan) -> np.ndarray:
    if df is None or len(df) == 0:
        return np.zeros(0)
    if col not in df.columns:
        return np.full(len(df), default)
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)


@dataclass
class _Imports:
    """Imports over the latest 12 periods, summed by good and by (good, partner) with integer codes."""

    goods: np.ndarray  # (n,) good ids (object)
    total: np.ndarray  # (n,) imports of each good, 億円 over the periods
    pair_good: np.ndarray  # (m,) index into goods
    pair_partner: np.ndarray  # (m,) partner ids (object)
    pair_value: np.ndarray  # (m,)
    periods: int


def _imports(case: Case) -> _Imports | None:
    fl = case.flows
    if fl is None or len(fl) == 0:
        return None
    g_codes, g_uni = pd.factorize(fl["good_id"].astype(str))
    p_codes, p_uni = pd.factorize(fl["partner"].astype(str))
    t_codes, t_uni = pd.factorize(fl["period"].astype(str))
    last = np.argsort(np.asarray(t_uni, dtype=object))[-12:]  # the latest 12 periods (YYYY-MM sorts as text)
    mask = np.isin(t_codes, last)
    val = np.nan_to_num(pd.to_numeric(fl["value"], errors="coerce").to_numpy(dtype=float), nan=0.0)[mask]
    g, p = g_codes[mask], p_codes[mask]
    total = np.bincount(g, weights=val, minlength=len(g_uni))
    pair, inv = np.unique(g.astype(np.int64) * len(p_uni) + p, return_inverse=True)
    return _Imports(
        goods=np.asarray(g_uni, dtype=object),
        total=total,
        pair_good=pair // len(p_uni),
        pair_partner=np.asarray(p_uni, dtype=object)[pair % len(p_uni)],
        pair_value=np.bincount(inv, weights=val, minlength=len(pair)),
        periods=len(last),
    )


def _reliance(case: Case, imp: _Imports) -> tuple[np.ndarray, np.ndarray]:
    """(import reliance per imported good, whether D is known).

    One definition for the whole product: :func:`prioritizer.indicators.kernels.import_reliance`,
    IR = (M − X) / (P + M − X) (EC 2017), as the allocation's partner shares use it; 1 (all supply
    imported, conservative) when domestic production is unknown.
    """
    from prioritizer.indicators.kernels import import_reliance

    annual = imp.total * 12.0 / max(imp.periods, 1)
    goods = case.goods.assign(id=case.goods["id"].astype(str)).drop_duplicates("id").set_index("id")
    n = len(imp.goods)
    if "domestic_production" not in goods.columns:
        return np.ones(n), np.zeros(n, dtype=bool)
    ids = pd.Index(imp.goods)
    dom = pd.to_numeric(goods["domestic_production"], errors="coerce").reindex(ids).to_numpy(dtype=float)
    exp = (
        np.nan_to_num(
            pd.to_numeric(goods["exports"], errors="coerce").reindex(ids).to_numpy(dtype=float), nan=0.0
        )
        if "exports" in goods.columns
        else np.zeros(n)
    )
    ir = import_reliance(annual, dom, exp)
    known = np.isfinite(ir)
    return np.where(known, ir, 1.0), known


def _domestic_share(case: Case, good_ids: list[str], imp: _Imports | None) -> np.ndarray:
    """``1 − IR`` per good (allocation's IR over the latest 12 periods); a good with unknown IR —
    no ``domestic_production`` — counts as made at home, so an input's cut passes through in full
    (the conservative choice of :mod:`prioritizer.supplychain`)."""
    out = np.ones(len(good_ids))
    if imp is None:
        return out
    ir, known = _reliance(case, imp)
    pos = pd.Index(good_ids).get_indexer(pd.Index(imp.goods))
    ok = (pos >= 0) & known
    out[pos[ok]] = 1.0 - ir[ok]
    # goods with domestic production but no imports in the window: IR = 0 → share 1 (already)
    return out


def partner_shares(
    case: Case, gidx: dict[str, int], imp: _Imports | None = None
) -> dict[str, dict[int, float]]:
    """partner -> good index -> share of the good's supply from that partner (vectorised).

    The allocation model's definition (:func:`prioritizer.allocation.data._partner_shares`,
    docs/methodology/allocation.md §2 *A_gs*): the partner's imports over all imports in the
    latest 12 periods, times import reliance ``(M − X) / (P + M − X)``. Computed with integer codes and
    ``bincount`` instead of a loop over goods, so a national case (10,000 goods, 10⁶ flow rows)
    takes a fraction of a second; tests/test_stress_data.py checks it equals the allocation's.
    """
    imp = imp if imp is not None else _imports(case)
    if imp is None:
        return {}
    ir, _ = _reliance(case, imp)
    tot = imp.total[imp.pair_good]
    keep = tot > 0
    share = np.divide(imp.pair_value, tot, out=np.zeros_like(tot), where=keep) * ir[imp.pair_good]
    gpos = pd.Index(list(gidx)).get_indexer(pd.Index(imp.goods))[imp.pair_good]
    keep &= gpos >= 0
    out: dict[str, dict[int, float]] = {}
    for g, p, v in zip(
        gpos[keep].tolist(), imp.pair_partner[keep].tolist(), share[keep].tolist(), strict=True
    ):
        out.setdefault(p, {})[g] = v
    return out


def _scenario_losses(
    sc: pd.DataFrame,
    chosen: list[str],
    gidx: dict[str, int],
    annual: np.ndarray,
    shares: dict[str, dict[int, float]],
    issues: list[Issue],
) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Scenario rows in ``chosen`` order and their loss rates ``ℓ_s A_gs / 12`` (S, G).

    The same checks as the allocation model's scenario reader: probability and loss on 0–1,
    months > 0, a known good or a partner with imports, and a positive annual demand for
    every good a scenario cuts.
    """
    ids = [_s(v) for v in sc["id"]]
    row_of = {s: i for i, s in enumerate(ids)}

    def col(name: str, default: Any) -> list[Any]:
        return list(sc[name]) if name in sc.columns else [default] * len(sc)

    c = {n: col(n, d) for n, d in (("probability", math.nan), ("loss", math.nan), ("months", math.nan))}
    c.update({n: [_s(v) for v in col(n, "")] for n in ("good_id", "partner", "name_ja", "name_en")})
    G = len(gidx)
    good_names = list(gidx)
    meta: list[dict[str, Any]] = []
    rates: list[np.ndarray] = []
    for sid in chosen:
        i = row_of[sid]
        row = i + 2
        f = {k: float(pd.to_numeric(c[k][i], errors="coerce")) for k in ("probability", "loss", "months")}
        bad = False
        for k, ok, msg in (
            ("probability", 0 <= f["probability"] <= 1, "probability must be between 0 and 1"),
            ("loss", 0 <= f["loss"] <= 1, "loss is the fraction of supply lost, between 0 and 1"),
            ("months", f["months"] > 0, "months must be > 0"),
        ):
            if not ok:
                issues.append(Issue("scenarios.csv", row, k, None if math.isnan(f[k]) else f[k], msg))
                bad = True
        affected: dict[int, float] = {}
        g, partner = c["good_id"][i], c["partner"][i]
        if g:
            if g not in gidx:
                issues.append(
                    Issue("scenarios.csv", row, "good_id", g, f"scenario {sid}: unknown good {g!r}")
                )
                bad = True
            else:
                affected[gidx[g]] = 1.0
        elif partner:
            affected = dict(shares.get(partner, {}))
            if not affected:
                issues.append(
                    Issue(
                        "scenarios.csv",
                        row,
                        "partner",
                        partner,
                        f"scenario {sid}: no imports from {partner!r} in flows.csv, so nothing is cut",
                    )
                )
                bad = True
        else:
            issues.append(
                Issue("scenarios.csv", row, "good_id", None, f"scenario {sid}: give good_id or partner")
            )
            bad = True
        r = np.zeros(G)
        for gi, a in affected.items():
            d = annual[gi]
            if not (math.isfinite(d) and d > 0):
                issues.append(
                    Issue(
                        "goods.csv",
                        gi + 2,
                        "annual_demand",
                        None,
                        f"scenario {sid} cuts good {good_names[gi]}, which needs a positive annual_demand",
                    )
                )
                bad = True
            elif not bad:
                r[gi] = f["loss"] * a * d / 12.0
        meta.append({"id": sid, "name_ja": c["name_ja"][i], "name_en": c["name_en"][i], **f})
        rates.append(r)
    return meta, (np.vstack(rates) if rates else np.zeros((0, G)))


def _links(case: Case, gidx: dict[str, int]) -> tuple[sp.csr_matrix | None, list[np.ndarray]]:
    from prioritizer.supplychain import from_case

    sc = from_case(case)
    G = len(gidx)
    if sc is None or sc.graph.number_of_edges() == 0:
        return None, [np.arange(G)]
    rows, cols, vals = [], [], []
    for u, v, d in sc.graph.edges(data=True):
        rows.append(gidx[v])
        cols.append(gidx[u])
        vals.append(float(d["intensity"]))
    A = sp.csr_matrix((vals, (rows, cols)), shape=(G, G))
    # level = longest path from a raw material; inputs are always on a lower level
    level = np.zeros(G, dtype=int)
    for n in sc.order:
        preds = list(sc.graph.predecessors(n))
        if preds:
            level[gidx[n]] = 1 + max(level[gidx[p]] for p in preds)
    return A, [np.flatnonzero(level == k) for k in range(int(level.max()) + 1)]


def build(case: Case, scenarios: list[str] | None = None) -> StressData:
    """Validate what the simulator needs and return its arrays; every problem at once.

    ``scenarios``: ids to keep (None = every scenario of the case). An unknown id is an
    error naming it and listing the known ones.
    """
    issues: list[Issue] = []
    goods = case.goods
    good_ids = [_s(v) for v in goods["id"]]
    gidx = {g: i for i, g in enumerate(good_ids)}
    G = len(good_ids)
    names = list(
        zip(
            [_s(v) for v in goods.get("name_ja", pd.Series([""] * G))],
            [_s(v) for v in goods.get("name_en", pd.Series([""] * G))],
            strict=True,
        )
    )
    units = [_s(v) or "unit" for v in goods.get("unit", pd.Series([""] * G))]
    annual = _num(goods, "annual_demand")
    price = _num(goods, "unit_price")
    sc = case.scenarios
    known = [] if sc is None else [_s(v) for v in sc["id"]]
    if scenarios is not None:
        for s in scenarios:
            if s not in known:
                issues.append(
                    Issue(
                        "scenarios.csv",
                        None,
                        "id",
                        s,
                        f"unknown scenario {s!r}; known: {', '.join(known) or '(the case has no scenarios.csv)'}",
                    )
                )
    if not known:
        issues.append(Issue("scenarios.csv", None, None, None, "the case has no scenarios to play out"))
    if issues:
        raise InputError(issues)
    chosen = list(scenarios) if scenarios is not None else known
    imp = _imports(case)
    shares = partner_shares(case, gidx, imp)
    meta, loss_rate = _scenario_losses(sc, chosen, gidx, annual, shares, issues)
    if issues:
        raise InputError(issues)
    pr = case.projects
    P = 0 if pr is None else len(pr)
    pids = [] if pr is None else [_s(v) for v in pr["id"]]
    pgood = np.array(
        [gidx.get(_s(v), -1) for v in (pr["good_id"] if P and "good_id" in pr else [])], dtype=int
    )
    if len(pgood) != P:
        pgood = np.full(P, -1)
    capacity = np.nan_to_num(_num(pr, "capacity", 0.0), nan=0.0) if P else np.zeros(0)
    lead = _num(pr, "lead_months", math.nan) if P else np.zeros(0)
    for i in np.flatnonzero(lead < 0):
        issues.append(
            Issue(
                "projects.csv",
                int(i) + 2,
                "lead_months",
                float(lead[i]),
                f"project {pids[i]}: lead_months must be ≥ 0 (months before the capacity arrives; blank = at once)",
            )
        )
    if issues:
        raise InputError(issues)
    lead = np.nan_to_num(lead, nan=0.0)
    A, levels = _links(case, gidx)
    has_inputs = np.diff(A.indptr) > 0 if A is not None else np.zeros(G, dtype=bool)
    no_demand = ~(np.nan_to_num(annual, nan=0.0) > 0)
    notes = [
        {"kind": "stress_no_demand", "good_id": good_ids[g]} for g in np.flatnonzero(has_inputs & no_demand)
    ]
    return StressData(
        good_ids=good_ids,
        good_names=names,
        units=units,
        demand=np.nan_to_num(annual, nan=0.0) / 12.0,
        unit_price=price,
        scenario_ids=[m["id"] for m in meta],
        scenario_names=[(m["name_ja"], m["name_en"]) for m in meta],
        probability=np.array([m["probability"] for m in meta], dtype=float),
        loss=np.array([m["loss"] for m in meta], dtype=float),
        duration=np.array([m["months"] for m in meta], dtype=float),
        loss_rate=loss_rate,
        project_ids=pids,
        project_good=pgood,
        project_capacity=capacity,
        lead_months=lead,
        links=A,
        levels=levels,
        domestic_share=_domestic_share(case, good_ids, imp),
        partner_shares=shares,
        notes=notes,
    )
