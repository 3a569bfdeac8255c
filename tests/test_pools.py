"""Joint stock pools (issue 29 item 1): policy.yaml parsing, its errors, and the drawing rule.

Issue 29's hand example: one good with demand 10 t/month, no own stock. The pool holds 60 t
(all the ally's), the ally also needs 10 t/month, draw shares 0.5 and 0.5, a six-month total
stop (60 t lost).
- Only we are hit: we draw our 30 t (months 1–3), then the ally's 30 t is lent (months 4–6):
  60 t drawn, no shortfall.
- Both are hit: nothing is lent; we draw our 30 t in months 1–3: 30 t short, from month 4.
"""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from prioritizer.case import load_case
from prioritizer.cli import app
from prioritizer.errors import InputError
from prioritizer.runs import execute
from prioritizer.stress.pools import draw_month

POOL = """pools:
  - id: minerals
    good_id: g
    max_contribution: 0
    members:
      - {country: JPN, draw_share: 0.5}
      - {country: AUS, draw_share: 0.5, holding: 60, need: 10}
"""
HAND = {
    "goods.csv": "id,name_ja,name_en,unit,annual_demand,unit_price,stockpilable\ng,財,Good,t,120,0.01,true\n",
    "countries.csv": (
        "iso3,name_ja,name_en,governance,concern,partner\nJPN,日本,Japan,1.3,false,false\n"
        "AUS,豪州,Australia,1.5,false,true\n"
    ),
    "scenarios.csv": (
        "id,name_ja,name_en,probability,good_id,loss,months,affects\n"
        "us,日本のみ,Only us,0.1,g,1,6,JPN\n"
        "both,両国,Both,0.1,g,1,6,JPN;AUS\n"
        "them,豪州のみ,Only them,0.1,g,1,6,AUS\n"
    ),
    "policy.yaml": POOL,
}


def _stress(case):
    out = execute("stress", load_case(case), {"all": True, "months": 8})
    rows = {(r["scenario"], r["month"]): r for r in out.result["months"]}
    summary = {r["scenario"]: r for r in out.result["summary"]}
    return rows, summary


def test_hand_example_only_us_hit_draws_60_t_and_is_never_short(write_case):
    rows, summary = _stress(write_case(HAND))
    draws = [rows[("us", t)]["pool_draw"] for t in range(1, 9)]
    assert draws == pytest.approx([10, 10, 10, 10, 10, 10, 0, 0], abs=1e-12)
    assert sum(draws) == pytest.approx(60.0)
    assert summary["us"]["total_shortfall"] == pytest.approx(0.0, abs=1e-12)
    assert summary["us"]["first_short_month"] is None


def test_hand_example_both_hit_draws_30_t_and_is_30_t_short_from_month_4(write_case):
    rows, summary = _stress(write_case(HAND))
    draws = [rows[("both", t)]["pool_draw"] for t in range(1, 9)]
    assert draws == pytest.approx([10, 10, 10, 0, 0, 0, 0, 0], abs=1e-12)
    assert summary["both"]["total_shortfall"] == pytest.approx(30.0)
    assert summary["both"]["first_short_month"] == 4
    assert [rows[("both", t)]["shortfall"] for t in (3, 4, 5, 6)] == pytest.approx([0, 10, 10, 10])


def test_a_scenario_that_leaves_home_out_does_not_hit_home(write_case):
    rows, summary = _stress(write_case(HAND))
    assert "them" not in summary  # nothing lost at home: no rows at all
    assert not any(k[0] == "them" for k in rows)


def test_without_the_pool_both_scenarios_are_60_t_short(write_case):
    rows, summary = _stress(write_case({**HAND, "policy.yaml": None}))
    assert summary["us"]["total_shortfall"] == pytest.approx(60.0)
    assert "pool_draw" not in rows[("us", 1)]  # no pools: the rows are as before


def test_draw_month_lends_pro_rata_to_the_borrowers_shares():
    """Members A, B, C with shares 0.2 / 0.3 / 0.5 of a 10 t pool: accounts 2 / 3 / 5. A and B
    are hit, C is not and lends its 5 t.

    A short 10, B short 10: each draws its own account (2, 3), then C's 5 is lent pro rata to
    0.2 : 0.3 → A 2, B 3. Draws 4 and 6; C's account is empty.
    A short 2.5, B short 10: own 2 and 3; C's 5 offered 2 / 3, A takes only the 0.5 it still
    needs, the remaining 1.5 goes to B (water-filling): draws 2.5 and 7.5."""
    shares, hit = np.array([0.2, 0.3, 0.5]), np.array([True, True, False])
    acc = np.array([2.0, 3.0, 5.0])
    assert draw_month(acc, shares, np.array([10.0, 10.0, 0.0]), hit) == pytest.approx([4.0, 6.0, 0.0])
    assert acc == pytest.approx([0.0, 0.0, 0.0])
    acc = np.array([2.0, 3.0, 5.0])
    assert draw_month(acc, shares, np.array([2.5, 10.0, 0.0]), hit) == pytest.approx([2.5, 7.5, 0.0])
    assert acc == pytest.approx([0.0, 0.0, 0.0])
    # B covered by its own account: C lends A only what A still needs, and keeps the rest
    acc = np.array([2.0, 3.0, 5.0])
    assert draw_month(acc, shares, np.array([6.0, 1.0, 0.0]), hit) == pytest.approx([6.0, 1.0, 0.0])
    assert acc == pytest.approx([0.0, 2.0, 1.0])
    # no one draws more than it is short, and a member that is not hit draws nothing
    acc = np.array([2.0, 3.0, 5.0])
    got = draw_month(acc, shares, np.array([0.5, 0.0, 9.0]), np.array([True, False, False]))
    assert got == pytest.approx([0.5, 0.0, 0.0])


BAD = """pools:
  - id: p1
    good_id: gg
    max_contribution: -1
    members:
      - {country: JPN, draw_share: 0.7, holding: 5}
      - {country: AUS, draw_share: 0.5, holding: -60, need: 10}
      - {country: FRA, draw_share: 0.1, holding: 1, need: 1}
"""


def test_pool_errors_name_policy_yaml_and_the_key_all_at_once(write_case):
    with pytest.raises(InputError) as exc:
        load_case(write_case({**HAND, "policy.yaml": BAD}))
    got = {(i.file, i.column) for i in exc.value.issues}
    assert ("policy.yaml", "pools.0.good_id") in got  # unknown good
    assert ("policy.yaml", "pools.0.max_contribution") in got  # negative cap
    assert ("policy.yaml", "pools.0.members.1.holding") in got  # negative holding
    assert ("policy.yaml", "pools.0.members.2.country") in got  # unknown country
    assert ("policy.yaml", "pools.0.members.0.holding") in got  # home gives no holding
    assert ("policy.yaml", "pools.0.members") in got  # shares 0.7 + 0.5 + 0.1 = 1.3 > 1
    msgs = " ".join(i.message for i in exc.value.issues)
    assert "above 1" in msgs and "unknown good 'gg'" in msgs and "FRA" in msgs
    r = CliRunner().invoke(app, ["validate", str(write_case({**HAND, "policy.yaml": BAD}, name="b"))])
    assert r.exit_code != 0 and "pools.0.members.1.holding" in r.output


def test_a_pool_without_home_is_an_error(write_case):
    countries = HAND["countries.csv"] + "NZL,ニュージーランド,New Zealand,1.8,false,true\n"
    pol = POOL.replace("country: JPN", "country: NZL")
    with pytest.raises(InputError) as exc:
        load_case(write_case({**HAND, "countries.csv": countries, "policy.yaml": pol}))
    (iss,) = exc.value.issues
    assert iss.column == "pools.0.members" and "home (JPN) is not a member" in iss.message


def _ttx(case, events):
    from prioritizer.stress.exercise import Exercise

    ex = Exercise.start(load_case(case), "both", horizon=8)
    for month, kw in events:
        while ex.month < month - 1:
            ex.step()
        ex.inject("pool_holding", **kw)
    while ex.month < 8:
        ex.step()
    return ex, ex.result()


def test_a_tabletop_step_raising_the_allys_holding_ends_the_shortfall(write_case):
    """Both hit. Months 1–2: we draw 10 t a month from our 30 t account. From month 3 the ally
    adds 60 t: every account grows by its share, ours by 30 t to 40 t — enough for months 3–6.
    Without that response the exercise's no-response run is 30 t short from month 4."""
    ex, res = _ttx(write_case(HAND), [(3, {"pool": "minerals", "country": "AUS", "units": 60})])
    draws = [r["pool_draw"] for r in res["timeline"]]
    assert draws == pytest.approx([10, 10, 10, 10, 10, 10, 0, 0])
    assert sum(r["shortfall"] for r in res["timeline"]) == pytest.approx(0.0, abs=1e-12)
    none = ex._play(responses=False)
    assert float(none.timeline.shortfall.sum()) == pytest.approx(30.0)
    assert res["events"][0]["text_en"] == "Month 3: AUS's holding in pool minerals changes by 60"


def test_a_tabletop_step_lowering_the_allys_holding_is_a_threat(write_case):
    """The ally takes its 60 t back from month 1: the pool is empty, we are 60 t short in both
    the exercise and its no-response run (a withdrawal is a threat, not a response)."""
    ex, res = _ttx(write_case(HAND), [(1, {"pool": "minerals", "country": "AUS", "units": -60})])
    assert sum(r["shortfall"] for r in res["timeline"]) == pytest.approx(60.0)
    assert float(ex._play(responses=False).timeline.shortfall.sum()) == pytest.approx(60.0)


def test_a_tabletop_pool_event_names_unknown_pools_and_countries(write_case):
    from prioritizer.stress.exercise import Exercise

    ex = Exercise.start(load_case(write_case(HAND)), "both", horizon=8)
    with pytest.raises(InputError) as exc:
        ex.inject("pool_holding", pool="nope", country="AUS", units=1)
    assert exc.value.issues[0].column == "pool" and "minerals" in exc.value.issues[0].message
    with pytest.raises(InputError) as exc:
        ex.inject("pool_holding", pool="minerals", country="JPN", units="x")
    assert {i.column for i in exc.value.issues} == {"country", "units"}


def test_the_stress_table_shows_the_pool_draw_only_with_pools(write_case):
    from prioritizer.stress.service import table_of

    out = execute("stress", load_case(write_case(HAND)), {"scenarios": ["both"], "months": 6})
    assert "共同備蓄からの引き出し" in table_of(out.result, "ja").columns
    assert table_of(out.result, "en", raw=True)["Drawn from joint pool"].tolist() == [10, 10, 10, 0, 0, 0]
    plain = execute(
        "stress", load_case(write_case({**HAND, "policy.yaml": None}, name="p")), {"scenarios": ["both"]}
    )
    assert "共同備蓄からの引き出し" not in table_of(plain.result, "ja").columns


def test_the_allys_months_are_reported_beside_ours(write_case):
    """Both hit: the ally, like us, draws its 30 t in months 1–3 and is 30 t short from month 4.
    Only the ally hit: it draws its 30 t, then our 30 t is lent to it (months 4–6): never short."""
    out = execute("stress", load_case(write_case(HAND)), {"all": True, "months": 8})
    rows = {(r["scenario"], r["month"]): r for r in out.result["pool_members"]}
    assert {r["country"] for r in out.result["pool_members"]} == {"AUS"}
    assert [rows[("both", t)]["pool_draw"] for t in range(1, 7)] == pytest.approx([10, 10, 10, 0, 0, 0])
    assert sum(rows[("both", t)]["shortfall"] for t in range(1, 9)) == pytest.approx(30.0)
    assert [rows[("them", t)]["pool_draw"] for t in range(1, 7)] == pytest.approx([10] * 6)
    assert sum(rows[("them", t)]["shortfall"] for t in range(1, 9)) == pytest.approx(0.0, abs=1e-12)
    assert rows[("them", 6)]["account_left"] == pytest.approx(0.0, abs=1e-12)


ALLY = {  # Australia's own case: it holds 182.5 days of its 10 t/month need — 60 t (a hard target)
    "goods.csv": "id,name_ja,name_en,unit,annual_demand,unit_price,stockpilable\ng,財,Good,t,120,0.01,true\n",
    "policy.yaml": (
        "home: AUS\nbudget:\n  total: 100\nstockpile:\n  target_days: 0\n"
        "  target_days_by_good: {g: 182.5}\n  target_mode: hard\n"
    ),
}


@pytest.fixture
def ally_bundle(write_case, tmp_path):
    """The ally's installation: its own store and keys; it exports its allocate run."""
    from prioritizer.audit import open_store
    from prioritizer.auth.identity import sign_in_off
    from prioritizer.bundle import export_bundle, init_keys, load_keys

    store = open_store(f"sqlite:///{tmp_path / 'aus.sqlite'}")
    run_id = store.record(execute("allocate", load_case(write_case(ALLY, name="aus")), {}, actor="aus"))
    assert store.get(run_id).result["stockpiles"][0]["quantity"] == pytest.approx(60.0)
    keys = load_keys(init_keys(tmp_path / "aus_keys"))
    out = tmp_path / "aus.bundle"
    export_bundle(store, run_id, sign_in_off("aus"), out, keys=keys)  # a one-person installation
    return out, keys.public


def test_stress_with_an_allys_bundle_plays_its_stock_beside_the_pool(write_case, ally_bundle, tmp_path):
    """Both hit. With its bundle the ally covers its 10 t a month from its own 60 t and draws
    nothing; we still draw only our 30 t (the ally is hit, so its share is not lent): 30 t short."""
    from prioritizer.bundle.ally import ally_stock

    path, pub = ally_bundle
    ally = ally_stock(path, pub)
    assert ally["country"] == "AUS" and ally["stock"] == {"g": pytest.approx(60.0)}
    assert ally["bundle"]["authenticated"] is True
    out = execute(
        "stress", load_case(write_case(HAND)), {"scenarios": ["both"], "months": 8, "allies": [ally]}
    )
    rows = [r for r in out.result["pool_members"] if r["country"] == "AUS"]
    assert [r["own_stock_used"] for r in rows[:6]] == pytest.approx([10] * 6)
    assert sum(r["pool_draw"] for r in rows) == 0.0 and sum(r["shortfall"] for r in rows) == 0.0
    assert sum(r["shortfall"] for r in out.result["months"]) == pytest.approx(30.0)
    # the CLI reads the bundle and records what it used (the run replays without the file)
    r = CliRunner().invoke(
        app,
        [
            "stress",
            str(write_case(HAND, name="c2")),
            "--scenario",
            "both",
            "--run",
            "nothing",
            "--months",
            "8",
            "--with",
            str(path),
            "--format",
            "json",
            "--db",
            f"sqlite:///{tmp_path / 'ours.sqlite'}",
        ],
    )
    assert r.exit_code == 0, r.output
    from prioritizer.audit import open_store

    ours = open_store(f"sqlite:///{tmp_path / 'ours.sqlite'}")
    stored = ours.get(ours.resolve("latest"))
    assert stored.params["allies"][0]["country"] == "AUS"
    assert stored.params["allies"][0]["bundle"]["authenticated"] is False


def test_an_allys_bundle_is_checked_and_must_speak_for_a_pool_member(write_case, ally_bundle, tmp_path):
    from prioritizer.bundle import init_keys, load_keys
    from prioritizer.bundle.ally import ally_stock
    from prioritizer.bundle.check import BundleInvalid

    path, _ = ally_bundle
    stranger = load_keys(init_keys(tmp_path / "other")).public
    with pytest.raises(BundleInvalid):
        ally_stock(path, stranger)  # not signed by the key we were given
    nz = {**ally_stock(path), "country": "NZL"}
    with pytest.raises(InputError) as exc:
        execute("stress", load_case(write_case(HAND)), {"scenarios": ["both"], "allies": [nz]})
    assert exc.value.issues[0].file == "--with" and exc.value.issues[0].value == "NZL"
