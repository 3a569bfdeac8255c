"""flows.csv takes annual YYYY periods: one kind per good; indicators per year, alerts year on year."""

from __future__ import annotations

from pathlib import Path

import pytest

from prioritizer.case import load_case
from prioritizer.errors import InputError
from prioritizer.indicators import api as ind

GOODS = "id,name_en,domestic_production\ng,Good G,0\n"
COUNTRIES = "iso3,name_en,governance,concern\nCHN,China,-0.5,true\nAUS,Australia,1.5,false\n"


def _case(tmp_path: Path, flows: str) -> Path:
    for name, text in (("goods.csv", GOODS), ("countries.csv", COUNTRIES), ("flows.csv", flows)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_annual_flows_give_yearly_indicators_and_year_on_year_alerts(tmp_path: Path) -> None:
    c = load_case(
        _case(
            tmp_path,
            "good_id,partner,period,value\ng,AUS,2022,8\ng,CHN,2022,2\ng,AUS,2023,5\ng,CHN,2023,5\n",
        )
    )
    rows = ind.compute(c).set_index("period")
    assert rows.loc["2022", "concern_share"] == pytest.approx(0.2)
    assert rows.loc["2023", "concern_share"] == pytest.approx(0.5)
    assert rows.loc["2023", "hhi"] == pytest.approx(0.5)
    assert rows.loc["2023", "concern_share_yoy"] == pytest.approx(0.3)  # previous period = previous year
    al = ind.alerts(c)
    got = al[al["indicator"] == "concern_share"][["period", "previous", "current"]].values.tolist()
    assert got == [["2023", pytest.approx(0.2), pytest.approx(0.5)]]


def test_a_good_mixing_annual_and_monthly_periods_is_rejected_by_the_loader(tmp_path: Path) -> None:
    _case(tmp_path, "good_id,partner,period,value\ng,AUS,2022,8\ng,AUS,2023-01,1\n")
    with pytest.raises(InputError) as e:
        load_case(tmp_path)
    i = next(i for i in e.value.issues if i.column == "period")
    assert (i.file, i.row) == ("flows.csv", 2) and "one kind per good" in i.message


def test_bad_period_names_both_accepted_forms(tmp_path: Path) -> None:
    _case(tmp_path, "good_id,partner,period,value\ng,AUS,22,8\n")
    with pytest.raises(InputError) as e:
        load_case(tmp_path)
    assert "YYYY-MM" in e.value.issues[0].message and "YYYY for annual" in e.value.issues[0].message
