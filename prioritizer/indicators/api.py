"""Indicator API (docs/architecture.md): ``compute``, ``latest``, ``alerts``, ``INDICATOR_NAMES``.

Formulas and references: docs/methodology/indicators.md and
:mod:`prioritizer.indicators.kernels`. A model criterion may name any of
:data:`INDICATOR_NAMES`; the scoring layer reads it from :func:`latest`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from prioritizer import supplychain
from prioritizer.case.types import Case
from prioritizer.errors import InputError, Issue
from prioritizer.indicators import monitoring
from prioritizer.indicators.core import (
    DEFAULT_HOME,
    DEFAULT_MIN_MONTHS,
    PANEL_FIELDS,
    Panel,
    build_panel,
)

#: indicators a model criterion can name (columns of :func:`latest`)
INDICATOR_NAMES: tuple[str, ...] = (*PANEL_FIELDS, "propagated_dependence", "inherited_importance")
#: indicators that get month-over-month / year-over-year columns and can carry alerts
MONITORED: tuple[str, ...] = tuple(
    k for k in (*PANEL_FIELDS, "propagated_dependence") if k not in ("production", "exports")
)
#: change columns carried into the JSON ``goods`` rows (the rest are in ``compute``)
CHANGE_FIELDS: tuple[str, ...] = ("import_reliance", "hhi", "concern_share", "foreign_dependence")


@dataclass
class Analysis:
    """Everything the indicator service reports, computed once."""

    panel: Panel
    chain: supplychain.SupplyChain | None
    propagated: np.ndarray | None  # (G, T) propagated dependence
    importance: pd.Series | None  # good_id -> inherited importance

    @property
    def values(self) -> dict[str, np.ndarray]:
        v = dict(self.panel.values)
        if self.propagated is not None:
            v["propagated_dependence"] = self.propagated
        return v

    def eligible(self) -> np.ndarray:
        return self.panel.status == "ok"


def analyse(case: Case, *, min_months: int = DEFAULT_MIN_MONTHS, home: str = DEFAULT_HOME) -> Analysis:
    """Validate and compute the panel, plus supply-chain propagation when links exist.

    Input problems in flows/countries/production/exports/world supply and in links are
    collected together into one :class:`InputError`.
    """
    issues: list[Issue] = []
    panel = None
    try:
        panel = build_panel(case, min_months=min_months, home=home)
    except InputError as exc:
        issues.extend(exc.issues)
    chain = None
    try:
        chain = supplychain.from_case(case)
    except InputError as exc:
        issues.extend(exc.issues)
    if issues or panel is None:
        raise InputError(issues)
    propagated = importance = None
    if chain is not None:
        propagated = _propagate(case, panel, chain)
        # Without any importance column every product counts 1 (the input's importance is
        # then its total requirement across products); a blank cell in a given column counts 0.
        base = (
            pd.to_numeric(case.goods["importance"], errors="coerce")
            if "importance" in case.goods.columns
            else pd.Series(np.nan, index=case.goods.index)
        )
        if base.isna().all():
            base = pd.Series(1.0, index=case.goods.index)
        own = pd.Series(base.to_numpy(dtype=float), index=panel.goods)
        importance = supplychain.propagate_importance(chain, own)
    return Analysis(panel=panel, chain=chain, propagated=propagated, importance=importance)


def _propagate(case: Case, panel: Panel, chain: supplychain.SupplyChain) -> np.ndarray:
    """Propagated dependence per good × month.

    Own exposure is the good's foreign dependence from flows (carried forward over
    months without data, so a gap in an input's series does not look like relief),
    else the ``goods.foreign_dependence`` column, else 0.
    """
    T = panel.observed.shape[1]
    fd = np.where((panel.status == "ok")[:, None], panel.values["foreign_dependence"], np.nan)
    ir = np.where((panel.status == "ok")[:, None], panel.values["import_reliance"], np.nan)
    fd = pd.DataFrame(fd).ffill(axis=1).to_numpy()
    ir = pd.DataFrame(ir).ffill(axis=1).to_numpy()
    if "foreign_dependence" in case.goods.columns:
        col = pd.to_numeric(case.goods["foreign_dependence"], errors="coerce").to_numpy(dtype=float)
        fd = np.where(np.isnan(fd), col[:, None], fd)
    cols = pd.RangeIndex(T)
    own = pd.DataFrame(fd, index=panel.goods, columns=cols)
    irf = pd.DataFrame(ir, index=panel.goods, columns=cols)
    out = supplychain.propagate_exposure(chain, own, irf)
    return out.reindex(panel.goods).to_numpy(dtype=float)


# --------------------------------------------------------------------------- frames


def _long_frame(
    a: Analysis, month: int | None, cells: tuple[np.ndarray, np.ndarray] | None = None
) -> pd.DataFrame:
    """Rows of (good, period): every observed cell, one month for all goods, or the given
    observed ``cells`` (good index, period index) only."""
    p = a.panel
    values = a.values
    G, T = p.observed.shape
    changes = {}
    for k in MONITORED:
        if k in values:
            # on an annual panel the previous period is the previous year: no MoM, YoY = lag 1
            changes[f"{k}_mom"] = (
                monitoring.lag_change(values[k], 1) if p.freq == "M" else np.full(values[k].shape, np.nan)
            )
            changes[f"{k}_yoy"] = monitoring.lag_change(values[k], p.per_year)
    if cells is not None:
        gi, ti = cells
    elif month is None:
        gi, ti = np.nonzero(p.observed)
    else:
        gi = np.arange(G)
        ti = np.full(G, month)
    periods = np.asarray(p.periods, dtype=object)
    df = pd.DataFrame({"good_id": p.goods[gi], "period": periods[ti] if T else []})
    obs = p.observed[gi, ti] if T else np.zeros(len(gi), dtype=bool)
    status = p.status[gi].copy()
    if month is not None:
        status = np.where((status == "ok") & ~obs, "no_data_in_period", status)
    df["status"] = status
    ok = (status == "ok") if month is not None else np.ones(len(gi), dtype=bool)
    for k in INDICATOR_NAMES:
        if k in values:
            col = values[k][gi, ti] if T else np.zeros(0)
            df[k] = np.where(ok & obs, col, np.nan) if k != "propagated_dependence" else col
        elif k == "inherited_importance" and a.importance is not None:
            df[k] = a.importance.reindex(p.goods[gi]).to_numpy()
        else:
            df[k] = np.nan
    df["top1_partner"] = np.where(ok & obs, p.top1_partner[gi, ti], "") if T else []
    for k, arr in changes.items():
        df[k] = np.where(ok & obs, arr[gi, ti], np.nan) if T else []
    basis = p.supply_risk_basis[gi]
    df["supply_risk_basis"] = np.where(np.isnan(df["supply_risk"].to_numpy(dtype=float)), "", basis)
    df["notes"] = ["; ".join(p.notes[g]) for g in gi]
    return df


def _no_flow_rows(a: Analysis) -> pd.DataFrame:
    p = a.panel
    idx = np.flatnonzero(p.n_months == 0)
    df = pd.DataFrame({"good_id": p.goods[idx], "period": None, "status": p.status[idx]})
    for k in INDICATOR_NAMES:
        df[k] = np.nan
    if a.propagated is not None and len(idx) and a.propagated.shape[1]:
        df["propagated_dependence"] = _last_finite(a.propagated[idx])
    if a.importance is not None:
        df["inherited_importance"] = a.importance.reindex(p.goods[idx]).to_numpy()
    df["notes"] = ["; ".join(p.notes[g]) for g in idx]
    return df


def _last_finite(x: np.ndarray) -> np.ndarray:
    return (
        pd.DataFrame(x).ffill(axis=1).iloc[:, -1].to_numpy(dtype=float)
        if x.shape[1]
        else np.full(len(x), np.nan)
    )


def compute(
    case: Case,
    period: str | None = None,
    *,
    min_months: int = DEFAULT_MIN_MONTHS,
    home: str = DEFAULT_HOME,
    analysis: Analysis | None = None,
) -> pd.DataFrame:
    """Indicators per good × month (long format), with MoM/YoY change columns.

    Without ``period``: one row per good and month with flow data (goods with no
    flows get one row with ``period`` = None and status ``no_flows``). With
    ``period``: one row per good for that month (status ``no_data_in_period`` where
    the good has no flows that month). ``status`` is ``ok`` where indicators are
    reported; ``insufficient_history`` goods (fewer than ``min_months`` months of
    flows) have their rows with every indicator blank.
    """
    a = analysis or analyse(case, min_months=min_months, home=home)
    if period is not None:
        m = _month_or_error(a.panel, period)
        return _long_frame(a, m).reset_index(drop=True)
    frames = [_long_frame(a, None), _no_flow_rows(a)]
    frames = [f for f in frames if len(f)]
    if not frames:
        return _long_frame(a, None)
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    order = {g: k for k, g in enumerate(a.panel.goods)}
    df["_o"] = df["good_id"].map(order)
    df = df.sort_values(["_o", "period"], kind="mergesort", na_position="first").drop(columns="_o")
    return df.reset_index(drop=True)


def _month_or_error(panel: Panel, period: str) -> int:
    m = panel.month_index(period)
    if m is None or not panel.observed[:, m].any():
        span = f"{panel.periods[0]} … {panel.periods[-1]}" if len(panel.months) else "no months"
        raise InputError(
            [Issue("--period", None, "period", period, f"no flows in {period}; flows.csv covers {span}")]
        )
    return m


def latest(
    case: Case,
    *,
    period: str | None = None,
    min_months: int = DEFAULT_MIN_MONTHS,
    home: str = DEFAULT_HOME,
    analysis: Analysis | None = None,
) -> pd.DataFrame:
    """One row per good (index ``good_id``, goods.csv order): its latest month with flows.

    Goods without usable data keep their row with a ``status`` saying why and blank
    indicators (a model naming an indicator sees NaN there, never a value computed
    from partial data). ``propagated_dependence`` and ``inherited_importance`` are
    also given for goods without flows when the supply-chain graph supplies them.
    """
    a = analysis or analyse(case, min_months=min_months, home=home)
    p = a.panel
    if period is not None:
        df = compute(case, period, analysis=a)
        return df.set_index("good_id")
    G, T = p.observed.shape
    if T:
        last = np.where(p.observed.any(axis=1), T - 1 - np.argmax(p.observed[:, ::-1], axis=1), -1)
    else:
        last = np.full(G, -1)
    has = last >= 0
    frames = []
    if has.any():
        # only each good's last observed month (the full long frame is goods × months)
        frames.append(_long_frame(a, None, cells=(np.flatnonzero(has), last[has])))
    rest = _no_flow_rows(a)
    if len(rest):
        frames.append(rest)
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return df.set_index("good_id").reindex(p.goods).rename_axis("good_id")


def alerts(
    case: Case,
    thresholds: Mapping[str, Any] | str | None = None,
    *,
    persistence: Any = None,
    period: str | None = None,
    history: bool = False,
    replace_defaults: bool = False,
    min_months: int = DEFAULT_MIN_MONTHS,
    home: str = DEFAULT_HOME,
    analysis: Analysis | None = None,
) -> pd.DataFrame:
    """Rising-dependence alerts, sorted by severity (see :mod:`.monitoring`).

    Default: alerts at the case's latest month ("rose since last month"); ``period``
    picks another month; ``history=True`` lists alerts at every month. ``thresholds``
    override ``monitoring.DEFAULT_THRESHOLDS`` (``replace_defaults=True``: they are
    the complete set).
    Columns: good_id, name_ja, name_en, indicator, period, previous, current, change,
    threshold, severity, rises_in_window.
    """
    thr = monitoring.parse_thresholds(thresholds, MONITORED, defaults=not replace_defaults)
    pers = monitoring.parse_persistence(persistence)
    a = analysis or analyse(case, min_months=min_months, home=home)
    p = a.panel
    if not len(p.months):
        return monitoring.alerts_table(
            goods=p.goods,
            periods=[],
            values={},
            thresholds={},
            persistence=pers,
            eligible=np.zeros(len(p.goods), dtype=bool),
            names={},
            month=None,
        )
    month = None if history else (_month_or_error(p, period) if period else len(p.months) - 1)
    return monitoring.alerts_table(
        goods=p.goods,
        periods=p.periods,
        values=a.values,
        thresholds={k: v for k, v in thr.items() if k in a.values},
        persistence=pers,
        eligible=a.eligible(),
        names=_names(case),
        month=month,
    )


def _names(case: Case) -> dict[str, tuple[str, str]]:
    g = case.goods
    ja = g["name_ja"] if "name_ja" in g.columns else pd.Series([""] * len(g))
    en = g["name_en"] if "name_en" in g.columns else pd.Series([""] * len(g))
    return {
        str(i).strip(): (str(j) if pd.notna(j) else "", str(e) if pd.notna(e) else "")
        for i, j, e in zip(g["id"], ja, en, strict=True)
    }
