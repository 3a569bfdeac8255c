"""The Arrow path (``engine="arrow"``, whole columns) and the row-by-row reference
(``engine="python"``) give the same case: identical DataFrames and raw bytes when the
files are valid, identical issue lists (file, row, column, value, message, in order)
when they are not.

Checked on the malformed-case corpus, the default case, generated cases with injected
mistakes, and arbitrary bytes / CSV text (hypothesis); plus the two facts the Arrow path
relies on: Arrow's whitespace trim is ``str.strip`` and Arrow's number cast is ``float``.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import example, given

from prioritizer.case import load_case
from prioritizer.case.arrowcols import PLAIN_NUMBER
from prioritizer.case.arrowread import FALLBACK, read_csv_arrow
from prioritizer.case.readers import IssueLog
from prioritizer.case.types import TABLES
from prioritizer.errors import InputError
from prioritizer.generate import generate_case
from tests.test_case_corpus import CORPUS, Bad
from tests.test_case_properties import SETTINGS, csv_text, raw_file

DEFAULT = Path(__file__).resolve().parents[1] / "inputs" / "default"


def outcome(root: Path, engine: str) -> tuple[str, object]:
    try:
        case = load_case(root, engine=engine)
    except InputError as exc:
        return "issues", [(i.file, i.row, i.column, i.value, i.message) for i in exc.issues]
    return "case", case


def assert_same(root: Path) -> str:
    """Both engines agree on ``root``; returns which outcome it was."""
    kind_a, fast = outcome(root, "arrow")
    kind_p, slow = outcome(root, "python")
    assert kind_a == kind_p, (fast, slow)
    if kind_a == "issues":
        assert fast == slow
        return kind_a
    assert fast.files == slow.files  # type: ignore[attr-defined]
    for name in TABLES:
        a, b = fast.table(name), slow.table(name)  # type: ignore[attr-defined]
        assert (a is None) == (b is None), name
        if a is not None:
            pd.testing.assert_frame_equal(a, b, check_exact=True)
            assert list(a.dtypes) == list(b.dtypes)
            assert a.attrs == b.attrs
    return kind_a


def write(root: Path, files: dict[str, str | bytes | None]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if content is not None:
            (root / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def test_engines_agree_on_the_minimal_case(minimal_case: Path) -> None:
    assert assert_same(minimal_case) == "case"


def test_engines_agree_on_the_default_case() -> None:
    assert assert_same(DEFAULT) == "case"


@pytest.mark.parametrize("bad", CORPUS, ids=[b.id for b in CORPUS])
def test_engines_report_the_same_issues_on_the_corpus(bad: Bad, minimal_files, tmp_path: Path) -> None:
    bad.mutate(minimal_files)
    assert assert_same(write(tmp_path / bad.id, minimal_files)) == "issues"


# ----------------------------------------------------------------------------- generated cases


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("gen") / "case"
    generate_case(root, goods=60, projects=40, scenarios=8, partners=10, months=24, seed=3)
    return {p.name: p.read_text(encoding="utf-8") for p in root.iterdir()}


def test_engines_agree_on_a_valid_generated_case(generated: dict[str, str], tmp_path: Path) -> None:
    assert len(generated["flows.csv"].splitlines()) > 1000
    assert assert_same(write(tmp_path / "ok", dict(generated))) == "case"


def _inject(text: str, rng: random.Random, n: int, how) -> str:  # type: ignore[no-untyped-def]
    lines = text.split("\n")
    for k in rng.sample(range(1, len(lines) - 1), n):
        lines[k] = how(lines[k].split(","), rng)
    return "\n".join(lines)


def _cell(col: int, values: list[str]):  # type: ignore[no-untyped-def]
    def how(cells: list[str], rng: random.Random) -> str:
        cells[col] = rng.choice(values)
        return ",".join(cells)

    return how


MISTAKES = {
    "bad_numbers": _cell(
        3, ["1,2", "abc", "-3", "１２", "5%", "nan", "1e400", " 7 ", "1_0", "", "+.5", "1.", "−2"]
    ),
    "blank_ids": _cell(0, ["", " ", "\u3000"]),
    "unknown_partners": _cell(1, ["ZZZ", "kor", "Korea", "", "U S"]),
    "bad_periods": _cell(2, ["2024-13", "2024/1/1", "24-01", "", "２０２４－０１", "2024-1", "2024"]),
    "duplicates_and_stray_cells": lambda cells, rng: ",".join(cells) + rng.choice(["", ",x", ",,", ""]),
    "short_rows_and_blank_lines": lambda cells, rng: rng.choice(["", ",,,,", ",".join(cells[:2]), "\r"]),
    "quoted_cells": lambda cells, rng: ",".join(f'"{c}"' if rng.random() < 0.5 else c for c in cells),
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_engines_report_the_same_issues_on_generated_flows(
    mistake: str, generated: dict[str, str], tmp_path: Path
) -> None:
    rng = random.Random(mistake)
    files = dict(generated)
    files["flows.csv"] = _inject(files["flows.csv"], rng, 40, MISTAKES[mistake])
    flows = files["flows.csv"].encode()
    assert read_csv_arrow("flows", "flows.csv", flows, ("good_id",), IssueLog()) != FALLBACK
    assert assert_same(write(tmp_path / mistake, files)) == "issues"


def test_engines_agree_on_mixed_annual_and_monthly_flows(generated: dict[str, str], tmp_path: Path) -> None:
    lines = generated["flows.csv"].split("\n")
    # an annual row for goods that also have months, and a good whose rows are all annual
    first_good = lines[1].split(",")[0]
    extra = [f"{first_good},XAA,2023,5,annual", "G00002,XAB,2022,1,annual"]
    annual_only = [ln.replace("-01,", ",", 1) for ln in lines if ln.startswith("G00003,") and "-01," in ln]
    body = [ln for ln in lines[1:] if ln and not ln.startswith("G00003,")]
    files = dict(generated)
    files["flows.csv"] = "\n".join([lines[0], *body, *extra, *annual_only]) + "\n"
    assert assert_same(write(tmp_path / "mixed", files)) == "issues"
    _, issues = outcome(tmp_path / "mixed", "arrow")
    assert {(f, c) for f, _, c, _, m in issues if "both annual" in m} == {("flows.csv", "period")}


def test_engines_agree_on_cp932_and_bom_files(generated: dict[str, str], tmp_path: Path) -> None:
    files: dict[str, str | bytes | None] = dict(generated)
    goods = generated["goods.csv"]
    files["goods.csv"] = goods.encode("cp932", errors="replace")
    files["flows.csv"] = b"\xef\xbb\xbf" + generated["flows.csv"].encode("utf-8")
    assert assert_same(write(tmp_path / "enc", files)) == "case"


# ----------------------------------------------------------------------------- arbitrary input


def _check_bytes(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as d:
        assert_same(write(Path(d), dict(files)))


@SETTINGS
@given(goods=raw_file)
@example(goods=b"\x00\n,\x00")  # a stray cell keeps a row whose header-width cells are blank
def test_engines_agree_on_arbitrary_goods_bytes(goods: bytes) -> None:
    _check_bytes({"goods.csv": goods})


@SETTINGS
@given(goods=csv_text("goods"), projects=csv_text("projects"), flows=csv_text("flows"))
def test_engines_agree_on_arbitrary_csv_tables(goods: str, projects: str, flows: str) -> None:
    _check_bytes(
        {"goods.csv": goods.encode(), "projects.csv": projects.encode(), "flows.csv": flows.encode()}
    )


@SETTINGS
@given(
    text=st.text(alphabet=st.sampled_from(list('ab1,;"\n\r \t\u3000é')), max_size=60),
)
def test_fast_reader_gives_the_reference_cells_or_steps_aside(text: str) -> None:
    """Quote / newline soup: the Arrow reader's rows and cells are the csv module's, or it falls back."""
    from prioritizer.case.readers import read_csv_bytes

    data = ("id,name_ja,x\n" + text).encode()
    log_a, log_p = IssueLog(), IssueLog()
    fast = read_csv_arrow("goods", "goods.csv", data, ("id", "name_ja"), log_a)
    if fast == FALLBACK:
        assert not log_a.items
        return
    slow = read_csv_bytes("goods", "goods.csv", data, ("id", "name_ja"), log_p)
    assert log_a.items == log_p.items
    assert (fast is None) == (slow is None)
    if fast is not None and slow is not None:
        assert list(fast.rows) == slow.rows  # type: ignore[union-attr]
        assert {k: v.to_pylist() for k, v in fast.columns.items()} == slow.columns  # type: ignore[union-attr]


# ----------------------------------------------------------------------------- the facts relied on


def test_arrow_trim_is_str_strip_for_every_code_point() -> None:
    cps = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    cells = [f"{chr(c)}{chr(c)}x{chr(c)} y{chr(c)}" for c in cps]
    trimmed = pc.utf8_trim_whitespace(pa.array(cells)).to_pylist()
    assert [i for i, (a, b) in enumerate(zip(cells, trimmed, strict=True)) if a.strip() != b] == []


plain_number = st.from_regex(PLAIN_NUMBER, fullmatch=True)


@SETTINGS
@given(cells=st.lists(plain_number, min_size=1, max_size=50))
def test_arrow_number_cast_is_python_float_on_plain_cells(cells: list[str]) -> None:
    got = pc.cast(pa.array(cells), pa.float64()).to_numpy()
    want = np.array([float(c) for c in cells])
    assert got.tobytes() == want.tobytes()  # bit for bit, signed zeros and infinities included


@SETTINGS
@given(
    cells=st.lists(
        st.text(alphabet=st.sampled_from(list("0123456789.eE+-_ ,naifNIty%x\u2212１")), max_size=12)
    )
)
def test_cells_arrow_reads_to_a_finite_double_are_numbers_python_reads_alike(cells: list[str]) -> None:
    """The fast number path casts a whole column when Arrow accepts every cell: then each finite
    result must be what ``coerce.parse_float`` (the reference) returns for that cell."""
    from prioritizer.case.coerce import parse_float

    for cell in cells:
        try:
            got = pc.cast(pa.array([cell]), pa.float64())[0].as_py()
        except pa.ArrowInvalid:
            continue
        if got is not None and np.isfinite(got):
            value, msg = parse_float(cell)
            assert msg is None and np.float64(value).tobytes() == np.float64(got).tobytes(), cell
