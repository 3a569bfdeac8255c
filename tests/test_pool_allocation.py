"""Joint stock pools in the allocation LP (issue 29 item 1; prioritizer/allocation/pooldata.py).

Units: goods in t, money in 億円. Every case here has criticality 1, damage multiplier 10 and a
unit price of 0.01 億円/t, so one tonne short costs w = 1 × 10 × 0.01 = 0.1 objective units,
and a scenario of probability π charges π × 0.1 per tonne short.
"""

from __future__ import annotations

import pytest

from prioritizer.allocation.api import allocate
from prioritizer.case import load_case

BACKENDS = ("pulp", "arrays", "structured")

GOODS = (
    "id,name_ja,name_en,unit,annual_demand,unit_price,stockpilable,criticality\n"
    "g,財,Good,t,120,0.01,{stock},1\n"
)
COUNTRIES = (
    "iso3,name_ja,name_en,governance,concern,partner\nJPN,日本,Japan,1.3,false,false\n"
    "AUS,豪州,Australia,1.5,false,true\n"
)

# ------------------------------------------------------------------ issue 29's hand example
# Demand 10 t/month (120 t/year), no own stock (the good is not stockpilable), a 60 t pool held
# wholly by the ally, who also needs 10 t/month; draw shares 0.5 / 0.5; a six-month total stop
# (loss 1 × 120 t × 6/12 = 60 t lost).
HAND_POLICY = """budget: {{total: 1}}
stockpile: {{target_days: 0, holding_cost_rate: 0}}
{pools}"""
POOL60 = """pools:
  - id: minerals
    good_id: g
    max_contribution: 0
    members:
      - {country: JPN, draw_share: 0.5}
      - {country: AUS, draw_share: 0.5, holding: 60, need: 10}
"""
HAND = {
    "goods.csv": GOODS.format(stock="false"),
    "countries.csv": COUNTRIES,
    "scenarios.csv": (
        "id,name_ja,name_en,probability,good_id,loss,months,affects\n"
        "us,日本のみ,Only us,0.1,g,1,6,JPN\n"
        "both,両国,Both,0.1,g,1,6,JPN;AUS\n"
        "them,豪州のみ,Only them,0.1,g,1,6,AUS\n"
    ),
}


def _hand(write_case, pools: str, backend: str):
    case = load_case(write_case({**HAND, "policy.yaml": HAND_POLICY.format(pools=pools)}))
    return allocate(case, backend=backend).to_json()


@pytest.mark.parametrize("backend", BACKENDS)
def test_hand_example_value_of_the_pool(write_case, backend):
    out = _hand(write_case, POOL60, backend)
    assert out["status"] == "optimal"
    (pool,) = out["pools"]
    assert pool["id"] == "minerals" and pool["good_id"] == "g"
    assert pool["our_contribution"] == pytest.approx(0.0, abs=1e-9)
    draws = {d["scenario"]: d["draw"] for d in pool["draws"]}
    # only we are hit: our 30 t account + the ally's 30 t lent = 60 t, all we lose
    assert draws["us"] == pytest.approx(60.0)
    # both are hit: nothing is lent, we draw our account 0.5 × 60 = 30 t
    assert draws["both"] == pytest.approx(30.0)
    # a scenario that leaves home out costs us nothing and draws nothing
    assert "them" not in draws
    # expected draw = 0.1 × 60 + 0.1 × 30 = 9 t
    assert pool["expected_draw"] == pytest.approx(9.0)
    # shortfall: 0 t (us), 60 − 30 = 30 t (both) → objective −0.1 × 0.1 × 30 = −0.3
    assert out["objective"] == pytest.approx(-0.3)
    # nothing of ours was decided: the allies' holdings are in the no-action reference too
    assert out["baseline_objective"] == pytest.approx(-0.3)
    # without the pool both scenarios lose 60 t: −0.1 × 0.1 × 60 × 2 = −1.2, so the pool is worth 0.9
    without = _hand(write_case, "", backend)
    assert without["objective"] == pytest.approx(-1.2)
    assert out["objective"] - without["objective"] == pytest.approx(0.9)
    # one more 億円 in the pool = 100 t: in "both" we draw 0.5 t per tonne while still short:
    # 0.1 (π) × 0.1 (w) × 0.5 = 0.005 per t = 0.5 per 億円 ("us" is already covered)
    assert pool["value_per_oku"] == pytest.approx(0.5)
    assert pool["own_stock_value_per_oku"] is None  # the good is not stockpilable
    line = next(ln for ln in out["explanations"]["lines"] if ln["type"] == "pool_value")
    assert line["pool"] == "minerals" and "「財」の共同備蓄" in line["text_ja"] and "1億円" in line["text_ja"]
    assert "One more 億円 in the joint pool of Good cuts the expected loss by 0.5" in line["text_en"]


# -------------------------------------------------- a small budget split between stock and pool
# Stockpilable good, holding cost 0 → 0.01 億円/t for own stock and for the pool alike.
# Storage capacity 0.2 億円 → own stock q ≤ 20 t (a contribution is not in our storage).
# Budget 0.5 億円 → q + c ≤ 50 t. Pool: allies hold 20 t, shares 0.5 / 0.5, cap 100 t.
# Scenarios (each loses 60 t, π = 0.5): A hits only us (we may draw α = 0.5·(1 + 0.5/0.5) = 1
# per tonne in the pool), B hits both (α = 0.5).
#   f_A = max(0, 60 − q − min(60, c + 20)),  f_B = max(0, 60 − q − min(60, 0.5 (c + 20)))
# A tonne of own stock cuts both shortfalls (0.05 + 0.05 = 0.1 per t); a tonne in the pool
# 0.05 × 1 + 0.05 × 0.5 = 0.075 per t — so own stock first, to the storage cap: q = 20 t;
# the rest of the budget goes to the pool: c = 30 t (f_A reaches 0 at c = 20, after which a
# tonne is still worth 0.05 × 0.5 = 0.025 > 0 in B).
# Then f_A = 0, f_B = 60 − 20 − 25 = 15 t; objective −0.5 × 0.1 × 15 = −0.75.
# No action: f_A = 60 − 20 = 40, f_B = 60 − 10 = 50 → −0.05 × 90 = −4.5; benefit 3.75.
# One more 億円 (100 t) in the pool: 0.025 per t → 2.5 per 億円 (the budget's price too);
# in own stock: A is covered already, so 0.05 per t (B) → 5 per 億円 — but storage is full.
SPLIT = {
    "goods.csv": GOODS.format(stock="true"),
    "countries.csv": COUNTRIES,
    "scenarios.csv": (
        "id,name_ja,name_en,probability,good_id,loss,months,affects\n"
        "A,日本のみ,Only us,0.5,g,1,6,\n"
        "B,両国,Both,0.5,g,1,6,JPN;AUS\n"
    ),
    "policy.yaml": """budget: {total: 0.5}
stockpile: {target_days: 0, holding_cost_rate: 0, storage_capacity: 0.2}
pools:
  - id: minerals
    good_id: g
    max_contribution: 100
    members:
      - {country: JPN, draw_share: 0.5}
      - {country: AUS, draw_share: 0.5, holding: 20, need: 10}
""",
}


@pytest.mark.parametrize("backend", BACKENDS)
def test_small_budget_is_split_between_own_stock_and_the_pool(write_case, backend):
    out = allocate(load_case(write_case(SPLIT)), backend=backend).to_json()
    assert out["status"] == "optimal"
    (stock,) = out["stockpiles"]
    (pool,) = out["pools"]
    assert stock["quantity"] == pytest.approx(20.0, abs=1e-6)
    assert pool["our_contribution"] == pytest.approx(30.0, abs=1e-6)
    assert out["objective"] == pytest.approx(-0.75, abs=1e-9)
    assert out["baseline_objective"] == pytest.approx(-4.5)
    assert out["benefit"] == pytest.approx(3.75, abs=1e-9)
    # the contribution is spent money: 20 t + 30 t at 0.01 億円/t = 0.5 億円
    assert out["budget"]["spent_total"] == pytest.approx(0.5, abs=1e-9)
    assert out["budget"]["spent_pools"] == pytest.approx(0.3, abs=1e-9)
    draws = {d["scenario"]: d["draw"] for d in pool["draws"]}
    assert draws == pytest.approx({"A": 40.0, "B": 25.0}, abs=1e-6)  # A: only the 40 t still short
    assert pool["expected_draw"] == pytest.approx(0.5 * 40 + 0.5 * 25, abs=1e-6)
    assert pool["value_per_oku"] == pytest.approx(2.5, abs=1e-9)
    assert pool["own_stock_value_per_oku"] == pytest.approx(5.0, abs=1e-9)
    budget = next(c for c in out["constraints"] if c["name"] == "budget")
    assert budget["relax_gain"] == pytest.approx(2.5, abs=1e-6)
    if backend == "structured":
        assert out["solver"]["backend"] == "arrays"
        assert "does not take joint pools" in out["solver"]["path"]


def test_stress_plays_the_allocated_contribution(write_case):
    """The stress test draws on our contribution from the allocation (SPLIT: q = 20 t, c = 30 t,
    the pool holds 20 + 30 = 50 t, accounts 25 t each). A (only us): 60 t lost, 20 t from own
    stock, 40 t from the pool (our 25 t + 15 t of the ally's lent): never short. B (both hit):
    20 t own stock + our 25 t account: 60 − 45 = 15 t short — the LP's f_B."""
    from prioritizer.runs import execute

    out = execute(
        "stress", load_case(write_case(SPLIT)), {"all": True, "months": 8, "portfolio": {"source": "optimal"}}
    )
    summary = {r["scenario"]: r for r in out.result["summary"]}
    assert out.result["portfolio_detail"]["pools"] == pytest.approx({"minerals": 30.0})
    assert summary["A"]["total_shortfall"] == pytest.approx(0.0, abs=1e-6)
    assert summary["B"]["total_shortfall"] == pytest.approx(15.0, abs=1e-6)
    drawn = {s: sum(r["pool_draw"] for r in out.result["months"] if r["scenario"] == s) for s in "AB"}
    assert drawn == pytest.approx({"A": 40.0, "B": 25.0}, abs=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_contribution_counts_in_the_stock_instruments_limit(write_case, backend):
    """SPLIT plus a cap of 0.35 億円 on instrument ``stockpile``: own stock and contribution
    together ≤ 35 t. Own stock first (0.1 vs 0.075 per t, above): q = 20 t (storage), c = 15 t.
    f_A = 60 − 20 − min(60, 15 + 20) = 5 t; f_B = 60 − 20 − 0.5 × 35 = 22.5 t;
    objective −0.05 × (5 + 22.5) = −1.375. The budget (0.5) no longer binds."""
    policy = SPLIT["policy.yaml"] + "limits:\n  - {group: instrument, value: stockpile, max: 0.35}\n"
    out = allocate(load_case(write_case({**SPLIT, "policy.yaml": policy})), backend=backend).to_json()
    assert out["stockpiles"][0]["quantity"] == pytest.approx(20.0, abs=1e-6)
    assert out["pools"][0]["our_contribution"] == pytest.approx(15.0, abs=1e-6)
    assert out["objective"] == pytest.approx(-1.375, abs=1e-9)
    assert out["budget"]["spent_total"] == pytest.approx(0.35, abs=1e-9)
    lim = next(c for c in out["constraints"] if c["name"] == "limit_max_instrument_stockpile")
    assert lim["binding"]


def test_auto_does_not_pick_the_structured_solve_for_a_case_with_pools(write_case, monkeypatch):
    from prioritizer.allocation import api

    files = {**SPLIT, "projects.csv": "id,name_ja,name_en,cost,value,good_id\np1,事業,Project,0.3,2.0,g\n"}
    data, _ = api.prepare(load_case(write_case(files)))
    monkeypatch.setattr(api, "ARRAY_THRESHOLD", 0)  # as if it were a national case
    assert api.choose_backend(data, "auto") == "arrays"
    data.pools = []
    assert api.choose_backend(data, "auto") == "structured"  # the same case without its pool


def test_a_pooled_good_needs_a_unit_price(write_case):
    from prioritizer.errors import InputError

    goods = GOODS.format(stock="false").replace(",0.01,", ",,")
    with pytest.raises(InputError) as e:
        allocate(
            load_case(
                write_case({**HAND, "goods.csv": goods, "policy.yaml": HAND_POLICY.format(pools=POOL60)})
            )
        )
    assert any(
        i.file == "goods.csv" and i.column == "unit_price" and "pooled" in i.message for i in e.value.issues
    )


def test_the_headline_spend_names_the_contribution(write_case):
    from prioritizer.presentation.allocation import headline
    from prioritizer.text import render

    out = allocate(load_case(write_case(SPLIT))).to_json()
    spend = next(m for m in headline(out) if m["kind"].startswith("alloc.head.spend"))
    assert spend["kind"] == "alloc.head.spend_pools" and spend["pools"] == pytest.approx(0.3)
    assert "joint-pool contributions" in render(spend, "en")
