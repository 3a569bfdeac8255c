"""Studies: start a small what-if study, watch its progress, read funding frequencies and
the robust portfolio. Layout only: the study service computes, ``prioritizer.study.charts`` draws."""

from __future__ import annotations

from typing import Any

import streamlit as st

from prioritizer.app import controller, state
from prioritizer.errors import PrioritizerError
from prioritizer.study import charts
from prioritizer.text import vocab

#: the app runs small studies; larger ones belong on the command line / a cluster
APP_MAX_TASKS = 600


def _grid(
    b_from: float, b_to: float, b_step: float, samples: int, seed: int, scen: str, thr: float
) -> dict[str, Any]:
    return {
        "budgets": {"from": b_from, "to": b_to, "step": b_step},
        "weights": {"samples": samples, "seed": seed},
        "scenarios": scen,
        "robust": {"threshold": thr, "candidates": 3},
        "max_tasks": APP_MAX_TASKS,
    }


def _form(case: Any) -> dict[str, Any] | None:
    lang = state.lang()
    total = float((case.policy.budget.total if case.policy else None) or 1000.0)
    with st.form("study-form"):
        st.subheader(state.tr("study.setup"))
        c1, c2, c3 = st.columns(3)
        b_from = c1.number_input(state.tr("study.budget_from"), 1.0, 1e7, float(round(total * 0.75)), 100.0)
        b_to = c2.number_input(state.tr("study.budget_to"), 1.0, 1e7, total, 100.0)
        b_step = c3.number_input(
            state.tr("study.budget_step"), 1.0, 1e7, float(max(1.0, round(total * 0.125))), 50.0
        )
        c4, c5, c6 = st.columns(3)
        samples = c4.number_input(state.tr("study.samples"), 1, 200, 10, 1)
        seed = c5.number_input(state.tr("study.seed"), 0, 2**31 - 1, 0)
        options = ["all", "each", "none"]
        scen = c6.selectbox(
            state.tr("study.scenarios"),
            options,
            format_func=lambda v: vocab("study_scenarios", v, lang),
        )
        c7, c8 = st.columns(2)
        thr = c7.slider(state.tr("study.threshold"), 0.05, 1.0, 0.8, 0.05)
        workers = c8.number_input(state.tr("study.workers"), 0, 8, 0)
        # the author is the signed-in account: there is no name to type
        reason = st.text_input(state.tr("save.reason"), key="study_reason")
        go = st.form_submit_button(state.tr("study.start"))
    if not go:
        return None
    if not reason.strip():
        st.warning(state.tr("auth.need_reason"))
        return None
    return {
        "grid": _grid(float(b_from), float(b_to), float(b_step), int(samples), int(seed), scen, float(thr)),
        "grid_file": "app",
        "workers": int(workers),
        "reason": reason,
    }


def _run(case: Any, req: dict[str, Any]) -> None:
    from prioritizer.study.service import PROGRESS

    bar = st.progress(0.0, text=state.tr("study.running"))

    def report(stage: str, done: int, total: int) -> None:
        label = state.tr(f"study.stage.{stage}")
        bar.progress(min(1.0, done / total) if total else 1.0, text=f"{label}: {done:,} / {total:,}")

    params = {k: req[k] for k in ("grid", "grid_file", "workers")}
    token = PROGRESS.set(report)
    try:
        from prioritizer.app import auth_gate

        run = controller.compute(auth_gate.caller(), case, "study", params)
    finally:
        PROGRESS.reset(token)
    from prioritizer.app import auth_gate

    run_id = controller.save(auth_gate.caller(), run, req["reason"])
    st.session_state["study_result"] = {"run_id": run_id, **run.result}


def _show(res: dict[str, Any]) -> None:
    lang = state.lang()
    st_ = res.get("study", {})
    if res.get("complete"):
        st.success(
            state.tr(
                "study.done",
                done=st_.get("tasks_done", 0),
                total=st_.get("tasks_total", 0),
                run_id=res["run_id"],
            )
        )
    else:
        st.warning(
            state.tr("study.incomplete", done=st_.get("tasks_done", 0), total=st_.get("tasks_total", 0))
        )
    if res.get("failures"):
        st.caption(state.tr("study.failures", n=len(res["failures"])))
    if not res.get("projects"):
        st.info(state.tr("study.no_projects"))
        return
    st.plotly_chart(charts.funding_frequency_bar(res, lang), width="stretch")
    st.subheader(state.tr("study.robust"))
    rp = res.get("robust_portfolio") or {}
    mm = rp.get("minimax_regret")
    if mm:
        st.markdown(f"**{state.tr('study.minimax')}**")
        st.caption(
            state.tr(
                "study.max_regret",
                value=mm.get("max_regret_feasible") or 0.0,
                tasks=mm.get("evaluated_tasks", 0),
                infeasible=mm.get("infeasible_tasks", 0),
            )
        )
    table = charts.robust_table(res, lang)
    if len(table):
        st.dataframe(table, hide_index=True, width="stretch")
    st.plotly_chart(charts.benefit_by_budget_box(res, lang), width="stretch")
    st.caption(
        state.tr("alloc.benefit_hint")
    )  # what the benefit counts, and the target penalty it leaves out


def page() -> None:
    st.caption(state.tr("study.intro"))
    try:
        case = state.case()
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    req = _form(case)
    if req is not None:
        try:
            _run(case, req)
        except PrioritizerError as exc:
            state.show_error(exc)
            return
    res = st.session_state.get("study_result")
    if res:
        _show(res)
