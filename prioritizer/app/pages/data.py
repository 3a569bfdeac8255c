"""Data: add, edit and drop targets; case versions; uploads; the active case's tables.

Edits are drafts until saved. Saving validates the whole edited case with the normal
loader: on any problem every issue is shown and nothing is saved; otherwise a new case
version is recorded in the audit store and becomes the active case.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from prioritizer.app import auth_gate, controller, state
from prioritizer.case.types import TABLES
from prioritizer.errors import PrioritizerError
from prioritizer.text import field, name_of, render, vocab, vocabulary
from prioritizer.text.tables import present

_EDITABLE = ("goods", "projects")


# Drafts: ``draft_base`` is what the row editor is given (the case's table plus rows added with
# the forms); ``draft_edit`` is what the editor returned. The editor's key carries a counter
# bumped whenever its input changes, so Streamlit never re-applies old edits to new input.


def _ss() -> Any:
    ss = st.session_state
    ss.setdefault("draft_base", {})
    ss.setdefault("draft_edit", {})
    ss.setdefault("draft_n", 0)
    return ss


def _clear_drafts() -> None:
    ss = _ss()
    ss["draft_base"], ss["draft_edit"] = {}, {}
    ss["draft_n"] += 1


def _base(table: str) -> pd.DataFrame | None:
    ss = _ss()
    if table in ss["draft_base"]:
        return ss["draft_base"][table]
    return controller.raw_table(state.case(), table)


def _current(table: str) -> pd.DataFrame | None:
    ss = _ss()
    return ss["draft_edit"][table] if table in ss["draft_edit"] else _base(table)


def _drafts() -> dict[str, pd.DataFrame]:
    """Tables that differ from the active case: what saving would replace."""
    out = {}
    for table in _EDITABLE:
        cur, orig = _current(table), controller.raw_table(state.case(), table)
        if cur is not None and (
            orig is None or not cur.reset_index(drop=True).equals(orig.reset_index(drop=True))
        ):
            out[table] = cur.reset_index(drop=True)
    return out


def _editor(table: str, lang: str) -> None:
    df = _base(table)
    if df is None:
        return
    config = {c: st.column_config.Column(label=f"{field(c, lang)} ({c})") for c in df.columns}  # type: ignore[arg-type]
    edited = st.data_editor(
        df,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=f"edit-{table}-{_ss()['draft_n']}",
        column_config=config,
    )
    if not edited.reset_index(drop=True).equals(df.reset_index(drop=True)):
        _ss()["draft_edit"][table] = edited.reset_index(drop=True)
    else:
        _ss()["draft_edit"].pop(table, None)


def _add(table: str, row: dict[str, Any]) -> None:
    ss = _ss()
    ss["draft_base"][table] = controller.add_row(_current(table), row)
    ss["draft_edit"].pop(table, None)
    ss["draft_n"] += 1
    ss["data_flash"] = state.tr("data.added", id=row["id"])
    st.rerun()


def _add_good_form(lang: str) -> None:
    case = state.case()
    criteria_cols = _criteria_columns()
    with st.form("add-good", clear_on_submit=True):
        st.markdown(f"**{state.tr('data.add_good')}**")
        c1, c2, c3 = st.columns(3)
        gid = c1.text_input(field("id", lang), key="new-good-id")  # type: ignore[arg-type]
        name_ja = c2.text_input(field("name_ja", lang), key="new-good-name-ja")  # type: ignore[arg-type]
        name_en = c3.text_input(field("name_en", lang), key="new-good-name-en")  # type: ignore[arg-type]
        c4, c5 = st.columns(2)
        domain = c4.selectbox(
            field("domain", lang),  # type: ignore[arg-type]
            list(vocabulary("domain")),
            format_func=lambda d: vocab("domain", d, lang),  # type: ignore[arg-type]
            key="new-good-domain",
        )
        sector = c5.selectbox(
            field("sector", lang),  # type: ignore[arg-type]
            list(vocabulary("sector")),
            format_func=lambda s: vocab("sector", s, lang),  # type: ignore[arg-type]
            key="new-good-sector",
        )
        values: dict[str, Any] = {}
        cols = st.columns(max(1, len(criteria_cols)))
        for col, c in zip(cols, criteria_cols, strict=False):
            default = (
                float(pd.to_numeric(case.goods[c], errors="coerce").median()) if c in case.goods else 0.0
            )
            values[c] = col.number_input(field(c, lang), value=default, key=f"new-good-{c}")  # type: ignore[arg-type]
        if st.form_submit_button(state.tr("data.add")):
            if not gid.strip() or not (name_ja.strip() or name_en.strip()):
                st.warning(state.tr("data.need_id"))
                return
            row = {
                "id": gid.strip(),
                "name_ja": name_ja.strip(),
                "name_en": name_en.strip(),
                "domain": domain,
                "sector": sector,
                **values,
                "source": "added in the app",
            }
            _add("goods", row)


def _criteria_columns() -> list[str]:
    try:
        run = state.run("rank", {k: v for k, v in state.rank_params().items() if k != "weights"})
    except PrioritizerError:
        return []
    goods = state.case().goods
    return [c["column"] for c in (run.output.model or {}).get("criteria", []) if c.get("column") in goods]


def _add_project_form(lang: str) -> None:
    goods = _current("goods")
    if goods is None:
        return
    names = {r["id"]: name_of(r, lang) for r in goods.to_dict("records")}  # type: ignore[arg-type]
    with st.form("add-project", clear_on_submit=True):
        st.markdown(f"**{state.tr('data.add_project')}**")
        c1, c2, c3 = st.columns(3)
        pid = c1.text_input(field("id", lang), key="new-project-id")  # type: ignore[arg-type]
        name_ja = c2.text_input(field("name_ja", lang), key="new-project-name-ja")  # type: ignore[arg-type]
        name_en = c3.text_input(field("name_en", lang), key="new-project-name-en")  # type: ignore[arg-type]
        c4, c5, c6, c7 = st.columns(4)
        good = c4.selectbox(
            field("good_id", lang), list(names), format_func=names.get, key="new-project-good"
        )  # type: ignore[arg-type]
        instrument = c5.selectbox(
            field("instrument", lang),  # type: ignore[arg-type]
            list(vocabulary("instrument")),
            format_func=lambda i: vocab("instrument", i, lang),  # type: ignore[arg-type]
            key="new-project-instrument",
        )
        cost = c6.number_input(
            field("cost", lang), min_value=0.0, value=100.0, step=10.0, key="new-project-cost"
        )  # type: ignore[arg-type]
        value = c7.number_input(
            field("value", lang), min_value=0.0, value=0.0, step=10.0, key="new-project-value"
        )  # type: ignore[arg-type]
        divisible = st.checkbox(field("divisible", lang), key="new-project-divisible")  # type: ignore[arg-type]
        if st.form_submit_button(state.tr("data.add")):
            if not pid.strip() or not (name_ja.strip() or name_en.strip()):
                st.warning(state.tr("data.need_id"))
                return
            row = {
                "id": pid.strip(),
                "name_ja": name_ja.strip(),
                "name_en": name_en.strip(),
                "good_id": good,
                "instrument": instrument,
                "cost": cost,
                "divisible": divisible,
                "value": value if value > 0 else None,
                "source": "added in the app",
            }
            _add("projects", row)


def _save_drafts(lang: str) -> None:
    drafts = _drafts()
    if not drafts:
        return
    st.info(state.tr("data.pending", tables=", ".join(TABLES[t] for t in drafts)))
    with st.form("save-version"):
        # The author is the signed-in account: there is no name to type.
        reason = st.text_input(state.tr("save.reason"), key="version-reason")
        save = st.form_submit_button(state.tr("data.save_version"))
    if st.button(state.tr("data.discard"), key="discard-drafts"):
        _clear_drafts()
        st.rerun()
    if not save:
        return
    outcome = controller.edit_case(
        state.case(), drafts, full=state.full_case(), clearance=auth_gate.identity().effective_clearance
    )
    if outcome.case is None:
        st.error(state.tr("data.invalid"))
        st.dataframe(state.issues_frame(outcome.issues), hide_index=True, width="stretch")
        return
    _save_and_activate(outcome.files, reason, lang)


def _save_and_activate(files: dict[str, bytes], reason: str, lang: str) -> bool:
    """Record ``files`` as a case version (compared with the active case) and make it active."""
    try:
        who = auth_gate.caller()
        v = controller.save_version(
            who,
            files,
            reason,
            state.case().name,
            st.session_state.get("active_version"),
            base_files=dict(state.full_case().files),
        )
        case = controller.load_version(who, v.version_id)
    except PrioritizerError as exc:
        auth_gate.refused(exc)
        return False
    st.session_state["uploaded_case"] = case
    st.session_state["active_version"] = v.version_id
    _clear_drafts()
    st.session_state["baseline"] = None
    st.success(state.tr("data.saved" if v.created else "data.unchanged", version=v.version_id))
    for line in controller.change_summary(v.changes, lang):
        st.markdown(f"- {line}")
    return True


def _versions(lang: str) -> None:
    st.subheader(state.tr("data.versions"))
    try:
        from prioritizer import door

        versions = door.versions(auth_gate.caller())
    except PrioritizerError as exc:
        st.error(str(exc))
        return
    active = st.session_state.get("active_version")
    if active:
        st.caption(state.tr("data.active_version", version=active))
    if not versions:
        st.caption(state.tr("data.no_versions"))
        return
    rows = pd.DataFrame(
        [
            {
                "version": v.version_id,
                "created_at": v.created_at[:16].replace("T", " "),
                "actor": v.actor,
                "reason": v.reason,
                "parent": v.parent_id,
                "changes": "; ".join(controller.change_summary(v.changes, lang)),
            }
            for v in reversed(versions)
        ]
    )
    st.dataframe(present(rows, lang), hide_index=True, width="stretch")  # type: ignore[arg-type]
    ids = [v.version_id for v in reversed(versions)]
    c1, c2 = st.columns([2, 1])
    pick = c1.selectbox(field("version", lang), ids, key="version-pick")  # type: ignore[arg-type]
    if c2.button(state.tr("data.restore"), key="version-restore"):
        try:
            case = controller.load_version(auth_gate.caller(), pick)
        except PrioritizerError as exc:
            st.error(state.tr("data.restore_failed"))
            state.show_error(exc)
            return
        st.session_state["uploaded_case"] = case
        st.session_state["active_version"] = pick
        _clear_drafts()
        st.success(state.tr("data.restored", version=pick))


def _upload() -> None:
    files = st.file_uploader(
        state.tr("data.upload"), type=["csv", "xlsx", "yaml", "yml"], accept_multiple_files=True, key="upload"
    )
    if files and st.button(state.tr("action.validate_load")):
        outcome = controller.load_upload([(f.name, f.getvalue()) for f in files])
        if outcome.case is None:
            st.error(state.tr("data.errors"))
            st.dataframe(state.issues_frame(outcome.issues), hide_index=True, width="stretch")
        else:
            st.session_state["uploaded_case"] = outcome.case
            st.session_state["active_version"] = None
            _clear_drafts()
            st.session_state["baseline"] = None
            st.success(state.tr("data.loaded"))
    if st.session_state.get("uploaded_case") is not None and st.button(state.tr("action.back_default")):
        st.session_state["uploaded_case"] = None
        st.session_state["active_version"] = None
        _clear_drafts()
        st.rerun()


def page() -> None:
    from prioritizer.auth.roles import allowed
    from prioritizer.text import vocab as _vocab

    lang = state.lang()
    case = state.case()
    ident = auth_gate.identity()
    may_edit = allowed(ident, "edit_case")
    st.subheader(f"{state.tr('data.active')}: {case.name}")
    flash = st.session_state.pop("data_flash", None)
    if flash:
        st.success(flash)
    if may_edit:
        st.subheader(state.tr("data.edit"))
        st.caption(state.tr("data.edit_hint"))
        hidden = controller.hidden_count(state.full_case(), case, _EDITABLE)
        if hidden:
            st.caption(state.tr("auth.hidden_kept", n=hidden))
        for table in _EDITABLE:
            if _current(table) is not None:
                with st.expander(TABLES[table], expanded=table == "goods"):
                    _editor(table, lang)
        c1, c2 = st.columns(2)
        with c1:
            _add_good_form(lang)
        with c2:
            _add_project_form(lang)
        _save_drafts(lang)
    else:
        # The services refuse a save anyway; a reader is not offered one.
        st.info(state.tr("auth.read_only", role=_vocab("role", ident.role, lang)))
    _versions(lang)
    if may_edit:
        _trade(lang)
        st.subheader(state.tr("data.upload"))
        _upload()
    counts = case.counts()
    st.caption(
        state.tr("data.counts") + ": " + " · ".join(f"{TABLES.get(t, t)} {n:,}" for t, n in counts.items())
    )
    for table, fname in TABLES.items():
        df = case.table(table)
        if df is not None and table not in _EDITABLE:
            with st.expander(f"{fname}（{len(df):,}）"):
                # The planner edits these files, so the header also names the column itself.
                st.dataframe(present(df, lang, show_keys=True), hide_index=True, width="stretch")  # type: ignore[arg-type]
    if case.digests:
        with st.expander(state.tr("data.digests")):
            st.dataframe(
                pd.DataFrame(
                    {field("file", lang): list(case.digests), "SHA-256": list(case.digests.values())}
                ),  # type: ignore[arg-type]
                hide_index=True,
                width="stretch",
            )


def _trade(lang: str) -> None:
    """Official trade statistics (Customs, Comtrade, BACI) into a new case version, previewed first."""
    from prioritizer.trade.api import SOURCES

    st.subheader(state.tr("trade.title"))
    st.caption(state.tr("app.trade.hint"))
    c1, c2 = st.columns([1, 2])
    source = c1.selectbox(
        state.tr("trade.source"),
        list(SOURCES),
        format_func=lambda s: vocab("trade_source", s, lang),
        key="trade-source",
    )
    files = c2.file_uploader(
        state.tr("app.trade.files"),
        type=["csv", "json", "txt"],
        accept_multiple_files=True,
        key="trade-files",
    )
    c3, c4, c5 = st.columns(3)
    hs = c3.file_uploader(state.tr("app.trade.hs_map"), type=["csv"], key="trade-hs")
    fx = c4.file_uploader(state.tr("app.trade.fx"), type=["csv"], key="trade-fx")
    cc = c5.file_uploader(state.tr("app.trade.country_codes"), type=["csv"], key="trade-cc")
    world = st.checkbox(state.tr("app.trade.world"), key="trade-world", disabled=source != "baci")
    if not files:
        return
    if st.button(state.tr("trade.preview"), key="trade-preview"):
        try:
            # merged into the whole case, so that rows above the reader's clearance are kept
            st.session_state["trade_result"] = controller.trade_import(
                state.full_case(),
                source,
                [(f.name, f.getvalue()) for f in files],
                (hs.name, hs.getvalue()) if hs else None,
                fx=(fx.name, fx.getvalue()) if fx else None,
                country_codes=(cc.name, cc.getvalue()) if cc else None,
                world=bool(world),
                clearance=auth_gate.identity().effective_clearance,
            )
        except PrioritizerError as exc:
            st.session_state.pop("trade_result", None)
            state.show_error(exc)
            return
    res = st.session_state.get("trade_result")
    if res is None:
        return
    pv = res.preview
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(vocab("trade_count", "rows_read", lang), f"{pv.rows_read:,}")
    m2.metric(vocab("trade_count", "rows_used", lang), f"{pv.rows_used:,}")
    m3.metric(vocab("trade_count", "flows", lang), f"{len(pv.flows):,}")
    m4.metric(vocab("trade_count", "replaced", lang), f"{res.report.replaced:,}" if res.report else "—")
    totals = pd.DataFrame({"good_id": list(pv.totals_by_good), "value": list(pv.totals_by_good.values())})
    # goods the reader may not see are not named, not even by their imported totals
    totals = totals[totals["good_id"].astype(str).isin(set(state.case().goods["id"].astype(str)))]
    if not totals.empty:
        totals = controller.with_names(totals, state.case(), lang, id_col="good_id")
    st.markdown(f"**{vocab('trade_section', 'goods', lang)}**")
    st.dataframe(
        present(
            totals,
            lang,
            columns=["good_id", "name", "value"],
            labels={"value": vocab("trade_section", "goods", lang)},
            digits={"value": 1},
        ),
        hide_index=True,
        width="stretch",
    )
    if pv.unmapped:
        st.markdown(f"**{vocab('trade_section', 'unmapped', lang)}**")
        st.dataframe(present(pd.DataFrame(pv.unmapped), lang), hide_index=True, width="stretch")
    for msg in pv.problems():
        st.warning(render(msg, lang))
    out = res.outcome
    if out is None or out.case is None:
        st.error(state.tr("data.invalid"))
        if out is not None:
            st.dataframe(state.issues_frame(out.issues), hide_index=True, width="stretch")
        return
    with st.form("trade-save"):
        reason = st.text_input(state.tr("save.reason"), key="trade-reason")
        save = st.form_submit_button(state.tr("app.trade.save"))
    if save and _save_and_activate(out.files, reason, lang):
        st.session_state.pop("trade_result", None)
