"""Allocation what-if (planner): budget, rules, must in/out, scenarios → funded projects and explanations."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from prioritizer.app import charts, controller, state
from prioritizer.errors import PrioritizerError
from prioritizer.i18n import DOMAINS, INSTRUMENTS, SECTORS, fmt_oku


def _inputs() -> dict[str, Any]:
    """The what-if form; returns service params (only what differs from the case's policy)."""
    case = state.case()
    pol = case.policy
    lang = state.lang()
    params: dict[str, Any] = {}
    with st.form("alloc-form"):
        c1, c2 = st.columns([1, 2])
        total0 = float(pol.budget.total) if pol and pol.budget.total else 0.0
        total = c1.number_input(state.tr("alloc.budget"), min_value=0.0, value=total0, step=100.0)
        years = dict(pol.budget.years) if pol else {}
        new_years = {}
        if years:
            ycols = c2.columns(len(years))
            for col, (y, v) in zip(ycols, sorted(years.items()), strict=False):
                new_years[y] = col.number_input(
                    state.tr("alloc.year_budget", year=y), min_value=0.0, value=float(v), step=100.0
                )
        limits = list(pol.limits) if pol else []
        ignore: list[int] = []
        if limits:
            st.markdown(f"**{state.tr('alloc.limits')}**")
            ldf = pd.DataFrame(
                [
                    {
                        "group": lim.group,
                        "value": lim.value,
                        "min": lim.min,
                        "max": lim.max,
                        "year": lim.year,
                        state.tr("alloc.ignore"): lim.ignore,
                    }
                    for lim in limits
                ]
            )
            edited = st.data_editor(
                ldf, hide_index=True, disabled=["group", "value", "year"], key="limits-editor"
            )
            ignore = [i for i, v in enumerate(edited[state.tr("alloc.ignore")]) if v]
        must: dict[str, str] = {}
        if case.projects is not None:
            with st.expander(state.tr("alloc.must")):
                pdf = case.projects[["id", "name_ja" if lang == "ja" else "name_en", "must"]].copy()
                pdf.columns = ["id", "name", "must"]
                ed = st.data_editor(
                    pdf,
                    hide_index=True,
                    disabled=["id", "name"],
                    key="must-editor",
                    column_config={"must": st.column_config.SelectboxColumn(options=["", "in", "out"])},
                )
                must = {
                    r.id: (r.must or "")
                    for r in ed.itertuples()
                    if (r.must or "") != (case.projects.set_index("id").at[r.id, "must"] or "")
                }
        if case.scenarios is not None:
            names = dict(
                zip(
                    case.scenarios["id"],
                    case.scenarios["name_ja" if lang == "ja" else "name_en"],
                    strict=False,
                )
            )
            chosen = st.multiselect(
                state.tr("alloc.scenarios"), list(names), default=list(names), format_func=names.get
            )
        else:
            chosen = None
        st.form_submit_button("再計算 / Recompute")
    if total <= 0 and not any(v > 0 for v in new_years.values()):
        st.warning(state.tr("alloc.budget_zero"))
        return {"_invalid": True}
    if pol is not None:
        snap = pol.model_dump(mode="json")
        changed = False
        if total != total0:
            snap["budget"]["total"] = total if total > 0 else None
            changed = True
        if new_years and new_years != years:
            snap["budget"]["years"] = {str(y): v for y, v in new_years.items()}
            changed = True
        for i in ignore:
            snap["limits"][i]["ignore"] = True
            changed = True
        if chosen is not None and case.scenarios is not None and len(chosen) != len(case.scenarios):
            snap["scenarios"] = chosen
            changed = True
        if changed:
            params["policy_snapshot"] = snap
    if must:
        params["must"] = must
    return params


def page() -> None:
    lang = state.lang()
    params = _inputs()
    if params.pop("_invalid", False):
        return
    st.session_state["alloc_params"] = params
    st.checkbox(
        "詳しい説明（採択・不採択を強制した再求解を含む。数秒かかります）"
        if lang == "ja"
        else "Full explanation (forced in/out re-solves; takes a few seconds)",
        key="explain_full",
    )
    try:
        run = state.run("allocate", state.alloc_params())
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    res = run.result
    status = res.get("status")
    c1, c2, c3 = st.columns(3)
    c1.metric(state.tr("alloc.status"), str(status))
    c2.metric(state.tr("alloc.objective"), f"{res.get('objective') or 0:,.2f}")
    c3.metric(state.tr("col.cost"), fmt_oku(controller.total_spend(res), lang))
    expl = res.get("explanations") or {}
    if status not in ("optimal", "time_limit"):
        st.error(state.tr("alloc.infeasible"))
        for line in _texts(expl, lang):
            st.markdown(f"- {line}")
        return
    for line in _texts(expl, lang):
        st.info(line)
    projects = pd.DataFrame(res.get("projects", []))
    if not projects.empty:
        name_col = "name_ja" if lang == "ja" else "name_en"
        funded = projects[projects["funded_fraction"] > 1e-9]
        st.subheader(state.tr("alloc.funded"))
        st.dataframe(funded, hide_index=True, width="stretch")
        state.download(funded, "funded_projects")
        st.subheader(state.tr("alloc.unfunded"))
        unf = projects[projects["funded_fraction"] <= 1e-9]
        keep = [
            c
            for c in ["id", name_col, "cost", "reduced_cost", "needed_value", "forced_in_delta"]
            if c in unf.columns
        ]
        st.dataframe(unf[keep], hide_index=True, width="stretch")
        state.download(unf, "unfunded_projects")
        case = state.case()
        cols = st.columns(3)
        for col, (group, vocab) in zip(
            cols, [("domain", DOMAINS), ("sector", SECTORS), ("instrument", INSTRUMENTS)], strict=False
        ):
            df = controller.spend_by(res, case, group)
            if not df.empty:
                col.plotly_chart(charts.spend_bar(df, group, vocab, lang), width="stretch")
    stock = res.get("stockpiles") or []
    if stock:
        st.subheader(state.tr("alloc.stockpiles"))
        targets = {s["good_id"]: s["target_days"] for s in stock if s.get("target_days") is not None}
        st.plotly_chart(charts.days_of_cover_bar(stock, targets, lang), width="stretch")
        sdf = pd.DataFrame(stock)
        st.dataframe(sdf, hide_index=True, width="stretch")
        state.download(sdf, "stockpiles")
    cons = pd.DataFrame(res.get("constraints", []))
    if not cons.empty:
        st.subheader(state.tr("alloc.constraints"))
        st.dataframe(cons, hide_index=True, width="stretch")
        state.download(cons, "constraints")
    _frontier(params)


def _texts(expl: Any, lang: str) -> list[str]:
    """Explanation lines in the current language from the allocate result."""
    if isinstance(expl, list):
        items = expl
    elif isinstance(expl, dict):
        items = expl.get("lines") or expl.get("conflict") or expl.get("items") or []
        if isinstance(items, dict):
            items = [items]
    else:
        items = []
    out = []
    for it in items:
        if isinstance(it, str):
            out.append(it)
        elif isinstance(it, dict):
            out.append(it.get(f"text_{lang}") or it.get(lang) or it.get("text") or str(it))
    return out


def _frontier(params: dict[str, Any]) -> None:
    st.subheader(state.tr("alloc.frontier"))
    if st.button("フロンティアを計算 / Compute frontier"):
        from prioritizer.allocation import api as alloc_api

        bar = st.progress(0.0)
        try:
            points = alloc_api.frontier(
                state.case(), params=params, progress=lambda k, n: bar.progress(min(1.0, k / max(n, 1)))
            )
        except PrioritizerError as exc:
            state.show_error(exc)
            return
        st.plotly_chart(charts.frontier_line(points, state.lang()), width="stretch")
