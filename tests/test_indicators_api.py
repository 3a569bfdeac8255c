"""Indicator API (compute / latest / alerts) on a hand-computable case built from DataFrames.

Countries (governance -> 0–10 risk = (2.5 − wgi) × 2): CHN −0.5 -> 6 (concern), USA 1.5 -> 2
(ally), AUS 1.5 -> 2 (ally), JPN 1.0 -> 3 (home).

g1: production 240/yr (20/month), exports 24/yr (2/month); imports CHN/USA
    2024-01 10/10, 02 10/10, 03 14/6, 04 18/2 (total 20 each month);
    IR = (20 − 2) / (20 + 20 − 2) = 18/38 every month.
g2: AUS 5 every month, no production -> HHI 1, IR unknown.
g3: two months only -> insufficient history. g4: no flows.
g5: CHN/AUS 5/5 for three months, then 9/1 (a one-month spike).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from prioritizer.case.types import Case
from prioritizer.indicators import INDICATOR_NAMES, alerts, api, compute, latest

MONTHS = ["2024-01", "2024-02", "2024-03", "2024-04"]


def make_case(**over) -> Case:
    goods = pd.DataFrame(
        {
            "id": ["g1", "g2", "g3", "g4", "g5"],
            "name_ja": ["物資1", "物資2", "物資3", "物資4", "物資5"],
            "name_en": ["Good 1", "Good 2", "Good 3", "Good 4", "Good 5"],
            "domestic_production": [240.0, np.nan, np.nan, np.nan, 120.0],
            "exports": [24.0, np.nan, np.nan, np.nan, 0.0],
            "eol_rir": [0.1, np.nan, np.nan, np.nan, np.nan],
            "substitution_index": [0.9, np.nan, np.nan, np.nan, np.nan],
        }
    )
    countries = pd.DataFrame(
        {
            "iso3": ["CHN", "USA", "AUS", "JPN"],
            "governance": [-0.5, 1.5, 1.5, 1.0],
            "concern": [True, False, False, False],
            "partner": [False, True, True, True],
        }
    )
    rows = []
    for m, (c, u) in zip(MONTHS, [(10, 10), (10, 10), (14, 6), (18, 2)], strict=True):
        rows += [("g1", "CHN", m, float(c)), ("g1", "USA", m, float(u))]
    rows += [("g2", "AUS", m, 5.0) for m in MONTHS]
    rows += [("g3", "USA", m, 1.0) for m in MONTHS[:2]]
    for m, (c, a) in zip(MONTHS, [(5, 5), (5, 5), (5, 5), (9, 1)], strict=True):
        rows += [("g5", "CHN", m, float(c)), ("g5", "AUS", m, float(a))]
    flows = pd.DataFrame(rows, columns=["good_id", "partner", "period", "value"])
    kw = {"root": Path("/nonexistent-case"), "goods": goods, "flows": flows, "countries": countries}
    kw.update(over)
    return Case(**kw)


def test_latest_hand_computed_values_for_g1():
    df = latest(make_case())
    r = df.loc["g1"]
    assert r["period"] == "2024-04"
    assert r["status"] == "ok"
    assert r["imports"] == pytest.approx(20.0)
    assert r["import_reliance"] == pytest.approx(18 / 38)
    assert r["hhi"] == pytest.approx(0.9**2 + 0.1**2)
    assert r["top1_share"] == pytest.approx(0.9)
    assert r["top1_partner"] == "CHN"
    assert r["concern_share"] == pytest.approx(0.9)
    assert r["ally_share"] == pytest.approx(0.1)
    assert r["hhi_wgi"] == pytest.approx(0.81 * 6 + 0.01 * 2)
    assert r["foreign_dependence"] == pytest.approx(18 / 38 * (0.9 + 0.1 * 0.82))
    # MoM change of concern share: .9 − .7
    assert r["concern_share_mom"] == pytest.approx(0.2)
    assert np.isnan(r["concern_share_yoy"])  # no month a year earlier


def test_every_good_is_listed_with_a_status_and_nothing_computed_from_partial_data():
    df = latest(make_case())
    assert list(df.index) == ["g1", "g2", "g3", "g4", "g5"]
    assert df.loc["g3", "status"] == "insufficient_history"
    assert df.loc["g4", "status"] == "no_flows"
    for g in ("g3", "g4"):
        assert df.loc[g, ["hhi", "import_reliance", "concern_share", "foreign_dependence"]].isna().all()
    assert "at least 3" in df.loc["g3", "notes"]
    # g2 has flows but no production: concentration yes, reliance (and FD) not, with the reason
    assert df.loc["g2", "hhi"] == pytest.approx(1.0)
    assert np.isnan(df.loc["g2", "import_reliance"]) and np.isnan(df.loc["g2", "foreign_dependence"])
    assert "no domestic production" in df.loc["g2", "notes"]


def test_indicator_names_are_columns_of_latest():
    df = latest(make_case())
    assert set(INDICATOR_NAMES) <= set(df.columns)


def test_supply_risk_with_world_supply_table():
    # world supply of g1: CHN .8 (risk 6), AUS .2 (risk 2) -> HHI_WGI,GS = .64×6 + .04×2 = 3.92
    case = make_case()
    case.world_supply = pd.DataFrame(
        {
            "good_id": ["g1", "g1"],
            "country": ["CHN", "AUS"],
            "share": [0.8, 0.2],
            "governance": [np.nan, np.nan],
        }
    )
    r = compute(case, "2024-01").set_index("good_id").loc["g1"]
    ir = 18 / 38
    # sourcing mix 2024-01: CHN 10 (6), USA 10 (2), home production 20 (JPN, 3) of 40:
    src = 0.25**2 * 6 + 0.25**2 * 2 + 0.5**2 * 3
    assert r["hhi_wgi_global"] == pytest.approx(3.92)
    assert r["hhi_wgi_sourcing"] == pytest.approx(src)
    assert r["supply_risk"] == pytest.approx((3.92 * ir / 2 + src * (1 - ir / 2)) * (1 - 0.1) * 0.9)
    assert r["supply_risk_basis"].startswith("global+sourcing")


def test_supply_risk_without_world_supply_records_the_basis():
    r = latest(make_case()).loc["g1"]
    src = (0.81 * 6 + 0.01 * 2) * 20**2 / 40**2 + 3 * 20**2 / 40**2
    assert r["supply_risk"] == pytest.approx(src * 0.9 * 0.9)
    assert "sourcing only" in r["supply_risk_basis"]


def test_compute_long_format_and_period_selection():
    df = compute(make_case())
    g1 = df[df["good_id"] == "g1"]
    assert g1["period"].tolist() == MONTHS
    assert g1["hhi"].tolist() == pytest.approx([0.5, 0.5, 0.58, 0.82])
    assert g1["hhi_mom"].tolist()[1:] == pytest.approx([0.0, 0.08, 0.24])
    feb = compute(make_case(), "2024-02").set_index("good_id")
    assert list(feb.index) == ["g1", "g2", "g3", "g4", "g5"]
    assert feb.loc["g1", "concern_share"] == pytest.approx(0.5)
    assert feb.loc["g4", "status"] == "no_flows"


def test_period_without_data_for_a_good_is_reported_as_such():
    case = make_case()
    # g3 has 2 months; lower the bar so it is eligible, then ask for a month it lacks
    df = compute(case, "2024-04", min_months=1).set_index("good_id")
    assert df.loc["g3", "status"] == "no_data_in_period"
    assert np.isnan(df.loc["g3", "hhi"])


def test_period_outside_flows_is_an_input_error():
    from prioritizer.errors import InputError

    with pytest.raises(InputError) as e:
        compute(make_case(), "2030-01")
    assert "2024-01" in e.value.issues[0].message


def test_production_table_annual_rows_override_goods_column():
    # production.csv: g2 120 in 2024 -> 10 per month; IR = 5 / (10 + 5) = 1/3
    prod = pd.DataFrame({"good_id": ["g2"], "year": [2024], "value": [120.0]})
    r = latest(make_case(production=prod)).loc["g2"]
    assert r["import_reliance"] == pytest.approx(1 / 3)
    assert "exports not given" in r["notes"]


def test_flows_columns_give_monthly_production():
    case = make_case()
    f = case.flows.copy()
    f["domestic_production"] = np.where(f["good_id"] == "g2", 15.0, np.nan)
    r = latest(make_case(flows=f)).loc["g2"]
    assert r["import_reliance"] == pytest.approx(5 / 20)


def test_yoy_change_over_thirteen_months():
    months = [f"2023-{m:02d}" for m in range(1, 13)] + ["2024-01"]
    rows = []
    for k, m in enumerate(months):
        chn = 8.0 if k == 12 else 5.0  # concern share .5 for a year, then .8
        rows += [("g1", "CHN", m, chn), ("g1", "USA", m, 10.0 - chn)]
    case = make_case(flows=pd.DataFrame(rows, columns=["good_id", "partner", "period", "value"]))
    r = latest(case).loc["g1"]
    assert r["concern_share_yoy"] == pytest.approx(0.3)
    assert r["concern_share_mom"] == pytest.approx(0.3)


def test_alerts_without_persistence_sorted_by_severity():
    df = alerts(make_case())
    got = list(zip(df["good_id"], df["indicator"], strict=True))
    # severities: g5 concern .4/.05 = 8, g5 hhi .32/.05 = 6.4, g1 hhi .24/.05 = 4.8, g1 concern .2/.05 = 4
    assert got == [("g5", "concern_share"), ("g5", "hhi"), ("g1", "hhi"), ("g1", "concern_share")]
    assert df["severity"].tolist() == pytest.approx([8.0, 6.4, 4.8, 4.0])
    first = df.iloc[0]
    assert (first["period"], first["previous"], first["current"]) == (
        "2024-04",
        pytest.approx(0.5),
        pytest.approx(0.9),
    )
    assert first["name_ja"] == "物資5" and first["name_en"] == "Good 5"


def test_alerts_persistence_filters_a_single_spike():
    # 2 of the last 3 months: g1 rose in March and April (kept), g5 only in April (dropped)
    df = alerts(make_case(), persistence="2/3")
    assert set(df["good_id"]) == {"g1"}
    assert set(df["indicator"]) == {"hhi", "concern_share"}
    assert (df["rises_in_window"] == "2/3").all()
    # 3 of 3: nobody rose in February, so no alert
    assert alerts(make_case(), persistence="3/3").empty


def test_alert_thresholds_configurable_and_off():
    df = alerts(make_case(), {"hhi": 0.3, "concern_share": "off"})
    assert list(zip(df["good_id"], df["indicator"], strict=True)) == [("g5", "hhi")]
    assert alerts(make_case(), "hhi=0.25,concern_share=0.5").pipe(len) == 1


def test_alert_history_lists_every_month():
    df = alerts(make_case(), history=True)
    assert sorted(df.loc[df["good_id"] == "g1", "period"].unique()) == ["2024-03", "2024-04"]


def test_bad_thresholds_and_persistence_are_input_errors():
    from prioritizer.errors import InputError

    with pytest.raises(InputError) as e:
        alerts(make_case(), "hhi=-1,nonsense=0.1")
    assert len(e.value.issues) == 2
    with pytest.raises(InputError):
        alerts(make_case(), persistence="3/2")


def test_case_without_countries_still_gives_concentration():
    case = make_case(countries=None)
    r = latest(case).loc["g1"]
    assert r["hhi"] == pytest.approx(0.82)
    assert np.isnan(r["concern_share"]) and np.isnan(r["foreign_dependence"])
    assert "no countries.csv" in r["notes"]


def test_analysis_reused_by_all_three_calls():
    case = make_case()
    a = api.analyse(case)
    assert latest(case, analysis=a).loc["g1", "hhi"] == pytest.approx(0.82)
    assert len(alerts(case, analysis=a)) == 4
