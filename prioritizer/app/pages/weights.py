"""Weights (planner): direct sliders, swing weighting, AHP pairwise editor with live CR."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from prioritizer.app import controller, state
from prioritizer.errors import PrioritizerError
from prioritizer.text import name_of, render
from prioritizer.text.tables import present


def _model_criteria() -> tuple[list[dict], dict]:
    base = state.run(
        "rank", {k: v for k, v in state.rank_params().items() if k not in ("weights", "weights_source")}
    )
    return (base.output.model or {}).get("criteria", []), base.result


def page() -> None:
    try:
        criteria, base_result = _model_criteria()
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    ids = [c["id"] for c in criteria]
    lab = {c["id"]: c.get("label_ja" if state.lang() == "ja" else "label_en") or c["id"] for c in criteria}
    # Start from the weights the model actually used (elicited models such as AHP carry no
    # per-criterion weight field; the rank result records the derived weights).
    from prioritizer.app import in_force

    in_force.banner()
    used = in_force.current().get("weights") or base_result.get("weights") or {}
    current = st.session_state.get("weights") or {cid: float(used.get(cid, 0.0)) for cid in ids}
    tab_direct, tab_swing, tab_ahp = st.tabs(
        [state.tr("weights.sliders"), state.tr("weights.swing"), state.tr("weights.ahp")]
    )
    with tab_direct:
        new = {}
        cols = st.columns(len(ids) or 1)
        for col, cid in zip(cols, ids, strict=False):
            new[cid] = col.slider(lab[cid], 0.0, 1.0, float(current.get(cid, 0.0)), 0.01, key=f"w-{cid}")
        if new != current:
            st.session_state["weights"] = new
            st.session_state["judgements"] = None  # direct weights: no judgements behind them
    with tab_swing:
        _swing(ids, lab)
    with tab_ahp:
        _ahp(ids, lab)

    weights = st.session_state.get("weights") or current
    if sum(weights.values()) <= 0:
        st.warning(state.tr("weights.all_zero"))
        return
    _normalised(weights, ids, lab)
    try:
        run = state.run("rank", state.rank_params())
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    baseline = st.session_state.get("baseline") or base_result
    c1, c2 = st.columns([3, 1])
    c1.subheader(state.tr("weights.baseline"))
    if c2.button(state.tr("action.set_baseline")):
        st.session_state["baseline"] = run.result
    moves = controller.rank_moves(baseline, run.result)
    names = {r["id"]: name_of(r, state.lang()) for r in run.result["ranking"]}
    moves.insert(1, "name", moves["id"].map(names))
    shown = present(moves, state.lang())
    move_col = shown.columns[-1]
    st.dataframe(
        shown.style.map(
            lambda v: (
                "background-color:#d4f4dd"
                if str(v).lstrip().startswith(tuple("123456789"))
                else ("background-color:#f9d6d5" if str(v).startswith("-") else "")
            ),
            subset=[move_col],
        ),
        hide_index=True,
        width="stretch",
        height=420,
    )
    state.download(shown, "rank_moves")


def _normalised(weights: dict[str, float], ids: list[str], lab: dict[str, str]) -> None:
    """The weights as the scoring uses them: divided by their sum, so they add up to 100 %."""
    from prioritizer.text import fmt_pct

    total = sum(float(weights.get(c, 0.0)) for c in ids)
    lang = state.lang()
    rows = {lab[c]: fmt_pct(float(weights.get(c, 0.0)) / total, lang) for c in ids}
    rows[state.tr("contrib.total")] = fmt_pct(1.0, lang)
    st.markdown(f"**{state.tr('weights.normalised')}**")
    st.dataframe(pd.DataFrame([rows]), hide_index=True, width="stretch")
    st.caption(state.tr("weights.normalised_hint"))


def _swing(ids: list[str], lab: dict[str, str]) -> None:
    from prioritizer import weights as W

    st.caption(state.tr("weights.swing_hint"))
    pts = {
        cid: st.number_input(lab[cid], 0.0, 100.0, 100.0 if i == 0 else 50.0, 5.0, key=f"sw-{cid}")
        for i, cid in enumerate(ids)
    }
    if st.button(state.tr("weights.apply_swing")):
        try:
            st.session_state["weights"] = W.swing_weights(pts)
            # The swing points go into the record, not only the weights they give.
            st.session_state["judgements"] = {"method": "swing", "points": dict(pts)}
            st.rerun()
        except PrioritizerError as exc:
            state.show_error(exc)


def _ahp(ids: list[str], lab: dict[str, str]) -> None:
    from prioritizer import weights as W

    n = len(ids)
    key = "ahp_matrix"
    if key not in st.session_state or st.session_state[key].shape != (n, n):
        st.session_state[key] = pd.DataFrame(np.ones((n, n)), index=ids, columns=ids)
    st.caption(state.tr("weights.ahp_hint"))
    # Shown with criterion labels; the matrix itself stays keyed by criterion id.
    shown = st.session_state[key].copy()
    shown.index = shown.columns = [lab[c] for c in ids]
    edited = st.data_editor(shown, key="ahp_editor")
    a = np.array(edited.to_numpy(dtype=float), copy=True)  # pandas 3 hands out read-only views
    for i in range(n):
        for j in range(i + 1, n):
            a[j, i] = 1.0 / a[i, j] if a[i, j] > 0 else np.nan
    try:
        res = W.ahp_checked(a, ids).as_dict()
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    cr = res["cr"]
    (st.success if res["consistent"] else st.warning)(
        f"{state.tr('weights.cr')} = {cr:.3f} — "
        + state.tr("weights.cr_ok" if res["consistent"] else "weights.cr_bad")
    )
    sug = res.get("suggestion")
    if not res["consistent"] and sug and sug.get("cr_after") is not None:
        st.info(
            render(
                {
                    "kind": "ahp.suggestion",
                    "row": lab.get(sug["row"], sug["row"]),
                    "column": lab.get(sug["column"], sug["column"]),
                    "current": W.fmt_judgement(sug["current"]),
                    "suggested": W.fmt_judgement(sug["suggested"]),
                    "implied": res["most_inconsistent"]["implied"],
                    "cr_after": sug["cr_after"],
                },
                state.lang(),
            )
        )
    st.bar_chart(pd.Series(res["weights"]).rename(index=lab).rename(state.tr("weights.weight")))
    if st.button(state.tr("weights.apply_ahp")):
        st.session_state["weights"] = dict(res["weights"])
        st.session_state["judgements"] = {"method": "ahp", "criteria": list(ids), "matrix": a.tolist()}
        st.session_state[key] = pd.DataFrame(a, index=ids, columns=ids)
        st.rerun()
