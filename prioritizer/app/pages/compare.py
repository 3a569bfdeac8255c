"""Compare: a baseline and up to three variants side by side (ranks moved, funding changed, cost)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from prioritizer.app import controller, state
from prioritizer.errors import PrioritizerError


def _stored_runs(command: str) -> dict[str, dict]:
    """Runs saved in this session plus recent ones from the audit store."""
    out = {rid: res for rid, cmd, res in st.session_state.get("saved", []) if cmd == command}
    try:
        from prioritizer.audit import open_store

        store = open_store(st.session_state.get("db"))
        for s in store.runs(command=command, limit=30):
            rid = s["run_id"] if isinstance(s, dict) else s.run_id
            if rid not in out:
                out[rid] = None  # fetched lazily
        st.session_state["_store"] = store
    except (PrioritizerError, ImportError):
        pass
    return out


def _result(rid: str, cache: dict[str, dict | None]) -> dict:
    if cache.get(rid) is not None:
        return cache[rid]
    stored = st.session_state["_store"].get(rid)
    return stored["result"] if isinstance(stored, dict) else stored.result


def page() -> None:
    for command in ("rank", "allocate"):
        st.subheader(state.tr("page.ranking") if command == "rank" else state.tr("page.allocation"))
        runs = _stored_runs(command)
        if len(runs) < 2:
            st.caption(
                "保存済みシナリオが 2 件以上必要です（サイドバーから保存）。"
                if state.lang() == "ja"
                else "Save at least two scenarios (sidebar) to compare."
            )
            continue
        ids = list(runs)
        base = st.selectbox(state.tr("compare.baseline"), ids, key=f"cmp-base-{command}")
        variants = st.multiselect(
            state.tr("compare.variants"),
            [i for i in ids if i != base],
            max_selections=3,
            key=f"cmp-var-{command}",
        )
        if not variants:
            continue
        b = _result(base, runs)
        frames = []
        for v in variants:
            r = _result(v, runs)
            if command == "rank":
                m = controller.rank_moves(b, r).rename(columns={"rank": f"rank@{v}", "move": f"move@{v}"})
                frames.append(m.set_index("id")[[f"rank@{v}", f"move@{v}"]])
            else:
                f = controller.funding_changes(b, r)
                f.insert(0, "variant", v)
                frames.append(f)
        if command == "rank":
            table = pd.concat(frames, axis=1).reset_index()
        else:
            table = pd.concat(frames, ignore_index=True)
            cost = {v: controller.total_spend(_result(v, runs)) for v in [base, *variants]}
            st.write({k: round(c, 1) for k, c in cost.items()})
        st.dataframe(table, hide_index=True, width="stretch")
        state.download(table, f"compare_{command}")
