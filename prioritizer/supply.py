"""Each good's current supply picture: annual imports, import reliance and partner shares.

One definition for the indicators' annualisation, the allocation model's affected supply
*A_gs*, the stress simulator and the studies (issue 26). Each good is read in its own
frequency, decided by its ``flows.csv`` periods (the case checks refuse a good with both):

* monthly (``YYYY-MM``): the 12 months ending at the good's latest month (fewer when its
  history is shorter; then scaled to a year by ``12 / months``); a month in that window
  without a row for the good counts as no imports;
* annual (``YYYY``): the good's latest year, as it is.

``annual_imports`` is then a year's imports in the flows' unit (億円), so it compares with
the ``goods.csv`` columns ``domestic_production`` and ``exports`` (億円 / year) in import
reliance IR = (M − X) / (P + M − X) (EC 2017, :func:`prioritizer.indicators.kernels.import_reliance`);
IR = 1 when the good has no ``domestic_production`` (all supply imported: the conservative
choice). A partner's share of the good's *supply* is its share of the good's imports in the
window times IR.

Scenario rows (``scenarios.csv``, DESIGN §7) cut supply through :meth:`Supply.cut`:

* ``good_id`` only — the good's whole supply (fraction 1);
* ``partner`` only — the partner's share of every good it supplies;
* both — the partner's share of that good's supply only.

The result is kept on the case (:meth:`Case.kept`), so allocation, stress, study and the
app compute it once per set of tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from prioritizer.errors import Issue

if TYPE_CHECKING:
    from prioritizer.case.types import Case

#: months in a year; the window of a monthly good
MONTHS = 12


@dataclass(frozen=True)
class Supply:
    """Per good with flows (``goods`` order = first appearance in flows.csv)."""

    goods: np.ndarray  # (n,) good ids (object)
    freq: np.ndarray  # (n,) "M" (months) | "A" (years)
    window: np.ndarray  # (n,) object: "YYYY-MM/YYYY-MM" or "YYYY", the periods read
    months: np.ndarray  # (n,) months the window spans (≤ 12 for a monthly good, 12 for a year)
    annual_imports: np.ndarray  # (n,) 億円 / year
    reliance: np.ndarray  # (n,) IR on 0–1; 1 where domestic production is unknown
    reliance_known: np.ndarray  # (n,) bool: IR from domestic_production (False: taken as 1)
    pair_good: np.ndarray  # (m,) index into ``goods``
    pair_partner: np.ndarray  # (m,) partner ISO3 (object)
    pair_import_share: np.ndarray  # (m,) the partner's share of the good's imports in the window

    @property
    def pair_supply_share(self) -> np.ndarray:
        """(m,) the partner's share of the good's supply: import share × IR."""
        return self.pair_import_share * self.reliance[self.pair_good]

    def index(self) -> dict[str, int]:
        return {g: i for i, g in enumerate(self.goods.tolist())}

    def shares(self) -> dict[str, dict[str, float]]:
        """partner -> good id -> the partner's share of the good's supply (positive only)."""
        out: dict[str, dict[str, float]] = {}
        share = self.pair_supply_share
        goods = self.goods[self.pair_good]
        keep = self.pair_import_share > 0
        for g, p, v in zip(
            goods[keep].tolist(), self.pair_partner[keep].tolist(), share[keep].tolist(), strict=True
        ):
            out.setdefault(p, {})[g] = v
        return out

    @cached_property
    def _shares(self) -> dict[str, dict[str, float]]:
        # one build for all of a case's scenarios (a frozen dataclass still has a __dict__ for it)
        return self.shares()

    def shares_by_index(self, gidx: dict[str, int]) -> dict[str, dict[int, float]]:
        """:meth:`shares` keyed by the caller's good index (goods not in ``gidx`` left out)."""
        out: dict[str, dict[int, float]] = {}
        share = self.pair_supply_share
        pos = pd.Index(list(gidx)).get_indexer(pd.Index(self.goods))[self.pair_good]
        keep = (pos >= 0) & (self.pair_import_share > 0)
        for g, p, v in zip(
            pos[keep].tolist(), self.pair_partner[keep].tolist(), share[keep].tolist(), strict=True
        ):
            out.setdefault(p, {})[g] = v
        return out

    def reliance_of(self, good_ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(IR, known) in ``good_ids`` order; a good without flows: IR NaN, known False."""
        pos = (
            pd.Index(self.goods).get_indexer(pd.Index(good_ids))
            if len(self.goods)
            else np.full(len(good_ids), -1)
        )
        ir = np.full(len(good_ids), np.nan)
        known = np.zeros(len(good_ids), dtype=bool)
        ok = pos >= 0
        ir[ok] = self.reliance[pos[ok]]
        known[ok] = self.reliance_known[pos[ok]]
        return ir, known

    def cut(self, good: str, partner: str) -> dict[str, float]:
        """Fraction of each good's supply a scenario naming ``good`` and/or ``partner`` acts on.

        Good only: {good: 1}. Partner only: the partner's supply share of every good it
        supplies. Both: {good: the partner's supply share of it}. Empty when the partner
        supplies nothing in the window (the caller reports it).
        """
        if good and not partner:
            return {good: 1.0}
        got = self._shares.get(partner, {}) if partner else {}
        if good:
            return {good: got[good]} if good in got else {}
        return dict(got)


def nothing_cut(row: int, sid: str, good: str, partner: str) -> Issue:
    """The error for a scenario whose partner supplies nothing it could cut (in the latest window)."""
    what = f"{good!r} " if good else ""
    return Issue(
        "scenarios.csv",
        row,
        "partner",
        partner,
        f"scenario {sid}: no imports {what}from {partner!r} in flows.csv, so nothing is cut; "
        + ("drop the partner to cut the whole good, or " if good else "")
        + "correct the partner",
    )


def _empty() -> Supply:
    e = np.zeros(0)
    o = np.zeros(0, dtype=object)
    return Supply(o, o, o, e, e, e, np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64), o, e)


@dataclass(frozen=True)
class Window:
    """Imports in each good's latest window (no goods.csv needed: the case checks use it too)."""

    goods: np.ndarray  # (n,) good ids (object), first appearance in flows
    freq: np.ndarray  # (n,) "M" | "A"
    window: np.ndarray  # (n,) labels
    months: np.ndarray  # (n,) months the window spans
    annual_imports: np.ndarray  # (n,) 億円 / year
    pair_good: np.ndarray  # (m,) index into goods
    pair_partner: np.ndarray  # (m,) partner ids (object)
    pair_import_share: np.ndarray  # (m,)

    def supplied(self) -> set[tuple[str, str]]:
        """(good id, partner) pairs with imports in the good's window."""
        keep = self.pair_import_share > 0
        return set(
            zip(self.goods[self.pair_good[keep]].tolist(), self.pair_partner[keep].tolist(), strict=True)
        )


def windows(flows: pd.DataFrame) -> Window:
    """Each good's latest 12 months or latest year of ``flows`` (good_id, partner, period, value)."""
    e, o = np.zeros(0), np.zeros(0, dtype=object)
    if len(flows) == 0:
        return Window(o, o, o, e, e, np.zeros(0, dtype=np.int64), o, e)
    # text work on the distinct labels only (a national table: 10⁶ rows, a few dozen periods)
    t, t_uni = pd.factorize(flows["period"])
    lab = pd.Index(t_uni).astype(str).str.strip()
    annual_u = np.asarray(lab.str.len() == 4, dtype=bool)
    year_u = pd.to_numeric(pd.Series(lab.str[:4]), errors="coerce").to_numpy(dtype=float)
    month_u = pd.to_numeric(pd.Series(lab.str[5:7]), errors="coerce").to_numpy(dtype=float)
    ord_u = np.where(annual_u, year_u, year_u * MONTHS + month_u - 1)  # years, or months since year 0
    g, g_uni = _codes(flows["good_id"], upper=False)
    n, T = len(g_uni), len(t_uni)
    val = np.nan_to_num(pd.to_numeric(flows["value"], errors="coerce").to_numpy(dtype=float), nan=0.0)
    p, p_uni = _codes(flows["partner"], upper=True)
    ok = (g >= 0) & (t >= 0) & (p >= 0)
    present = (np.bincount(g[ok] * T + t[ok], minlength=n * T) > 0).reshape(n, T)
    # a good is annual when all its periods are (the case checks refuse a mix; a mixed good read
    # without them keeps its monthly rows only, never adding a year to its own months)
    good_annual = ~(present & ~annual_u[None, :]).any(axis=1)
    kind = (annual_u[None, :] == good_annual[:, None]) & present & np.isfinite(ord_u)[None, :]
    last = np.where(kind, ord_u[None, :], -np.inf).max(axis=1) if T else np.full(n, -np.inf)
    first = np.where(kind, ord_u[None, :], np.inf).min(axis=1) if T else np.full(n, np.inf)
    span = np.where(good_annual, 1.0, np.minimum(MONTHS, last - first + 1))
    lo = last - span + 1
    in_window = kind & (ord_u[None, :] >= lo[:, None]) & (ord_u[None, :] <= last[:, None])  # (n, T)
    inside = ok.copy()
    inside[ok] = in_window[g[ok], t[ok]]
    total = np.bincount(g[inside], weights=val[inside], minlength=n)
    months = np.where(good_annual, float(MONTHS), span)
    with np.errstate(divide="ignore", invalid="ignore"):
        annual_imports = np.where(months > 0, total * MONTHS / months, 0.0)

    P = max(len(p_uni), 1)
    key = g[inside].astype(np.int64) * P + p[inside]
    pair, inv = np.unique(key, return_inverse=True)
    pair_value = np.bincount(inv, weights=val[inside], minlength=len(pair))
    pair_good = pair // P
    gt = total[pair_good]
    pair_share = np.divide(pair_value, gt, out=np.zeros_like(pair_value), where=gt > 0)
    window = np.array(
        [
            _label(int(last[i]), int(span[i]), bool(good_annual[i])) if np.isfinite(last[i]) else ""
            for i in range(n)
        ],
        dtype=object,
    )
    return Window(
        goods=g_uni,
        freq=np.where(good_annual, "A", "M").astype(object),
        window=window,
        months=months,
        annual_imports=annual_imports,
        pair_good=pair_good,
        pair_partner=np.asarray(p_uni, dtype=object)[pair % P] if len(p_uni) else o,
        pair_import_share=pair_share,
    )


def _codes(col: pd.Series, *, upper: bool) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of the stripped (upper-cased) labels, the text work done once per distinct label."""
    raw, uni = pd.factorize(col)
    lab = pd.Index(uni).astype(str).str.strip()
    if upper:
        lab = lab.str.upper()
    code, names = pd.factorize(lab)
    out = np.where(raw >= 0, np.append(code, -1)[raw], -1)
    return out.astype(np.int64), np.asarray(names, dtype=object)


def compute(case: Case) -> Supply:
    """The supply picture of every good with flows (no validation: the case loader's checks hold)."""
    fl = case.flows
    if fl is None or len(fl) == 0:
        return _empty()
    w = windows(fl)
    ir, known = _reliance(case, w.goods, w.annual_imports)
    return Supply(
        goods=w.goods,
        freq=w.freq,
        window=w.window,
        months=w.months,
        annual_imports=w.annual_imports,
        reliance=ir,
        reliance_known=known,
        pair_good=w.pair_good,
        pair_partner=w.pair_partner,
        pair_import_share=w.pair_import_share,
    )


def _label(last: int, span: int, annual: bool) -> str:
    if annual:
        return str(last)

    def ym(o: int) -> str:
        return f"{o // MONTHS:04d}-{o % MONTHS + 1:02d}"

    return ym(last) if span <= 1 else f"{ym(last - span + 1)}/{ym(last)}"  # an ISO 8601 interval


def _reliance(case: Case, goods: np.ndarray, annual_imports: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """IR from the goods.csv columns ``domestic_production`` / ``exports`` (億円 / year); blank
    exports count 0, blank production leaves IR unknown (taken as 1)."""
    from prioritizer.indicators.kernels import import_reliance  # here: the case checks import this module

    n = len(goods)
    g = case.goods.assign(id=case.goods["id"].astype(str).str.strip()).drop_duplicates("id").set_index("id")
    if "domestic_production" not in g.columns:
        return np.ones(n), np.zeros(n, dtype=bool)
    ids = pd.Index(goods)
    dom = pd.to_numeric(g["domestic_production"], errors="coerce").reindex(ids).to_numpy(dtype=float)
    exp = (
        np.nan_to_num(
            pd.to_numeric(g["exports"], errors="coerce").reindex(ids).to_numpy(dtype=float), nan=0.0
        )
        if "exports" in g.columns
        else np.zeros(n)
    )
    ir = import_reliance(annual_imports, dom, exp)
    known = np.isfinite(ir)
    return np.where(known, ir, 1.0), known


def of(case: Case) -> Supply:
    """:func:`compute`, kept on the case while its tables are the same."""
    return case.kept("supply", None, lambda: compute(case))
