"""load_case on valid input: typing guarantees, defaults, spellings, encodings, files, speed.

Every expected value here is written out by hand from the input text of the test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from prioritizer.case import load_case
from prioritizer.case.load import CaseInputError
from prioritizer.case.schemas import SCHEMAS, to_pandera
from prioritizer.errors import InputError

GOODS_MIN = "id,name_ja\ngallium,ガリウム\n"


def issues_of(root: Path) -> list[tuple[str, int | None, str | None, str]]:
    with pytest.raises(InputError) as info:
        load_case(root)
    return [(i.file, i.row, i.column, i.message) for i in info.value.issues]


# ----------------------------------------------------------------------------- guarantees


def test_minimal_case_frames_satisfy_the_typed_guarantees(minimal_case: Path) -> None:
    case = load_case(minimal_case)
    for name in ("goods", "flows", "countries", "projects", "scenarios", "links"):
        df = case.table(name)
        assert isinstance(df.index, pd.RangeIndex)
        to_pandera(name).validate(df, lazy=True)
        assert list(df.columns[: len(SCHEMAS[name].columns)]) == [
            c for c in SCHEMAS[name].names if c in df.columns
        ]
    assert case.production is None and case.exports is None
    assert case.projects["requires"].tolist() == [[], ["p_ga_stock"], [], []]
    assert case.projects["excludes"].tolist() == [[], [], ["p_mag_loan"], []]
    assert case.policy is not None and case.policy.budget.total == 700
    assert case.policy.stockpile.target_days_by_good == {"gallium": 180}


def test_only_goods_id_and_one_name_are_required(write_case) -> None:
    case = load_case(write_case({"goods.csv": "id,name_en\nx,Thing\ny,Other\n"}))
    g = case.goods
    assert g["id"].tolist() == ["x", "y"]
    # documented defaults (docs/data-format.md)
    assert g["name_ja"].tolist() == ["Thing", "Other"]  # falls back to the other language
    assert g["sector"].tolist() == ["other", "other"]
    assert g["domain"].tolist() == ["", ""]
    assert g["specified_critical"].tolist() == [False, False]
    assert g["stockpilable"].dtype == bool
    assert np.isnan(g["annual_demand"]).all()
    assert case.policy is None and case.flows is None and case.projects is None
    assert set(case.files) == {"goods.csv"}


def test_project_defaults_and_sector_from_good(write_case) -> None:
    files = {
        "goods.csv": "id,name_ja,sector,domain\ng1,物資,biotech,advantage\n",
        "projects.csv": "id,good_id,cost\np1,g1,10\np2,,5\n",
    }
    files["projects.csv"] += ""
    with pytest.raises(InputError) as info:
        load_case(write_case(files, "a"))
    # p2 has neither a good nor an explicit value: its benefit would be undefined
    assert [(i.row, i.column) for i in info.value.issues] == [(3, "good_id")]
    files["projects.csv"] = "id,good_id,cost,value,sector\np1,g1,10,,\np2,,5,3,cleantech\n"
    p = load_case(write_case(files, "b")).projects
    assert p["sector"].tolist() == ["biotech", "cleantech"]
    assert p["domain"].tolist() == ["advantage", ""]
    assert p["name_ja"].tolist() == ["p1", "p2"]
    assert p["must"].tolist() == ["", ""]
    assert p["divisible"].tolist() == [False, False]
    assert p["min_fraction"].tolist() == [0.0, 0.0]
    assert p["capacity"].tolist() == [0.0, 0.0]
    assert p["instrument"].tolist() == ["", ""]


def test_cost_from_per_year_columns(write_case) -> None:
    files = {
        "goods.csv": GOODS_MIN,
        "projects.csv": "id,good_id,cost,cost_2026,cost_2027\np1,gallium,,30,60\np2,gallium,50,50,\n",
        "policy.yaml": "budget:\n  years: {2026: 100, 2027: 100}\n",
    }
    p = load_case(write_case(files)).projects
    assert p["cost"].tolist() == [90.0, 50.0]
    assert p["cost_2027"].tolist() == [60.0, 0.0]  # blank per-year cost = 0
    files["projects.csv"] = "id,good_id,Cost_2026,COST_2027\np1,gallium,30,60\n"
    p = load_case(write_case(files, "no_total")).projects
    assert p["cost"].tolist() == [90.0]
    assert "cost_2026" in p.columns


def test_scenario_months_default(write_case) -> None:
    # a scenario's good needs its annual_demand (issue 26: allocate and stress need it, so validate asks)
    goods = "id,name_ja,annual_demand\ngallium,ガリウム,100\n"
    files = {"goods.csv": goods, "scenarios.csv": "id,probability,good_id,loss\ns1,0.1,gallium,0.5\n"}
    s = load_case(write_case(files)).scenarios
    assert s["months"].tolist() == [12.0]
    assert s["name_en"].tolist() == ["s1"]


# ----------------------------------------------------------------------------- spellings


def test_number_spellings(write_case) -> None:
    goods = (
        "id,name_ja,annual_demand,unit_price,securing_cost,criterion_x\n"
        'a,A,"1,200",0.5,１２０,3\n'
        'b,B,"12,345,678.5",1e-3,−0,4.5\n'
        "c,C,  7  ,,,\n"
    )
    g = load_case(write_case({"goods.csv": goods})).goods
    assert g["annual_demand"].tolist() == [1200.0, 12345678.5, 7.0]
    assert g["unit_price"].tolist()[:2] == [0.5, 0.001]
    assert g["securing_cost"].tolist()[:2] == [120.0, 0.0]
    # an extra column whose cells are all numbers becomes numeric (a criterion a model may use)
    assert g["criterion_x"].dtype == np.float64
    assert g["criterion_x"].tolist()[:2] == [3.0, 4.5]


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [
        ('"1,2"', "thousands separator"),
        ('"1,2000"', "thousands separator"),
        ("5%", "percentage"),
        ("nan", "not a number"),
        ("inf", "not a number"),
        ("1_000", "not a number"),
        ("12a", "not a number"),
    ],
)
def test_rejected_number_spellings(write_case, cell: str, fragment: str) -> None:
    root = write_case({"goods.csv": f"id,name_ja,annual_demand\na,A,{cell}\n"})
    [(file, row, col, msg)] = issues_of(root)
    assert (file, row, col) == ("goods.csv", 2, "annual_demand")
    assert fragment in msg


def test_extra_share_column_must_be_a_fraction(write_case) -> None:
    root = write_case({"goods.csv": "id,name_ja,china_share\na,A,0.4\nb,B,40\n"})
    assert [(r, c) for _, r, c, _ in issues_of(root)] == [(3, "china_share")]


def test_extra_text_column_stays_text(write_case) -> None:
    g = load_case(write_case({"goods.csv": "id,name_ja,note\na,A,12\nb,B,see annex\n"})).goods
    assert g["note"].tolist() == ["12", "see annex"]


def test_bool_spellings(write_case) -> None:
    vals = ["true", "FALSE", "1", "0", "yes", "No", "TRUE", "y", "はい", "いいえ", ""]
    want = [True, False, True, False, True, False, True, True, True, False, False]
    goods = "id,name_ja,specified_critical\n" + "".join(f"g{k},G,{v}\n" for k, v in enumerate(vals))
    g = load_case(write_case({"goods.csv": goods})).goods
    assert g["specified_critical"].tolist() == want


def test_enum_values_accept_case_and_japanese_labels(write_case) -> None:
    files = {
        "goods.csv": "id,name_ja,sector,domain\ng,G,Computing,③ 対外依存の領域\n",
        "projects.csv": "id,good_id,instrument,cost,must\np1,g,補助金,1,IN\np2,g,Low-interest loan,1,\n",
    }
    case = load_case(write_case(files))
    assert case.goods["sector"].tolist() == ["computing"]
    assert case.goods["domain"].tolist() == ["dependence"]
    assert case.projects["instrument"].tolist() == ["subsidy", "loan"]
    assert case.projects["must"].tolist() == ["in", ""]


def test_id_lists_split_on_semicolons(write_case) -> None:
    files = {
        "goods.csv": GOODS_MIN,
        "projects.csv": "id,good_id,cost,requires\na,gallium,1,\nb,gallium,1,\nc,gallium,1, a ; b；a\n",
    }
    assert load_case(write_case(files)).projects["requires"].tolist() == [[], [], ["a", "b"]]


def test_headers_matched_case_insensitively_and_trailing_empty_columns_ignored(write_case) -> None:
    g = load_case(write_case({"goods.csv": " ID ,Name_JA,SECTOR,,\na,A,biotech,,\n"})).goods
    assert g["id"].tolist() == ["a"] and g["sector"].tolist() == ["biotech"]


def test_country_codes_upper_cased(write_case) -> None:
    files = {
        "goods.csv": GOODS_MIN,
        "countries.csv": "iso3,name_en\nchn,China\n",
        "flows.csv": "good_id,partner,period,value\ngallium,Chn,2024-01,1\n",
    }
    case = load_case(write_case(files))
    assert case.countries["iso3"].tolist() == ["CHN"]
    assert case.flows["partner"].tolist() == ["CHN"]


def test_rows_count_blank_lines_and_multiline_cells(write_case) -> None:
    # row 2: a quoted cell spanning two lines (one spreadsheet row); row 3 blank; row 4 the mistake
    goods = 'id,name_ja,sector\na,"two\nlines",other\n\nb,B,nonsense\n'
    assert [(r, c) for _, r, c, _ in issues_of(write_case({"goods.csv": goods}))] == [(4, "sector")]


def test_production_by_period_or_year(write_case) -> None:
    files = {
        "goods.csv": GOODS_MIN,
        "production.csv": "good_id,year,value\ngallium,2023,5\ngallium,2024,6\n",
        "exports.csv": "good_id,period,value\ngallium,2024-01,1\n",
    }
    case = load_case(write_case(files))
    assert case.production["year"].tolist() == ["2023", "2024"]
    assert case.exports["period"].tolist() == ["2024-01"]
    files["production.csv"] = "good_id,value\ngallium,5\n"
    [(f, r, c, m)] = issues_of(write_case(files, "bad"))
    assert (f, r, c) == ("production.csv", 1, "period") and "period, year" in m


# ----------------------------------------------------------------------------- encodings and bytes


def test_cp932_file_is_decoded(write_case) -> None:
    text = "id,name_ja,name_en,ministry\nmagnet,永久磁石,Permanent magnets,経済産業省\n"
    root = write_case({"goods.csv": text.encode("cp932")})
    case = load_case(root)
    assert case.goods["name_ja"].tolist() == ["永久磁石"]
    assert case.goods["ministry"].tolist() == ["経済産業省"]
    assert case.goods.attrs["encoding"] == "cp932"
    assert case.files["goods.csv"] == text.encode("cp932")  # raw bytes, as read


def test_cp932_only_characters(write_case) -> None:
    # ① and ㈱ are CP932 extensions absent from plain Shift_JIS
    text = "id,name_ja\nx,①㈱テスト\n"
    assert load_case(write_case({"goods.csv": text.encode("cp932")})).goods["name_ja"].tolist() == [
        "①㈱テスト"
    ]


def test_utf8_bom_file(write_case) -> None:
    text = "id,name_ja\nlng,液化天然ガス\n"
    case = load_case(write_case({"goods.csv": "\ufeff".encode() + text.encode()}))
    assert case.goods["id"].tolist() == ["lng"]
    assert case.goods.attrs["encoding"] == "utf-8-sig"


def test_undecodable_file_names_the_file_and_the_fix(write_case) -> None:
    root = write_case({"goods.csv": GOODS_MIN, "flows.csv": b"good_id,partner\n\xff\xfe\xfd,CHN\n"})
    [(f, r, c, m)] = issues_of(root)
    assert (f, r, c) == ("flows.csv", 2, None)
    assert "neither UTF-8 nor Shift_JIS/CP932" in m and "CSV UTF-8" in m


def test_files_hold_raw_bytes_of_every_file_read(minimal_case: Path) -> None:
    case = load_case(minimal_case)
    assert set(case.files) == {p.name for p in minimal_case.iterdir()}
    for name, data in case.files.items():
        assert data == (minimal_case / name).read_bytes()
    assert len(case.digests["goods.csv"]) == 64


def test_errors_carry_counts_for_the_summary(write_case) -> None:
    root = write_case(
        {
            "goods.csv": "id,name_ja\na,A\nb,B\n",
            "flows.csv": "good_id,partner,period,value\nz,CHN,2024-01,1\n",
        }
    )
    with pytest.raises(CaseInputError) as info:
        load_case(root)
    assert info.value.counts == {"goods": 2, "flows": 1}
    assert info.value.exit_code == 2


def test_policy_path_overrides_the_case_policy(minimal_case: Path, tmp_path: Path) -> None:
    other = tmp_path / "alt.yaml"
    other.write_text("budget: {total: 123}\n", encoding="utf-8")
    case = load_case(minimal_case, policy_path=other)
    assert case.policy.budget.total == 123
    # the case's own policy.yaml is not read at all (its mistakes would not matter)
    assert "alt.yaml" in case.files and "policy.yaml" not in case.files


def test_goods_without_rows_is_an_error(write_case) -> None:
    assert [(f, r, c) for f, r, c, _ in issues_of(write_case({"goods.csv": "id,name_ja\n\n"}))] == [
        ("goods.csv", 2, "id")
    ]


def test_empty_policy_file_means_all_defaults(write_case) -> None:
    case = load_case(write_case({"goods.csv": GOODS_MIN, "policy.yaml": ""}))
    assert case.policy is not None and case.policy.stockpile.target_days == 60


# ----------------------------------------------------------------------------- speed


@pytest.fixture
def default_sized_case(write_case) -> Path:
    """~60 goods, 30 countries, 2,400 monthly flow rows, 60 projects: the scale of inputs/default."""
    rng = np.random.default_rng(0)
    goods = ["id,name_ja,name_en,sector,domain,specified_critical,annual_demand,unit_price,autonomy"]
    goods += [f"g{k},物資{k},Good {k},computing,dependence,true,{100 + k},0.5,0.{k % 10}" for k in range(60)]
    countries = ["iso3,name_en,governance,concern,partner"]
    codes = [f"{chr(65 + a)}{chr(65 + b)}X" for a in range(6) for b in range(5)]
    countries += [f"{c},C{c},{rng.uniform(-2, 2):.2f},false,true" for c in codes]
    flows = ["good_id,partner,period,value"]
    flows += [
        f"g{k},{codes[(k + j) % 30]},{2023 + m // 12}-{m % 12 + 1:02d},{rng.uniform(0, 100):.1f}"
        for k in range(20)
        for j in range(5)
        for m in range(24)
    ]
    projects = ["id,name_ja,good_id,instrument,cost,divisible,min_fraction,requires"]
    projects += [
        f"p{k},事業{k},g{k},subsidy,{10 + k},true,0.1,{f'p{k - 1}' if k % 3 else ''}" for k in range(60)
    ]
    return write_case(
        {
            "goods.csv": "\n".join(goods) + "\n",
            "countries.csv": "\n".join(countries) + "\n",
            "flows.csv": "\n".join(flows) + "\n",
            "projects.csv": "\n".join(projects) + "\n",
            "policy.yaml": "budget: {total: 500}\n",
        }
    )


def test_default_sized_case_loads_every_flow_row(default_sized_case: Path) -> None:
    # Load time is measured in bench/ (bench_generate.py), not asserted here.
    case = load_case(default_sized_case)
    assert len(case.flows) == 2400


def test_large_columns_report_the_same_problems(write_case) -> None:
    """Columns over 64 rows take a vectorised path; its problems and values match the per-cell path."""
    rows = [f"gallium,CHN,{2000 + k // 12}-{k % 12 + 1:02d},{k}" for k in range(100)]
    rows[10] = "gallium,CHN,2000-11,-5"  # negative value at spreadsheet row 12
    rows[20] = 'gallium,CHN,2001-09,"1,500"'  # thousands separator: accepted
    rows[30] = "gallium,CHN,2002-13,3"  # bad month at row 32
    text = "good_id,partner,period,value\n" + "\n".join(rows) + "\n"
    root = write_case({"goods.csv": GOODS_MIN, "flows.csv": text})
    got = [(r, c) for _, r, c, _ in issues_of(root)]
    assert got == [(12, "value"), (32, "period")]
    rows[10], rows[30] = "gallium,CHN,2000-11,5", "gallium,CHN,2002-07,3"
    flows = load_case(
        write_case(
            {"goods.csv": GOODS_MIN, "flows.csv": "good_id,partner,period,value\n" + "\n".join(rows) + "\n"},
            "ok",
        )
    ).flows
    assert flows["value"].iat[20] == 1500.0 and flows["value"].iat[99] == 99.0
    assert flows["period"].iat[99] == "2008-04"
