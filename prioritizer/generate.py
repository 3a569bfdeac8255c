"""Synthetic cases of any size, reproducible by seed (``prioritizer generate``).

The generator writes a complete case folder in the format of DESIGN §3 and the
extra columns of ``docs/architecture.md``: goods, countries, monthly flows, projects
(with per-year costs), scenarios, supply-chain links and a consistent ``policy.yaml``.
It is meant for benchmarks, load tests and demonstrations — every row says so in its
``source`` column — never as data about real goods or countries.

Distributions (``docs/generator.md`` gives the parameters and the reasons):

* **Correlated criteria** through a Gaussian copula: eight latent standard normals
  per good with the correlation matrix :data:`LATENT_CORR`, mapped to their marginals
  by the probability integral transform ``u = Φ(z)``, ``x = F⁻¹(u)`` (Nelsen, *An
  Introduction to Copulas*, 2nd ed., 2006, §2.3 and §3.1). Import reliance, the tilt
  towards countries of concern and supplier concentration go together; domestic
  capability (indispensability) and substitutability go against them.
* **Skewed supplier shares**: each good draws 3–25 suppliers without replacement by
  the Gumbel-top-k trick (Kool, van Hoof & Welling, ICML 2019) from country weights
  that are Zipf-like in country size (``w ∝ rank^-1.1``) and tilted towards countries
  of concern by the good's latent tilt; shares then fall off with supplier rank as
  ``rank^-s`` (Zipf, exponent ``s`` from the latent concentration) times Gamma noise.
  Some goods are therefore dominated by one country.
* **Foreign dependence and autonomy follow from the flows**: with the EC (2017) import
  reliance ``IR = (M − X) / (D + M − X)`` over the latest 12 months (domestic
  production ``D`` and exports ``X`` are set so that IR hits the good's latent target),
  ``foreign_dependence = IR × (c + (1 − c) × HHI)`` (``c`` the concern-country share,
  the definition of :func:`prioritizer.indicators.kernels.foreign_dependence`) and
  ``autonomy = (1 − IR) + IR × partner share`` — so the two are negatively correlated
  by construction and agree with what the indicators compute from the flows.
* **Monthly flows** with a per-good growth trend, mild seasonality, per-partner drift
  of shares, intermittent small suppliers and, for about one good in ten that buys
  from a country of concern, a concern share that rises over the horizon.
* **Costs** lognormal in 億円; projects' costs spread over three budget years after
  the last flow month (``cost_<year>``), some divisible with a minimum fraction.
* **Sparse requires / excludes** only between projects of the same good: a project
  requires only earlier projects (so ``requires`` is acyclic) and exclusions join
  only projects with no requirement in or out (so no contradiction can arise).
* **Links** form a DAG: each good has a tier (0 raw material … 3 product) and a
  product only takes inputs from strictly lower tiers; popular inputs are Zipf-like.
* **Scenarios** cut a good or a partner country; partner scenarios only name
  countries that supplied something in the latest 12 months.
* **Countries** carry ISO 3166-1 *user-assigned* alpha-3 codes (``XAA``–``XZZ``, then
  ``QMA``–``QZZ``), so no real country is ever labelled as a country of concern.

Each table draws from its own child of ``numpy.random.SeedSequence(seed)``, so the
same arguments always give byte-identical files, and changing e.g. ``--projects``
leaves the goods, countries and flows unchanged.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml
from scipy.special import betaincinv, ndtr

from prioritizer.errors import InputError, Issue

if TYPE_CHECKING:
    from prioritizer.case.types import Case

GENERATOR = "prioritizer generate"
#: every table written by the generator, in writing order
CASE_FILES: tuple[str, ...] = (
    "goods.csv",
    "countries.csv",
    "flows.csv",
    "projects.csv",
    "scenarios.csv",
    "links.csv",
    "policy.yaml",
)

SECTORS = np.array(["computing", "cleantech", "biotech", "other"])
SECTOR_P = np.array([0.30, 0.30, 0.15, 0.25])
#: ministries by sector (probabilities in the same order as MINISTRIES)
MINISTRIES = np.array(["METI", "MOE", "MHLW", "MAFF", "MLIT", "MIC", "MEXT"])
MINISTRY_P = {
    "computing": [0.75, 0.0, 0.0, 0.0, 0.0, 0.25, 0.0],
    "cleantech": [0.70, 0.20, 0.0, 0.0, 0.10, 0.0, 0.0],
    "biotech": [0.15, 0.0, 0.55, 0.25, 0.0, 0.0, 0.05],
    "other": [0.45, 0.05, 0.05, 0.05, 0.20, 0.05, 0.15],
}
INSTRUMENTS = np.array(["subsidy", "loan", "rnd", "stockpile", "tax", "procurement", "state_commissioned"])
INSTRUMENT_P = np.array([0.34, 0.10, 0.20, 0.10, 0.05, 0.10, 0.11])
INSTRUMENT_JA = {
    "subsidy": "設備投資補助",
    "loan": "政策融資",
    "rnd": "研究開発支援",
    "stockpile": "備蓄",
    "tax": "税制措置",
    "procurement": "政府調達",
    "state_commissioned": "国による委託",
}
INSTRUMENT_EN = {
    "subsidy": "capital subsidy",
    "loan": "policy loan",
    "rnd": "R&D support",
    "stockpile": "stockpiling",
    "tax": "tax measure",
    "procurement": "public procurement",
    "state_commissioned": "state-commissioned work",
}
#: instruments that add supply capacity (units / year)
CAPACITY_INSTRUMENTS = ("subsidy", "loan", "procurement", "state_commissioned")

#: latent variables of the Gaussian copula, in matrix order
LATENT = (
    "reliance",  # import reliance target
    "concern_tilt",  # preference for suppliers that are countries of concern
    "concentration",  # Zipf exponent of supplier shares
    "indispensability",
    "importance",
    "substitutability",
    "consumption",  # annual apparent consumption, 億円
    "securing_cost",
)
#: correlation of the latent normals (symmetric, positive definite; checked at import)
LATENT_CORR = np.eye(len(LATENT))
for (_a, _b), _r in {
    ("reliance", "concern_tilt"): 0.35,
    ("reliance", "concentration"): 0.20,
    ("concern_tilt", "concentration"): 0.40,
    ("reliance", "indispensability"): -0.40,
    ("concern_tilt", "indispensability"): -0.20,
    ("reliance", "importance"): 0.20,
    ("concern_tilt", "importance"): 0.25,
    ("indispensability", "importance"): 0.20,
    ("reliance", "substitutability"): -0.30,
    ("concern_tilt", "substitutability"): -0.35,
    ("concentration", "substitutability"): -0.30,
    ("importance", "consumption"): 0.30,
    ("consumption", "securing_cost"): 0.60,
    ("importance", "securing_cost"): 0.20,
}.items():
    _i, _j = LATENT.index(_a), LATENT.index(_b)
    LATENT_CORR[_i, _j] = LATENT_CORR[_j, _i] = _r
_LATENT_CHOL = np.linalg.cholesky(LATENT_CORR)  # raises if not positive definite

#: most partners a good buys from, and the fewest (when that many countries exist)
MAX_SUPPLIERS = 25
MIN_SUPPLIERS = 3
#: goods processed together in the flows kernel (bounds memory to ~block × partners)
FLOW_BLOCK = 2048
#: planning years after the last flow month with per-year costs and budgets
BUDGET_YEARS = 3
#: budget as a share of the total cost of all projects
BUDGET_SHARE = 0.55
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_USER_CODES = tuple(
    f"X{a}{b}" for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
) + tuple(f"Q{a}{b}" for a in "MNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
MAX_PARTNERS = len(_USER_CODES)


def source_label(seed: int) -> str:
    return f"synthetic ({GENERATOR}, seed {seed})"


@dataclass
class SyntheticCase:
    """An in-memory synthetic case (the frames are exactly what ``write`` puts on disk).

    ``flows`` uses categorical ``good_id`` / ``partner`` / ``period`` columns to keep
    millions of rows cheap; :meth:`to_case` gives a :class:`~prioritizer.case.types.Case`
    without going through files (benchmarks of kernels that skip loading).
    """

    goods: pd.DataFrame
    countries: pd.DataFrame | None
    flows: pd.DataFrame | None
    projects: pd.DataFrame | None
    scenarios: pd.DataFrame | None
    links: pd.DataFrame | None
    policy: dict[str, Any]
    seed: int
    params: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {"goods": self.goods}
        for name in ("countries", "flows", "projects", "scenarios", "links"):
            df = getattr(self, name)
            if df is not None:
                out[name] = df
        return out

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.tables().items()}

    def to_case(self, root: str | Path = "synthetic") -> Case:
        """The :class:`Case` that ``load_case`` returns for the written files, built without files.

        Columns follow the schemas (absent optional columns get their documented
        default; ``requires`` / ``excludes`` become lists; projects' blank sector and
        domain take the good's), so kernels can be benchmarked on millions of rows
        without paying for CSV parsing. ``files`` stays empty (no digests).
        """
        from prioritizer.case.policy import Policy
        from prioritizer.case.types import Case

        frames = {name: _typed(name, df) for name, df in self.tables().items()}
        p = frames.get("projects")
        if p is not None:
            by_good = frames["goods"].set_index("id")
            for col in ("sector", "domain"):
                fill = p["good_id"].map(by_good[col]).fillna("other" if col == "sector" else "")
                p[col] = p[col].where(p[col] != "", fill).astype("str")
        policy = Policy.model_validate(self.policy)
        return Case(root=Path(root), policy=policy, **frames)  # type: ignore[arg-type]


def _typed(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the loader's columns, order and dtypes (prioritizer/case/types.py)."""
    from prioritizer.case.schemas import SCHEMAS

    out: dict[str, Any] = {}
    n = len(df)
    for spec in SCHEMAS[table].columns:
        if spec.kind == "year":
            continue
        present = spec.name in df.columns
        col = df[spec.name] if present else None
        if spec.kind == "float":
            arr = col.to_numpy(dtype=float) if col is not None else np.full(n, np.nan)
            default = spec.default if isinstance(spec.default, float) else np.nan
            out[spec.name] = np.where(np.isnan(arr), default, arr)
        elif spec.kind == "bool":
            out[spec.name] = col.to_numpy(dtype=bool) if col is not None else np.zeros(n, dtype=bool)
        elif spec.kind == "idlist":
            vals = col.astype(str).to_numpy() if col is not None else np.full(n, "")
            out[spec.name] = [[x for x in v.split(";") if x] for v in vals]
        elif col is not None and isinstance(col.dtype, pd.CategoricalDtype):
            # millions of flow rows: index the few categories instead of converting each cell
            cats = pd.Series(col.cat.categories.astype(str), dtype="str")
            out[spec.name] = cats.take(col.cat.codes.to_numpy()).reset_index(drop=True)
        else:
            s = col.astype(str) if col is not None else pd.Series([str(spec.default or "")] * n)
            out[spec.name] = pd.Series(s.to_numpy(), dtype="str")
    frame = pd.DataFrame(out)
    for c in df.columns:
        if c not in frame.columns:
            frame[c] = df[c].to_numpy()
    return frame


# ============================================================================ arguments


def _check_args(
    goods: int, projects: int, scenarios: int, partners: int, months: int, seed: int, start_period: str
) -> None:
    issues: list[Issue] = []

    def bad(opt: str, value: Any, msg: str) -> None:
        issues.append(Issue("command line", None, opt, value, msg))

    for opt, v, lo in (
        ("--goods", goods, 1),
        ("--projects", projects, 0),
        ("--scenarios", scenarios, 0),
        ("--partners", partners, 0),
        ("--months", months, 0),
        ("--seed", seed, 0),
    ):
        if isinstance(v, bool) or not isinstance(v, int | np.integer):
            bad(opt, v, f"{opt} must be a whole number")
        elif v < lo:
            bad(opt, v, f"{opt} must be at least {lo}")
    if isinstance(partners, int | np.integer) and partners > MAX_PARTNERS:
        bad(
            "--partners",
            partners,
            f"at most {MAX_PARTNERS} partners (the ISO 3166 user-assigned codes XAA–XZZ, QMA–QZZ); "
            "lower --partners",
        )
    if not isinstance(start_period, str) or not _PERIOD.match(start_period):
        bad("--start", start_period, "the first month must be written YYYY-MM, e.g. 2024-01")
    if issues:
        raise InputError(issues, f"{len(issues)} problem(s) in the generator's options")


def _periods(start: str, months: int) -> list[str]:
    y, m = int(start[:4]), int(start[5:7])
    idx = (y * 12 + m - 1) + np.arange(months)
    return [f"{k // 12:04d}-{k % 12 + 1:02d}" for k in idx]


def _budget_years(start: str, months: int) -> list[int]:
    """Three planning years following the year of the last flow month."""
    y, m = int(start[:4]), int(start[5:7])
    last = (y * 12 + m - 1 + max(months, 1) - 1) // 12
    return [last + 1 + k for k in range(BUDGET_YEARS)]


def _width(n: int) -> int:
    return max(4, len(str(n)))


def _beta(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """Inverse CDF of Beta(a, b) at ``u`` (the copula's marginal transform)."""
    return betaincinv(a, b, np.clip(u, 1e-12, 1 - 1e-12))


def _round_sig(x: np.ndarray, digits: int) -> np.ndarray:
    """Round to ``digits`` significant digits (prices spanning orders of magnitude)."""
    x = np.asarray(x, dtype=float)
    mag = np.floor(np.log10(np.where(x > 0, x, 1.0)))
    scale = 10.0 ** (digits - 1 - mag)
    return np.round(x * scale) / scale


# ============================================================================ countries


def _countries(rng: np.random.Generator, n: int, src: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Countries ordered by size (supplier weight ∝ rank^-1.1, Zipf-like).

    Governance ~ N(0.4, 0.9) clipped to the WGI range; the chance of being a
    country of concern falls with governance (logistic), partners are drawn among
    well-governed non-concern countries. The largest supplier is a country of concern
    and the second a partner, as for most of Japan's critical imports.
    """
    codes = np.array(_USER_CODES[:n])
    size = (np.arange(n) + 1.0) ** -1.1
    gov = np.clip(rng.normal(0.4, 0.9, n), -2.5, 2.5)
    p_concern = 1.0 / (1.0 + np.exp(3.0 * (gov + 0.4)))
    concern = rng.random(n) < p_concern
    partner = ~concern & (gov > 0.6) & (rng.random(n) < 0.7)
    if n >= 1:
        gov[0], concern[0], partner[0] = -0.6, True, False
    if n >= 2:
        gov[1], concern[1], partner[1] = 1.3, False, True
    df = pd.DataFrame(
        {
            "iso3": codes,
            "name_ja": [f"仮想国 {c}" for c in codes],
            "name_en": [f"Synthetic country {c}" for c in codes],
            "governance": np.round(gov, 2),
            "concern": concern,
            "partner": partner,
            "source": src,
        }
    )
    return df, size


# ============================================================================ goods (latent part)


@dataclass
class _Latent:
    z: np.ndarray  # (N, 8) correlated standard normals
    sector: np.ndarray
    tier: np.ndarray  # 0 raw material … 3 product
    reliance: np.ndarray  # import-reliance target, 0–1
    consumption: np.ndarray  # 億円 / year of apparent consumption


def _latent(rng: np.random.Generator, n: int) -> _Latent:
    z = rng.standard_normal((n, len(LATENT))) @ _LATENT_CHOL.T
    u = ndtr(z)
    reliance = np.clip(_beta(u[:, 0], 2.2, 1.6), 0.03, 0.995)
    consumption = np.maximum(np.exp(np.log(120.0) + 1.4 * z[:, 6]), 0.5)
    sector = SECTORS[rng.choice(len(SECTORS), size=n, p=SECTOR_P)]
    tier = rng.choice(4, size=n, p=[0.2, 0.3, 0.3, 0.2])
    return _Latent(z=z, sector=sector, tier=tier, reliance=reliance, consumption=consumption)


# ============================================================================ flows


@dataclass
class _FlowAgg:
    """Latest-12-month aggregates the goods and scenarios are built from."""

    imports12: np.ndarray  # (N,) 億円, annualised over the latest ≤12 months
    concern12: np.ndarray  # (N,) 億円 from countries of concern
    partner12: np.ndarray  # (N,) 億円 from partner countries
    sumsq12: np.ndarray  # (N,) Σ over partners of (億円 per partner)², for the HHI
    by_partner12: np.ndarray  # (P,) 億円 per supplying country
    rows: int = 0


def _flow_blocks(
    rng: np.random.Generator,
    lat: _Latent,
    size: np.ndarray,
    concern: np.ndarray,
    partner: np.ndarray,
    months: int,
    agg: _FlowAgg,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Yield ``(good_idx, partner_idx, period_idx, value)`` blocks of nonzero monthly imports.

    Rows come sorted by good, partner, period. Each block covers up to
    :data:`FLOW_BLOCK` goods, so memory stays ~``FLOW_BLOCK × partners`` whatever N is.
    """
    n, p = lat.z.shape[0], len(size)
    kmax = min(p, MAX_SUPPLIERS)
    t = np.arange(months, dtype=float)
    n12 = min(12, months)
    last12 = t >= months - n12
    annual = lat.consumption * lat.reliance  # 億円 / year of imports at the start
    log_size = np.log(size)
    conc_f = concern.astype(float)
    for lo in range(0, n, FLOW_BLOCK):
        hi = min(n, lo + FLOW_BLOCK)
        b = hi - lo
        zb = lat.z[lo:hi]
        # --- which suppliers: Gumbel-top-k on Zipf size tilted towards concern countries
        tilt = 2.0 * zb[:, 1]
        keys = log_size[None, :] + tilt[:, None] * conc_f[None, :] - np.log(-np.log(rng.random((b, p))))
        lam = 6.0 * np.exp(-0.4 * zb[:, 2])
        k = np.minimum(np.minimum(MIN_SUPPLIERS + rng.poisson(lam), MAX_SUPPLIERS), p)
        if kmax < p:
            top = np.argpartition(-keys, kmax - 1, axis=1)[:, :kmax]
        else:
            top = np.broadcast_to(np.arange(p), (b, p)).copy()
        order = np.argsort(-np.take_along_axis(keys, top, axis=1), axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)  # suppliers by rank, largest first
        rank = np.arange(kmax, dtype=float) + 1.0
        s = np.exp(0.35 + 0.45 * zb[:, 2])
        share0 = rank[None, :] ** -s[:, None] * rng.gamma(4.0, 0.25, (b, kmax))
        use = np.arange(kmax)[None, :] < k[:, None]
        gi = np.repeat(np.arange(lo, hi), kmax)[use.ravel()]
        pi = top[use]
        s0 = share0[use]
        # --- dynamics: per-pair drift of shares; some goods see their concern share rise
        m = len(gi)
        drift = rng.normal(0.0, 0.004, m)
        rising_good = rng.random(b) < 0.10
        rising = rising_good[gi - lo] & concern[pi]
        drift[rising] += rng.uniform(0.02, 0.05, int(rising.sum()))
        growth = rng.normal(0.02, 0.06, b)  # per year
        phase = rng.uniform(0, 2 * np.pi, b)
        w = s0[:, None] * np.exp(drift[:, None] * t[None, :])  # (m, T)
        starts = np.flatnonzero(np.r_[True, gi[1:] != gi[:-1]])
        denom = np.add.reduceat(w, starts, axis=0)
        counts = np.diff(np.r_[starts, m])
        share = w / np.repeat(denom, counts, axis=0)
        level = (annual[lo:hi, None] / 12.0) * np.exp(growth[:, None] * t[None, :] / 12.0)
        level = level * (1.0 + 0.06 * np.sin(2 * np.pi * t[None, :] / 12.0 + phase[:, None]))
        noise = np.exp(rng.normal(-0.0072, 0.12, (m, months)))
        value = level[gi - lo] * share * noise
        # small suppliers ship intermittently
        gaps = (share < 0.03) & (rng.random((m, months)) < 0.25)
        value = np.round(np.where(gaps, 0.0, value), 4)
        # --- latest-12-month aggregates (what indicators and allocation read)
        v12 = value[:, last12].sum(axis=1) * (12.0 / n12)
        agg.imports12[lo:hi] += np.bincount(gi - lo, v12, minlength=b)
        agg.concern12[lo:hi] += np.bincount(gi - lo, v12 * concern[pi], minlength=b)
        agg.partner12[lo:hi] += np.bincount(gi - lo, v12 * partner[pi], minlength=b)
        agg.sumsq12[lo:hi] += np.bincount(gi - lo, v12 * v12, minlength=b)
        agg.by_partner12 += np.bincount(pi, v12, minlength=p)
        nz = value > 0
        rows_g = np.repeat(gi, months)[nz.ravel()]
        rows_p = np.repeat(pi, months)[nz.ravel()]
        rows_t = np.tile(np.arange(months), m)[nz.ravel()]
        agg.rows += len(rows_g)
        yield rows_g, rows_p, rows_t, value[nz]


# ============================================================================ goods table


def _goods(
    rng: np.random.Generator,
    lat: _Latent,
    agg: _FlowAgg | None,
    src: str,
) -> pd.DataFrame:
    n = len(lat.reliance)
    z, u = lat.z, ndtr(lat.z)
    w = _width(n)
    ids = np.array([f"G{i + 1:0{w}d}" for i in range(n)])
    r = lat.reliance
    if agg is not None and agg.rows:
        imports = agg.imports12
        concern_share = np.divide(agg.concern12, imports, out=np.zeros(n), where=imports > 0)
        partner_share = np.divide(agg.partner12, imports, out=np.zeros(n), where=imports > 0)
        hhi = np.divide(agg.sumsq12, imports * imports, out=np.ones(n), where=imports > 0)
    else:
        # no flows: shares straight from the latent tilt
        imports = lat.consumption * r
        concern_share = np.clip(_beta(u[:, 1], 1.0, 2.5), 0, 1)
        partner_share = (1 - concern_share) * rng.uniform(0.3, 0.8, n)
        hhi = np.clip(_beta(u[:, 2], 2.0, 3.0), 0.04, 1.0)
    # exports X = e·M and domestic production D such that the EC (2017) import reliance
    # IR = (M − X) / (D + M − X) hits the good's target r: D = (M − X)(1 − r) / r
    exports = np.round(imports * rng.uniform(0.0, 0.3, n), 2)
    net = np.maximum(imports - exports, 0.0)
    domestic = np.round(net * (1 - r) / r, 2)
    denom = domestic + net
    ir = np.clip(np.divide(net, denom, out=np.zeros(n), where=denom > 0), 0, 1)
    # the indicators' definition (prioritizer/indicators/kernels.py): IR × (c + (1 − c) × HHI)
    foreign_dependence = np.round(np.clip(ir * (concern_share + (1 - concern_share) * hhi), 0, 1), 3)
    autonomy = np.round(np.clip((1 - ir) + ir * partner_share, 0, 1), 3)
    indispensability = np.round(_beta(u[:, 3], 1.3, 3.5), 3)
    importance = np.round(1 + 4 * _beta(u[:, 4], 2.2, 2.2), 1)
    substitutability = np.round(_beta(u[:, 5], 2.0, 2.5), 3)
    securing_cost = np.maximum(np.round(np.exp(np.log(40.0) + 1.1 * z[:, 7]), 1), 0.1)
    consumption = imports + domestic - exports
    consumption = np.where(consumption > 0, consumption, lat.consumption)
    # domain: the Action Plan's three domains, by which trait stands out
    dom_score = np.c_[0.25 + 0.1 * rng.random(n), indispensability, foreign_dependence * 1.2]
    domain = np.array(["disruptive", "advantage", "dependence"])[np.argmax(dom_score, axis=1)]
    crit = importance / 5 * 0.5 + foreign_dependence * 0.5 + rng.normal(0, 0.05, n)
    specified = crit >= np.quantile(crit, 0.92) if n >= 13 else crit >= crit.max()
    ministry = np.empty(n, dtype=object)
    for sec in SECTORS:
        sel = lat.sector == sec
        ministry[sel] = MINISTRIES[rng.choice(len(MINISTRIES), size=int(sel.sum()), p=MINISTRY_P[sec])]
    material = lat.tier <= 1
    unit = np.where(material, "t", "units")
    unit_price = np.where(
        material,
        np.exp(np.log(0.005) + 1.2 * rng.standard_normal(n)),
        np.exp(np.log(0.0002) + 1.5 * rng.standard_normal(n)),
    )
    unit_price = _round_sig(np.clip(unit_price, 1e-6, 10.0), 4)
    annual_demand = np.maximum(np.round(consumption / unit_price, 1), 0.1)
    stockpilable = material & ((foreign_dependence > 0.12) | (importance > 3.5)) & (rng.random(n) < 0.7)
    eol_rir = np.round(_beta(rng.random(n), 0.6, 4.0), 3)
    substitution_index = np.round(np.clip(1 - substitutability + rng.normal(0, 0.1, n), 0, 1), 3)
    num = np.array([f"{i + 1:0{w}d}" for i in range(n)])
    return pd.DataFrame(
        {
            "id": ids,
            "name_ja": np.char.add("合成物資 ", num),
            "name_en": np.char.add("Synthetic good ", num),
            "sector": lat.sector,
            "domain": domain,
            "specified_critical": specified,
            "ministry": ministry.astype(str),
            "unit": unit,
            "annual_demand": annual_demand,
            "unit_price": unit_price,
            "autonomy": autonomy,
            "indispensability": indispensability,
            "securing_cost": securing_cost,
            "foreign_dependence": foreign_dependence,
            "importance": importance,
            "substitutability": substitutability,
            "domestic_production": domestic,
            "exports": exports,
            "eol_rir": eol_rir,
            "substitution_index": substitution_index,
            "stockpilable": stockpilable,
            "source": src,
        }
    )


# ============================================================================ links


def _links(rng: np.random.Generator, tier: np.ndarray, ids: np.ndarray, src: str) -> pd.DataFrame:
    """Product → input edges only from higher to strictly lower tier (a DAG by construction)."""
    n = len(tier)
    popularity = (rng.permutation(n) + 1.0) ** -0.8  # Zipf-like: a few inputs feed many products
    prod_parts, inp_parts = [], []
    for t in (1, 2, 3):
        cands = np.flatnonzero(tier < t)
        prods = np.flatnonzero(tier == t)
        if len(cands) == 0 or len(prods) == 0:
            continue
        k = np.minimum(rng.poisson(1.3, len(prods)), min(6, len(cands)))
        prod = np.repeat(prods, k)
        pw = popularity[cands] / popularity[cands].sum()
        prod_parts.append(prod)
        inp_parts.append(cands[rng.choice(len(cands), size=len(prod), p=pw)])
    if not prod_parts:
        return pd.DataFrame(
            {"good_id": [], "input_id": [], "intensity": [], "source": []}, dtype=object
        ).astype({"intensity": float})
    prod = np.concatenate(prod_parts)
    inp = np.concatenate(inp_parts)
    code = np.unique(prod.astype(np.int64) * n + inp)  # drops duplicate edges, sorts
    prod, inp = code // n, code % n
    intensity = np.maximum(np.round(_beta(rng.random(len(code)), 2.0, 3.0), 3), 0.01)
    return pd.DataFrame({"good_id": ids[prod], "input_id": ids[inp], "intensity": intensity, "source": src})


# ============================================================================ projects


def _projects(
    rng: np.random.Generator, goods: pd.DataFrame, m: int, years: list[int], src: str
) -> pd.DataFrame:
    n = len(goods)
    fd = goods["foreign_dependence"].to_numpy()
    imp = goods["importance"].to_numpy()
    stockpilable = goods["stockpilable"].to_numpy()
    weight = imp / 5.0 * (0.3 + fd)
    g = np.sort(rng.choice(n, size=m, p=weight / weight.sum()))
    w = _width(m)
    pids = np.array([f"P{i + 1:0{w}d}" for i in range(m)])
    instr = INSTRUMENTS[rng.choice(len(INSTRUMENTS), size=m, p=INSTRUMENT_P)]
    instr = np.where((instr == "stockpile") & ~stockpilable[g], "subsidy", instr)
    cost = np.maximum(goods["securing_cost"].to_numpy()[g] * np.exp(rng.normal(-1.0, 0.7, m)), 0.5)
    # per-year profile: start year, duration, Dirichlet weights over the active years
    ny = len(years)
    start = rng.choice(ny, size=m, p=[0.6, 0.25, 0.15][:ny] / np.sum([0.6, 0.25, 0.15][:ny]))
    dur = rng.integers(1, ny + 1, size=m)
    yi = np.arange(ny)[None, :]
    active = (yi >= start[:, None]) & (yi < (start + dur)[:, None])
    wy = rng.gamma(1.5, 1.0, (m, ny)) * active
    wy /= wy.sum(axis=1, keepdims=True)
    cost_y = np.round(cost[:, None] * wy, 2)
    cost = np.round(cost_y.sum(axis=1), 2)
    divisible = rng.random(m) < 0.4
    min_fraction = np.where(divisible, rng.choice([0.0, 0.1, 0.2, 0.25, 0.3, 0.5], size=m), np.nan)
    effect = np.maximum(np.round(_beta(rng.random(m), 2.0, 4.0), 3), 0.01)
    has_cap = np.isin(instr, CAPACITY_INSTRUMENTS) & (rng.random(m) < 0.6)
    capacity = np.where(
        has_cap, np.round(goods["annual_demand"].to_numpy()[g] * rng.uniform(0.02, 0.3, m), 1), 0.0
    )
    # requires: an earlier project of the same good (acyclic: edges point to lower ids)
    first_of_good = np.r_[True, g[1:] != g[:-1]]
    group_start = np.maximum.accumulate(np.where(first_of_good, np.arange(m), 0))
    n_before = np.arange(m) - group_start
    req_to = np.full(m, -1)
    has_req = (n_before > 0) & (rng.random(m) < 0.15)
    req_to[has_req] = group_start[has_req] + (rng.random(int(has_req.sum())) * n_before[has_req]).astype(int)
    requires = np.full(m, "", dtype=object)
    requires[has_req] = pids[req_to[has_req]]
    # excludes: alternatives among projects with no requirement in or out (no contradiction possible)
    involved = has_req.copy()
    involved[req_to[has_req]] = True
    free = np.flatnonzero(~involved)
    excludes = np.full(m, "", dtype=object)
    paired = np.zeros(m, dtype=bool)
    if len(free) > 1:
        a, b = free[:-1], free[1:]
        cand = (g[a] == g[b]) & (rng.random(len(a)) < 0.3)
        for i, j in zip(a[cand], b[cand], strict=True):
            if not paired[i] and not paired[j]:
                excludes[j] = pids[i]
                paired[i] = paired[j] = True
    # must in / out: a few small, unentangled projects; must-in spend kept ≤ 5 % of each year's budget
    must = np.full(m, "", dtype=object)
    loose = np.flatnonzero(~involved & ~paired & (instr != "stockpile"))
    if len(loose):
        pick = rng.permutation(loose)[: max(1, m // 150)]
        half = len(pick) // 2
        budget_y = BUDGET_SHARE * cost_y.sum(axis=0)
        spent = np.zeros(ny)
        for i in pick[:half]:
            if np.all(spent + cost_y[i] <= 0.05 * budget_y):
                must[i] = "in"
                spent += cost_y[i]
        must[pick[half:]] = "out"
    gname_ja = goods["name_ja"].to_numpy()[g]
    gname_en = goods["name_en"].to_numpy()[g]
    df = pd.DataFrame(
        {
            "id": pids,
            "name_ja": [
                f"{a}・{INSTRUMENT_JA[i]}（{p}）" for a, i, p in zip(gname_ja, instr, pids, strict=True)
            ],
            "name_en": [
                f"{INSTRUMENT_EN[i][0].upper()}{INSTRUMENT_EN[i][1:]} for {a} ({p})"
                for a, i, p in zip(gname_en, instr, pids, strict=True)
            ],
            "good_id": goods["id"].to_numpy()[g],
            "instrument": instr,
            "cost": cost,
        }
    )
    for k, y in enumerate(years):
        df[f"cost_{y}"] = cost_y[:, k]
    df["divisible"] = divisible
    df["min_fraction"] = min_fraction
    df["effect"] = effect
    df["capacity"] = capacity
    df["requires"] = requires
    df["excludes"] = excludes
    df["ministry"] = goods["ministry"].to_numpy()[g]
    df["must"] = must
    df["source"] = src
    return df


# ============================================================================ scenarios


def _scenarios(
    rng: np.random.Generator,
    goods: pd.DataFrame,
    countries: pd.DataFrame | None,
    by_partner12: np.ndarray | None,
    s: int,
    src: str,
) -> pd.DataFrame:
    n = len(goods)
    supplying = np.flatnonzero(by_partner12 > 0) if by_partner12 is not None else np.array([], int)
    n_partner = round(0.4 * s) if len(supplying) else 0
    n_good = s - n_partner
    fd = goods["foreign_dependence"].to_numpy()
    pg = (fd + 0.05) / (fd + 0.05).sum()
    gsel = rng.choice(n, size=n_good, replace=n_good > n, p=pg)
    good_id = np.r_[goods["id"].to_numpy()[gsel], np.full(n_partner, "")].astype(object)
    partner = np.full(s, "", dtype=object)
    prob = np.clip(np.round(_beta(rng.random(s), 1.3, 14.0), 4), 0.001, 0.5)
    loss = np.clip(np.round(_beta(rng.random(s), 2.5, 2.5), 2), 0.05, 1.0)
    name_ja = np.empty(s, dtype=object)
    name_en = np.empty(s, dtype=object)
    name_ja[:n_good] = [f"{x}の供給途絶" for x in goods["name_ja"].to_numpy()[gsel]]
    name_en[:n_good] = [f"Supply disruption of {x}" for x in goods["name_en"].to_numpy()[gsel]]
    if n_partner:
        assert countries is not None and by_partner12 is not None
        concern = countries["concern"].to_numpy()
        wp = by_partner12[supplying] * np.where(concern[supplying], 3.0, 1.0)
        psel = supplying[
            rng.choice(len(supplying), size=n_partner, replace=n_partner > len(supplying), p=wp / wp.sum())
        ]
        partner[n_good:] = countries["iso3"].to_numpy()[psel]
        prob[n_good:] = np.clip(np.round(prob[n_good:] * np.where(concern[psel], 1.5, 1.0), 4), 0.001, 0.5)
        loss[n_good:] = np.round(rng.uniform(0.5, 1.0, n_partner), 2)
        name_ja[n_good:] = [f"{x}からの輸入途絶" for x in countries["name_ja"].to_numpy()[psel]]
        name_en[n_good:] = [f"Import cut-off from {x}" for x in countries["name_en"].to_numpy()[psel]]
    months = rng.choice([1.0, 3.0, 6.0, 12.0, 24.0], size=s, p=[0.15, 0.25, 0.3, 0.2, 0.1])
    order = rng.permutation(s)  # mix good and partner scenarios
    w = _width(s)
    df = pd.DataFrame(
        {
            "name_ja": name_ja[order],
            "name_en": name_en[order],
            "probability": prob[order],
            "good_id": good_id[order],
            "partner": partner[order],
            "loss": loss[order],
            "months": months[order],
            "source": src,
        }
    )
    df.insert(0, "id", [f"S{i + 1:0{w}d}" for i in range(s)])
    return df


# ============================================================================ policy


def _policy(
    goods: pd.DataFrame, projects: pd.DataFrame | None, years: list[int], seed: int, params: dict[str, Any]
) -> dict[str, Any]:
    """Budget ≈ 55 % of project cost per year; floors and caps that a subset of projects can meet."""
    pol: dict[str, Any] = {"model": "default"}
    stock = goods[goods["stockpilable"]]
    stock_value_60 = float((stock["annual_demand"] * stock["unit_price"]).sum() * 60 / 365)
    if projects is not None and len(projects):
        by_year = {y: round(BUDGET_SHARE * float(projects[f"cost_{y}"].sum()), 1) for y in years}
        by_year = {y: max(v, 0.1) for y, v in by_year.items()}
        total = round(sum(by_year.values()), 1)
        pol["budget"] = {"total": total, "years": by_year}
        limits: list[dict[str, Any]] = []
        dom = projects["good_id"].map(goods.set_index("id")["domain"])
        sec = projects["good_id"].map(goods.set_index("id")["sector"])
        fundable = (projects["must"] != "out") & (projects["excludes"] == "")
        dep = float(projects.loc[fundable & (dom == "dependence"), "cost"].sum())
        if dep > 0:
            limits.append({"group": "domain", "value": "dependence", "min": round(0.2 * min(total, dep), 1)})
        must_in = projects["must"] == "in"
        if (projects["instrument"] == "stockpile").any():
            limits.append({"group": "instrument", "value": "stockpile", "max": round(0.15 * total, 1)})
        if (sec == "computing").any():
            floor_in = float(projects.loc[must_in & (sec == "computing"), "cost"].sum())
            limits.append(
                {"group": "sector", "value": "computing", "max": round(max(0.45 * total, floor_in + 1), 1)}
            )
        if limits:
            pol["limits"] = limits
    else:
        pol["budget"] = {"total": round(max(0.5 * stock_value_60, 1.0), 1)}
    top = stock.sort_values(["foreign_dependence", "id"], ascending=[False, True])["id"].head(3)
    pol["stockpile"] = {
        "target_days": 60,
        "target_days_by_good": {g: 180 for g in top},
        "storage_capacity": round(max(0.3 * stock_value_60, 1.0), 1),
        "holding_cost_rate": 0.05,
    }
    pol["generated_by"] = {"tool": GENERATOR, "seed": seed, **params, "source": source_label(seed)}
    return pol


# ============================================================================ assembly


def generate_frames(
    *,
    goods: int,
    projects: int = 0,
    scenarios: int = 0,
    partners: int = 0,
    months: int = 0,
    seed: int = 0,
    start_period: str = "2024-01",
) -> SyntheticCase:
    """Generate a synthetic case in memory (see the module docstring for the distributions)."""
    _check_args(goods, projects, scenarios, partners, months, seed, start_period)
    ss = np.random.SeedSequence(seed)
    r_countries, r_latent, r_flows, r_goods, r_links, r_projects, r_scen = (
        np.random.default_rng(c) for c in ss.spawn(7)
    )
    src = source_label(seed)
    lat = _latent(r_latent, goods)
    countries = size = None
    flows = agg = None
    if partners:
        countries, size = _countries(r_countries, partners, src)
    if countries is not None and size is not None and months:
        concern = countries["concern"].to_numpy()
        partner_flag = countries["partner"].to_numpy()
        agg = _FlowAgg(*(np.zeros(goods) for _ in range(4)), np.zeros(partners))
        parts = list(_flow_blocks(r_flows, lat, size, concern, partner_flag, months, agg))
        gi = np.concatenate([p[0] for p in parts])
        pi = np.concatenate([p[1] for p in parts])
        ti = np.concatenate([p[2] for p in parts])
        val = np.concatenate([p[3] for p in parts])
        w = _width(goods)
        flows = pd.DataFrame(
            {
                "good_id": pd.Categorical.from_codes(gi, [f"G{i + 1:0{w}d}" for i in range(goods)]),
                "partner": pd.Categorical.from_codes(pi, countries["iso3"].tolist()),
                "period": pd.Categorical.from_codes(ti, _periods(start_period, months)),
                "value": val,
                "source": pd.Categorical.from_codes(np.zeros(len(gi), np.int8), [src]),
            }
        )
    goods_df = _goods(r_goods, lat, agg, src)
    links = _links(r_links, lat.tier, goods_df["id"].to_numpy(), src)
    years = _budget_years(start_period, months)
    proj = _projects(r_projects, goods_df, projects, years, src) if projects else None
    scen = (
        _scenarios(r_scen, goods_df, countries, agg.by_partner12 if agg else None, scenarios, src)
        if scenarios
        else None
    )
    params = {
        "goods": goods,
        "projects": projects,
        "scenarios": scenarios,
        "partners": partners,
        "months": months,
        "start_period": start_period,
    }
    policy = _policy(goods_df, proj, years, seed, params)
    return SyntheticCase(
        goods=goods_df,
        countries=countries,
        flows=flows,
        projects=proj,
        scenarios=scen,
        links=links if len(links) else None,
        policy=policy,
        seed=seed,
        params=params,
    )


# ============================================================================ writing


def _csv_text(df: pd.DataFrame) -> bytes:
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == bool:
            out[c] = np.where(out[c].to_numpy(), "true", "false")
    return out.to_csv(index=False, lineterminator="\n", na_rep="").encode("utf-8")


def _write_flows(path: Path, flows: pd.DataFrame, source: str | None) -> None:
    """Stream millions of rows: pyarrow's CSV writer per chunk, the constant source appended."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    tail = ("," + _quote(source) + "\n").encode("utf-8") if source is not None else None
    opts = pcsv.WriteOptions(include_header=False, quoting_style="none")
    cats = {
        c: pa.array(flows[c].cat.categories.astype(str).tolist()) for c in ("good_id", "partner", "period")
    }
    codes = {c: flows[c].cat.codes.to_numpy().astype(np.int32) for c in cats}
    value = flows["value"].to_numpy()
    chunk = 1 << 19
    with open(path, "wb") as fh:
        fh.write(b"good_id,partner,period,value" + (b",source\n" if tail else b"\n"))
        for lo in range(0, len(flows), chunk):
            hi = min(len(flows), lo + chunk)
            table = pa.table(
                {
                    **{c: pa.DictionaryArray.from_arrays(codes[c][lo:hi], cats[c]) for c in cats},
                    "value": pa.array(value[lo:hi]),
                }
            )
            buf = io.BytesIO()
            pcsv.write_csv(table, buf, write_options=opts)
            fh.write(buf.getvalue().replace(b"\n", tail) if tail else buf.getvalue())


def _quote(s: str) -> str:
    return '"' + s.replace('"', '""') + '"' if any(ch in s for ch in ',"\n') else s


def _policy_text(policy: dict[str, Any]) -> str:
    head = (
        "# Synthetic policy written by `prioritizer generate` (not a real budget).\n"
        "# budget ≈ 55 % of the projects' cost per year (億円); limits are floors/caps a subset of the\n"
        "# projects can meet; stockpile targets in days of annual demand.\n"
    )
    return head + yaml.safe_dump(policy, sort_keys=False, allow_unicode=True, width=100)


def write_case(
    case: SyntheticCase, out_dir: str | Path, *, overwrite: bool = False, flow_source: bool = True
) -> dict[str, int]:
    """Write ``case`` into ``out_dir`` (all files or none) and return rows per table.

    Files are first written to a temporary folder beside ``out_dir`` and then moved
    in, so an interrupted run never leaves a half-written case. An existing case in
    ``out_dir`` is replaced only with ``overwrite=True``. ``flow_source=False`` leaves
    the (constant) ``source`` column out of flows.csv: on 3 M rows it is more than half
    the file and half the loading time.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(
            [Issue(str(out), None, None, None, "exists and is not a folder; choose another path")]
        )
    existing = [f for f in CASE_FILES if (out / f).exists()] if out.is_dir() else []
    if existing and not overwrite:
        raise InputError(
            [
                Issue(
                    str(out),
                    None,
                    None,
                    ", ".join(existing),
                    "the folder already holds case files; choose an empty folder or pass --force to replace them",
                )
            ]
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        src = source_label(case.seed)
        for name, df in case.tables().items():
            if name == "flows":
                _write_flows(tmp / "flows.csv", df, src if flow_source else None)
            else:
                (tmp / f"{name}.csv").write_bytes(_csv_text(df))
        (tmp / "policy.yaml").write_text(_policy_text(case.policy), encoding="utf-8")
        out.mkdir(parents=True, exist_ok=True)
        for f in existing:
            (out / f).unlink()
        for f in sorted(os.listdir(tmp)):
            os.replace(tmp / f, out / f)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return case.counts()


def generate_case(
    out_dir: str | Path,
    *,
    goods: int,
    projects: int = 0,
    scenarios: int = 0,
    partners: int = 0,
    months: int = 0,
    seed: int = 0,
    start_period: str = "2024-01",
    overwrite: bool = False,
    flow_source: bool = True,
) -> dict[str, int]:
    """Generate a synthetic case and write it to ``out_dir``; return rows per table."""
    case = generate_frames(
        goods=goods,
        projects=projects,
        scenarios=scenarios,
        partners=partners,
        months=months,
        seed=seed,
        start_period=start_period,
    )
    return write_case(case, out_dir, overwrite=overwrite, flow_source=flow_source)
