"""``allocate`` service: params (JSON-able) -> :class:`CommandOutput` (DESIGN §5 JSON).

params: ``model``, ``model_snapshot``, ``policy_snapshot``, ``budget`` (億円, overrides the
total), ``relax``, ``time_limit`` (s), ``gap`` (relative), ``weights`` ({criterion: w}),
``ignore`` ([constraint names]), ``must`` ({project: "in" | "out" | ""}), ``scenarios``
([scenario ids]), ``frontier`` (bool: add the budget sweep), ``frontier_points`` (int).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from pydantic import ValidationError

from prioritizer.allocation.data import AllocationData
from prioritizer.case.policy import Policy
from prioritizer.case.types import Case
from prioritizer.errors import InputError
from prioritizer.runs import CommandOutput
from prioritizer.text import DEFAULT_LANG, Lang, cell, field, fmt_days, fmt_pct, name_of, render, vocabulary


def policy_from_params(case: Case, params: dict[str, Any]) -> Policy:
    snap = params.get("policy_snapshot")
    if snap is None:
        return case.policy or Policy()
    from prioritizer.case.policyfile import policy_issues

    try:
        return Policy.model_validate(snap)
    except ValidationError as exc:
        raise InputError(policy_issues(exc, "policy_snapshot")) from None


def _model_ref(params: dict[str, Any]) -> Any:
    return params.get("model_snapshot") or params.get("model")


def data_from_params(case: Case, params: dict[str, Any], *, criticality: Any = None) -> AllocationData:
    from prioritizer.allocation.api import prepare

    data, _ = prepare(
        case,
        policy=policy_from_params(case, params),
        model=_model_ref(params),
        weights=params.get("weights"),
        budget=params.get("budget"),
        criticality=criticality,
        must=params.get("must"),
        ignore=params.get("ignore"),
        scenarios=params.get("scenarios"),
    )
    return data


def run_allocate(case: Case, params: dict[str, Any]) -> CommandOutput:
    from prioritizer.allocation.api import allocate_data, prepare
    from prioritizer.allocation.frontier import sweep, value_for_money
    from prioritizer.allocation.solve import highs_version

    policy = policy_from_params(case, params)
    data, crit_source = prepare(
        case,
        policy=policy,
        model=_model_ref(params),
        weights=params.get("weights"),
        budget=params.get("budget"),
        must=params.get("must"),
        ignore=params.get("ignore"),
        scenarios=params.get("scenarios"),
    )
    from prioritizer.allocation.api import _check_options

    _check_options(params.get("time_limit"), params.get("gap"))
    res = allocate_data(
        data,
        relax=bool(params.get("relax", False)),
        time_limit=params.get("time_limit"),
        gap=params.get("gap"),
        explain=params.get("explain", True),
        criticality_source=crit_source,
        backend=params.get("backend", "auto"),
    )
    result = res.to_json()
    result["weights_source"] = (
        params.get("weights_source") if params.get("weights") else None
    )  # DESIGN §7: adopted weights used, or null
    result["value_for_money"] = value_for_money(data)
    if params.get("frontier"):
        result["frontier"] = sweep(
            data, points=int(params.get("frontier_points", 11)), relax=bool(params.get("relax", False))
        )
    model_snapshot = params.get("model_snapshot")
    if model_snapshot is None and crit_source == "model":
        try:
            from prioritizer.model import load_model

            model_snapshot = load_model(params.get("model") or policy.model, case.root).snapshot()
        except Exception:  # the snapshot is a record, not a requirement of the solve
            model_snapshot = None
    return CommandOutput(
        result=result,
        table=table_of(result),
        model=model_snapshot,
        policy=policy.model_dump(mode="json"),
        method={
            "solver": f"HiGHS {highs_version()}",
            "relax": bool(params.get("relax", False)),
            "time_limit": params.get("time_limit"),
            "gap": params.get("gap"),
            "duals_from": res.solver.get("duals_from"),
            "criticality_source": crit_source,
        },
        weights=params.get("weights"),
    )


def headline(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline as structured messages: status, benefit, spend (projects + stock), benefit per 億円."""
    b = result.get("budget") or {}
    st = str(result.get("status"))
    ja, en = vocabulary("status").get(st, (st, st))
    out: list[dict[str, Any]] = [{"kind": "alloc.head.status", "status_ja": ja, "status_en": en}]
    if result.get("benefit") is not None:
        out.append({"kind": "alloc.head.benefit", "benefit": result["benefit"]})
        out.append(
            {
                # with joint pools the contribution is a third part of the one total spend
                "kind": "alloc.head.spend_pools" if b.get("spent_pools") is not None else "alloc.head.spend",
                "total": b.get("spent_total"),
                "projects": b.get("spent_projects"),
                "stock": b.get("spent_stockpiles"),
                "pools": b.get("spent_pools"),
            }
        )
        out.append({"kind": "alloc.head.per_oku", "per_oku": result.get("benefit_per_oku")})
        out.append({"kind": "alloc.head.breakdown", **(result.get("benefit_breakdown") or {})})
        bd = result.get("benefit_breakdown") or {}
        out.append(
            {"kind": "alloc.head.penalty_note", "avoided_target_penalty": bd.get("avoided_target_penalty")}
        )
    att = result.get("target_attainment")
    if att and att.get("total"):
        out.append({"kind": "alloc.head.targets", "met": att["met"], "total": att["total"]})
        out += [
            {"kind": "alloc.head.target_short", "text_ja": g["text_ja"], "text_en": g["text_en"]}
            for g in att["goods"]
        ]
    return out


def table_of(result: dict[str, Any], lang: Lang = DEFAULT_LANG) -> pd.DataFrame:
    """The human-readable table (Japanese by default): headline, projects, stock, binding rules, explanations.

    Headers come from the catalogue (``alloc.*`` fields), cells through :func:`prioritizer.text.cell`,
    so no field name, ``None`` or ``nan`` reaches the reader.
    """
    from prioritizer.text import vocab

    cols = {
        "section": field("alloc.section", lang),
        "id": field("id", lang),
        "name": field("name", lang),
        "share": field("alloc.funded_fraction", lang),
        "cost": field("alloc.cost", lang),
        "value": field("alloc.value", lang),
        "needed": field("alloc.needed_value", lang),
        "gain": field("alloc.relax_gain", lang),
        "detail": field("alloc.detail", lang),
    }

    def row(section: str, **kw: Any) -> dict[str, str]:
        r = {k: "" for k in cols}
        r["section"] = vocab("alloc_section", section, lang)
        for k, v in kw.items():
            r[k] = v if isinstance(v, str) else cell(v, lang)
        return r

    rows = [row("headline", detail=render(m, lang)) for m in headline(result)]
    for p in result.get("projects", []):
        rows.append(
            row(
                "project",
                id=p["id"],
                name=name_of({"id": p["id"], "name_ja": p.get("name_ja"), "name_en": p.get("name_en")}, lang),
                share=fmt_pct(p["funded_fraction"], lang),
                cost=p["cost"],
                value=p["value"],
                needed=p.get("needed_value") if p["funded_fraction"] <= 1e-9 else None,
            )
        )
    for s in result.get("stockpiles", []):
        rows.append(
            row(
                "stockpile",
                id=s["good_id"],
                name=name_of(
                    {"id": s["good_id"], "name_ja": s.get("name_ja"), "name_en": s.get("name_en")}, lang
                ),
                cost=s["cost"],
                detail=fmt_days(s.get("days_of_cover"), lang, 1),
            )
        )
    for c in result.get("constraints", []):
        if not c.get("binding") or c.get("kind") in ("shortfall", "divisible"):
            continue
        rows.append(
            row(
                "constraint",
                id=c["name"],
                name=c.get(f"description_{lang}") or c["name"],
                gain=c.get("relax_gain"),
            )
        )
    for line in (result.get("explanations") or {}).get("lines", []):
        rows.append(
            row(
                "explanation",
                id=vocab("alloc_group", line.get("group"), lang),
                detail=line.get(f"text_{lang}", ""),
            )
        )
    return pd.DataFrame(rows, columns=list(cols)).rename(columns=cols)
