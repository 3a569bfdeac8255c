"""Bad input reaches the indicator API as one InputError naming file, row and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from prioritizer.case.types import Case
from prioritizer.errors import InputError
from prioritizer.indicators import latest


def base(**over) -> Case:
    goods = pd.DataFrame({"id": ["a", "b"], "name_ja": ["A", "B"], "domestic_production": [12.0, 12.0]})
    countries = pd.DataFrame(
        {
            "iso3": ["CHN", "USA"],
            "governance": [-0.5, 1.5],
            "concern": [True, False],
            "partner": [False, True],
        }
    )
    flows = pd.DataFrame(
        {
            "good_id": ["a", "a", "a", "a", "b", "b", "b"],
            "partner": ["CHN", "CHN", "USA", "USA", "USA", "USA", "USA"],
            "period": ["2024-01", "2024-02", "2024-01", "2024-02", "2024-01", "2024-02", "2024-03"],
            "value": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
        }
    )
    kw = {"root": Path("/nonexistent"), "goods": goods, "flows": flows, "countries": countries}
    kw.update(over)
    return Case(**kw)


def issues_of(case: Case) -> list[tuple]:
    with pytest.raises(InputError) as e:
        latest(case)
    return [(i.file, i.row, i.column) for i in e.value.issues], e.value.issues


def test_valid_base_case_passes():
    df = latest(base())
    assert df["status"].to_dict() == {"a": "insufficient_history", "b": "ok"}  # a has 2 of 3 months


def test_every_flow_problem_is_reported_at_once_with_spreadsheet_rows():
    f = base().flows.copy()
    f.loc[0, "value"] = -1.0  # row 2: negative
    f.loc[2, "partner"] = "XXX"  # row 4: not in countries.csv
    f.loc[4, "good_id"] = "zz"  # row 6: not in goods.csv
    f.loc[6, "period"] = "2024-13"  # row 8: bad month
    locs, issues = issues_of(base(flows=f))
    assert ("flows.csv", 2, "value") in locs
    assert ("flows.csv", 4, "partner") in locs
    assert ("flows.csv", 6, "good_id") in locs
    assert ("flows.csv", 8, "period") in locs
    neg = next(i for i in issues if i.column == "value")
    assert neg.value == -1.0 and "negative" in neg.message


def test_duplicate_period_is_reported():
    f = pd.concat([base().flows, base().flows.iloc[[1]]], ignore_index=True)  # row 9 repeats row 3
    locs, issues = issues_of(base(flows=f))
    assert locs == [("flows.csv", 9, "period")]
    assert "duplicate" in issues[0].message


def test_period_out_of_order_within_a_series_is_reported():
    f = base().flows.copy()
    f.loc[[4, 5], "period"] = ["2024-02", "2024-01"]  # b/USA goes back in time on row 7
    locs, issues = issues_of(base(flows=f))
    assert locs == [("flows.csv", 7, "period")]
    assert "out of order" in issues[0].message and "sort" in issues[0].message


def test_rows_sorted_by_period_then_partner_are_accepted():
    f = base().flows.sort_values(["period", "partner", "good_id"], kind="mergesort").reset_index(drop=True)
    assert latest(base(flows=f), min_months=1).loc["a", "hhi"] == pytest.approx((4 / 6) ** 2 + (2 / 6) ** 2)


def test_non_numeric_value_and_missing_column():
    f = base().flows.copy().astype({"value": object})
    f.loc[3, "value"] = "abc"
    locs, _ = issues_of(base(flows=f))
    assert locs == [("flows.csv", 5, "value")]
    locs, _ = issues_of(base(flows=base().flows.drop(columns="partner")))
    assert locs == [("flows.csv", 1, "partner")]


def test_countries_governance_out_of_range_and_goods_share_columns():
    c = base().countries.copy()
    c.loc[1, "governance"] = 3.5
    g = base().goods.copy()
    g["eol_rir"] = [0.5, 1.5]
    g.loc[0, "domestic_production"] = -3.0
    locs, _ = issues_of(base(countries=c, goods=g))
    assert ("countries.csv", 3, "governance") in locs
    assert ("goods.csv", 3, "eol_rir") in locs
    assert ("goods.csv", 2, "domestic_production") in locs


def test_world_supply_shares_that_do_not_add_up():
    ws = pd.DataFrame(
        {
            "good_id": ["a", "a", "b", "b"],
            "country": ["CHN", "USA", "CHN", "ZZZ"],
            "share": [0.5, 0.3, 1.0, 0.0],
        }
    )
    locs, issues = issues_of(base(world_supply=ws))
    assert ("world_supply.csv", 2, "share") in locs  # a sums to 0.8
    assert ("world_supply.csv", 5, "country") in locs  # ZZZ has no governance
    msg = next(i.message for i in issues if i.column == "share")
    assert "0.8000" in msg


def test_production_table_duplicates_and_negative():
    prod = pd.DataFrame(
        {"good_id": ["a", "a", "b"], "period": ["2024-01", "2024-01", "2024-01"], "value": [1.0, 2.0, -1.0]}
    )
    locs, _ = issues_of(base(production=prod))
    assert ("production.csv", 3, "period") in locs
    assert ("production.csv", 4, "value") in locs


def test_inconsistent_flows_production_column():
    f = base().flows.copy()
    f["domestic_production"] = [1.0, np.nan, 2.0, np.nan, np.nan, np.nan, np.nan]  # a/2024-01: 1 vs 2
    locs, _ = issues_of(base(flows=f))
    assert ("flows.csv", 2, "domestic_production") in locs and ("flows.csv", 4, "domestic_production") in locs


def test_flow_and_link_problems_come_together():
    f = base().flows.copy()
    f.loc[0, "value"] = -1.0
    links = pd.DataFrame({"good_id": ["a", "b"], "input_id": ["b", "a"], "intensity": [0.5, 0.5]})
    locs, issues = issues_of(base(flows=f, links=links))
    assert ("flows.csv", 2, "value") in locs
    cyc = [i for i in issues if i.file == "links.csv"]
    assert len(cyc) == 1 and "cycle" in cyc[0].message
