"""Month-by-month drawdowns computed by hand (docs/methodology/stress.md).

Every case is small enough to tabulate on paper: goods with demand in round numbers
per month, one disruption, and the expected lost / added / released / short / stock per month.
"""

from __future__ import annotations

import numpy as np
import pytest

from prioritizer.case import load_case
from prioritizer.errors import InputError
from prioritizer.stress import Portfolio, build, play

GOODS = (
    "id,name_ja,name_en,unit,annual_demand,unit_price,stockpilable\n"
    "x,素材X,Material X,t,120,2,true\n"  # 10 t / month
    "y,素材Y,Material Y,t,240,1,true\n"  # 20 t / month
    "p,製品P,Product P,unit,24,5,false\n"  # 2 units / month
)


def _case(write_case, **files):
    base = {"goods.csv": GOODS}
    base.update(files)
    return load_case(write_case(base))


def _series(res, name, good, s=0):
    g = res.data.gidx[good]
    return getattr(res.timeline, name)[:, s, g].round(9).tolist()


def test_stock_covering_exactly_three_months_runs_out_in_month_four(write_case):
    # x loses half its supply (5 t / month) for 6 months; 15 t of stock covers exactly 3 months.
    case = _case(
        write_case,
        **{"scenarios.csv": "id,name_ja,probability,good_id,loss,months\ns1,X途絶,0.1,x,0.5,6\n"},
    )
    res = play(build(case), Portfolio(source="run", run_id="R", stock={"x": 15}), months=8)
    assert _series(res, "lost", "x") == [5, 5, 5, 5, 5, 5, 0, 0]
    assert _series(res, "released", "x") == [5, 5, 5, 0, 0, 0, 0, 0]
    assert _series(res, "stock", "x") == [10, 5, 0, 0, 0, 0, 0, 0]
    assert _series(res, "shortfall", "x") == [0, 0, 0, 5, 5, 5, 0, 0]
    (row,) = [r for r in res.summary_rows() if r["good_id"] == "x"]
    assert row["first_short_month"] == 4
    assert row["total_shortfall"] == pytest.approx(15)
    assert row["value_short"] == pytest.approx(30)  # 15 t × 2 億円/t
    assert row["longest_short_run"] == 3
    assert row["stock_left"] == 0
    assert row["recovery_month"] == 7


def test_project_capacity_arrives_after_its_lead_time(write_case):
    # 36 t / year = 3 t / month from a project with a 2-month lead: months 1–2 get nothing.
    case = _case(
        write_case,
        **{
            "scenarios.csv": "id,name_ja,probability,good_id,loss,months\ns1,X途絶,0.1,x,0.5,6\n",
            "projects.csv": (
                "id,name_ja,good_id,cost,capacity,lead_months\n"
                "late,X増産,x,10,36,2\n"
                "half,X増産2,x,10,12,2.5\n"  # 1 t / month, half of it in month 3
                "now,X増産3,x,10,0,\n"
            ),
        },
    )
    data = build(case)
    res = play(data, Portfolio(source="run", run_id="R", funded={"late": 1.0}), months=6)
    assert _series(res, "added", "x") == [0, 0, 3, 3, 3, 3]
    assert _series(res, "shortfall", "x") == [5, 5, 2, 2, 2, 2]
    both = play(data, Portfolio(source="run", run_id="R", funded={"late": 1.0, "half": 1.0}), months=6)
    assert _series(both, "added", "x") == [0, 0, 3.5, 4, 4, 4]
    # a project funded at half its scale adds half its capacity
    halfway = play(data, Portfolio(source="run", run_id="R", funded={"late": 0.5}), months=4)
    assert _series(halfway, "added", "x") == [0, 0, 1.5, 1.5]


def test_partner_cut_is_shared_across_the_goods_it_supplies(write_case):
    # CHN supplies 60 % of x's imports and 25 % of y's (no domestic production: reliance 1).
    flows = "good_id,partner,period,value\n" + "".join(
        f"{g},{p},2024-{m:02d},{v}\n"
        for m in (1, 2)
        for g, p, v in (("x", "CHN", 6), ("x", "USA", 4), ("y", "CHN", 1), ("y", "AUS", 3))
    )
    case = _case(
        write_case,
        **{
            "flows.csv": flows,
            "scenarios.csv": "id,name_ja,probability,partner,loss,months\ncn,中国途絶,0.1,CHN,1.0,2\n",
        },
    )
    res = play(build(case), Portfolio(source="run", run_id="R", stock={"y": 7}), months=3)
    assert _series(res, "lost", "x") == [6, 6, 0]  # 10 t × 0.6
    assert _series(res, "lost", "y") == [5, 5, 0]  # 20 t × 0.25
    assert _series(res, "shortfall", "x") == [6, 6, 0]
    assert _series(res, "released", "y") == [5, 2, 0]
    assert _series(res, "shortfall", "y") == [0, 3, 0]
    battery = res.battery_rows()
    assert battery[0]["total_shortfall"] == pytest.approx(15)  # 12 t of x + 3 t of y
    assert battery[0]["value_short"] == pytest.approx(12 * 2 + 3 * 1)
    assert battery[0]["goods_short"] == 2


def test_input_shortfall_propagates_to_its_product_through_links(write_case):
    # p needs x with intensity 0.5; x loses 5 of 10 t / month; 10 t of x in stock.
    # While the stock lasts (months 1–2) p is untouched; then x is half short and p loses
    # 2 × min(1, 0.5 × 0.5) = 0.5 units / month.
    case = _case(
        write_case,
        **{
            "scenarios.csv": "id,name_ja,probability,good_id,loss,months\ns1,X途絶,0.1,x,0.5,4\n",
            "links.csv": "good_id,input_id,intensity\np,x,0.5\n",
        },
    )
    res = play(build(case), Portfolio(source="run", run_id="R", stock={"x": 10}), months=5)
    assert _series(res, "shortfall", "x") == [0, 0, 5, 5, 0]
    assert _series(res, "lost", "p") == [0, 0, 0.5, 0.5, 0]
    assert _series(res, "shortfall", "p") == [0, 0, 0.5, 0.5, 0]
    rows = {r["good_id"]: r for r in res.summary_rows()}
    assert rows["p"]["first_short_month"] == 3
    assert rows["p"]["value_short"] == pytest.approx(1.0 * 5)


def test_product_made_abroad_keeps_its_imported_share(write_case):
    # p imports 75 % of its supply (IR = 30 / (30 + 10)), so only the 25 % made at home needs x.
    goods = GOODS.replace("p,製品P,Product P,unit,24,5,false", "p,製品P,Product P,unit,24,5,false")
    goods = goods.replace("stockpilable\n", "stockpilable,domestic_production\n", 1)
    goods = goods.replace(",true\n", ",true,\n").replace(",false\n", ",false,10\n")
    flows = "good_id,partner,period,value\np,USA,2024-01,30\n"  # one month: 360 / year
    case = _case(
        write_case,
        **{
            "goods.csv": goods,
            "flows.csv": flows,
            "scenarios.csv": "id,name_ja,probability,good_id,loss,months\ns1,X途絶,0.1,x,1.0,1\n",
            "links.csv": "good_id,input_id,intensity\np,x,0.8\n",
        },
    )
    res = play(build(case), Portfolio(source="nothing"), months=1)
    # IR = 360 / (360 + 10) → home share 10/370; p loses 2 × (10/370) × min(1, 0.8 × 1)
    assert _series(res, "lost", "p") == [pytest.approx(2 * 10 / 370 * 0.8)]


def test_release_rules_cap_floor_and_hold(write_case):
    case = _case(
        write_case,
        **{"scenarios.csv": "id,name_ja,probability,good_id,loss,months\ns1,X途絶,0.1,x,0.5,4\n"},
    )
    data = build(case)
    port = Portfolio(source="run", run_id="R", stock={"x": 12})
    capped = play(data, port, months=4, release="x:cap=2")
    assert _series(capped, "released", "x") == [2, 2, 2, 2]
    assert _series(capped, "shortfall", "x") == [3, 3, 3, 3]
    floored = play(data, port, months=4, release="floor=50%")  # keep 6 t
    assert _series(floored, "released", "x") == [5, 1, 0, 0]
    assert _series(floored, "stock", "x") == [7, 6, 6, 6]
    days = play(data, port, months=4, release="cap=3d")  # 3 days of 10 t / month = 120·3/365 t
    assert _series(days, "released", "x")[0] == pytest.approx(120 * 3 / 365)
    held = play(data, port, months=2, release="hold")
    assert _series(held, "released", "x") == [0, 0]


def test_substitution_ramps_up_month_by_month(write_case):
    case = _case(
        write_case,
        **{"scenarios.csv": "id,name_ja,probability,good_id,loss,months\ns1,X途絶,0.1,x,0.5,4\n"},
    )
    res = play(build(case), Portfolio(source="nothing"), months=4, substitution={"x": 0.25})
    assert _series(res, "substituted", "x") == [1.25, 2.5, 3.75, 5]
    assert _series(res, "shortfall", "x") == [3.75, 2.5, 1.25, 0]


def test_total_equals_the_allocation_models_shortfall_definition(write_case):
    # allocation.md: f = max(0, ℓ A M/12 − q − κ M/12 x) over the disruption, with no lead time.
    case = _case(
        write_case,
        **{
            "scenarios.csv": "id,name_ja,probability,good_id,loss,months\ns1,Y途絶,0.1,y,0.3,9\n",
            "projects.csv": "id,name_ja,good_id,cost,capacity\nq,Y増産,y,10,24\n",
        },
    )
    res = play(
        build(case), Portfolio(source="run", run_id="R", stock={"y": 10}, funded={"q": 0.5}), months=12
    )
    expected = max(0.0, 0.3 * 240 * 9 / 12 - 10 - 24 * 9 / 12 * 0.5)
    assert res.summary_rows()[0]["total_shortfall"] == pytest.approx(expected)


def test_battery_ranks_scenarios_worst_first_by_value_short(write_case):
    # a: x loses 5 t for 6 months → 30 t × 2 = 60 億円
    # b: y loses 20 t for 1 month → 20 t × 1 = 20 億円 ... but more units than c
    # c: p loses 1 unit for 3 months → 3 × 5 = 15 億円
    # d: x loses 1 t for 1 month, covered by stock → 0
    scen = (
        "id,name_ja,probability,good_id,loss,months\n"
        "d,D,0.5,x,0.1,1\n"
        "c,C,0.5,p,0.5,3\n"
        "a,A,0.1,x,0.5,6\n"
        "b,B,0.2,y,1.0,1\n"
    )
    case = _case(write_case, **{"scenarios.csv": scen})
    # stock of 1 t covers d but not a (a starts in month 1 too and takes it: scenarios are separate worlds)
    res = play(build(case), Portfolio(source="run", run_id="R", stock={"x": 1}), months=12)
    order = [(r["scenario"], round(r["value_short"], 9)) for r in res.battery_rows()]
    assert order == [("a", 58.0), ("b", 20.0), ("c", 15.0), ("d", 0.0)]
    assert [r["rank"] for r in res.battery_rows()] == [1, 2, 3, 4]


def test_unknown_scenario_names_it(write_case):
    case = _case(
        write_case, **{"scenarios.csv": "id,name_ja,probability,good_id,loss,months\ns1,X,0.1,x,0.5,6\n"}
    )
    with pytest.raises(InputError) as e:
        build(case, ["s1", "nope"])
    (issue,) = e.value.issues
    assert issue.value == "nope" and "s1" in issue.message


def test_negative_lead_months_is_an_error_naming_file_row_and_column(write_case):
    root = write_case(
        {
            "goods.csv": GOODS,
            "projects.csv": "id,name_ja,good_id,cost,capacity,lead_months\nok,A,x,1,1,0\nbad,B,x,1,1,-2\n",
        }
    )
    with pytest.raises(InputError) as e:
        load_case(root)
    (issue,) = [i for i in e.value.issues if i.column == "lead_months"]
    assert (issue.file, issue.row) == ("projects.csv", 3)


def test_release_rule_naming_an_unknown_good_is_an_error(write_case):
    case = _case(
        write_case, **{"scenarios.csv": "id,name_ja,probability,good_id,loss,months\ns1,X,0.1,x,0.5,6\n"}
    )
    with pytest.raises(InputError) as e:
        play(build(case), Portfolio(source="nothing"), release="cover,gold:cap=5,floor=7")
    values = sorted(str(i.value) for i in e.value.issues)
    assert values == [
        "floor=7",
        "gold:cap=5",
    ]  # both problems at once; a bare number for every good has no unit
    assert any("gold" in i.message for i in e.value.issues)


def test_portfolio_naming_goods_outside_the_case_is_an_error(write_case):
    case = _case(
        write_case, **{"scenarios.csv": "id,name_ja,probability,good_id,loss,months\ns1,X,0.1,x,0.5,6\n"}
    )
    with pytest.raises(InputError) as e:
        play(build(case), Portfolio(source="run", run_id="R9", stock={"zinc": 1.0}))
    assert e.value.issues[0].value == "zinc" and e.value.issues[0].file == "run R9"


def test_kernel_is_vectorised_over_scenarios_like_one_at_a_time(write_case):
    scen = "id,name_ja,probability,good_id,loss,months\na,A,0.1,x,0.5,6\nb,B,0.1,y,0.9,3\nc,C,0.1,x,0.2,12\n"
    case = _case(
        write_case, **{"scenarios.csv": scen, "links.csv": "good_id,input_id,intensity\np,x,0.5\np,y,0.3\n"}
    )
    data = build(case)
    port = Portfolio(source="run", run_id="R", stock={"x": 12, "y": 5})
    together = play(data, port, months=12)
    for k, s in enumerate(data.scenario_ids):
        alone = play(data, port, scenarios=[s], months=12)
        assert np.allclose(together.timeline.shortfall[:, k], alone.timeline.shortfall[:, 0])
