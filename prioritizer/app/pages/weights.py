"""Weights (planner): direct sliders, swing weighting, AHP pairwise editor with live CR."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from prioritizer.app import controller, state
from prioritizer.errors import PrioritizerError


def _model_criteria() -> tuple[list[dict], dict]:
    base = state.run("rank", {k: v for k, v in state.rank_params().items() if k != "weights"})
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
    used = base_result.get("weights") or {}
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
    with tab_swing:
        _swing(ids, lab)
    with tab_ahp:
        _ahp(ids, lab)

    weights = st.session_state.get("weights") or current
    if sum(weights.values()) <= 0:
        st.warning(state.tr("weights.all_zero"))
        return
    try:
        run = state.run("rank", state.rank_params())
    except PrioritizerError as exc:
        state.show_error(exc)
        return
    baseline = st.session_state.get("baseline") or base_result
    c1, c2 = st.columns([3, 1])
    c1.subheader(state.tr("weights.baseline"))
    if c2.button("基準として保存 / Set as baseline"):
        st.session_state["baseline"] = run.result
    moves = controller.rank_moves(baseline, run.result)
    names = {
        r["id"]: r.get("name_ja" if state.lang() == "ja" else "name_en") or r["id"]
        for r in run.result["ranking"]
    }
    moves.insert(1, "name", moves["id"].map(names))
    st.dataframe(
        moves.style.map(
            lambda v: (
                "background-color:#d4f4dd"
                if isinstance(v, int | float) and v > 0
                else ("background-color:#f9d6d5" if isinstance(v, int | float) and v < 0 else "")
            ),
            subset=["move"],
        ),
        hide_index=True,
        width="stretch",
        height=420,
    )
    state.download(moves, "rank_moves")


def _swing(ids: list[str], lab: dict[str, str]) -> None:
    from prioritizer import weights as W

    st.caption(
        "最も重要な基準のスウィングを 100 とし、他の基準を 0–100 で評価します。"
        if state.lang() == "ja"
        else "Give the most important swing 100 points and the others 0–100."
    )
    pts = {
        cid: st.number_input(lab[cid], 0.0, 100.0, 100.0 if i == 0 else 50.0, 5.0, key=f"sw-{cid}")
        for i, cid in enumerate(ids)
    }
    if st.button("スウィング法の重みを適用 / Apply swing weights"):
        try:
            st.session_state["weights"] = W.swing_weights(pts)
            st.rerun()
        except PrioritizerError as exc:
            state.show_error(exc)


def _ahp(ids: list[str], lab: dict[str, str]) -> None:
    from prioritizer import weights as W

    n = len(ids)
    key = "ahp_matrix"
    if key not in st.session_state or st.session_state[key].shape != (n, n):
        st.session_state[key] = pd.DataFrame(np.ones((n, n)), index=ids, columns=ids)
    st.caption(
        "上三角に一対比較値（1/9–9）を入力すると下三角は逆数になります。"
        if state.lang() == "ja"
        else "Enter pairwise judgements (1/9–9) above the diagonal; the lower triangle is reciprocal."
    )
    edited = st.data_editor(st.session_state[key], key="ahp_editor")
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
    if not res["consistent"] and res.get("most_inconsistent"):
        st.info(f"{res['most_inconsistent']} → {res.get('suggestion')}")
    st.bar_chart(pd.Series(res["weights"]).rename(index=lab))
    if st.button("AHP の重みを適用 / Apply AHP weights"):
        st.session_state["weights"] = dict(res["weights"])
        st.session_state[key] = pd.DataFrame(a, index=ids, columns=ids)
        st.rerun()
