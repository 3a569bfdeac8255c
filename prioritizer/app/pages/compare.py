"""Compare: a baseline and up to three variants side by side (ranks moved, funding changed, cost)."""

from __future__ import annotations

import streamlit as st

from prioritizer.app import controller, state
from prioritizer.errors import PrioritizerError
from prioritizer.text import fmt_oku


def _stored_runs(command: str) -> tuple[dict[str, dict | None], dict[str, str]]:
    """Runs saved in this session plus recent ones from the audit store, with who/why/when labels."""
    out: dict[str, dict | None] = {
        rid: res for rid, cmd, res in st.session_state.get("saved", []) if cmd == command
    }
    labels: dict[str, str] = {rid: rid for rid in out}
    try:
        from prioritizer import door
        from prioritizer.app import auth_gate

        who = auth_gate.caller()
        # only runs the reader may see are offered
        summaries = door.visible_runs(who, command=command, limit=30)
        from prioritizer.app.decisions import display_names

        names = display_names(who.store)
        labels.update(
            {rid: lab for rid, (lab, _) in controller.run_labels(summaries, state.lang(), names).items()}
        )
        for s in summaries:
            rid = s["run_id"] if isinstance(s, dict) else s.run_id
            if rid not in out:
                out[rid] = None  # fetched lazily
        st.session_state["_caller"] = who
    except (PrioritizerError, ImportError):
        pass
    return out, labels


def _result(rid: str, cache: dict[str, dict | None]) -> dict:
    if cache.get(rid) is not None:
        return cache[rid]
    from prioritizer import door

    stored = door.stored_run(st.session_state["_caller"], rid, "audit.show")
    return stored["result"] if isinstance(stored, dict) else stored.result


def page() -> None:
    for command in ("rank", "allocate"):
        st.subheader(state.tr("page.ranking") if command == "rank" else state.tr("page.allocation"))
        runs, labels = _stored_runs(command)
        if len(runs) < 2:
            st.caption(state.tr("compare.need_two"))
            continue
        ids = list(runs)
        base = st.selectbox(
            state.tr("compare.baseline"), ids, key=f"cmp-base-{command}", format_func=labels.get
        )
        variants = state.multiselect(
            st,
            state.tr("compare.variants"),
            [i for i in ids if i != base],
            max_selections=3,
            key=f"cmp-var-{command}",
            format_func=labels.get,
        )
        if not variants:
            continue
        b = _result(base, runs)
        lang = state.lang()
        case = state.case()
        if command == "rank":
            table = controller.compare_ranks(b, {v: _result(v, runs) for v in variants}, lang)
        else:
            table = controller.compare_funding(b, {v: _result(v, runs) for v in variants}, case, lang)
            cols = st.columns(len(variants) + 1)
            for col, v in zip(cols, [base, *variants], strict=True):
                col.metric(
                    f"{state.tr('compare.total_spend')} · {v}",
                    fmt_oku(controller.total_spend(_result(v, runs)), lang),
                )
        st.dataframe(table, hide_index=True, width="stretch")
        state.download(table, f"compare_{command}")
