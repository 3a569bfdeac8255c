"""``stress`` service: params (JSON-able) -> :class:`CommandOutput` (DESIGN §6 JSON).

params: ``compare`` ([portfolio params]: the same scenarios against each, as ``comparison``),
``scenarios`` ([ids]; absent or ``all: true`` = every scenario, ranked as a
battery), ``months`` (horizon, default 24), ``release`` (rule text, see
:mod:`prioritizer.stress.release`), ``substitution`` (a share per month for every good, or
{good: share}), ``portfolio`` ({source, run_id, stock, funded} as resolved by the CLI or the
app; ``{"source": "optimal", "what_if": {...}}`` is solved here), ``lang`` (table language).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from prioritizer.case.types import Case
from prioritizer.runs import CommandOutput
from prioritizer.stress import portfolio as pf
from prioritizer.stress.data import build
from prioritizer.stress.headline import battery_headline, first_short_message
from prioritizer.stress.simulate import DEFAULT_MONTHS, play
from prioritizer.text import render, t


def portfolio_from_params(case: Case, p: dict[str, Any] | None) -> pf.Portfolio:
    p = p or {"source": pf.NOTHING}
    if p.get("source") == pf.OPTIMAL and "stock" not in p:
        return pf.optimal(case, p.get("what_if"))
    return pf.Portfolio.from_params(p)


def run_stress(case: Case, params: dict[str, Any]) -> CommandOutput:
    every = bool(params.get("all")) or not params.get("scenarios")
    chosen = None if every else list(params["scenarios"])
    data = build(case, chosen)
    port = portfolio_from_params(case, params.get("portfolio"))
    months = params.get("months", DEFAULT_MONTHS)
    from prioritizer.stress.pools import home_hit, plans

    hits_home = home_hit(case, data.scenario_ids)
    res = play(
        data,
        port,
        months=months,
        release=params.get("release"),
        substitution=params.get("substitution"),
        pools=plans(case, data, params.get("allies"), port.pools),
        home_hit=None if hits_home.all() else hits_home,
    )
    summary = res.summary_rows()
    result: dict[str, Any] = {
        "portfolio": port.label,
        "portfolio_detail": port.to_params(),
        "horizon": res.horizon,
        "release": res.release.text,
        "scenarios": [data.scenario_ids[k] for k in res.scenarios],
        "months": res.months_rows(),
        "summary": summary,
        "messages": [first_short_message(summary, data.scenario_ids[k]) for k in res.scenarios],
        "notes": data.notes,
        # DESIGN §7: the adopted weights behind the optimal portfolio, or null
        "weights_source": params.get("weights_source"),
    }
    if res.pool_detail:  # joint pools: the allies' months beside ours (docs/allies.md)
        result["pool_members"] = res.pool_rows()
    if params.get("compare"):
        from prioritizer.stress.compare import compare_portfolios

        others = [portfolio_from_params(case, p) for p in params["compare"]]
        ports = {port.label: port, **{o.label: o for o in others}}
        result["comparison"] = [
            {"scenario": data.scenario_ids[k], **row}
            for k in res.scenarios
            for row in compare_portfolios(
                data, data.scenario_ids[k], ports, months=res.horizon, release=res.release.text
            )["rows"]
        ]
    if every:
        result["battery"] = res.battery_rows()
        result["headline"] = battery_headline(result)
    for m in result["messages"] + ([result["headline"]] if every else []):
        m["text_ja"], m["text_en"] = render(m, "ja"), render(m, "en")
    lang = params.get("lang", "ja")
    return CommandOutput(
        result=result,
        table=table_of(result, lang),
        policy=None,
        method={"model": "stress month-by-month", "release": res.release.text, "horizon": res.horizon},
    )


#: (JSON key, text key) of the timeline table's columns
MONTH_COLUMNS = (
    ("scenario", "stress.col.scenario"),
    ("month", "stress.col.month"),
    ("good_id", "stress.col.good"),
    ("lost", "stress.col.lost"),
    ("substituted", "stress.col.substituted"),
    ("added", "stress.col.added"),
    ("delivered", "stress.col.delivered"),
    ("released", "stress.col.released"),
    ("shortfall", "stress.col.shortfall"),
    ("shortfall_value", "stress.col.shortfall_value"),
    ("shortfall_share", "stress.col.shortfall_share"),
    ("stock", "stress.col.stock"),
)
BATTERY_COLUMNS = (
    ("rank", "stress.col.rank"),
    ("scenario", "stress.col.scenario"),
    ("value_short", "stress.col.value_short"),
    ("total_shortfall", "stress.col.total_shortfall"),
    ("goods_short", "stress.col.goods_short"),
    ("first_short_month", "stress.col.first_short_month"),
    ("longest_short_run", "stress.col.longest_short_run"),
    ("peak_share", "stress.col.peak_share"),
)
COMPARE_COLUMNS = (
    ("scenario", "stress.col.scenario"),
    ("portfolio", "stress.col.portfolio"),
    ("value_short", "stress.col.value_short"),
    ("first_short_month", "stress.col.first_short_month"),
    ("months_short", "stress.col.months_short"),
)
SUMMARY_COLUMNS = (
    ("scenario", "stress.col.scenario"),
    ("good_id", "stress.col.good"),
    ("first_short_month", "stress.col.first_short_month"),
    ("total_shortfall", "stress.col.total_shortfall"),
    ("value_short", "stress.col.value_short"),
    ("longest_short_run", "stress.col.longest_short_run"),
    ("stock_left", "stress.col.stock_left"),
    ("recovery_month", "stress.col.recovery_month"),
)


def frame(
    rows: list[dict[str, Any]], columns: tuple[tuple[str, str], ...], lang: str = "ja", *, raw: bool = False
) -> pd.DataFrame:
    """Rows as a reader sees them: headers from the catalogue, no None / nan (``text.cell``).

    ``raw``: the numbers as computed (for CSV), blanks for missing values.
    """
    if raw:
        return pd.DataFrame(
            [{t(k, lang): r.get(c) for c, k in columns} for r in rows],
            columns=[t(k, lang) for _, k in columns],
        )
    from prioritizer.text import cell, fmt_pct, vocab

    def show(c: str, v: Any) -> str:
        if c.endswith("_share"):
            return fmt_pct(v, lang)
        if c == "portfolio":  # run ids pass through; nothing / optimal in words
            return vocab("stress_portfolio", v, lang)
        return cell(v, lang)

    return pd.DataFrame(
        [{t(k, lang): show(c, r.get(c)) for c, k in columns} for r in rows],
        columns=[t(k, lang) for _, k in columns],
    )


def table_of(result: dict[str, Any], lang: str = "ja", *, raw: bool = False) -> pd.DataFrame:
    """The table printed by ``prioritizer stress``: the battery (with ``--all``), else the timeline."""
    if "battery" in result:
        return frame(result["battery"], BATTERY_COLUMNS, lang, raw=raw)
    columns = MONTH_COLUMNS
    if any("pool_draw" in r for r in result["months"]):  # the case has joint pools (docs/allies.md)
        at = [c for c, _ in columns].index("released") + 1
        columns = (*columns[:at], ("pool_draw", "stress.col.pool_draw"), *columns[at:])
    return frame(result["months"], columns, lang, raw=raw)
