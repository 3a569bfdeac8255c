"""Allocation what-if (planner): budget, rules, must in/out, scenarios → funded projects and explanations."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from prioritizer.app import charts, controller, state
from prioritizer.errors import PrioritizerError
from prioritizer.spend import benefit_of, benefit_per_oku_of
from prioritizer.text import field, fmt_num, fmt_oku, fmt_pct, name_of, vocab, vocabulary

_GROUPS = ("rules", "targets", "projects")
_TOP = 5


def _limits_editor(limits: list[Any], lang: str) -> list[int]:
    """The policy's floors and caps in words, with an "ignore" tick per row; returns ignored rows."""
    st.markdown(f"**{state.tr('alloc.limits')}**")
    ignore_col = state.tr("alloc.ignore")
    rows = []
    for lim in limits:
        group = str(lim.group)
        rows.append(
            {
                state.tr("alloc.limit_group"): vocab("limit_group", group, lang),  # type: ignore[arg-type]
                state.tr("alloc.limit_value"): vocab(group, lim.value, lang),  # type: ignore[arg-type]
                state.tr("alloc.limit_min"): fmt_oku(lim.min, lang) if lim.min is not None else "—",  # type: ignore[arg-type]
                state.tr("alloc.limit_max"): fmt_oku(lim.max, lang) if lim.max is not None else "—",  # type: ignore[arg-type]
                state.tr("alloc.limit_year"): str(lim.year) if lim.year else state.tr("alloc.all_years"),
                ignore_col: bool(lim.ignore),
            }
        )
    ldf = pd.DataFrame(rows)
    edited = st.data_editor(
        ldf, hide_index=True, disabled=[c for c in ldf.columns if c != ignore_col], key="limits-editor"
    )
    return [i for i, v in enumerate(edited[ignore_col]) if v]


def _must_editor(case: Any, lang: str) -> dict[str, str]:
    choices = {"": "—", "in": vocab("must", "in", lang), "out": vocab("must", "out", lang)}  # type: ignore[arg-type]
    back = {v: k for k, v in choices.items()}
    projects = case.projects
    pdf = pd.DataFrame(
        {
            field("id", lang): projects["id"],  # type: ignore[arg-type]
            field("name", lang): [name_of(r, lang) for r in projects.to_dict("records")],  # type: ignore[arg-type]
            field("must", lang): [choices.get(m or "", "—") for m in projects["must"].fillna("")],  # type: ignore[arg-type]
        }
    )
    must_col = field("must", lang)  # type: ignore[arg-type]
    ed = st.data_editor(
        pdf,
        hide_index=True,
        disabled=[c for c in pdf.columns if c != must_col],
        key="must-editor",
        column_config={must_col: st.column_config.SelectboxColumn(options=list(choices.values()))},
    )
    before = dict(zip(projects["id"], projects["must"].fillna(""), strict=False))
    chosen = dict(zip(projects["id"], (back.get(v, "") for v in ed[must_col]), strict=False))
    return {pid: m for pid, m in chosen.items() if m != (before.get(pid) or "")}


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
        ignore = _limits_editor(limits, lang) if limits else []
        must: dict[str, str] = {}
        if case.projects is not None:
            with st.expander(state.tr("alloc.must")):
                must = _must_editor(case, lang)
        chosen = None
        if case.scenarios is not None:
            names = {r["id"]: name_of(r, lang) for r in case.scenarios.to_dict("records")}
            chosen = state.multiselect(
                st, state.tr("alloc.scenarios"), list(names), default=list(names), format_func=names.get
            )
        st.form_submit_button(state.tr("action.recompute"))
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


def _headline(res: dict[str, Any], lang: str) -> None:
    """Benefit against doing nothing, what it costs, and benefit per 億円 — never the bare objective."""
    budget = res.get("budget") or {}
    spent = controller.total_spend(res)  # the one total (projects + stock) every page shows
    benefit = benefit_of(res)
    per = benefit_per_oku_of(res)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(state.tr("alloc.status"), vocab("status", res.get("status"), lang))  # type: ignore[arg-type]
    c2.metric(field("benefit", lang), fmt_num(benefit, lang, 1))  # type: ignore[arg-type]
    c3.metric(
        state.tr("alloc.spent"),
        fmt_oku(spent, lang),  # type: ignore[arg-type]
        help=state.tr(
            "alloc.spent_split",
            projects=fmt_oku(budget.get("spent_projects"), lang),  # type: ignore[arg-type]
            stock=fmt_oku(budget.get("spent_stockpiles"), lang),  # type: ignore[arg-type]
        ),
    )
    c4.metric(state.tr("alloc.benefit_per_oku"), fmt_num(per, lang, 3))  # type: ignore[arg-type]
    st.caption(state.tr("alloc.benefit_hint"))
    _attainment(res, lang)


def _attainment(res: dict[str, Any], lang: str) -> None:
    """Stockpile targets in their own units (met, days short, why) — beside the benefit, never in it."""
    att = res.get("target_attainment")
    if not att or not att.get("total"):
        return
    bd = res.get("benefit_breakdown") or {}
    st.markdown(
        state.tr(
            "alloc.targets_met",
            met=att["met"],
            total=att["total"],
            penalty=fmt_num(bd.get("avoided_target_penalty"), lang, 1),  # type: ignore[arg-type]
            share=fmt_pct(att.get("penalty_share"), lang),  # type: ignore[arg-type]
        )
    )
    for g in att.get("goods") or []:
        st.warning(g.get(f"text_{lang}") or g.get("text_ja") or "")


def _lines(res: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    expl = res.get("explanations") or {}
    items = expl.get("lines") if isinstance(expl, dict) else expl
    return [dict(it, text=it.get(f"text_{lang}") or it.get("text_ja") or "") for it in items or []]


def _explanations(lines: list[dict[str, Any]]) -> None:
    """The largest explanations per group, the rest behind "show all"."""
    status_lines = [ln for ln in lines if ln.get("group") not in _GROUPS]
    for ln in status_lines:
        st.warning(ln["text"])
    # the prices are the optimisation's, which also counts the stockpile-target penalty
    st.caption(state.tr("alloc.prices_note"))
    cols = st.columns(len(_GROUPS))
    for col, group in zip(cols, _GROUPS, strict=True):
        mine = [ln for ln in lines if ln.get("group") == group]
        mine.sort(key=lambda ln: -abs(ln.get("impact") or 0.0))
        with col:
            st.markdown(f"**{state.tr(f'alloc.group.{group}')}**")
            if not mine:
                st.caption(state.tr("alloc.group.none"))
            for ln in mine[:_TOP]:
                st.info(ln["text"])
            if len(mine) > _TOP:
                with st.expander(state.tr("alloc.show_all", n=len(mine))):
                    for ln in mine[_TOP:]:
                        st.markdown(f"- {ln['text']}")


def _changes(res: dict[str, Any], params: dict[str, Any], lang: str) -> None:
    """What this what-if changes against the case as given — live, no saving needed."""
    if not any(k in params for k in ("policy_snapshot", "must")) and not st.session_state.get("weights"):
        return
    from prioritizer.app import in_force
    from prioritizer.auth.adoption import with_weights_in_force

    try:  # the case as given: its own policy, under the weights in force
        base = state.run("allocate", with_weights_in_force({"explain": "prices"}, in_force.current())).result
    except PrioritizerError:
        return
    diff = controller.allocation_changes(base, res, state.case(), lang)
    st.subheader(state.tr("alloc.changes"))
    c1, c2 = st.columns(2)
    c1.metric(
        field("benefit", lang),  # type: ignore[arg-type]
        fmt_num(diff["benefit_after"], lang, 1),  # type: ignore[arg-type]
        delta=fmt_num(diff["benefit_delta"], lang, 1) if diff["benefit_delta"] is not None else None,  # type: ignore[arg-type]
    )
    c2.metric(
        state.tr("alloc.spent"),
        fmt_oku(diff["spend_after"], lang),  # type: ignore[arg-type]
        delta=fmt_oku(diff["spend_delta"], lang),  # type: ignore[arg-type]
        delta_color="off",
    )
    if not diff["projects"].empty:
        st.dataframe(diff["projects"], hide_index=True, width="stretch")
    else:
        st.caption(state.tr("alloc.no_funding_change"))
    if not diff["domains"].empty:
        st.dataframe(diff["domains"], hide_index=True, width="stretch")


def page() -> None:
    lang = state.lang()
    params = _inputs()
    if params.pop("_invalid", False):
        return
    st.session_state["alloc_params"] = params
    st.checkbox(state.tr("alloc.explain_full"), key="explain_full")
    try:
        with st.spinner(state.tr("alloc.solving")):
            run = state.run("allocate", state.alloc_params())
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    res = run.result
    status = res.get("status")
    from prioritizer.app import in_force

    in_force.banner()
    _headline(res, lang)
    lines = _lines(res, lang)
    if status not in ("optimal", "time_limit"):
        st.error(state.tr("alloc.infeasible"))
        for ln in lines:
            st.markdown(f"- {ln['text']}")
        return
    _explanations(lines)
    _changes(res, params, lang)
    projects = pd.DataFrame(res.get("projects", []))
    case = state.case()
    if not projects.empty:
        projects = controller.with_names(projects, case, lang)
        funded = projects[projects["funded_fraction"] > 1e-9]
        st.subheader(state.tr("alloc.funded"))
        state.show_table(
            funded,
            "funded_projects",
            columns=[
                "id",
                "name",
                "instrument",
                "funded_fraction",
                "cost",
                "spent",
                "value",
                "value_per_oku",
            ],
            digits={"funded_fraction": 2, "cost": 0, "spent": 0, "value": 1, "value_per_oku": 3},
        )
        st.subheader(state.tr("alloc.unfunded"))
        unf = controller.unfunded_view(projects[projects["funded_fraction"] <= 1e-9], lang)
        state.show_table(
            unf,
            "unfunded_projects",
            columns=["id", "name", "instrument", "cost", "value", "needed_value", "entry_gap", "reason"],
            digits={"cost": 0},
        )
        cols = st.columns(3)
        for col, group in zip(cols, ("domain", "sector", "instrument"), strict=True):
            df = controller.spend_by(res, case, group)
            if not df.empty:
                col.plotly_chart(charts.spend_bar(df, group, vocabulary(group), lang), width="stretch")
    stock = res.get("stockpiles") or []
    if stock:
        st.subheader(state.tr("alloc.stockpiles"))
        targets = {s["good_id"]: s["target_days"] for s in stock if s.get("target_days") is not None}
        st.plotly_chart(charts.days_of_cover_bar(stock, targets, lang), width="stretch")
        sdf = controller.with_names(pd.DataFrame(stock), case, lang, id_col="good_id")
        state.show_table(
            sdf,
            "stockpiles",
            columns=[
                "good_id",
                "name",
                "quantity",
                "unit",
                "days_of_cover",
                "target_days",
                "cost",
                "expected_shortfall",
            ],
            digits={"quantity": 1, "days_of_cover": 0, "target_days": 0, "cost": 0, "expected_shortfall": 2},
        )
    cons = controller.constraints_view(res.get("constraints", []), lang)
    if not cons.empty:
        st.subheader(state.tr("alloc.constraints"))
        binding_only = st.toggle(state.tr("alloc.binding_only"), value=True, key="binding-only")
        if binding_only:
            cons = cons[cons["binding"].fillna(False).astype(bool)]
        state.show_table(
            cons,
            "constraints",
            columns=["description", "kind", "sense", "rhs", "activity", "slack", "relax_gain", "rhs_range"],
            digits={"relax_gain": 3},
        )
    _frontier(params)


def _frontier(params: dict[str, Any]) -> None:
    st.subheader(state.tr("alloc.frontier"))
    if st.button(state.tr("action.frontier")):
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
