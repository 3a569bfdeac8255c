"""Indicator panel: every good × every calendar month, vectorised.

:func:`build_panel` validates the case tables the indicators rely on (all problems at
once, :class:`~prioritizer.errors.InputError`), turns ``flows.csv`` into integer-coded
arrays and evaluates the kernels of :mod:`prioritizer.indicators.kernels` on dense
goods × months × partners blocks. Blocks are bounded in size (``cell_budget``), so a
large panel is processed in chunks of goods with flat memory use.

Units: flows are monthly 億円; ``goods.domestic_production`` / ``goods.exports`` are
annual 億円 and are spread evenly over the months (÷ 12); ``production.csv`` /
``exports.csv`` give monthly values (``period``) or annual ones (``year``, ÷ 12).

Annual flows (``period`` = ``YYYY``, e.g. UN Comtrade annual or CEPII BACI) put the
panel on a calendar of years (``Panel.freq == "A"``): the same formulas apply per
year, annual production / exports are used as they are, monthly production rows are
summed over their year, and "the previous period" is the previous year. A case's
flows are either all monthly or all annual (one frequency per panel).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from prioritizer.case.types import Case
from prioritizer.errors import InputError, Issue
from prioritizer.indicators import kernels
from prioritizer.indicators import validate as v

#: the country code of the unattributed remainder of world supply (docs/data-format.md)
REST_OF_WORLD = "other"

#: dense cells (goods × months × partners) per block; 8 MB per float array. With 4 M cells
#: (32 MB) every temporary of the kernel was a fresh memory mapping — glibc maps blocks of
#: that size anew each time — and the national panel took 1.4–1.8 s instead of 1.1–1.3 s
DEFAULT_CELL_BUDGET = 1_000_000
#: a good needs flows in at least this many months before its indicators are reported
DEFAULT_MIN_MONTHS = 3
#: the country whose dependence is measured (its own production is "domestic")
DEFAULT_HOME = "JPN"
WORLD_SUPPLY_FILE = "world_supply.csv"

#: per-(good, month) numeric indicators, in output order
PANEL_FIELDS: tuple[str, ...] = (
    "imports",
    "production",
    "exports",
    "import_reliance",
    "n_partners",
    "hhi",
    "top1_share",
    "top3_share",
    "concern_share",
    "ally_share",
    "hhi_wgi",
    "hhi_wgi_sourcing",
    "hhi_wgi_global",
    "supply_risk",
    "foreign_dependence",
)


@dataclass
class Panel:
    """Indicators on a complete calendar: arrays are goods × months (``G × T``)."""

    goods: np.ndarray  # (G,) good ids in goods.csv order
    months: np.ndarray  # (T,) month ordinals, consecutive
    values: dict[str, np.ndarray]  # field -> (G, T) float, NaN where not computed
    observed: np.ndarray  # (G, T) bool: the good has flow rows in that month
    n_months: np.ndarray  # (G,) months with flow rows
    top1_partner: np.ndarray  # (G, T) object: partner id of the largest share ('' if none)
    status: np.ndarray  # (G,) object: ok | no_flows | insufficient_history
    notes: list[list[str]]  # per good: why some indicator is missing or approximated
    supply_risk_basis: np.ndarray  # (G,) object
    min_months: int
    home: str
    meta: dict[str, Any] = field(default_factory=dict)
    #: "M" (months) or "A" (years): the calendar ``months`` counts in
    freq: str = "M"

    @property
    def periods(self) -> list[str]:
        return [v.period_label(int(m), self.freq) for m in self.months]

    @property
    def per_year(self) -> int:
        """Periods per year: 12 on a monthly panel, 1 on an annual one."""
        return 12 if self.freq == "M" else 1

    def month_index(self, period: str) -> int | None:
        issues: list[Issue] = []
        o = v.parse_periods(pd.Series([period]), "--period", "period", issues, freq=self.freq)
        if issues:
            form = "YYYY (e.g. 2025): the flows are annual" if self.freq == "A" else "YYYY-MM (e.g. 2025-03)"
            raise InputError(
                [Issue("--period", None, "period", period, f"the period must be written {form}")]
            )
        i = int(o[0] - self.months[0]) if len(self.months) else -1
        return i if 0 <= i < len(self.months) else None


# --------------------------------------------------------------------------- inputs


def world_supply_table(case: Case) -> pd.DataFrame | None:
    """Optional ``world_supply.csv`` (good_id, country, share[, governance]) as validated by the loader.

    Only the loaded table is used — never a file read behind the loader's back — so the
    shares are validated and their digest is part of every audited Run.
    """
    df = getattr(case, "world_supply", None)
    return df if isinstance(df, pd.DataFrame) else None


def _flag(series: pd.Series) -> np.ndarray:
    """true/false column (bool, 0/1 or text) -> float 1/0, NaN when blank."""
    if series.dtype == bool:
        return series.to_numpy(dtype=float)
    s = series.astype("string").str.strip().str.lower()
    out = np.full(len(s), np.nan)
    out[s.isin(["true", "1", "1.0", "yes", "y", "t"]).fillna(False).to_numpy(dtype=bool)] = 1.0
    out[s.isin(["false", "0", "0.0", "no", "n", "f"]).fillna(False).to_numpy(dtype=bool)] = 0.0
    return out


@dataclass
class _Countries:
    ids: pd.Index
    concern: np.ndarray | None
    ally: np.ndarray | None
    risk: np.ndarray  # 0–10, NaN unknown


def _countries(case: Case, issues: list[Issue]) -> _Countries | None:
    df = case.countries
    if df is None:
        return None
    f = "countries.csv"
    miss = v.require_columns(df, f, ["iso3"])
    if miss:
        issues.extend(miss)
        return None
    ids = df["iso3"].astype(str).str.strip()
    dup = ids.duplicated(keep="first").to_numpy()
    if dup.any():
        v._rows(
            issues,
            f,
            "iso3",
            np.flatnonzero(dup),
            ids.to_numpy()[dup],
            "duplicate iso3; keep one row per country",
        )
    gov = (
        v.numeric(df, f, "governance", issues, required=False)
        if "governance" in df.columns
        else np.full(len(df), np.nan)
    )
    v.in_range(gov, f, "governance", kernels.WGI_MIN, kernels.WGI_MAX, issues, " (WGI-style mean)")
    concern = _flag(df["concern"]) if "concern" in df.columns else None
    ally = _flag(df["partner"]) if "partner" in df.columns else None
    for col, arr in (("concern", concern), ("partner", ally)):
        if arr is not None:
            blank = np.isnan(arr) & df[col].notna().to_numpy()
            if blank.any():
                v._rows(
                    issues,
                    f,
                    col,
                    np.flatnonzero(blank),
                    df[col].to_numpy()[blank],
                    f"'{col}' must be true or false",
                )
            arr[np.isnan(arr)] = 0.0  # blank flag = not flagged (the contract default)
    keep = ~dup
    return _Countries(
        ids=pd.Index(ids.to_numpy()[keep]),
        concern=None if concern is None else concern[keep],
        ally=None if ally is None else ally[keep],
        risk=kernels.scaled_governance(gov[keep]),
    )


def _goods_numeric(case: Case, column: str, lo: float, hi: float, issues: list[Issue]) -> np.ndarray:
    g = case.goods
    if column not in g.columns:
        return np.full(len(g), np.nan)
    vals = v.numeric(g, "goods.csv", column, issues, required=False)
    v.in_range(vals, "goods.csv", column, lo, hi, issues)
    return vals


def _monthly_table(
    case: Case,
    name: str,
    goods_index: pd.Index,
    months: np.ndarray,
    issues: list[Issue],
    freq: str = "M",
) -> tuple[np.ndarray, np.ndarray] | None:
    """``production.csv`` / ``exports.csv`` -> ((G, T) 億円 per period, (G,) goods covered).

    On an annual panel (``freq="A"``) a ``year`` row is the year's value and monthly
    ``period`` rows are summed over their year.
    """
    df = case.table(name)
    if df is None:
        return None
    f = f"{name}.csv"
    has_period = "period" in df.columns
    has_year = "year" in df.columns
    miss = v.require_columns(df, f, ["good_id", "value"])
    if not (has_period or has_year):
        miss.append(
            Issue(f, 1, "period", None, "add a 'period' (YYYY-MM, monthly) or 'year' (annual) column")
        )
    if miss:
        issues.extend(miss)
        return None
    n0 = len(issues)
    gid = df["good_id"].astype(str).str.strip()
    unknown = v.unknown_ids(gid, goods_index, f, "good_id", "goods.csv", issues)
    vals = v.numeric(df, f, "value", issues, required=True)
    v.non_negative(vals, f, "value", issues)
    if has_period:
        ords = v.parse_periods(df["period"], f, "period", issues)
        per_month = vals
    else:
        yrs = v.numeric(df, f, "year", issues, required=True)
        ok_year = ~np.isnan(yrs)
        ords = np.where(ok_year, np.nan_to_num(yrs).astype(np.int64) * 12, -1)
        per_month = vals if freq == "A" else vals / 12.0
    gcode = goods_index.get_indexer(gid)
    good_rows = ~unknown & (ords >= 0)
    v.series_order(
        [np.where(gcode >= 0, gcode, 0)],
        ords,
        f,
        "period" if has_period else "year",
        df["period" if has_period else "year"],
        issues,
        "good_id",
    )
    if len(issues) > n0:
        return None
    G, T = len(goods_index), len(months)
    out = np.full((G, T), np.nan)
    covered = np.zeros(G, dtype=bool)
    covered[gcode[good_rows]] = True
    if T == 0:
        return out, covered
    m0 = int(months[0])
    if freq == "A":
        years = np.where(ords >= 0, ords // 12, -1)
        t = years - m0
        inside = good_rows & (t >= 0) & (t < T)
        out[gcode[inside], t[inside]] = 0.0  # listed years start at 0, not NaN
        np.add.at(out, (gcode[inside], t[inside]), per_month[inside])
    elif has_period:
        t = ords - m0
        inside = good_rows & (t >= 0) & (t < T)
        out[gcode[inside], t[inside]] = per_month[inside]
    else:
        for k in range(12):  # an annual row fills all twelve months of its year
            t = ords + k - m0
            inside = good_rows & (t >= 0) & (t < T)
            out[gcode[inside], t[inside]] = per_month[inside]
    return out, covered


# --------------------------------------------------------------------------- panel


def build_panel(
    case: Case,
    *,
    min_months: int = DEFAULT_MIN_MONTHS,
    home: str = DEFAULT_HOME,
    cell_budget: int = DEFAULT_CELL_BUDGET,
) -> Panel:
    """Validate the inputs and compute every indicator for every good × month."""
    if min_months < 1:
        raise InputError([Issue("params", None, "min_months", min_months, "min_months must be at least 1")])
    issues: list[Issue] = []
    goods = case.goods
    gids = goods["id"].astype(str).str.strip()
    goods_index = pd.Index(gids.to_numpy())
    G = len(goods_index)
    countries = _countries(case, issues)

    eol = _goods_numeric(case, "eol_rir", 0.0, 1.0, issues)
    si = _goods_numeric(case, "substitution_index", 0.0, 1.0, issues)
    prod_col = _goods_numeric(case, "domestic_production", 0.0, np.inf, issues)
    exp_col = _goods_numeric(case, "exports", 0.0, np.inf, issues)

    flows = case.flows
    months = np.zeros(0, dtype=np.int64)
    fl: dict[str, np.ndarray] | None = None
    partner_ids: pd.Index = pd.Index([])
    freq = "M"
    if flows is not None:
        fl, partner_ids, months, freq = _flows(flows, goods_index, countries, issues)
    per_year = 12 if freq == "M" else 1
    # A minimum history in months is met by a year of annual data for every year it covers.
    min_periods = min_months if freq == "M" else -(-min_months // 12)

    world = world_supply_table(case)
    gs_hhi = np.full(G, np.nan)
    if world is not None:
        gs_hhi = _world_supply(world, goods_index, countries, issues)

    prod_tab = _monthly_table(case, "production", goods_index, months, issues, freq)
    exp_tab = _monthly_table(case, "exports", goods_index, months, issues, freq)
    if issues:
        raise InputError(issues)

    T = len(months)
    vals: dict[str, np.ndarray] = {k: np.full((G, T), np.nan) for k in PANEL_FIELDS}
    observed = np.zeros((G, T), dtype=bool)
    top1 = np.full((G, T), "", dtype=object)
    unknown_gov = np.zeros(G, dtype=bool)

    if fl is not None and T:
        conc = _concentration_panel(fl, G, T, partner_ids, countries, cell_budget)
        observed = conc.pop("observed").astype(bool)
        unknown_gov = conc.pop("unknown_gov").astype(bool)
        top_idx = conc.pop("top1_index").astype(np.int64)
        for k, arr in conc.items():
            vals[k] = arr
        pl = np.asarray(partner_ids, dtype=object)
        has = observed & (vals["imports"] > 0)
        top1[has] = pl[top_idx[has]]

    # Production / exports on the monthly grid: a table covers its goods completely
    # (months it does not list are unknown); other goods use the annual goods column ÷ 12.
    prod = np.repeat((prod_col / per_year)[:, None], T, axis=1)
    exp = np.repeat((exp_col / per_year)[:, None], T, axis=1)
    if fl is not None and T:
        for col, target in (("domestic_production", prod), ("exports", exp)):
            if col in fl:
                cells, covered = _flow_column(fl, col, G, T, issues)
                target[covered] = cells[covered]
    if issues:
        raise InputError(issues)
    if prod_tab is not None:
        prod[prod_tab[1]] = prod_tab[0][prod_tab[1]]
    if exp_tab is not None:
        exp[exp_tab[1]] = exp_tab[0][exp_tab[1]]
    # Exports blank but production known: a good nobody reported exporting is taken as
    # not exported (recorded in the notes); production blank leaves reliance unknown.
    blank_exp = np.isnan(exp) & ~np.isnan(prod)
    exports_assumed_zero = blank_exp.any(axis=1)
    exp = np.where(blank_exp, 0.0, exp)
    vals["production"] = np.where(observed, prod, np.nan)
    vals["exports"] = np.where(observed, exp, np.nan)
    ir = kernels.import_reliance(vals["imports"], prod, exp)
    vals["import_reliance"] = np.where(observed, ir, np.nan)

    home_risk = np.nan
    if countries is not None and home in countries.ids:
        home_risk = float(countries.risk[countries.ids.get_loc(home)])
    if np.isnan(home_risk):
        src = vals["hhi_wgi"].copy()
    else:
        src = kernels.sourcing_hhi_wgi(vals["hhi_wgi"], vals["imports"], prod, home_risk)
        src = np.where(np.isnan(prod), vals["hhi_wgi"], src)  # production unknown: imports only
    vals["hhi_wgi_sourcing"] = np.where(observed, src, np.nan)
    vals["hhi_wgi_global"] = np.where(observed, gs_hhi[:, None], np.nan)
    vals["supply_risk"] = np.where(
        observed,
        kernels.supply_risk(
            vals["hhi_wgi_global"],
            vals["hhi_wgi_sourcing"],
            vals["import_reliance"],
            eol[:, None],
            si[:, None],
        ),
        np.nan,
    )
    vals["foreign_dependence"] = kernels.foreign_dependence(
        vals["import_reliance"], vals["concern_share"], vals["hhi"]
    )

    n_months = observed.sum(axis=1)
    status = np.where(n_months == 0, "no_flows", "ok").astype(object)
    short = (n_months > 0) & (n_months < min_periods)
    status[short] = "insufficient_history"
    if short.any():
        for k in vals:
            vals[k][short] = np.nan
        top1[short] = ""

    notes, basis = _notes(
        G,
        countries=countries,
        prod=prod,
        observed=observed,
        exports_assumed_zero=exports_assumed_zero,
        unknown_gov=unknown_gov,
        gs_hhi=gs_hhi,
        eol=eol,
        si=si,
        home=home,
        home_risk=home_risk,
        n_months=n_months,
        min_months=min_months,
    )
    return Panel(
        goods=np.asarray(goods_index, dtype=object),
        months=months,
        values=vals,
        observed=observed,
        n_months=n_months,
        top1_partner=top1,
        status=status,
        notes=notes,
        supply_risk_basis=basis,
        min_months=min_months,
        home=home,
        meta={"world_supply": world is not None, "countries": countries is not None},
        freq=freq,
    )


def _flows(
    flows: pd.DataFrame, goods_index: pd.Index, countries: _Countries | None, issues: list[Issue]
) -> tuple[dict[str, np.ndarray] | None, pd.Index, np.ndarray, str]:
    """Integer-coded flows, partner ids, the calendar and its frequency ("M" or "A")."""
    f = "flows.csv"
    miss = v.require_columns(flows, f, ["good_id", "partner", "period", "value"])
    if miss:
        issues.extend(miss)
        return None, pd.Index([]), np.zeros(0, dtype=np.int64), "M"
    has_annual, has_other = v.period_kinds(flows["period"])
    freq = "A" if has_annual and not has_other else "M"
    if has_annual and has_other:
        annual = flows["period"].astype(str).str.strip().str.len().to_numpy() == 4
        gid = flows["good_id"].astype(str).to_numpy()
        issues.append(
            Issue(
                f,
                v.spreadsheet_row(int(np.flatnonzero(annual)[0])),
                "period",
                None,
                "the indicators need one calendar per case, but flows.csv mixes annual (YYYY) goods "
                f"({', '.join(sorted(set(gid[annual]))[:5])}) and monthly (YYYY-MM) goods "
                f"({', '.join(sorted(set(gid[~annual]))[:5])}); keep the annual and the monthly goods "
                "in separate cases",
            )
        )
        return None, pd.Index([]), np.zeros(0, dtype=np.int64), "M"
    n0 = len(issues)
    gcodes, guniq = pd.factorize(flows["good_id"])
    gmap = goods_index.get_indexer(pd.Index(guniq).astype(str).str.strip())
    # code −1 (blank) indexes the appended −1: unknown and blank ids both end up −1
    g = np.append(gmap, -1).astype(np.int32)[gcodes]
    if (g < 0).any():
        bad = np.flatnonzero(g < 0)
        v._rows(
            issues,
            f,
            "good_id",
            bad,
            flows["good_id"].to_numpy()[bad],
            "'good_id' is not listed in goods.csv; add the good there or correct the id",
        )
    pcodes, puniq = pd.factorize(flows["partner"])
    puniq = pd.Index(puniq).astype(str).str.strip()
    if countries is not None:
        partner_ids = countries.ids
        pmap = partner_ids.get_indexer(puniq)
        p = np.append(pmap, -1).astype(np.int32)[pcodes]
        if (p < 0).any():
            bad = np.flatnonzero(p < 0)
            v._rows(
                issues,
                f,
                "partner",
                bad,
                flows["partner"].to_numpy()[bad],
                "'partner' is not listed in countries.csv (iso3); add the country there or correct the code",
            )
    else:
        partner_ids = pd.Index(puniq)
        p = pcodes.astype(np.int32)
        if (p < 0).any():
            bad = np.flatnonzero(p < 0)
            v._rows(issues, f, "partner", bad, [None] * len(bad), "'partner' is blank; give an ISO3 code")
    ords = v.parse_periods(flows["period"], f, "period", issues, freq=freq)
    vals = v.numeric(flows, f, "value", issues, required=True)
    v.non_negative(vals, f, "value", issues, " (imports cannot be negative)")
    if len(issues) == n0:
        v.series_order([g, p], ords, f, "period", flows["period"], issues, "good_id and partner")
    if len(issues) > n0:
        return None, partner_ids, np.zeros(0, dtype=np.int64), freq
    if len(ords) == 0:
        return None, partner_ids, np.zeros(0, dtype=np.int64), freq
    m0, m1 = int(ords.min()), int(ords.max())
    months = np.arange(m0, m1 + 1, dtype=np.int64)
    out = {"g": g, "p": p, "t": ords - m0, "value": vals}
    # Optional per-row monthly production / exports (DESIGN §3 "tables or columns").
    for col in ("domestic_production", "exports"):
        if col in flows.columns:
            cv = v.numeric(flows, f, col, issues, required=False)
            v.non_negative(cv, f, col, issues)
            out[col] = cv
    return out, partner_ids, months, freq


def _flow_column(
    fl: dict[str, np.ndarray], col: str, G: int, T: int, issues: list[Issue]
) -> tuple[np.ndarray, np.ndarray]:
    """flows.csv ``domestic_production`` / ``exports`` column -> (G, T) monthly values.

    The value belongs to the good and month, so it is repeated on that month's partner
    rows (blank rows are ignored); differing values for one good and month are an error.
    A good with any value in the column is covered by it (months left blank: unknown).
    """
    x = fl[col]
    has = ~np.isnan(x)
    cell = fl["g"][has] * T + fl["t"][has]
    hi = np.full(G * T, -np.inf)
    lo = np.full(G * T, np.inf)
    np.maximum.at(hi, cell, x[has])
    np.minimum.at(lo, cell, x[has])
    clash = np.isfinite(hi) & (hi - lo > 1e-9 * np.maximum(1.0, np.abs(hi)))
    if clash.any():
        rows = np.flatnonzero(has)[np.isin(cell, np.flatnonzero(clash))]
        v._rows(
            issues,
            "flows.csv",
            col,
            rows,
            x[rows],
            f"'{col}' differs between rows of the same good and period; it is the good's monthly total, "
            "so give the same value on every partner row (or leave the others blank)",
        )
    out = np.where(np.isfinite(hi), hi, np.nan).reshape(G, T)
    covered = np.zeros(G, dtype=bool)
    covered[np.unique(fl["g"][has])] = True
    return out, covered


def _world_supply(
    world: pd.DataFrame, goods_index: pd.Index, countries: _Countries | None, issues: list[Issue]
) -> np.ndarray:
    """Per good: HHI_WGI of world supply (EC 2017 "global supply" term)."""
    f = WORLD_SUPPLY_FILE
    G = len(goods_index)
    out = np.full(G, np.nan)
    miss = v.require_columns(world, f, ["good_id", "country", "share"])
    if miss:
        issues.extend(miss)
        return out
    n0 = len(issues)
    gid = world["good_id"].astype(str).str.strip()
    unknown = v.unknown_ids(gid, goods_index, f, "good_id", "goods.csv", issues)
    n_share = len(issues)
    share = v.numeric(world, f, "share", issues, required=True)
    v.in_range(share, f, "share", 0.0, 1.0, issues, " (a fraction of world supply)")
    shares_readable = len(issues) == n_share
    ctry = world["country"].astype(str).str.strip()
    own_gov = (
        v.numeric(world, f, "governance", issues, required=False)
        if "governance" in world.columns
        else np.full(len(world), np.nan)
    )
    v.in_range(own_gov, f, "governance", kernels.WGI_MIN, kernels.WGI_MAX, issues)
    risk = kernels.scaled_governance(own_gov)
    if countries is not None:
        idx = countries.ids.get_indexer(ctry)
        from_c = np.where(idx >= 0, countries.risk[np.maximum(idx, 0)], np.nan)
        risk = np.where(np.isnan(risk), from_c, risk)
    # The unattributed rest of the world ("other", kept by the USGS reader rather than
    # renormalised away) has no country to score: it takes the WGI world average, 0 by the
    # construction of the WGI estimates (standard units), unless countries.csv gives "other" a score.
    rest = (ctry.to_numpy() == REST_OF_WORLD) & np.isnan(risk)
    risk = np.where(rest, kernels.scaled_governance(np.zeros(len(risk))), risk)
    no_gov = np.isnan(risk) & ~np.isnan(share)
    if no_gov.any():
        v._rows(
            issues,
            f,
            "country",
            np.flatnonzero(no_gov),
            ctry.to_numpy()[no_gov],
            "no governance score for this country: list it in countries.csv or fill the 'governance' column",
        )
    dup = (gid + "\x00" + ctry).duplicated().to_numpy()
    if dup.any():
        v._rows(
            issues,
            f,
            "country",
            np.flatnonzero(dup),
            ctry.to_numpy()[dup],
            "duplicate good_id/country row; keep one share per country",
        )
    if shares_readable:
        v.shares_add_up(world, share, f, "good_id", issues)
    if len(issues) > n0:
        return out
    gcode = goods_index.get_indexer(gid)
    ok = ~unknown
    out[gcode[ok]] = 0.0  # goods with a world-supply table start at 0
    np.add.at(out, gcode[ok], share[ok] ** 2 * risk[ok])
    return out


def _concentration_panel(
    fl: dict[str, np.ndarray],
    G: int,
    T: int,
    partner_ids: pd.Index,
    countries: _Countries | None,
    cell_budget: int,
) -> dict[str, np.ndarray]:
    """Dense goods × months × partners blocks through :func:`kernels.concentration`."""
    P = max(len(partner_ids), 1)
    g, t, p, val = fl["g"], fl["t"], fl["p"], fl["value"]
    concern = countries.concern if countries is not None else None
    ally = countries.ally if countries is not None else None
    risk = countries.risk if countries is not None else None

    # Only goods that have flows get dense blocks (compact index).
    active = np.unique(g)
    compact = np.full(G, -1, dtype=np.int64)
    compact[active] = np.arange(len(active))
    gc = compact[g]
    ga = len(active)
    observed = np.zeros((G, T), dtype=bool)
    observed[active] = np.bincount(gc * T + t, minlength=ga * T).reshape(ga, T) > 0

    keys = (
        "imports",
        "n_partners",
        "hhi",
        "top1_share",
        "top3_share",
        "concern_share",
        "ally_share",
        "hhi_wgi",
    )
    out = {k: np.full((G, T), np.nan) for k in keys}
    out["top1_index"] = np.zeros((G, T), dtype=np.int64)
    out["unknown_gov"] = np.zeros(G, dtype=bool)
    per_good = T * P
    step = max(1, cell_budget // per_good)
    sorted_rows = bool(np.all(gc[1:] >= gc[:-1])) if len(gc) > 1 else True
    for a in range(0, ga, step):
        b = min(ga, a + step)
        if sorted_rows:
            lo, hi = np.searchsorted(gc, [a, b])
            sel = slice(lo, hi)
        else:
            sel = np.flatnonzero((gc >= a) & (gc < b))
        flat = ((gc[sel] - a) * T + t[sel]) * P + p[sel]
        block = np.bincount(flat, weights=val[sel], minlength=(b - a) * per_good).reshape(b - a, T, P)
        res = kernels.concentration(block, concern, ally, risk)
        rows = active[a:b]
        for k in keys:
            out[k][rows] = res[k]
        out["top1_index"][rows] = res["top1_index"]
        if risk is not None and np.isnan(risk).any():
            out["unknown_gov"][rows] = np.isnan(res["hhi_wgi"]).any(axis=1) & (res["imports"] > 0).any(axis=1)
    for k in keys:
        out[k] = np.where(observed, out[k], np.nan)
    out["observed"] = observed
    return out


def _notes(
    G: int,
    *,
    countries: _Countries | None,
    prod: np.ndarray,
    observed: np.ndarray,
    exports_assumed_zero: np.ndarray,
    unknown_gov: np.ndarray,
    gs_hhi: np.ndarray,
    eol: np.ndarray,
    si: np.ndarray,
    home: str,
    home_risk: float,
    n_months: np.ndarray,
    min_months: int,
) -> tuple[list[list[str]], np.ndarray]:
    """Per good: plain statements of what could not be computed, and the SR basis."""
    notes: list[list[str]] = [[] for _ in range(G)]
    basis = np.full(G, "", dtype=object)
    prod_known = (~np.isnan(prod) | ~observed).all(axis=1) if prod.size else np.zeros(G, dtype=bool)
    prod_any = (~np.isnan(prod) & observed).any(axis=1) if prod.size else np.zeros(G, dtype=bool)
    for i in range(G):
        n = notes[i]
        if n_months[i] == 0:
            n.append("no flows: no import data for this good in flows.csv")
            continue
        if n_months[i] < min_months:
            n.append(f"insufficient history: flows in {n_months[i]} month(s), at least {min_months} needed")
            continue
        if not prod_any[i]:
            n.append(
                "import_reliance, foreign_dependence: no domestic production given (goods.domestic_production, flows.csv domestic_production or production.csv)"
            )
        elif not prod_known[i]:
            n.append("import_reliance: production missing for some months (left blank there)")
        if exports_assumed_zero[i]:
            n.append("exports not given: taken as 0")
        if countries is None:
            n.append("concern_share, ally_share, hhi_wgi, supply_risk, foreign_dependence: no countries.csv")
        elif unknown_gov[i]:
            n.append("hhi_wgi, supply_risk: governance missing for a supplying partner")
        parts = []
        if np.isnan(gs_hhi[i]):
            parts.append("sourcing only (no world_supply.csv row: global term taken equal to sourcing)")
        else:
            parts.append("global+sourcing")
        if np.isnan(home_risk):
            parts.append(f"imports only in sourcing ({home} not in countries.csv)")
        elif not prod_any[i]:
            parts.append("imports only in sourcing (no domestic production)")
        parts.append("EoL-RIR" if not np.isnan(eol[i]) else "no EoL-RIR (factor 1)")
        parts.append("SI" if not np.isnan(si[i]) else "no substitution index (factor 1)")
        basis[i] = "; ".join(parts)
    return notes, basis
