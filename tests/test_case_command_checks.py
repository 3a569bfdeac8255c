"""What ``validate`` accepts, every command accepts (issue 26 item 5).

Each case here loaded on commit 3591036 (``validate`` said it was valid) and then failed in
``allocate``, ``stress`` or the indicators — or crashed in the solver layer. Now the loader
reports it, naming the file, row and column.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from prioritizer.allocation.api import allocate
from prioritizer.case import load_case
from prioritizer.errors import InputError

GOODS = (
    "id,name_ja,domain,unit,annual_demand,unit_price,stockpilable\n"
    "gallium,ガリウム,dependence,t,100,0.5,true\n"
    "graphite,黒鉛,dependence,t,200,0.1,false\n"
)
COUNTRIES = "iso3,name_ja,governance\nCHN,中国,-0.5\nAUS,豪州,1.5\n"
FLOWS = "good_id,partner,period,value\n" + "".join(
    f"gallium,CHN,2025-{m:02d},8\ngallium,AUS,2025-{m:02d},2\n" for m in range(1, 13)
)
PROJECTS = "id,name_ja,good_id,cost,effect\nP1,事業,gallium,10,0.5\n"
POLICY = "budget: {total: 100}\n"
BASE = {
    "goods.csv": GOODS,
    "countries.csv": COUNTRIES,
    "flows.csv": FLOWS,
    "projects.csv": PROJECTS,
    "policy.yaml": POLICY,
}


def _issues(write_case, **files: str | None) -> list[tuple[str, int | None, str | None, object, str]]:
    root: Path = write_case({**BASE, **files})
    with pytest.raises(InputError) as info:
        load_case(root)
    return [(i.file, i.row, i.column, i.value, i.message) for i in info.value.issues]


def test_the_base_case_is_valid_and_allocates(write_case) -> None:
    case = load_case(write_case(BASE))
    assert allocate(case, criticality={"gallium": 0.5, "graphite": 0.5}, explain=False).status == "optimal"


def test_world_supply_row_naming_an_unknown_good(write_case) -> None:
    ws = "good_id,country,share\ngallium,CHN,0.98\ngallium,other,0.02\nnosuchgood,CHN,1\n"
    got = _issues(write_case, **{"world_supply.csv": ws})
    assert ("world_supply.csv", 4, "good_id", "nosuchgood") in [g[:4] for g in got]


def test_world_supply_shares_and_governance_as_the_indicators_need_them(write_case) -> None:
    # 'ZZZ' has no governance anywhere ('other', the rest of the world, takes the WGI world
    # average 0); the shares of gallium add up to 0.9
    ws = "good_id,country,share\ngallium,CHN,0.7\ngallium,ZZZ,0.1\ngallium,other,0.1\n"
    got = _issues(write_case, **{"world_supply.csv": ws})
    cells = [g[:3] for g in got]
    assert ("world_supply.csv", 3, "country") in cells  # no governance for ZZZ
    assert ("world_supply.csv", 4, "country") not in cells
    assert ("world_supply.csv", 2, "share") in cells and any("add up to 0.9000" in g[4] for g in got)


def test_negative_storage_capacity(write_case) -> None:
    got = _issues(write_case, **{"policy.yaml": POLICY + "stockpile: {storage_capacity: -5}\n"})
    assert [g[:4] for g in got] == [("policy.yaml", None, "stockpile.storage_capacity", -5.0)]
    got = _issues(write_case, **{"policy.yaml": POLICY + "stockpile: {storage_capacity: {gallium: -1}}\n"})
    assert [g[2] for g in got] == ["stockpile.storage_capacity.gallium"]


def test_a_header_only_projects_file_is_a_case_without_projects(write_case) -> None:
    # decided: valid and empty — the allocation then decides stock only
    case = load_case(write_case({**BASE, "projects.csv": "id,name_ja,good_id,cost\n"}))
    res = allocate(case, criticality={"gallium": 0.5, "graphite": 0.5}, explain=False)
    assert res.status == "optimal" and res.funded == {}


def test_a_limit_no_project_or_stockpile_falls_under(write_case) -> None:
    # with only the header, the domain limit constrains nothing: allocate said so, validate did not
    pol = POLICY + "limits:\n  - {group: domain, value: disruptive, max: 5}\n"
    got = _issues(write_case, **{"projects.csv": "id,name_ja,good_id,cost\n", "policy.yaml": pol})
    assert [g[:4] for g in got] == [("policy.yaml", None, "limits.0.value", "disruptive")]
    assert "no project or stockpilable good has domain = 'disruptive'" in got[0][4]
    # a stockpilable good of the domain is enough (stock spending counts in the limit)
    ok = POLICY + "limits:\n  - {group: domain, value: dependence, max: 5}\n"
    load_case(write_case({**BASE, "projects.csv": "id,name_ja,good_id,cost\n", "policy.yaml": ok}, "ok"))


def test_a_cost_the_solver_cannot_take_names_the_cell(write_case) -> None:
    # 1e308 reached HiGHS through PuLP and failed there with an IndexError traceback
    got = _issues(
        write_case, **{"projects.csv": "id,name_ja,good_id,cost,effect\nP1,事業,gallium,1e308,0.5\n"}
    )
    assert [g[:4] for g in got] == [("projects.csv", 2, "cost", 1e308)]
    assert "too large for the optimiser" in got[0][4]


def test_demand_times_price_overflowing_names_the_cells(write_case) -> None:
    # 1e9 t × 1e4 億円/t = 1e13 億円 a year: each cell is plausible, the product is not
    goods = GOODS.replace(
        "gallium,ガリウム,dependence,t,100,0.5,true", "gallium,ガリウム,dependence,t,1e9,1e4,true"
    )
    got = _issues(write_case, **{"goods.csv": goods})
    assert [g[:3] for g in got] == [("goods.csv", 2, "annual_demand")]
    assert "annual_demand × unit_price" in got[0][4]


@pytest.mark.parametrize("other", ["Gallium", "ｇａｌｌｉｕｍ", " gallium"])
def test_ids_equal_after_nfkc_case_folding_and_stripping_name_both_rows(write_case, other: str) -> None:
    goods = GOODS + f'"{other}",ガリウム2,dependence,t,100,0.5,false\n'
    got = _issues(write_case, **{"goods.csv": goods})
    hit = [g for g in got if g[2] == "id"]
    assert len(hit) == 1 and hit[0][:2] == ("goods.csv", 4)
    # a blank-padded id is stripped on reading, so it is the tables' plain duplicate, naming row 2 too
    assert "'gallium' at row 2" in hit[0][4] or "duplicate id 'gallium' (also at row 2)" in hit[0][4]


def test_a_partner_scenario_without_such_imports(write_case) -> None:
    sc = (
        "id,name_ja,probability,good_id,partner,loss,months\n"
        "s1,豪州停止,0.1,graphite,AUS,1,6\n"  # AUS supplies no graphite
        "s2,中国停止,0.1,,CHN,1,6\n"  # fine: CHN supplies gallium
        "s3,長さ0,0.1,gallium,,1,0\n"  # lasts no time
    )
    got = _issues(write_case, **{"scenarios.csv": sc})
    assert [g[:3] for g in got] == [("scenarios.csv", 2, "partner"), ("scenarios.csv", 4, "months")]
    assert "no imports 'graphite' from 'AUS'" in got[0][4]


def test_a_scenario_cutting_a_good_without_demand(write_case) -> None:
    # allocate and stress need the demand to size the loss; validate said nothing
    goods = GOODS.replace("graphite,黒鉛,dependence,t,200,0.1,false", "graphite,黒鉛,dependence,t,,0.1,false")
    sc = "id,name_ja,probability,good_id,partner,loss,months\ns1,黒鉛,0.1,graphite,,1,6\n"
    got = _issues(write_case, **{"goods.csv": goods, "scenarios.csv": sc})
    assert [g[:3] for g in got] == [("goods.csv", 3, "annual_demand")]
    assert "scenario s1 cuts good graphite" in got[0][4]
