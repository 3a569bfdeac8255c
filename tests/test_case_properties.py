"""Property tests: whatever bytes a user puts in goods.csv / projects.csv / flows.csv (and policy.yaml),
load_case either returns a Case that meets every typing guarantee, or raises InputError whose
issues are all well formed — never any other exception.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from prioritizer.case import load_case
from prioritizer.case.schemas import SCHEMAS, to_pandera
from prioritizer.case.types import Case
from prioritizer.errors import InputError

#: CASE_FUZZ_EXAMPLES=5000 for a deep run; the default keeps the file to a few seconds
SETTINGS = settings(
    max_examples=int(os.environ.get("CASE_FUZZ_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

TRICKY = [
    "",
    " ",
    "0",
    "1",
    "-1",
    "1.5",
    "1,200",
    "1,2",
    "５",
    "−3",
    "1e400",
    "nan",
    "inf",
    "true",
    "FALSE",
    "yes",
    "はい",
    "2024-01",
    "2024-13",
    "2024/1/1",
    "in",
    "out",
    "subsidy",
    "補助金",
    "computing",
    "dependence",
    "CHN",
    "chn",
    "g1",
    "g2",
    "p1",
    "p2",
    "p1;p2",
    "p1；g1",
    '"',
    "a,b",
    "\n",
    "\x00",
    "ガリウム",
    "\ufeff",
    "=SUM(A1)",
]

#: validated-frame schemas, built once (building one costs more than loading a small case)
SCHEMA = {name: to_pandera(name) for name in ("goods", "flows", "projects")}

cell = st.one_of(st.sampled_from(TRICKY), st.text(max_size=8))


def header(table: str) -> st.SearchStrategy[list[str]]:
    known = list(SCHEMAS[table].names) + (["cost_2026", "cost_2027"] if table == "projects" else [])
    return st.lists(st.one_of(st.sampled_from(known), st.text(max_size=6)), min_size=1, max_size=9)


@st.composite
def csv_text(draw: st.DrawFn, table: str) -> str:
    cols = draw(header(table))
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=len(cols) + 2), max_size=6))

    def quote(c: str) -> str:
        return '"' + c.replace('"', '""') + '"' if any(ch in c for ch in ',"\n\r') else c

    sep = draw(st.sampled_from(["\n", "\r\n"]))
    return sep.join(",".join(quote(c) for c in r) for r in [cols, *rows]) + sep


raw_file = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda s: s.encode("utf-8")),
    st.text(alphabet='あいうガリウム,\n"abc123;-.', max_size=120).map(
        lambda s: s.encode("cp932", errors="replace")
    ),
)


def check(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        for name, data in files.items():
            (root / name).write_bytes(data)
        try:
            case = load_case(root)
        except InputError as exc:
            assert exc.issues
            for i in exc.issues:
                assert isinstance(i.file, str) and i.file
                assert isinstance(i.message, str) and i.message
                assert i.row is None or (isinstance(i.row, int) and i.row >= 1)
                i.as_dict()
            return
    assert isinstance(case, Case)
    for name in ("goods", "flows", "projects"):
        df = case.table(name)
        if df is not None:
            SCHEMA[name].validate(df, lazy=True)


@SETTINGS
@given(goods=raw_file)
def test_arbitrary_goods_bytes(goods: bytes) -> None:
    check({"goods.csv": goods})


@SETTINGS
@given(
    goods=csv_text("goods"),
    projects=st.one_of(st.none(), csv_text("projects")),
    flows=st.one_of(st.none(), csv_text("flows")),
)
def test_arbitrary_csv_tables(goods: str, projects: str | None, flows: str | None) -> None:
    files = {"goods.csv": goods.encode("utf-8")}
    if projects is not None:
        files["projects.csv"] = projects.encode("utf-8")
    if flows is not None:
        files["flows.csv"] = flows.encode("utf-8")
    check(files)


@SETTINGS
@given(
    projects=csv_text("projects"),
    flows=csv_text("flows"),
    policy=st.one_of(
        st.text(max_size=80),
        st.sampled_from(
            [
                "budget: {total: 10, years: {2026: 5}}\nlimits: [{group: good, value: g1, min: 1}]\n",
                "budget:\n  years: {2026: x}\n",
                "stockpile: {target_days_by_good: {g2: -1}, storage_capacity: {g1: 3}}\n",
                "scenarios: [s1]\nlimits: [{group: domain}]\n",
                "budget: [1, 2]\n",
                "{",
            ]
        ),
    ),
)
def test_arbitrary_tables_with_policy(projects: str, flows: str, policy: str) -> None:
    goods = "id,name_ja,sector\ng1,物資1,computing\ng2,物資2,other\n"
    check(
        {
            "goods.csv": goods.encode(),
            "projects.csv": projects.encode("utf-8"),
            "flows.csv": flows.encode("utf-8"),
            "policy.yaml": policy.encode("utf-8"),
        }
    )


def test_a_valid_generated_example_passes_the_guarantees() -> None:
    """The property's success branch is reachable: a well-formed triple loads."""
    check(
        {
            "goods.csv": b"id,name_ja\ng1,A\ng2,B\n",
            "projects.csv": b"id,good_id,cost_2026,requires\np1,g1,1,\np2,g2,2,p1\n",
            "flows.csv": b"good_id,partner,period,value\ng1,CHN,2024-01,1,200\n",
        }
    )


number_cell = st.one_of(
    st.sampled_from(["", "0", "-1", "1,200", "５", "nan", "1e400", "abc", " ", "1.5", "2"]),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
    st.integers(-10, 10**6).map(str),
)


@SETTINGS
@given(cells=st.lists(number_cell, min_size=65, max_size=120), column=st.sampled_from(["value", "quantity"]))
def test_vectorised_number_path_matches_per_cell_path(cells: list[str], column: str) -> None:
    """Large columns take a vectorised path; it must give the per-cell parser's values and issues."""
    from unittest import mock

    import numpy as np

    from prioritizer.case import tables
    from prioritizer.case.readers import IssueLog, RawTable

    cells = [c.strip() for c in cells]
    spec = SCHEMAS["flows"].column(column)
    raw = RawTable("flows", "flows.csv", {column: cells}, list(range(2, len(cells) + 2)))
    fast_log, slow_log = IssueLog(), IssueLog()
    fast = tables._parse_column(spec, cells, raw, fast_log)
    with mock.patch.object(tables, "_fast_floats", return_value=None):
        slow = tables._parse_column(spec, cells, raw, slow_log)
    np.testing.assert_array_equal(np.asarray(fast, dtype=float), np.asarray(slow, dtype=float))
    assert [(i.row, i.column) for i in fast_log.items] == [(i.row, i.column) for i in slow_log.items]
