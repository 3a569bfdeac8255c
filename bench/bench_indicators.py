"""Benchmark: dependence indicators, vectorised panel vs a naive per-good loop.

Default size: 5,000 goods × 200 partners × 36 months = 36 million flow rows.

* **vectorised** — the library path: ``indicators.api.analyse`` (full input validation
  + every indicator for every good × month) followed by ``latest`` and ``alerts``.
* **naive loop** — the obvious implementation: iterate over goods, then over months,
  and compute shares, HHI, top-1/top-3, concern / ally share, HHI_WGI, import reliance
  and foreign dependence with numpy on each (good, month) slice. It is run on a subset
  of goods (``--naive-goods``, default 50) and **extrapolated linearly** to all goods
  (the loop's cost is proportional to the number of goods); the subset's results are
  checked against the vectorised ones so both compute the same thing.

Each timing is the median of ``--repeat`` runs in the same process; the ratio is
printed. Run: ``.venv/bin/python bench/bench_indicators.py`` (``--goods 500`` for a
quick check).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import Result, measure, quick, report

from prioritizer.case.types import Case
from prioritizer.indicators import api, kernels


def make_case(n_goods: int, n_partners: int, n_months: int, seed: int = 7) -> Case:
    rng = np.random.default_rng(seed)
    goods = [f"G{i:05d}" for i in range(n_goods)]
    partners = [f"P{i:03d}" for i in range(n_partners - 1)] + ["JPN"]
    periods = [f"{2022 + m // 12}-{m % 12 + 1:02d}" for m in range(n_months)]
    n = n_goods * n_partners * n_months
    # rows grouped by good, then partner, then month (the order a trade-data export has)
    g = np.repeat(np.arange(n_goods, dtype=np.int32), n_partners * n_months)
    p = np.tile(np.repeat(np.arange(n_partners, dtype=np.int32), n_months), n_goods)
    t = np.tile(np.arange(n_months, dtype=np.int32), n_goods * n_partners)
    # skewed partner mix (a few dominant suppliers per good), some zero months
    weight = rng.pareto(1.2, size=(n_goods, n_partners)) + 0.01
    value = weight[g, p] * rng.uniform(0.5, 1.5, size=n)
    value[rng.random(n) < 0.1] = 0.0
    flows = pd.DataFrame(
        {
            "good_id": pd.Categorical.from_codes(g, categories=goods),
            "partner": pd.Categorical.from_codes(p, categories=partners),
            "period": pd.Categorical.from_codes(t, categories=periods),
            "value": value,
        }
    )
    countries = pd.DataFrame(
        {
            "iso3": partners,
            "governance": rng.uniform(-2.0, 2.0, n_partners),
            "concern": rng.random(n_partners) < 0.1,
            "partner": rng.random(n_partners) < 0.4,
        }
    )
    monthly_imports = weight.sum(axis=1) * n_partners / n_partners
    goods_df = pd.DataFrame(
        {
            "id": goods,
            "name_ja": goods,
            "domestic_production": monthly_imports * 12 * rng.uniform(0.0, 2.0, n_goods),
            "exports": monthly_imports * 12 * rng.uniform(0.0, 0.3, n_goods),
        }
    )
    return Case(root=Path("bench-case"), goods=goods_df, flows=flows, countries=countries)


def vectorised(case: Case) -> tuple[api.Analysis, pd.DataFrame]:
    a = api.analyse(case)
    lat = api.latest(case, analysis=a)
    api.alerts(case, analysis=a)
    return a, lat


def naive(case: Case, goods: list[str]) -> dict[tuple[str, str], dict[str, float]]:
    """Per good, per month, numpy on the slice: the obvious loop."""
    c = case.countries.set_index("iso3")
    risk = kernels.scaled_governance(c["governance"].to_numpy())
    risk_of = dict(zip(c.index, risk, strict=True))
    concern_of = dict(zip(c.index, c["concern"], strict=True))
    ally_of = dict(zip(c.index, c["partner"], strict=True))
    gd = case.goods.set_index("id")
    out: dict[tuple[str, str], dict[str, float]] = {}
    sub_all = case.flows[case.flows["good_id"].isin(goods)]
    for gid, sub in sub_all.groupby("good_id", observed=True):
        prod = gd.at[gid, "domestic_production"] / 12.0
        exp = gd.at[gid, "exports"] / 12.0
        for per, grp in sub.groupby("period", observed=True):
            v = grp["value"].to_numpy()
            partners = grp["partner"].astype(str).to_numpy()
            tot = v.sum()
            s = v / tot
            hhi = float((s * s).sum())
            conc = float(sum(si for si, pp in zip(s, partners, strict=True) if concern_of[pp]))
            ally = float(sum(si for si, pp in zip(s, partners, strict=True) if ally_of[pp]))
            hw = float(sum(si * si * risk_of[pp] for si, pp in zip(s, partners, strict=True)))
            cons = prod + tot - exp
            ir = min(max((tot - exp) / cons, 0.0), 1.0) if cons > 0 else 0.0
            out[(str(gid), str(per))] = {
                "hhi": hhi,
                "top1_share": float(s.max()),
                "top3_share": float(np.sort(s)[-3:].sum()),
                "concern_share": conc,
                "ally_share": ally,
                "hhi_wgi": hw,
                "import_reliance": ir,
                "foreign_dependence": ir * (conc + (1 - conc) * hhi),
            }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--goods", type=int, default=1000 if quick() else 5000)
    ap.add_argument("--partners", type=int, default=200)
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--repeat", type=int, default=2 if quick() else 3)
    ap.add_argument("--naive-goods", type=int, default=50)
    args = ap.parse_args()

    t0 = time.perf_counter()
    case = make_case(args.goods, args.partners, args.months)
    n_rows = len(case.flows)
    print(
        f"panel: {args.goods:,} goods × {args.partners} partners × {args.months} months = {n_rows:,} flow rows "
        f"(generated in {time.perf_counter() - t0:.1f} s)"
    )

    ours = measure(lambda: vectorised(case), repeat=args.repeat, warmup=0, memory=True)
    analysis, _lat = ours.value

    subset = list(case.goods["id"][: args.naive_goods])
    base = measure(
        lambda: naive(case, subset), repeat=args.repeat, warmup=0, extrapolate=args.goods / len(subset)
    )
    res = base.value

    # Same numbers on the subset?
    p = analysis.panel
    pos = {g: i for i, g in enumerate(p.goods)}
    per = {s: j for j, s in enumerate(p.periods)}
    worst = 0.0
    for (g, s), vals in res.items():
        for k, x in vals.items():
            y = p.values[k][pos[g], per[s]]
            worst = max(worst, abs(x - y))
    report(
        [
            Result(
                f"indicators {args.goods:,} × {args.partners} × {args.months} ({n_rows / 1e6:.1f}M rows)",
                "naive per-good loop",
                ours,
                base,
                note=f"validate + all indicators + latest + alerts; naive loop on {len(subset)} goods, "
                f"extrapolated; max |naive − vectorised| over {len(res):,} good-months = {worst:.2e}",
            )
        ],
        title="dependence indicators",
    )


if __name__ == "__main__":
    main()
