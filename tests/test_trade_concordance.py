"""The shipped country concordances agree with the published code lists.

Expected values are copied by hand from the publications, not from the data files:
Japan Customs 統計国名符号表 (外国貿易等に関する統計基本通達 別紙第1,
customs.go.jp/toukei/sankou/dgorder/a1.htm) and the UNSD M49 list
(unstats.un.org/unsd/methodology/m49/).
"""

from __future__ import annotations

import csv
import re
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from prioritizer.trade import concordance, preview
from tests._trade_files import customs_row, write_customs, write_map

# code -> (国名 as published, ISO3 of that country)
PUBLISHED_CUSTOMS = {
    "103": ("大韓民国", "KOR"),
    "105": ("中華人民共和国", "CHN"),
    "108": ("香港", "HKG"),
    "129": ("マカオ", "MAC"),
    "131": ("ネパール", "NPL"),
    "153": ("カザフスタン", "KAZ"),
    "158": ("ヨルダン川西岸及びガザ", "PSE"),
    "205": ("英国", "GBR"),
    "213": ("ドイツ", "DEU"),
    "224": ("ロシア", "RUS"),
    "228": ("セルビア", "SRB"),
    "244": ("北マケドニア", "MKD"),
    "304": ("アメリカ合衆国", "USA"),
    "338": ("サン・バルテルミー島（仏）", "BLM"),
    "409": ("チリ", "CHL"),
    "410": ("ブラジル", "BRA"),
    "533": ("コンゴ民主共和国", "COD"),
    "551": ("南アフリカ共和国", "ZAF"),
    "556": ("エスワティニ", "SWZ"),
    "560": ("南スーダン", "SSD"),
    "601": ("オーストラリア", "AUS"),
    "618": ("ニューカレドニア(仏)", "NCL"),
    "628": ("パラオ", "PLW"),
}
# (削除) codes and the areas that are not one country: never given an ISO3
NOT_MAPPED = [
    "100",
    "102",
    "109",
    "114",
    "136",
    "214",
    "226",
    "313",
    "603",
    "623",
    "327",
    "605",
    "622",
    "701",
    "702",
    "703",
]
# UNSD M49: code -> ISO alpha-3
PUBLISHED_M49 = {
    "4": "AFG", "36": "AUS", "76": "BRA", "156": "CHN", "180": "COD", "276": "DEU", "344": "HKG",
    "356": "IND", "360": "IDN", "392": "JPN", "410": "KOR", "458": "MYS", "484": "MEX", "643": "RUS",
    "704": "VNM", "710": "ZAF", "826": "GBR", "840": "USA", "533": "ABW", "535": "BES", "854": "BFA",
}  # fmt: skip


def _rows(name: str) -> list[dict[str, str]]:
    ref = resources.files("prioritizer.trade").joinpath("data", name)
    with ref.open("r", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_customs_codes_match_the_published_country_code_table() -> None:
    rows = {r["code"]: r for r in _rows("customs_iso3.csv")}
    got = {c: (rows[c]["name_ja"], rows[c]["iso3"]) for c in PUBLISHED_CUSTOMS}
    assert got == PUBLISHED_CUSTOMS
    assert [c for c in NOT_MAPPED if c in rows] == []


def test_every_customs_row_is_a_valid_code_with_its_source() -> None:
    rows = _rows("customs_iso3.csv")
    assert len(rows) == len({r["code"] for r in rows}) == 228
    for r in rows:
        assert re.fullmatch(r"[1-6]\d\d", r["code"]), r
        assert re.fullmatch(r"[A-Z]{3}", r["iso3"]), r
        assert r["name_ja"] and r["name_en"], r
        assert "customs.go.jp/toukei/sankou/dgorder/a1.htm" in r["source"], r


def test_a_region_is_counted_with_its_country_but_does_not_name_it() -> None:
    cm = concordance.customs()
    got = cm.lookup(pd.Series(["216", "217", "523", "'218'", "702"])).tolist()
    assert got == ["PRT", "PRT", "ESP", "ESP", ""]
    assert cm.names("PRT") == ("ポルトガル", "Portugal")
    assert cm.names("ESP") == ("スペイン", "Spain")


def test_unknown_area_code_702_is_listed_not_dropped(tmp_path: Path) -> None:
    m = write_map(tmp_path / "m.csv", "natural_graphite,2504,,2022,\n")
    f = write_customs(tmp_path / "f.csv", [customs_row(2, 2024, "250410000", 702, [100_000])])
    pv = preview("japan-customs", [f], m)
    assert pv.flows.empty
    assert [(u["code"], u["row"], u["value"]) for u in pv.unknown_partners] == [("702", 2, 100_000.0)]


@pytest.mark.parametrize(("code", "iso3"), sorted(PUBLISHED_M49.items()))
def test_m49_codes_match_the_unsd_list(code: str, iso3: str) -> None:
    assert concordance.m49().iso3[code] == iso3
