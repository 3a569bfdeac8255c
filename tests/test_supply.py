"""One supply picture per good, in the good's own frequency (issue 26 Deliver 1).

The issue's case, hand-computed. Good ``g`` (tonnes): demand 1,200 t/yr; imports 120 億円 a
year, 80 % from CHN (96) and 20 % from AUS (24); ``domestic_production`` 100 and ``exports``
20 億円 a year, so import reliance IR = (M − X) / (P + M − X) = (120 − 20) / (100 + 120 − 20)
= 100 / 200 = 0.5. Good ``h``: demand 600 t/yr, imports 60 a year, half from CHN, half from
AUS, no production data (IR = 1, the conservative default).

* "CHN stops exporting g" (good_id = g, partner = CHN, loss 1): CHN's share of g's supply is
  0.8 × 0.5 = 0.4, so g loses 1,200 × 0.4 = 480 t/yr = **40 t a month**; h loses nothing.
* "CHN stops everything" (partner = CHN only, loss 1): g loses 40 t a month as above and h
  loses 600 × 0.5 × 1 / 12 = **25 t a month**.
* "g is cut by half" (good_id = g only, loss 0.5): g loses 1,200 × 0.5 / 12 = **50 t a month**.

The monthly form gives every month a twelfth (CHN 8, AUS 2 for g; CHN 2.5, AUS 2.5 for h);
the annual form gives one row per partner for the year. On commit 3591036 the annual form
read one year as twelve (imports 1,440 a year, IR = 1,420 / 1,520 ≈ 0.934, so CHN's share
of g was 0.8 × 0.934 and "CHN stops exporting g" lost 74.7 t a month), and the good +
partner scenario ignored the partner (100 t a month).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from prioritizer import supply
from prioritizer.allocation.api import allocate_data
from prioritizer.allocation.data import build_data
from prioritizer.case import load_case
from prioritizer.errors import InputError
from prioritizer.indicators import latest
from prioritizer.stress import build, play, resolve

GOODS = (
    "id,name_ja,name_en,unit,annual_demand,unit_price,domestic_production,exports,stockpilable\n"
    "g,ジー,G,t,1200,0.01,100,20,true\n"
    "h,エイチ,H,t,600,0.02,,,true\n"
)
COUNTRIES = "iso3,name_ja,name_en,governance,concern,partner\nCHN,中国,China,-0.5,true,false\nAUS,豪州,Australia,1.5,false,true\n"
SCENARIOS = (
    "id,name_ja,name_en,probability,good_id,partner,loss,months\n"
    "cn_g,中国g停止,CHN stops g,0.3,g,CHN,1,6\n"
    "cn_all,中国全停止,CHN stops all,0.1,,CHN,1,6\n"
    "g_half,g半減,g halved,0.2,g,,0.5,6\n"
)
PROJECTS = "id,name_ja,name_en,good_id,cost,capacity,divisible\ncap_g,g増産,g capacity,g,5,300,false\n"
POLICY = "budget: {total: 6}\nstockpile:\n  target_days: 0\n  damage_multiplier: 10\n"
#: 億円 a year by (good, partner): g 80 % CHN, h 50 % CHN
YEAR = {("g", "CHN"): 96.0, ("g", "AUS"): 24.0, ("h", "CHN"): 30.0, ("h", "AUS"): 30.0}
#: t a month each scenario takes from (g, h), hand-computed in the module docstring
RATES = {"cn_g": (40.0, 0.0), "cn_all": (40.0, 25.0), "g_half": (50.0, 0.0)}
CRIT = {"g": 0.8, "h": 0.5}


def _flows(freq: str) -> str:
    rows = ["good_id,partner,period,value"]
    for (g, p), v in YEAR.items():
        if freq == "A":
            rows.append(f"{g},{p},2025,{v}")
        else:
            rows += [f"{g},{p},2025-{m:02d},{v / 12}" for m in range(1, 13)]
    return "\n".join(rows) + "\n"


@pytest.fixture(params=["M", "A"])
def freq(request: pytest.FixtureRequest) -> str:
    return request.param


def _case(write_case, freq: str, name: str | None = None, flows: str | None = None):
    root: Path = write_case(
        {
            "goods.csv": GOODS,
            "countries.csv": COUNTRIES,
            "flows.csv": flows if flows is not None else _flows(freq),
            "scenarios.csv": SCENARIOS,
            "projects.csv": PROJECTS,
            "policy.yaml": POLICY,
        },
        name or f"case_{freq}",
    )
    return load_case(root)


def test_supply_reads_each_good_in_its_frequency(write_case, freq: str) -> None:
    s = supply.of(_case(write_case, freq))
    i = s.index()
    assert s.freq[i["g"]] == freq
    assert s.window[i["g"]] == ("2025" if freq == "A" else "2025-01/2025-12")
    np.testing.assert_allclose(s.annual_imports[[i["g"], i["h"]]], [120.0, 60.0])
    np.testing.assert_allclose(s.reliance[[i["g"], i["h"]]], [0.5, 1.0])  # 100/200; h unknown → 1
    assert s.reliance_known.tolist()[i["g"]] and not s.reliance_known[i["h"]]
    shares = s.shares()
    assert shares["CHN"] == pytest.approx({"g": 0.4, "h": 0.5})  # 0.8 × 0.5; 0.5 × 1
    assert shares["AUS"] == pytest.approx({"g": 0.1, "h": 0.5})
    assert s.cut("g", "CHN") == pytest.approx({"g": 0.4})
    assert s.cut("", "CHN") == pytest.approx({"g": 0.4, "h": 0.5})
    assert s.cut("g", "") == {"g": 1.0}


def test_scenario_forms_cut_what_they_name_in_allocation_and_stress(write_case, freq: str) -> None:
    case = _case(write_case, freq)
    data = build_data(case, case.policy, criticality=CRIT)
    by_id = {sc.id: sc for sc in data.scenarios}
    sd = build(case)
    for sid, (g_rate, h_rate) in RATES.items():
        sc = by_id[sid]
        alloc = np.zeros(2)
        for gi, a in sc.affected.items():
            alloc[gi] = sc.loss * a / 12.0  # units / month lost
        np.testing.assert_allclose(alloc, [g_rate, h_rate], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(sd.loss_rate[sd.sidx[sid]], [g_rate, h_rate], rtol=1e-12, atol=1e-12)
    # stress's domestic share 1 − IR: g 1 − 0.5; h's IR is unknown, so it counts as made at home (1)
    np.testing.assert_allclose(sd.domestic_share, [0.5, 1.0])


def test_monthly_and_annual_forms_give_the_same_indicators(write_case) -> None:
    m, a = (latest(_case(write_case, f)) for f in ("M", "A"))
    for col in ("import_reliance", "hhi", "concern_share", "top1_share", "foreign_dependence"):
        np.testing.assert_allclose(m[col].to_numpy(float), a[col].to_numpy(float), rtol=1e-12)
    # IR 0.5 for g, as hand-computed; HHI 0.8² + 0.2² = 0.68
    assert m.loc["g", "import_reliance"] == pytest.approx(0.5)
    assert m.loc["g", "hhi"] == pytest.approx(0.68)
    s = supply.of(_case(write_case, "M", "again"))
    assert s.reliance[s.index()["g"]] == pytest.approx(a.loc["g", "import_reliance"])


def test_the_indicators_report_the_supply_picture_the_plans_use(write_case) -> None:
    from prioritizer.indicators.service import run_indicators

    for f, label in (("M", "2025-01/2025-12"), ("A", "2025")):
        goods = {r["id"]: r for r in run_indicators(_case(write_case, f, f"ind_{f}"), {}).result["goods"]}
        assert goods["g"]["supply"] == {
            "frequency": "monthly" if f == "M" else "annual",
            "window": label,
            "annual_imports": pytest.approx(120.0),
            "import_reliance": pytest.approx(0.5),
        }
        assert goods["h"]["supply"]["import_reliance"] is None  # no domestic_production: not known


@pytest.mark.parametrize("backend", ["pulp", "arrays", "structured"])
def test_monthly_and_annual_forms_give_the_same_allocation(write_case, backend: str) -> None:
    out = []
    for f in ("M", "A"):
        case = _case(write_case, f)
        res = allocate_data(build_data(case, case.policy, criticality=CRIT), backend=backend, explain=False)
        assert res.status == "optimal"
        assert res.solver["path"].startswith("structured" if backend == "structured" else "general")
        out.append(res)
    m, a = out
    assert m.funded == pytest.approx(a.funded)
    assert m.objective == pytest.approx(a.objective, rel=1e-9)
    assert m.baseline_objective == pytest.approx(a.baseline_objective, rel=1e-12)
    assert [s["quantity"] for s in m.stockpiles] == pytest.approx([s["quantity"] for s in a.stockpiles])
    # baseline −Σ π ℓ A M/12 w, w = crit × 10 × price, by hand from the rates (t a month × 6 months):
    # g: (0.3 × 40 + 0.1 × 40 + 0.2 × 50) × 6 × 0.8 × 10 × 0.01 = 26 × 6 × 0.08 = 12.48;
    # h: 0.1 × 25 × 6 × 0.5 × 10 × 0.02 = 1.5
    assert m.baseline_objective == pytest.approx(-(12.48 + 1.5))


def test_monthly_and_annual_forms_give_the_same_stress(write_case) -> None:
    rows = []
    for f in ("M", "A"):
        case = _case(write_case, f)
        res = play(build(case), resolve(case, "nothing"), months=12)
        rows.append(res.summary)
    for k in rows[0]:
        np.testing.assert_allclose(rows[0][k], rows[1][k], rtol=1e-12, atol=1e-12, err_msg=k)
    # doing nothing, "CHN stops g" leaves g 40 t short a month for its 6 months: 240 t
    sd = build(_case(write_case, "A", "again"))
    assert rows[1]["total_shortfall"][list(sd.scenario_ids).index("cn_g"), 0] == pytest.approx(240.0)


def test_each_good_reads_its_own_latest_window(write_case) -> None:
    # g monthly through 2025-12 (window 2025-01…12); h annual, latest year 2025 (2024 ignored)
    flows = "\n".join(line for line in _flows("M").splitlines() if not line.startswith("h,")) + "\n"
    flows += "h,CHN,2024,1000\nh,CHN,2025,30\nh,AUS,2025,30\n"
    # g also has a year-old month, outside its 12-month window
    flows += "g,CHN,2024-12,5000\n"
    s = supply.of(_case(write_case, "M", "mixed", flows))
    i = s.index()
    assert s.freq[i["g"]] == "M" and s.freq[i["h"]] == "A"
    np.testing.assert_allclose(s.annual_imports[[i["g"], i["h"]]], [120.0, 60.0])
    assert s.shares()["CHN"] == pytest.approx({"g": 0.4, "h": 0.5})


def test_a_short_monthly_history_is_scaled_to_a_year(write_case) -> None:
    # three months of g (Oct–Dec): imports 30 → 30 × 12 / 3 = 120 a year, so IR is still 0.5
    rows = ["good_id,partner,period,value"]
    rows += [f"g,CHN,2025-{m:02d},8" for m in (10, 11, 12)] + [f"g,AUS,2025-{m:02d},2" for m in (10, 11, 12)]
    s = supply.of(_case(write_case, "M", "short", "\n".join(rows) + "\n"))
    assert s.annual_imports[s.index()["g"]] == pytest.approx(120.0)
    assert s.reliance[s.index()["g"]] == pytest.approx(0.5)


def test_a_good_and_partner_without_such_imports_is_an_error_naming_both(write_case) -> None:
    case = _case(write_case, "M")
    case.scenarios.loc[0, "partner"] = "USA"
    with pytest.raises(InputError) as info:
        build_data(case, case.policy, criticality=CRIT)
    msg = [i for i in info.value.issues if i.column == "partner"]
    assert msg and "'g' from 'USA'" in msg[0].message
    with pytest.raises(InputError) as info:
        build(case)
    assert any("'g' from 'USA'" in i.message for i in info.value.issues)
