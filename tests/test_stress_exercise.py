"""Tabletop exercises: events by hand, replay from the record, audit trail, bad steps."""

from __future__ import annotations

import json

import pytest

from prioritizer.audit import open_store
from prioritizer.case import load_case
from prioritizer.errors import InputError
from prioritizer.stress.exercise import Exercise, record_step

GOODS = "id,name_ja,name_en,unit,annual_demand,unit_price,stockpilable\nx,素材X,Material X,t,120,2,true\n"
FLOWS = "good_id,partner,period,value\nx,CHN,2024-01,5\nx,RUS,2024-01,3\nx,USA,2024-01,2\n"
SCEN = "id,name_ja,probability,partner,loss,months\ncn,中国途絶,0.1,CHN,0.4,12\n"


@pytest.fixture
def case(write_case):
    return load_case(write_case({"goods.csv": GOODS, "flows.csv": FLOWS, "scenarios.csv": SCEN}))


def _short(ex):
    return [round(r["shortfall"], 9) for r in ex.result()["timeline"]]


def test_events_change_the_timeline_as_computed_by_hand(case):
    # x: 10 t / month, CHN half of it. Loss 0.4 → 2 t / month lost; 4 t of stock.
    ex = Exercise.start(case, "cn", horizon=6, portfolio={"source": "run", "run_id": "R", "stock": {"x": 4}})
    ex.step()  # m1: 2 released, stock 2
    ex.inject("escalation", loss=0.8)  # from m2: 4 t lost
    ex.step()  # m2: 2 released (stock 0), 2 short
    ex.inject("join", partner="RUS", loss=1.0)  # from m3: + 3 t (RUS 30 %)
    ex.step()  # m3: 7 short
    ex.decide(
        "経産省 課長", "不足の穴埋め", "緊急調達", {"type": "top_up", "good_id": "x", "units": 10, "surge": 3}
    )
    ex.step()  # m4: 10 t delivered, 7 used, 3 to stock → 0 short
    ex.decide(
        "外務省",
        "相互融通",
        "同志国の申し出を受ける",
        {"type": "ally_offer", "good_id": "x", "units": 4, "partner": "USA"},
    )
    ex.step()  # m5: 4 delivered + 3 in stock = 7 → 0 short, stock 0
    ex.step()  # m6: 7 short
    assert _short(ex) == [0, 2, 7, 0, 0, 7]
    out = ex.result()["outcome"]
    # no response keeps the threats only: 0, 2, 7, 7, 7, 7 t × 2 億円
    assert out["value_none"] == pytest.approx(2 * 30)
    assert out["value_response"] == pytest.approx(2 * 16)
    assert out["cost"] == pytest.approx(10 * 2 * 3)
    assert [e["type"] for e in ex.result()["events"]] == ["escalation", "join", "top_up", "ally_offer"]


def test_replayed_exercise_gives_the_same_timeline(case):
    ex = Exercise.start(case, "cn", horizon=12)
    for m in range(12):
        if m == 3:
            ex.inject("escalation", loss=0.9)
        if m == 5:
            ex.decide("A", "why", "release", {"type": "release", "good_id": "x", "units": 1})
        ex.step()
    ex.finish()
    record = json.loads(json.dumps(ex.to_record()))
    again = Exercise.from_record(case, record)
    assert again.result() == ex.result()
    assert again.to_record() == ex.to_record()


def test_step_after_the_horizon_is_an_error_naming_it(case):
    ex = Exercise.start(case, "cn", horizon=2)
    ex.step()
    ex.step()
    with pytest.raises(InputError) as e:
        ex.step()
    assert e.value.issues[0].value == 3 and "horizon of 2" in e.value.issues[0].message
    with pytest.raises(InputError):
        ex.inject("escalation", loss=0.9)


def test_bad_events_are_errors(case):
    ex = Exercise.start(case, "cn", horizon=3)
    with pytest.raises(InputError) as e:
        ex.inject("join", partner="FRA", loss=2)
    assert {i.column for i in e.value.issues} == {"loss", "partner"}
    with pytest.raises(InputError):
        ex.inject("top_up", good_id="gold", units=1, surge=2)
    with pytest.raises(InputError):
        ex.decide("", "why")
    assert ex.log == []  # nothing half-applied


def test_every_step_is_recorded_and_an_interrupted_exercise_keeps_them(case, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    ex = Exercise.start(case, "cn", horizon=12, facilitator="F")
    ids = []
    for _ in range(3):
        ex.step()
        ids.append(record_step(case, ex, actor="F", db=db))
    # the session stops here (interrupted): what was recorded stays
    store = open_store(db)
    runs = store.runs(command="ttx")
    assert len(runs) == 3
    last = store.get(ids[-1])
    assert last.result["month"] == 3 and last.result["status"] == "in_progress"
    resumed = Exercise.from_record(case, last.params["exercise"])
    assert resumed.month == 3
    assert store.replay(ids[-1]).identical


def test_record_reads_as_report_lines_in_both_languages(case):
    from prioritizer.stress import ttx_report_messages
    from prioritizer.text import render

    ex = Exercise.start(case, "cn", horizon=3)
    ex.inject("escalation", loss=0.8)
    ex.decide("課長", "穴埋め", "緊急調達", {"type": "top_up", "good_id": "x", "units": 2, "surge": 2})
    ex.step()
    ex.step()
    lines = ttx_report_messages(ex.result())
    kinds = [m["kind"] for m in lines]
    assert kinds == [
        "stress_ttx_record",
        "stress_ttx_event_escalation",
        "stress_ttx_event_top_up",
        "stress_ttx_decision",
        "stress_ttx_outcome",
    ]
    ja = [render(m, "ja") for m in lines]
    en = [render(m, "en") for m in lines]
    assert "1か月目: 課長 の決定 — 緊急調達（理由: 穴埋め）" in ja
    assert ja[0].startswith("机上演習") and "進行中" in ja[0] and "In progress" in en[0]
    assert "8億円" in ja[2]  # 2 t × 2 億円 × surge 2
