"""Japan Customs 品別国別表 files become flows: units, quoted codes, exports, CP932, layouts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from prioritizer.case import load_case
from prioritizer.errors import InputError
from prioritizer.trade import import_trade, preview, write_case
from tests._trade_files import customs_row, write_customs, write_map


@pytest.fixture
def hs_map(tmp_path: Path) -> Path:
    return write_map(tmp_path / "map.csv", "natural_graphite,2504,,2022,\nlithium,2836.91,,2022,\n")


def _flows(case: Path) -> pd.DataFrame:
    return pd.read_csv(case / "flows.csv", dtype={"period": str})


def test_thousand_yen_become_oku_by_month_and_partner(tmp_path: Path, hs_map: Path) -> None:
    f = write_customs(
        tmp_path / "imp2024.csv",
        [
            # 100,000 千円 = 1 億円; 250,000 千円 = 2.5 億円
            customs_row(2, 2024, "250410000", 105, [100_000, 250_000]),
            customs_row(2, 2024, "250490000", 105, [50_000]),  # second code of the same good, same month
            customs_row(2, 2024, "283691000", 601, [0, 0, 1_230_000]),
        ],
    )
    report = import_trade("japan-customs", [f], hs_map, tmp_path / "case")
    write_case(report)
    got = _flows(tmp_path / "case").set_index(["good_id", "partner", "period"])["value"]
    assert got.to_dict() == pytest.approx(
        {
            ("lithium", "AUS", "2024-03"): 12.3,
            ("natural_graphite", "CHN", "2024-01"): 1.5,
            ("natural_graphite", "CHN", "2024-02"): 2.5,
        }
    )
    q = _flows(tmp_path / "case").set_index(["good_id", "partner", "period"])["quantity"]
    assert q[("natural_graphite", "CHN", "2024-01")] == 150_000  # KG, both codes summed
    assert load_case(tmp_path / "case").flows is not None  # a valid case


def test_exports_go_to_the_exports_table_not_to_flows(tmp_path: Path, hs_map: Path) -> None:
    f = write_customs(
        tmp_path / "f.csv",
        [
            customs_row(2, 2024, "250410000", 105, [100_000]),
            customs_row(1, 2024, "250410000", 304, [300_000]),
        ],
    )
    r = import_trade("japan-customs", [f], hs_map, tmp_path / "case")
    write_case(r)
    flows = _flows(tmp_path / "case")
    assert list(flows["partner"]) == ["CHN"]
    exports = pd.read_csv(tmp_path / "case" / "exports.csv", dtype={"period": str})
    assert exports[["good_id", "period", "value"]].values.tolist() == [["natural_graphite", "2024-01", 3.0]]
    assert r.preview.rows_read == 2 and r.preview.rows_used == 1 and r.preview.excluded["exports"] == 1


def test_unmapped_codes_are_listed_with_their_values(tmp_path: Path, hs_map: Path) -> None:
    f = write_customs(
        tmp_path / "f.csv",
        [
            customs_row(2, 2024, "250410000", 105, [100_000]),
            customs_row(2, 2024, "720110000", 601, [40_000, 60_000]),
        ],
    )
    pv = preview("japan-customs", [f], hs_map)
    assert pv.unmapped == [
        {"hs": "720110000", "value": 100_000.0, "value_unit": "thousand_yen", "rows": 1, "value_oku": 1.0}
    ]
    assert pv.goods_without_rows == ["lithium"]
    assert pv.totals_by_good == {"natural_graphite": 1.0}


def test_cp932_file_with_quoted_codes_reads_like_utf8(tmp_path: Path, hs_map: Path) -> None:
    text = "年月,Exp or Imp,HS,Country,Unit1,Unit2,Quantity1,Quantity2,Value\n2024/01,2,'250410000',105,,KG,0,1000,100000\n"
    (tmp_path / "a.csv").write_text(text, encoding="cp932")
    (tmp_path / "b.csv").write_text(text, encoding="utf-8")
    a = preview("japan-customs", [tmp_path / "a.csv"], hs_map)
    b = preview("japan-customs", [tmp_path / "b.csv"], hs_map)
    assert a.flows["value"].tolist() == b.flows["value"].tolist() == [1.0]
    assert a.flows["good_id"].tolist() == ["natural_graphite"]
    assert (a.inputs[0]["encoding"], b.inputs[0]["encoding"]) == ("cp932", "utf8")


def test_monthly_variant_one_row_per_month(tmp_path: Path, hs_map: Path) -> None:
    text = (
        "年月,Exp or Imp,HS,Country,Unit1,Unit2,Quantity1,Quantity2,Value\n"
        "2024/01,2,'250410000',105,,KG,0,1000,200000\n"
        "2024/02,2,'250410000',105,,KG,0,500,50000\n"
        "2024/02,1,'250410000',105,,KG,0,500,70000\n"
    )
    (tmp_path / "m.csv").write_text(text, encoding="cp932")
    pv = preview("japan-customs", [tmp_path / "m.csv"], hs_map)
    assert pv.flows[["period", "value"]].values.tolist() == [["2024-01", 2.0], ["2024-02", 0.5]]


def test_unknown_country_code_is_listed_not_dropped(tmp_path: Path, hs_map: Path) -> None:
    f = write_customs(tmp_path / "f.csv", [customs_row(2, 2024, "250410000", 999, [100_000])])
    pv = preview("japan-customs", [f], hs_map)
    assert pv.flows.empty
    assert pv.unknown_partners[0] | {} == {
        "file": "f.csv",
        "row": 2,
        "code": "999",
        "hs": "250410000",
        "period": "2024-01",
        "value": 100_000.0,
        "value_unit": "thousand_yen",
    }


def test_a_comtrade_file_given_as_customs_names_the_expected_layout(tmp_path: Path, hs_map: Path) -> None:
    (tmp_path / "x.csv").write_text(
        "typeCode,freqCode,refYear,flowCode,partnerCode,cmdCode,primaryValue\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as e:
        preview("japan-customs", [tmp_path / "x.csv"], hs_map)
    msg = e.value.issues[0].message
    assert e.value.issues[0].file == "x.csv" and e.value.issues[0].row == 1
    assert "Exp or Imp,Year,HS,Country" in msg and "import-trade comtrade" in msg


def _scaled_rows(copies: int) -> list[str]:
    """The hand-computed case above, ``copies`` times over, between unmapped rows and exports.

    Each copy uses its own 9-digit statistical codes under the same HS prefixes: the same
    (code, country, year) twice is a duplicate row, which the import refuses (issue 26).
    """
    assert copies <= 1000  # 2836.91 has 1,000 statistical codes
    rows: list[str] = []
    for c in range(copies):
        rows += [
            customs_row(2, 2024, f"2504{2 * c:05d}", 105, [100_000, 250_000]),
            customs_row(2, 2024, "720110000", 304, [7_000, 0, 0, 3_000]),  # no good maps 7201
            customs_row(2, 2024, f"2504{2 * c + 1:05d}", 105, [50_000]),
            customs_row(1, 2024, f"2504{c:05d}", 304, [300_000]),  # an export
            customs_row(2, 2024, f"283691{c:03d}", 601, [0, 0, 1_230_000]),
        ]
    return rows


@pytest.mark.parametrize("layout", ["lf", "crlf_and_blank_line", "quoted_line_break"])
def test_many_rows_give_the_small_case_scaled_up(tmp_path: Path, hs_map: Path, layout: str) -> None:
    copies = 1_000  # 5,000 rows: the melted, hashed path of a real year, summed by hand
    rows = [*_scaled_rows(copies), customs_row(2, 2024, "250410000", 999, [100_000])]
    if layout == "quoted_line_break":  # lines no longer one per row: the reader parses it all
        rows[1] = rows[1].replace(",,KG,", ',"N\nO",KG,', 1)
    f = write_customs(tmp_path / "big.csv", rows)
    if layout == "crlf_and_blank_line":
        text = f.read_text().replace("\n", "\r\n")
        f.write_text(text.replace("\r\n", "\r\n\r\n", 1), newline="")
    pv = preview("japan-customs", [f], hs_map)
    got = pv.flows.set_index(["good_id", "partner", "period"])
    assert got["value"].to_dict() == pytest.approx(
        {
            ("lithium", "AUS", "2024-03"): 12.3 * copies,
            ("natural_graphite", "CHN", "2024-01"): 1.5 * copies,
            ("natural_graphite", "CHN", "2024-02"): 2.5 * copies,
        }
    )
    assert got.loc[("natural_graphite", "CHN", "2024-01"), "quantity"] == 150_000 * copies
    assert (pv.rows_read, pv.rows_used, pv.excluded["exports"]) == (5 * copies + 1, 3 * copies + 1, copies)
    assert len(pv.unmapped) == 1
    assert pv.unmapped[0] == pytest.approx(
        {
            "hs": "720110000",
            "value": 10_000.0 * copies,
            "value_unit": "thousand_yen",
            "rows": copies,
            "value_oku": 0.1 * copies,
        }
    )
    assert [(u["code"], u["period"], u["value"]) for u in pv.unknown_partners] == [
        ("999", "2024-01", 100_000.0)
    ]
    if layout == "lf":  # the last data row of the file
        assert pv.unknown_partners[0]["row"] == 5 * copies + 2
    exports = pv.exports.set_index(["good_id", "period"])["value"].to_dict()
    assert exports == pytest.approx({("natural_graphite", "2024-01"): 3.0 * copies})
