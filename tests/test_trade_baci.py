"""CEPII BACI: the importer's rows become annual flows; --world gives exporter shares."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from prioritizer.case import load_case
from prioritizer.errors import InputError
from prioritizer.indicators import api as ind
from prioritizer.trade import import_trade, preview, write_case
from tests._trade_files import BACI_CODES, write_baci, write_map


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    codes = tmp_path / "country_codes_V202401.csv"
    codes.write_text(BACI_CODES, encoding="utf-8")
    fx = tmp_path / "fx.csv"
    fx.write_text("period,jpy_per_usd\n2022,130\n", encoding="utf-8")
    baci = write_baci(
        tmp_path / "BACI_HS22_Y2022_V202401.csv",
        [
            (
                2022,
                156,
                392,
                "250410",
                1000.0,
                50.0,
            ),  # CHN -> JPN: 1000 kUSD = 1e6 USD × 130 / 1e8 = 1.3 億円
            (2022, 490, 392, "250410", 500.0, None),  # Other Asia nes (Taiwan) -> JPN: 0.65 億円
            (2022, 156, 410, "250410", 2500.0, 10.0),  # CHN -> KOR (world only)
            (2022, 842, 410, "250490", 1000.0, 1.0),  # USA -> KOR (world only)
            (2022, 36, 392, "720110", 9000.0, 1.0),  # unmapped code into JPN
        ],
    )
    return {
        "codes": codes,
        "fx": fx,
        "baci": baci,
        "map": write_map(tmp_path / "map.csv", "natural_graphite,2504,,2022,\n"),
    }


def test_importer_rows_become_annual_flows_in_oku(files: dict[str, Path]) -> None:
    pv = preview("baci", [files["baci"]], files["map"], fx=files["fx"], country_codes=files["codes"])
    assert pv.flows[["partner", "period", "value", "quantity", "unit"]].fillna(-1).values.tolist() == [
        ["CHN", "2022", pytest.approx(1.3), 50.0, "t"],
        ["TWN", "2022", pytest.approx(0.65), -1, "t"],
    ]
    assert pv.hs_edition == "2022"
    assert pv.unmapped[0]["hs"] == "720110" and pv.unmapped[0]["value"] == 9000.0
    assert pv.rows_read == 5 and pv.rows_used == 2


def test_world_shares_are_exporter_shares_over_all_flows(files: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "countries.csv").write_text(
        "iso3,name_en,governance,concern\nCHN,China,-0.5,true\nTWN,Taiwan,1.0,false\nUSA,USA,1.5,false\n"
    )
    r = import_trade(
        "baci",
        [files["baci"]],
        files["map"],
        tmp_path / "case",
        fx=files["fx"],
        country_codes=files["codes"],
        world=True,
    )
    write_case(r)
    w = pd.read_csv(tmp_path / "case" / "world_supply.csv").set_index("country")["share"]
    # CHN 1000 + 2500, TWN 500, USA 1000 of 5000 kUSD
    assert w.to_dict() == pytest.approx({"CHN": 0.7, "TWN": 0.1, "USA": 0.2})
    case = load_case(tmp_path / "case")
    latest = ind.latest(case)
    assert latest.loc["natural_graphite", "hhi"] == pytest.approx((1.3 / 1.95) ** 2 + (0.65 / 1.95) ** 2)
    assert latest.loc["natural_graphite", "period"] == "2022"
    assert latest.loc["natural_graphite", "concern_share"] == pytest.approx(1.3 / 1.95)
    # global term: Σ share² × scaled governance (2.5 − wgi) / 5 × 10 → 0.49·6 + 0.01·3 + 0.04·2
    assert latest.loc["natural_graphite", "hhi_wgi_global"] == pytest.approx(3.05)


def test_missing_importer_code_and_wrong_layout(files: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("good_id,partner,period,value\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        preview("baci", [tmp_path / "bad.csv"], files["map"], fx=files["fx"])
    assert "t,i,j,k,v,q" in e.value.issues[0].message and "flows.csv" in e.value.issues[0].message


def test_second_file_read_again_as_text_keeps_the_first_files_rows(
    files: dict[str, Path], tmp_path: Path
) -> None:
    # older BACI releases pad missing quantities ("         NA"): that file is read a second
    # time with text columns, which must not lose what the first file contributed
    y2023 = tmp_path / "BACI_HS22_Y2023_V202401.csv"
    y2023.write_text('t,i,j,k,v,q\n2023,156,392,"250410",100.000,         NA\n', encoding="utf-8")
    files["fx"].write_text("period,jpy_per_usd\n2022,130\n2023,140\n", encoding="utf-8")
    pv = preview(
        "baci", [files["baci"], y2023], files["map"], fx=files["fx"], country_codes=files["codes"], world=True
    )
    assert (pv.rows_read, pv.rows_used) == (6, 3)
    got = pv.flows.set_index(["partner", "period"])["value"].to_dict()
    # 100 kUSD × 140 ¥/USD = 1.4e7 ¥ = 0.14 億円
    assert got == pytest.approx({("CHN", "2022"): 1.3, ("TWN", "2022"): 0.65, ("CHN", "2023"): 0.14})
    shares = pv.world.set_index("country")["share"].to_dict()
    # exporter values of 2504 over both years (kUSD): CHN 1000 + 2500 + 100, TWN 500, USA 1000
    assert shares == pytest.approx({"CHN": 3600 / 5100, "TWN": 500 / 5100, "USA": 1000 / 5100}, abs=1e-6)
    assert pv.unmapped[0]["value"] == 9000.0
