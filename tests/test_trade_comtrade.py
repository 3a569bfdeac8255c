"""UN Comtrade final data: imports of the reporter, totals only, USD at the given rate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prioritizer.errors import InputError
from prioritizer.trade import preview
from tests._trade_files import comtrade_row, write_comtrade, write_map


@pytest.fixture
def hs_map(tmp_path: Path) -> Path:
    return write_map(tmp_path / "map.csv", "natural_graphite,2504,,2022,\n")


@pytest.fixture
def fx(tmp_path: Path) -> Path:
    p = tmp_path / "fx.csv"
    p.write_text("period,jpy_per_usd\n2024-01,150\n2024-02,148\n2023,140\n", encoding="utf-8")
    return p


def test_usd_become_oku_at_the_month_rate_and_world_and_breakdowns_are_left_out(
    tmp_path: Path, hs_map: Path, fx: Path
) -> None:
    f = write_comtrade(
        tmp_path / "ct.csv",
        [
            comtrade_row(month=1, partner=(156, "CHN"), value=2_000_000),  # 2e6 × 150 / 1e8 = 3 億円
            comtrade_row(month=2, partner=(156, "CHN"), value=1_000_000),  # 1e6 × 148 / 1e8 = 1.48
            comtrade_row(month=1, partner=(0, "W00"), value=9_000_000),  # World total
            comtrade_row(month=1, partner=(156, "CHN"), mot=2100, value=5_000_000),  # by transport mode
            comtrade_row(month=1, partner=(156, "CHN"), customs="C01", value=5_000_000),
            comtrade_row(month=1, partner=(156, "CHN"), partner2=410, value=5_000_000),
            comtrade_row(month=1, partner=(156, "CHN"), flow="X", value=7_000_000),  # exports
            comtrade_row(month=1, reporter=(410, "KOR"), value=7_000_000),  # another reporter
        ],
    )
    pv = preview("comtrade", [f], hs_map, fx=fx)
    assert pv.flows[["partner", "period", "value"]].values.tolist() == [
        ["CHN", "2024-01", pytest.approx(3.0)],
        ["CHN", "2024-02", pytest.approx(1.48)],
    ]
    assert pv.excluded == {"not_imports": 1, "other_reporter": 1, "world_partner": 1, "breakdowns": 3}
    assert [(r["period"], r["jpy_per_usd"]) for r in pv.fx_used] == [("2024-01", 150.0), ("2024-02", 148.0)]


def test_annual_rows_use_the_year_rate_and_give_yyyy_periods(tmp_path: Path, hs_map: Path, fx: Path) -> None:
    f = write_comtrade(
        tmp_path / "a.csv", [comtrade_row(freq="A", year=2023, partner=(36, "AUS"), value=1_000_000)]
    )
    pv = preview("comtrade", [f], hs_map, fx=fx)
    assert pv.flows[["partner", "period", "value"]].values.tolist() == [["AUS", "2023", pytest.approx(1.4)]]


def test_json_layout_reads_like_csv(tmp_path: Path, hs_map: Path, fx: Path) -> None:
    from tests._trade_files import COMTRADE_HEADER

    keys = COMTRADE_HEADER.split(",")
    vals = comtrade_row(month=1, value=2_000_000).split(",")
    (tmp_path / "c.json").write_text(json.dumps({"count": 1, "data": [dict(zip(keys, vals, strict=True))]}))
    pv = preview("comtrade", [tmp_path / "c.json"], hs_map, fx=fx)
    assert pv.flows["value"].tolist() == [pytest.approx(3.0)]


def test_missing_fx_and_missing_periods_are_errors_naming_them(
    tmp_path: Path, hs_map: Path, fx: Path
) -> None:
    f = write_comtrade(tmp_path / "ct.csv", [comtrade_row(month=5, value=1.0)])
    with pytest.raises(InputError) as e:
        preview("comtrade", [f], hs_map)
    assert e.value.issues[0].file == "--fx" and "no default rate" in e.value.issues[0].message
    with pytest.raises(InputError) as e:
        preview("comtrade", [f], hs_map, fx=fx)
    assert [(i.file, i.value) for i in e.value.issues] == [("fx.csv", "2024-05")]


def test_a_customs_file_given_as_comtrade_names_the_expected_layout(
    tmp_path: Path, hs_map: Path, fx: Path
) -> None:
    (tmp_path / "c.csv").write_text("Exp or Imp,Year,HS,Country,Value-Year\n2,2024,'250410000',105,1\n")
    with pytest.raises(InputError) as e:
        preview("comtrade", [tmp_path / "c.csv"], hs_map, fx=fx)
    assert "freqCode" in e.value.issues[0].message and "japan-customs" in e.value.issues[0].message
