"""Arrays for the stress kernel, built from a :class:`Case` (validation and units).

Everything is per month in the good's own unit: demand ``annual_demand / 12``; a
scenario's loss rate ``ℓ_s A_gs / 12`` with the affected supply *A_gs* exactly as the
allocation model defines it (:func:`prioritizer.allocation.data._scenarios`), both from
:meth:`prioritizer.supply.Supply.cut`: the good's demand for a good-only scenario, demand ×
the partner's share of the good's supply (import share in the good's latest 12 months or
latest year × import reliance) when a partner is named (tests/test_stress_data.py proves the
two equal);
projects' added capacity ``capacity / 12`` arriving after ``lead_months``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from prioritizer import supply
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


def _domestic_share(sup: supply.Supply, good_ids: list[str]) -> np.ndarray:
    """``1 − IR`` per good (:mod:`prioritizer.supply`); a good with unknown IR — no
    ``domestic_production`` — or without imports counts as made at home, so an input's cut
    passes through in full (the conservative choice of :mod:`prioritizer.supplychain`)."""
    ir, known = sup.reliance_of(good_ids)
    return np.where(known, 1.0 - np.nan_to_num(ir), 1.0)


def partner_shares(case: Case, gidx: dict[str, int]) -> dict[str, dict[int, float]]:
    """partner -> good index -> the partner's share of the good's supply (:mod:`prioritizer.supply`:
    its share of the good's imports in the good's latest 12 months or latest year × import reliance)."""
    return supply.of(case).shares_by_index(gidx)


def _scenario_losses(
    sc: pd.DataFrame,
    chosen: list[str],
    gidx: dict[str, int],
    annual: np.ndarray,
    sup: supply.Supply,
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
        if g and g not in gidx:
            issues.append(Issue("scenarios.csv", row, "good_id", g, f"scenario {sid}: unknown good {g!r}"))
            bad = True
        elif g or partner:
            affected = {gidx[gg]: a for gg, a in sup.cut(g, partner).items() if gg in gidx}
            if not affected:
                issues.append(supply.nothing_cut(row, sid, g, partner))
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
    sup = supply.of(case)
    meta, loss_rate = _scenario_losses(sc, chosen, gidx, annual, sup, issues)
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
        domestic_share=_domestic_share(sup, good_ids),
        partner_shares=sup.shares_by_index(gidx),
        notes=notes,
    )
