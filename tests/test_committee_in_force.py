"""The committee's decision has effect (issue 30 item 2, DESIGN §7): adopted weights in force,
inconsistent judgements warned and adopted only with a reason, rounds that hide submissions,
and a quorum that decides "approved"."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from prioritizer.audit import open_store
from prioritizer.audit.events import list_events
from prioritizer.auth import accounts, committee
from prioritizer.auth.adoption import current
from prioritizer.auth.decisions import approval_status
from prioritizer.auth.errors import Forbidden
from prioritizer.auth.identity import Identity
from prioritizer.auth.services import approve_run
from prioritizer.case import load_case
from prioritizer.cli import app
from prioritizer.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "inputs" / "default"
IDS = ["autonomy", "indispensability", "cost", "foreign_dependence"]
# consistent: a_ij = v_i / v_j for v = (4, 2, 1, 3) → weights (0.4, 0.2, 0.1, 0.3), CR 0
V = np.array([4.0, 2.0, 1.0, 3.0])
CONSISTENT = (V[:, None] / V[None, :]).tolist()
# inconsistent: autonomy 9× indispensability, indispensability 9× cost, cost 9× autonomy (a cycle)
CYCLE = np.ones((4, 4))
for i, j, v in ((0, 1, 9.0), (1, 2, 9.0), (2, 0, 9.0)):
    CYCLE[i, j], CYCLE[j, i] = v, 1 / v

M1 = Identity("suzuki", "鈴木 一郎", "committee", "local", "public")
M2 = Identity("tanaka", "田中 次郎", "committee", "local", "public")
CHAIR = Identity("sato", "佐藤 花子", "planner", "local", "public")


@pytest.fixture()
def db(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.setenv("PRIORITIZER_DB", url)
    return url


def _cli(*args: str) -> dict:
    res = CliRunner().invoke(app, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_inconsistent_judgements_are_warned_and_need_a_reason_to_adopt(db) -> None:
    store, case = open_store(db), load_case(CASE)
    assert committee.check_judgements(IDS, CONSISTENT)["cr"] == pytest.approx(0, abs=1e-9)
    warn = committee.check_judgements(IDS, CYCLE.tolist())
    assert warn["consistent"] is False and warn["cr"] > 0.1
    committee.submit(M1, "default", IDS, CONSISTENT, store)
    seq = committee.submit(M2, "default", IDS, CYCLE.tolist(), store)
    assert list_events(store, "judgement_submitted")[-1]["detail"]["consistent"] is False
    assert seq
    with pytest.raises(InputError) as exc:
        committee.adopt(CHAIR, "default", case, store, reason="")
    assert "inconsistent" in exc.value.issues[0].message
    assert store.latest("weights_group") is None  # nothing recorded by the refused adoption
    rid = committee.adopt(CHAIR, "default", case, store, reason="第3回委員会: 田中委員の判断は再確認済み")
    cur = current(store, case)
    assert cur["source_run"] == rid and cur["adopted_by"] == "sato" and cur["adopted_by_name"] == "佐藤 花子"
    assert cur["inconsistent"] == ["group", "tanaka"]  # the AIJ mean of a cycle stays inconsistent
    assert math.isclose(sum(cur["weights"].values()), 1.0)
    assert store.verify().ok


def test_rank_and_allocate_use_the_weights_in_force_unless_weights_are_given(db) -> None:
    store, case = open_store(db), load_case(CASE)
    committee.submit(M1, "default", IDS, CONSISTENT, store)
    committee.submit(M2, "default", IDS, CONSISTENT, store)
    rid = committee.adopt(CHAIR, "default", case, store, reason="第3回委員会")
    got = _cli("weights", "current", str(CASE))
    assert got["source_run"] == rid and got["adopted_by"] == "sato" and got["adopted_at"]
    # both members judged v = (4, 2, 1, 3): the group weights are (0.4, 0.2, 0.1, 0.3)
    assert got["weights"] == pytest.approx(dict(zip(IDS, [0.4, 0.2, 0.1, 0.3], strict=True)))
    r = _cli("rank", str(CASE))
    assert r["weights_source"] == {"run": rid, "adopted_by": "sato", "adopted_at": got["adopted_at"]}
    assert r["weights"] == pytest.approx(got["weights"])
    mine = _cli("rank", str(CASE), "--weights", "autonomy=0.25,cost=0.25")
    assert mine["weights_source"] is None and mine["weights"] != pytest.approx(got["weights"])
    # --no-audit computes without the store: the model's weights, and the JSON says so
    quiet = _cli("rank", str(CASE), "--no-audit")
    assert quiet["weights_source"] is None and quiet["weights"] != pytest.approx(got["weights"])
    a = _cli("allocate", str(CASE), "--relax", "--no-explain")
    assert a["weights_source"]["run"] == rid
    assert store.get(a["run_id"]).params["weights"] == pytest.approx(got["weights"])  # recorded, replayable
    assert store.replay(r["run_id"]).identical


def test_only_the_convener_adopts_and_only_weights_runs(db) -> None:
    store = open_store(db)
    committee.submit(M1, "default", IDS, CONSISTENT, store)
    committee.submit(M2, "default", IDS, CONSISTENT, store)
    # recorded as a version of another model: not in force for the case until adopted for it
    rid = committee.adopt(CHAIR, "default", load_case(CASE), store, model="committee-2027")
    assert current(store, CASE)["source_run"] is None
    from prioritizer.auth.adoption import adopt_weights

    with pytest.raises(Forbidden):
        adopt_weights(M1, rid, CASE, store)
    assert list_events(store, "refused")[-1]["actor"] == "suzuki"
    rank_run = CliRunner().invoke(app, ["rank", str(CASE)])
    assert rank_run.exit_code == 0, rank_run.output
    with pytest.raises(InputError) as exc:
        adopt_weights(CHAIR, "latest", CASE, store)  # the newest run is the rank run
    assert "adopt a weights or weights_group run" in exc.value.issues[0].message
    cur = adopt_weights(CHAIR, rid, CASE, store)
    assert cur["source_run"] == rid


def test_a_round_hides_submissions_until_it_closes(db) -> None:
    store, case = open_store(db), load_case(CASE)
    with pytest.raises(Forbidden):
        committee.open_round(M1, "default", store)
    committee.open_round(CHAIR, "default", store)
    committee.submit(M1, "default", IDS, CONSISTENT, store)
    committee.submit(M2, "default", IDS, CONSISTENT, store)
    seen, n = committee.visible_submissions(M1, store, "default")
    assert n == 2 and [s["actor"] for s in seen] == ["suzuki"]  # only their own while open
    with pytest.raises(InputError) as exc:
        committee.adopt(CHAIR, "default", case, store, reason="早すぎる採用")
    assert "close the round" in exc.value.issues[0].message
    committee.close_round(CHAIR, "default", store)
    seen, n = committee.visible_submissions(M1, store, "default")
    assert n == 2 and {s["actor"] for s in seen} == {"suzuki", "tanaka"}
    assert committee.round_state(store, "default")["open"] is False


def test_quorum_decides_approved_one_approval_is_not_approval(db) -> None:
    store = open_store(db)
    for u, name in (("suzuki", "鈴木 一郎"), ("tanaka", "田中 次郎"), ("yamada", "山田 三郎")):
        accounts.add_user(store, u, "committee", None, display_name=name)
    res = CliRunner().invoke(app, ["rank", str(CASE)])
    assert res.exit_code == 0, res.output
    rid = store.latest("rank").run_id
    approve_run(M1, rid, "approve", "", store)
    st = approval_status(store, rid)
    # three active committee accounts: a majority is 2
    assert (st["quorum"], st["quorum_source"], st["status"]) == (2, "majority", "pending")
    approve_run(M2, rid, "approve", "同意", store)
    st = approval_status(store, rid)
    assert st["status"] == "approved" and [a["display_name"] for a in st["approvals"]] == [
        "鈴木 一郎",
        "田中 次郎",
    ]
    # policy.yaml committee: {quorum: 3} raises the bar; a later rejection withdraws an approval
    assert approval_status(store, rid, {"committee": {"quorum": 3}})["status"] == "pending"
    approve_run(M2, rid, "reject", "再検討", store)
    assert approval_status(store, rid)["status"] == "pending"
    with pytest.raises(InputError) as exc:
        approval_status(store, rid, {"committee": {"quorum": 0}})
    assert exc.value.issues[0].column == "committee.quorum" and exc.value.issues[0].file == "policy.yaml"


def test_a_study_without_a_weights_dimension_uses_the_weights_in_force(db, tmp_path) -> None:
    store, case = open_store(db), load_case(CASE)
    committee.submit(M1, "default", IDS, CONSISTENT, store)
    committee.submit(M2, "default", IDS, CONSISTENT, store)
    rid = committee.adopt(CHAIR, "default", case, store, reason="第3回委員会")
    grid = tmp_path / "grid.yaml"
    grid.write_text("budgets: [8000]\nscenarios: [all]\n", encoding="utf-8")
    args = ["study", str(CASE), "--grid", str(grid), "--workers", "0", "--study-dir", str(tmp_path / "s")]
    got = _cli(*args)
    assert got["weights_source"]["run"] == rid
    assert store.get(got["run_id"]).params["weights"] == pytest.approx(
        dict(zip(IDS, [0.4, 0.2, 0.1, 0.3], strict=True))
    )
    # the same single allocation as `allocate --budget 8000` under the adopted weights
    a = _cli("allocate", str(CASE), "--budget", "8000", "--no-explain")
    assert a["weights_source"]["run"] == rid
    funded = {p["id"] for p in a["projects"] if p["funded_fraction"] > 1e-6}
    shares = {p["id"]: p["funded_share"] for p in got["projects"]}
    assert {i for i, s in shares.items() if s > 0.5} == funded
    # the study's ranks are those of the adopted weights, not the model file's
    adopted = {r["id"]: r["rank"] for r in _cli("rank", str(CASE))["ranking"]}
    model = {r["id"]: r["rank"] for r in _cli("rank", str(CASE), "--no-audit")["ranking"]}
    assert adopted != model
    ranks = {g["id"]: g["rank_quantiles"] for g in got["goods"]}
    some = sorted(adopted, key=adopted.get)[:5]
    assert all(set(ranks[i].values()) == {adopted[i]} for i in some), {i: ranks[i] for i in some}


def test_a_source_without_the_weights_is_not_claimed() -> None:
    # a caller that drops the weights but keeps the source (the data page's label ranking)
    # must not be reported as using the committee's weights
    from prioritizer.runs import execute

    src = {"run": "R000009", "adopted_by": "sato", "adopted_at": "2026-12-04T06:30:00+00:00"}
    case = load_case(CASE)
    assert execute("rank", case, {"weights_source": src}).result["weights_source"] is None
    w = dict(zip(IDS, [0.4, 0.2, 0.1, 0.3], strict=True))
    assert execute("rank", case, {"weights": w, "weights_source": src}).result["weights_source"] == src


def test_cli_weights_adopt_by_the_convener_and_refused_to_a_member(db) -> None:
    from _signin import PASSWORD, login

    store = open_store(db)
    accounts.add_user(store, "sato", "planner", PASSWORD, display_name="佐藤 花子")
    accounts.add_user(store, "suzuki", "committee", PASSWORD, display_name="鈴木 一郎")
    committee.submit(M1, "default", IDS, CONSISTENT, store)
    committee.submit(M2, "default", IDS, CYCLE.tolist(), store)
    rid = committee.adopt(CHAIR, "default", load_case(CASE), store, model="committee-2027", reason="記録のみ")
    # without a session: refused (a write); --actor names no one
    refused = CliRunner().invoke(app, ["weights", "adopt", rid, "--case", str(CASE), "--actor", "sato"])
    assert refused.exit_code == 6 and "prioritizer login" in refused.output
    login(db, "suzuki")  # a committee member is not the convener
    refused = CliRunner().invoke(app, ["weights", "adopt", rid, "--case", str(CASE)])
    assert refused.exit_code != 0 and "suzuki" in refused.output
    assert list_events(store, "refused")[-1]["actor"] == "suzuki"
    login(db, "sato")
    no_reason = CliRunner().invoke(app, ["weights", "adopt", rid, "--case", str(CASE)])
    assert no_reason.exit_code != 0 and "CR above 0.1" in no_reason.output  # tanaka's cycle
    got = _cli("weights", "adopt", rid, "--case", str(CASE), "--reason", "第4回委員会で確認")
    assert got["source_run"] == rid and got["adopted_by"] == "sato" and got["reason"] == "第4回委員会で確認"
