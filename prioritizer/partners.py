"""Partner options: "if not this supplier, who?" — the alternative suppliers of one good, ranked.

The score and its weights are documented in docs/methodology/partners.md. Each candidate
country gets five values in 0…1, each multiplied by a fixed weight (:data:`WEIGHTS`, shown in
every result):

==================  ======  =========================================================
criterion           weight  value
==================  ======  =========================================================
``world_share``     0.30    its share of world production ÷ the largest share among the
                            candidates that are not countries of concern, capped at 1 (0 when
                            it is not a listed producer)
``governance``      0.20    (WGI-style governance + 2.5) ÷ 5; unknown → 0.5 (the WGI mean, 0)
``partner``         0.20    1 for an ally / trade-agreement partner, else 0
``not_concern``     0.20    0 for a country of concern, else 1
``diversification`` 0.10    1 − its share of Japan's imports of the good over the latest
                            12 months (latest year for annual flows): a supplier that already
                            sends most of what we buy adds little diversity
==================  ======  =========================================================

Candidates are the good's producers in ``world_supply.csv`` and the countries Japan imports
it from (``flows.csv``; refiners and traders that produce none of it still count), less home
(``policy.yaml`` ``home:``, default JPN) and the rest-of-world row ``other``. Reserves
(``reserves_share``) and production (``production``) are shown where the table has them but
are not scored. Each option carries a structured reason — its two strongest and its weakest
criteria — rendered in Japanese and English by the text layer.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from prioritizer.case.types import Case
from prioritizer.errors import InputError, Issue

#: criterion → weight (sums to 1); changing one changes docs/methodology/partners.md too
WEIGHTS: dict[str, float] = {
    "world_share": 0.30,
    "governance": 0.20,
    "partner": 0.20,
    "not_concern": 0.20,
    "diversification": 0.10,
}
DEFAULT_HOME = "JPN"
#: months of flows the import shares are taken over
IMPORT_WINDOW = 12


def home_of(case: Case) -> str:
    from prioritizer.case.pools import home_of as policy_home

    return policy_home(case.policy)


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def import_shares(case: Case, good_id: str, home: str = DEFAULT_HOME) -> tuple[dict[str, float], list[str]]:
    """Each partner's share of the good's imports over the latest window, and the periods used."""
    fl = case.flows
    if not isinstance(fl, pd.DataFrame) or fl.empty:
        return {}, []
    fl = fl[(fl["good_id"] == good_id) & (fl["partner"].astype(str).str.upper() != home)]
    if fl.empty:
        return {}, []
    periods = sorted(set(fl["period"].astype(str)))
    monthly = [p for p in periods if len(p) == 7]
    if monthly:  # the 12 calendar months ending with the latest month on file
        y, m = (int(x) for x in monthly[-1].split("-"))
        last = y * 12 + m - 1
        used = [p for p in monthly if last - (int(p[:4]) * 12 + int(p[5:]) - 1) < IMPORT_WINDOW]
    else:
        used = periods[-1:]
    window = fl[fl["period"].astype(str).isin(used)]
    by = window.groupby("partner")["value"].sum()
    total = float(by.sum())
    if total <= 0:
        return {}, used
    return {str(k): float(v) / total for k, v in by.items()}, used


def partner_options(case: Case, good_id: str) -> dict[str, Any]:
    """DESIGN §7 ``partners`` JSON for ``good_id`` (best first); InputError for an unknown good
    or a good with neither world-supply rows nor imports."""
    goods = case.goods
    ids = [str(i) for i in goods["id"]]
    if good_id not in ids:
        import difflib

        close = difflib.get_close_matches(good_id, ids, n=3, cutoff=0.5)
        hint = f"; closest ids: {', '.join(close)}" if close else ""
        raise InputError([Issue("goods.csv", None, "id", good_id, f"no good with this id{hint}")])
    good = goods[goods["id"] == good_id].iloc[0]
    home = home_of(case)
    ws = case.world_supply if isinstance(case.world_supply, pd.DataFrame) else pd.DataFrame()
    rows = ws[ws["good_id"] == good_id] if not ws.empty else ws
    shares, periods = import_shares(case, good_id, home)
    producers: dict[str, dict[str, Any]] = {}
    for _, r in rows.iterrows():
        c = str(r["country"]).strip().upper()
        if c in (home, "OTHER"):
            continue
        producers[c] = {
            "share": float(r["share"]),
            "governance": _num(r.get("governance")),
            "production": _num(r.get("production")),
            "reserves_share": _num(r.get("reserves_share")),
            "source": str(r.get("source") or ""),
        }
    candidates = sorted(set(producers) | set(shares))
    if not candidates:
        raise InputError(
            [
                Issue(
                    "world_supply.csv",
                    None,
                    "good_id",
                    good_id,
                    "no producer of this good in world_supply.csv and no imports of it in flows.csv; "
                    "import world production with `prioritizer import-supply` or trade with `import-trade`",
                )
            ]
        )
    countries = case.countries if isinstance(case.countries, pd.DataFrame) else pd.DataFrame()
    info = {str(r["iso3"]).upper(): r for _, r in countries.iterrows()} if not countries.empty else {}
    top_share = _scale(producers, info)
    options = []
    for c in candidates:
        p = producers.get(c, {})
        ci = info.get(c)
        gov = _num(ci["governance"]) if ci is not None else None
        if gov is None:
            gov = p.get("governance")
        world = p.get("share")
        imp = shares.get(c, 0.0)
        values = {
            "world_share": min(1.0, world / top_share) if world is not None and top_share > 0 else 0.0,
            "governance": 0.5 if gov is None else (gov + 2.5) / 5.0,
            "partner": 1.0 if ci is not None and bool(ci["partner"]) else 0.0,
            "not_concern": 0.0 if ci is not None and bool(ci["concern"]) else 1.0,
            "diversification": 1.0 - imp,
        }
        parts = {k: WEIGHTS[k] * v for k, v in values.items()}
        options.append(
            {
                "country": c,
                "name_ja": str(ci["name_ja"]) if ci is not None and str(ci["name_ja"]) else c,
                "name_en": str(ci["name_en"]) if ci is not None and str(ci["name_en"]) else c,
                "world_share": world,
                "governance": gov,
                "partner": bool(values["partner"]),
                "concern": not values["not_concern"],
                "import_share": imp,
                "reserves_share": p.get("reserves_share"),
                "production": p.get("production"),
                "score": sum(parts.values()),
                "values": values,
                "parts": parts,
                "source": p.get("source", ""),
            }
        )
    # best first; ties by larger world share, then by country code (a stable, stated order)
    options.sort(key=lambda o: (-round(o["score"], 12), -(o["world_share"] or 0.0), o["country"]))
    for i, o in enumerate(options, start=1):
        o["rank"] = i
        o["reason"] = reason(o, len(options))
        o["text_ja"], o["text_en"] = _texts(o["reason"])
    return {
        "good_id": good_id,
        "name_ja": str(good.get("name_ja") or good_id),
        "name_en": str(good.get("name_en") or good_id),
        "home": home,
        "weights": dict(WEIGHTS),
        "import_periods": [periods[0], periods[-1]] if periods else None,
        "options": options,
    }


def _scale(producers: dict[str, dict[str, Any]], info: dict[str, Any]) -> float:
    """The world share that scores 1: the largest among producers that are not of concern (else
    the largest of all). Measured against a dominant supplier of concern every alternative looks
    negligible, and the score would then only repeat the flags."""

    def concern(c: str) -> bool:
        return c in info and bool(info[c]["concern"])

    free = [p["share"] for c, p in producers.items() if not concern(c)]
    return max(free, default=0.0) or max((p["share"] for p in producers.values()), default=0.0)


def _phrase(criterion: str, o: dict[str, Any], good: bool) -> dict[str, Any]:
    """One structured phrase about ``criterion`` of option ``o`` (rendered by the text layer)."""
    msg: dict[str, Any] = {"kind": f"partners.{criterion}.{'good' if good else 'bad'}"}
    if criterion == "world_share":
        if o["world_share"] is None:
            msg["kind"] = "partners.world_share.none"
        msg["share"] = o["world_share"] or 0.0
    elif criterion == "governance":
        if o["governance"] is None:
            msg["kind"] = "partners.governance.unknown"
        msg["value"] = o["governance"] or 0.0
    elif criterion == "diversification":
        msg["share"] = o["import_share"]
    return msg


def reason(o: dict[str, Any], n: int) -> dict[str, Any]:
    """Why ``o`` ranks where it does: its two largest contributions (strengths) and the criterion
    where it gives away the most of its weight (weakness, when it gives away any)."""
    parts, values = o["parts"], o["values"]
    order = sorted(WEIGHTS, key=lambda k: (-parts[k], k))
    strengths = [k for k in order if values[k] >= 0.5][:2]
    lost = sorted(WEIGHTS, key=lambda k: (-(WEIGHTS[k] * (1 - values[k])), k))
    weak = [k for k in lost if values[k] < 0.5][:1]
    return {
        "kind": "partners.option",
        "rank": o["rank"],
        "n": n,
        "score": o["score"],
        "name_ja": o["name_ja"],
        "name_en": o["name_en"],
        "strengths": [_phrase(k, o, True) for k in strengths],
        "weaknesses": [_phrase(k, o, False) for k in weak],
    }


def _texts(msg: dict[str, Any]) -> tuple[str, str]:
    from prioritizer.text import render

    out = []
    for lang, sep in (("ja", "、"), ("en", "; ")):
        good = sep.join(render(p, lang) for p in msg["strengths"]) or render({"kind": "partners.none"}, lang)  # type: ignore[arg-type]
        bad = sep.join(render(p, lang) for p in msg["weaknesses"])  # type: ignore[arg-type]
        kind = "partners.option" if bad else "partners.option_no_weakness"
        fields = {k: v for k, v in msg.items() if k not in ("strengths", "weaknesses", "kind")}
        out.append(render({**fields, "kind": kind, "good": good, "bad": bad}, lang))  # type: ignore[arg-type]
    return out[0], out[1]


def table_of(result: dict[str, Any], lang: str = "ja") -> pd.DataFrame:
    """One row per option; ``ally`` is the JSON's ``partner`` flag (``partner`` names a country elsewhere)."""
    cols = ["rank", "country", "name", "score", "world_share", "governance", "ally", "concern"]
    cols += ["import_share", "reserves_share", "why"]
    rows = [
        {**o, "ally": o["partner"], "name": o[f"name_{lang}"], "why": o[f"text_{lang}"]}
        for o in result["options"]
    ]
    return pd.DataFrame(rows, columns=cols)


def run_partners(case: Case, params: dict[str, Any]) -> Any:
    """The ``partners`` service (runs.SERVICES): params {"good_id"}."""
    from prioritizer.runs import CommandOutput

    result = partner_options(case, str(params["good_id"]))
    return CommandOutput(result=result, method={"score": "weighted sum", "weights": dict(WEIGHTS)})
