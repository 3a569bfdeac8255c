"""Interim page: shows the validated default case (replaced by the full app)."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from prioritizer.case import load_case
from prioritizer.errors import InputError


def main() -> None:
    st.set_page_config(page_title="prioritizer", layout="wide")
    case_path = Path(os.environ.get("PRIORITIZER_CASE", "inputs/default"))
    st.title("prioritizer — 経済安全保障 優先順位付け")
    try:
        case = load_case(case_path)
    except InputError as exc:
        st.error(str(exc))
        st.dataframe([i.as_dict() for i in exc.issues])
        return
    st.caption(str(case_path))
    st.write(case.counts())
    st.dataframe(case.goods)
