"""Hostile imports never corrupt a case (issue 26 item 4; issue 25 "an import never lowers a tier").

Each test fails on commit 3591036: there the same file twice and duplicate rows were
summed, negative Customs months dropped, a negative BACI value and year 99999 written,
a CP932 case crashed the merge, files became 0600, a re-import made secret rows public,
flows.csv changed before a failing audit store was tried, and a kill -9 between two
``os.replace`` calls left a new flows.csv beside the old countries.csv.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from prioritizer.case import load_case
from prioritizer.errors import InputError
from prioritizer.trade import import_trade, write_case
from tests._trade_files import BACI_CODES, customs_row, write_baci, write_customs, write_map

HEADER_MONTHS = 9  # Customs yearly layout: Value-Jan is the 12th column (9 fixed + Q1, Q2, Value)


@pytest.fixture
def hs_map(tmp_path: Path) -> Path:
    return write_map(tmp_path / "map.csv", "natural_graphite,2504,,2022,\nlithium,2836.91,,2022,\n")


def _snapshot(case: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(case.iterdir()) if p.is_file()}


def _first_import(tmp_path: Path, hs_map: Path) -> Path:
    case = tmp_path / "case"
    f = write_customs(tmp_path / "base.csv", [customs_row(2, 2024, "250410000", 105, [100_000])])
    write_case(import_trade("japan-customs", [f], hs_map, case))
    return case


# --------------------------------------------------------------------------- duplicates


def test_the_same_file_given_twice_is_refused_naming_both(tmp_path: Path, hs_map: Path) -> None:
    case = _first_import(tmp_path, hs_map)
    before = _snapshot(case)
    a = write_customs(tmp_path / "imp_2024.csv", [customs_row(2, 2024, "250410000", 105, [0, 200_000])])
    b = tmp_path / "imp_2024 (1).csv"  # the browser's second download of the same file
    b.write_bytes(a.read_bytes())
    with pytest.raises(InputError) as e:
        import_trade("japan-customs", [a, b], hs_map, case)
    (issue,) = e.value.issues
    assert issue.file == "imp_2024 (1).csv" and "imp_2024.csv" in issue.message
    assert "SHA-256" in issue.message
    assert _snapshot(case) == before


def test_a_duplicate_row_in_one_file_is_refused_with_both_rows(tmp_path: Path, hs_map: Path) -> None:
    row = customs_row(2, 2024, "250410000", 105, [100_000])
    f = write_customs(tmp_path / "dup.csv", [row, customs_row(2, 2024, "283691000", 601, [5]), row])
    with pytest.raises(InputError) as e:
        import_trade("japan-customs", [f], hs_map, tmp_path / "case")
    (issue,) = e.value.issues
    # data rows 2 and 4 of the file (header = row 1); not summed into 2 億円
    assert (issue.file, issue.row) == ("dup.csv", 4)
    assert "dup.csv row 2" in issue.message and "duplicate" in issue.message
    assert not (tmp_path / "case").exists()


def test_overlapping_files_are_refused_not_summed(tmp_path: Path, hs_map: Path) -> None:
    jan = write_customs(tmp_path / "a.csv", [customs_row(2, 2024, "250410000", 105, [100_000])])
    again = write_customs(
        tmp_path / "b.csv",
        [customs_row(2, 2024, "283691000", 601, [7]), customs_row(2, 2024, "250410000", 105, [100_000])],
    )
    with pytest.raises(InputError) as e:
        import_trade("japan-customs", [jan, again], hs_map, tmp_path / "case")
    assert [(i.file, i.row) for i in e.value.issues] == [("b.csv", 3)]
    assert "a.csv row 2" in e.value.issues[0].message


def test_a_duplicate_baci_row_is_refused(tmp_path: Path) -> None:
    m = write_map(tmp_path / "map.csv", "natural_graphite,250410,,2022,\n")
    (tmp_path / "cc.csv").write_text(BACI_CODES)
    (tmp_path / "fx.csv").write_text("period,jpy_per_usd\n2022,130\n")
    row = (2022, 156, 410, "250410", 10.0, 1.0)  # China -> Korea: only in the world mix
    f = write_baci(tmp_path / "BACI_HS22_Y2022_V202401.csv", [(2022, 156, 392, "250410", 5.0, 1.0), row, row])
    with pytest.raises(InputError) as e:
        import_trade(
            "baci",
            [f],
            m,
            tmp_path / "case",
            fx=tmp_path / "fx.csv",
            country_codes=tmp_path / "cc.csv",
            world=True,
        )
    assert [(i.file, i.row) for i in e.value.issues] == [("BACI_HS22_Y2022_V202401.csv", 4)]


# --------------------------------------------------------------------------- negative values, periods


def test_a_negative_customs_month_is_an_error_and_nothing_is_written(tmp_path: Path, hs_map: Path) -> None:
    case = _first_import(tmp_path, hs_map)
    before = _snapshot(case)
    f = write_customs(
        tmp_path / "neg.csv", [customs_row(2, 2024, "250410000", 105, [-100_000, 50_000], kg=[100, 100])]
    )
    with pytest.raises(InputError) as e:
        import_trade("japan-customs", [f], hs_map, case)
    # every negative cell of the row, in column order: the year total (-50,000) and January
    assert [(i.file, i.row, i.column, i.value) for i in e.value.issues] == [
        ("neg.csv", 2, "Value-Year", -50_000.0),
        ("neg.csv", 2, "Value-Jan", -100_000.0),
    ]
    assert _snapshot(case) == before


def _baci(tmp_path: Path, rows: list[tuple[int, int, int, str, float, float | None]]) -> Path:
    (tmp_path / "cc.csv").write_text(BACI_CODES)
    (tmp_path / "fx.csv").write_text("period,jpy_per_usd\n2022,130\n")
    return write_baci(tmp_path / "BACI_HS22_Y2022_V202401.csv", rows)


def test_a_negative_baci_value_is_an_error(tmp_path: Path) -> None:
    m = write_map(tmp_path / "map.csv", "natural_graphite,250410,,2022,\n")
    f = _baci(tmp_path, [(2022, 156, 392, "250410", 5.0, 1.0), (2022, 36, 392, "250410", -3.0, 1.0)])
    with pytest.raises(InputError) as e:
        import_trade(
            "baci", [f], m, tmp_path / "case", fx=tmp_path / "fx.csv", country_codes=tmp_path / "cc.csv"
        )
    assert [(i.row, i.column, i.value) for i in e.value.issues] == [(3, "v", -3.0)]
    assert not (tmp_path / "case").exists()


def test_year_99999_is_an_error(tmp_path: Path) -> None:
    m = write_map(tmp_path / "map.csv", "natural_graphite,250410,,2022,\n")
    f = _baci(tmp_path, [(2022, 156, 392, "250410", 5.0, 1.0), (99999, 36, 392, "250410", 3.0, 1.0)])
    with pytest.raises(InputError) as e:
        import_trade(
            "baci", [f], m, tmp_path / "case", fx=tmp_path / "fx.csv", country_codes=tmp_path / "cc.csv"
        )
    (issue,) = e.value.issues
    assert (issue.file, issue.row, issue.column, issue.value) == (
        "BACI_HS22_Y2022_V202401.csv",
        3,
        "t",
        99999,
    )
    assert "impossible" in issue.message


def test_month_13_in_a_monthly_customs_file_is_an_error(tmp_path: Path, hs_map: Path) -> None:
    f = tmp_path / "month.csv"
    f.write_text(
        "YYYY/MM,Exp or Imp,HS,Country,Unit1,Unit2,Quantity1,Quantity2,Value\n"
        "2024/12,2,'250410000',105,,KG,0,100,100000\n"
        "2024/13,2,'250410000',105,,KG,0,100,100000\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as e:
        import_trade("japan-customs", [f], hs_map, tmp_path / "case")
    (issue,) = e.value.issues
    assert (issue.file, issue.row, issue.column, issue.value) == ("month.csv", 3, "YYYY/MM", "2024-13")
    assert not (tmp_path / "case").exists()


# --------------------------------------------------------------------------- CP932, modes, tiers


def _case_in(folder: Path, encoding: str, newline: str) -> Path:
    folder.mkdir()
    tables = {
        "goods.csv": "id,name_ja,name_en\nnatural_graphite,天然黒鉛,natural graphite\nlithium,リチウム,lithium\n",
        "countries.csv": "iso3,name_ja,name_en,governance,concern,partner,source\n"
        "CHN,中華人民共和国,China,-0.5,true,false,世界銀行 WGI（概算）\n",
        "flows.csv": "good_id,partner,period,value,quantity,unit,source\n"
        "natural_graphite,CHN,2024-01,1,100,KG,財務省貿易統計\n"
        "natural_graphite,CHN,2024-02,2,200,KG,財務省貿易統計\n",
    }
    for name, text in tables.items():
        (folder / name).write_bytes(text.replace("\n", newline).encode(encoding))
    return folder


def test_a_cp932_case_is_merged_and_keeps_its_encoding(tmp_path: Path, hs_map: Path) -> None:
    sjis = _case_in(tmp_path / "sjis", "cp932", "\r\n")
    utf8 = _case_in(tmp_path / "utf8", "utf-8", "\n")
    f = write_customs(
        tmp_path / "imp.csv",
        [
            customs_row(2, 2024, "250410000", 105, [300_000]),
            customs_row(2, 2024, "283691000", 601, [0, 0, 5]),
        ],
    )
    for case in (sjis, utf8):
        write_case(import_trade("japan-customs", [f], hs_map, case))
    raw = (sjis / "flows.csv").read_bytes()
    assert "財務省貿易統計".encode("cp932") in raw and b"\r\n" in raw  # still CP932, Excel line ends
    assert "オーストラリア".encode("cp932") in (sjis / "countries.csv").read_bytes()  # AUS added
    a, b = load_case(sjis), load_case(utf8)
    for table in ("goods", "countries", "flows"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))
    got = a.flows.set_index(["good_id", "partner", "period"])["value"].to_dict()
    assert got[("natural_graphite", "CHN", "2024-01")] == 3.0  # replaced: 300,000 千円
    assert got[("natural_graphite", "CHN", "2024-02")] == 2.0  # kept


def test_rewritten_files_keep_their_mode(tmp_path: Path, hs_map: Path) -> None:
    case = _first_import(tmp_path, hs_map)
    os.chmod(case / "flows.csv", 0o644)
    os.chmod(case / "countries.csv", 0o640)
    f = write_customs(tmp_path / "b.csv", [customs_row(2, 2024, "250410000", 103, [100_000])])  # KOR: new
    old_umask = os.umask(0o077)
    try:
        write_case(import_trade("japan-customs", [f], hs_map, case))
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((case / "flows.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE((case / "countries.csv").stat().st_mode) == 0o640
    assert "KOR" in (case / "countries.csv").read_text()


def test_reimporting_over_a_secret_row_keeps_it_secret(tmp_path: Path, hs_map: Path) -> None:
    case = _case_in(tmp_path / "case", "utf-8", "\n")
    (case / "flows.csv").write_text(
        "good_id,partner,period,value,quantity,unit,source,tier\n"
        "natural_graphite,CHN,2024-01,1,100,KG,ministry survey,secret\n"
        "natural_graphite,CHN,2024-02,2,200,KG,ministry survey,restricted\n",
        encoding="utf-8",
    )
    goods = (case / "goods.csv").read_text().replace("name_en\n", "name_en,tier\n", 1)
    (case / "goods.csv").write_text(
        goods.replace("lithium,リチウム,lithium", "lithium,リチウム,lithium,secret")
    )
    f = write_customs(
        tmp_path / "imp.csv",
        [
            customs_row(2, 2024, "250410000", 105, [300_000, 400_000, 500_000]),  # CHN Jan–Mar
            customs_row(2, 2024, "283691000", 601, [0, 0, 5]),  # lithium, a secret good
        ],
    )
    r = import_trade("japan-customs", [f], hs_map, case)
    write_case(r)
    flows = load_case(case).flows.set_index(["good_id", "partner", "period"])
    assert flows.loc[("natural_graphite", "CHN", "2024-01"), "tier"] == "secret"
    assert flows.loc[("natural_graphite", "CHN", "2024-02"), "tier"] == "restricted"
    assert flows.loc[("natural_graphite", "CHN", "2024-03"), "tier"] == "public"  # a new row
    assert flows.loc[("lithium", "AUS", "2024-03"), "tier"] == "secret"  # its good is secret
    assert flows.loc[("natural_graphite", "CHN", "2024-01"), "value"] == 3.0  # the value is the import's
    assert r.tiers_kept == 3


def test_two_imports_prepared_together_do_not_lose_rows(tmp_path: Path, hs_map: Path) -> None:
    case = _first_import(tmp_path, hs_map)
    a = write_customs(tmp_path / "a.csv", [customs_row(2, 2024, "250410000", 103, [100_000])])  # KOR
    b = write_customs(tmp_path / "b.csv", [customs_row(2, 2024, "250410000", 304, [100_000])])  # USA
    ra = import_trade("japan-customs", [a], hs_map, case)
    rb = import_trade("japan-customs", [b], hs_map, case)  # merged from the same files as ra
    write_case(ra)
    after_a = _snapshot(case)
    with pytest.raises(InputError) as e:
        write_case(rb)  # would write flows without KOR
    assert {i.file.rsplit("/", 1)[-1] for i in e.value.issues} == {"flows.csv", "countries.csv"}
    assert "run the import again" in e.value.issues[0].message
    assert _snapshot(case) == after_a
