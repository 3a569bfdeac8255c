"""Group weighting: AIJ / AIP against hand-computed matrices, Goepel's consensus S*, bad input.

For n = 3 the principal eigenvector equals the normalised row geometric means (Crawford &
Williams 1985), which lets the expected weights below be written by hand.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from prioritizer.cli import app
from prioritizer.errors import InputError
from prioritizer.weights_group import Member, aij_matrix, consensus, group_ahp

A1 = np.array([[1, 2, 4], [1 / 2, 1, 3], [1 / 4, 1 / 3, 1]])
A2 = np.array([[1, 3, 1 / 2], [1 / 3, 1, 1 / 5], [2, 5, 1]])
IDS = ["cost", "risk", "speed"]


def _rowgm(a):
    g = np.array([math.prod(r) ** (1 / 3) for r in a])
    return g / g.sum()


def test_aij_is_the_element_wise_geometric_mean_of_judgements():
    g = aij_matrix([A1, A2], np.array([0.5, 0.5]))
    expect = np.array(
        [
            [1, math.sqrt(6), math.sqrt(2)],
            [1 / math.sqrt(6), 1, math.sqrt(0.6)],
            [1 / math.sqrt(2), 1 / math.sqrt(0.6), 1],
        ]
    )
    np.testing.assert_allclose(g, expect, rtol=1e-12)
    res = group_ahp([Member("m1.csv", IDS, A1), Member("m2.csv", IDS, A2)], "aij")
    np.testing.assert_allclose(list(res["weights"].values()), _rowgm(expect), rtol=1e-9)
    # by hand: row geometric means 1.5131, 0.68129, 0.97007 → 0.4782, 0.2153, 0.3066
    np.testing.assert_allclose(list(res["weights"].values()), [0.47815, 0.21529, 0.30655], atol=5e-5)


def test_aip_is_the_geometric_mean_of_member_priorities_with_member_weights():
    p1, p2 = _rowgm(A1), _rowgm(A2)
    w = np.array([2, 1]) / 3
    expect = p1 ** w[0] * p2 ** w[1]
    expect /= expect.sum()
    res = group_ahp([Member("m1.csv", IDS, A1), Member("m2.csv", IDS, A2)], "aip", "2,1")
    np.testing.assert_allclose(list(res["weights"].values()), expect, rtol=1e-9)
    assert res["member_weights"] == pytest.approx([2 / 3, 1 / 3])
    np.testing.assert_allclose(list(res["members"][0]["weights"].values()), p1, rtol=1e-9)
    sd_cost = np.std([p1[0], p2[0]])
    assert res["spread"]["cost"]["sd"] == pytest.approx(sd_cost)
    assert res["spread"]["cost"]["min"] == pytest.approx(min(p1[0], p2[0]))


def test_goepel_consensus_on_a_hand_computed_pair():
    # Two members each putting one criterion 9 times above the rest: p = (9,1,1)/11 and (1,9,1)/11.
    p = np.array([[9, 1, 1], [1, 9, 1]]) / 11
    h = lambda q: -sum(x * math.log(x) for x in q)  # noqa: E731
    h_alpha = h(p[0])
    h_gamma = h([5 / 11, 5 / 11, 1 / 11])
    d_min = math.exp(h([9 / 11, 1 / 11, 1 / 11]))
    expect = (1 / math.exp(h_gamma - h_alpha) - d_min / 3) / (1 - d_min / 3)
    got = consensus(p)
    assert got["s_star"] == pytest.approx(expect)
    assert got["s_star"] == pytest.approx(0.2756, abs=5e-4)
    assert consensus(np.array([[0.5, 0.3, 0.2]] * 4))["s_star"] == pytest.approx(1.0)


def _write(tmp_path, name, ids, a):
    rows = ["id," + ",".join(ids)] + [
        f"{i}," + ",".join(str(x) for x in r) for i, r in zip(ids, a, strict=True)
    ]
    p = tmp_path / name
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return p


def test_cli_json_contract_and_reordered_criteria(tmp_path):
    f1 = _write(tmp_path, "m1.csv", IDS, [["1", "2", "4"], ["1/2", "1", "3"], ["1/4", "1/3", "1"]])
    # The same judgements as A2 with the criteria in another order.
    order = [2, 0, 1]
    a2 = [[A2[i, j] for j in order] for i in order]
    f2 = _write(tmp_path, "m2.csv", [IDS[i] for i in order], a2)
    r = CliRunner().invoke(
        app, ["weights", "group", "ahp", str(f1), str(f2), "--method", "aij", "-f", "json"]
    )
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert {"weights", "method", "members", "spread", "consensus"} <= set(got)
    assert list(got["weights"]) == IDS
    assert set(got["members"][0]) >= {"file", "weights", "cr", "consistent"}
    np.testing.assert_allclose(list(got["weights"].values()), [0.47815, 0.21529, 0.30655], atol=5e-5)


def test_bad_matrices_are_named_by_file_and_cell(tmp_path):
    f1 = _write(tmp_path, "m1.csv", IDS, [["1", "2", "4"], ["1/2", "1", "3"], ["1/4", "1/3", "1"]])
    bad = _write(
        tmp_path, "bad.csv", IDS, [["1", "2", "4"], ["3", "1", "3"], ["1/4", "1/3", "1"]]
    )  # not reciprocal
    other = _write(tmp_path, "other.csv", ["cost", "risk", "taste"], A1.tolist())
    r = CliRunner().invoke(app, ["weights", "group", "ahp", str(f1), str(bad), "-f", "json"])
    assert r.exit_code == 2
    assert "bad.csv" in r.output and "risk" in r.output
    with pytest.raises(InputError) as e:
        group_ahp([Member("m1.csv", IDS, A1), Member(str(other), ["cost", "risk", "taste"], A1)])
    issues = e.value.issues
    assert any(i.file == str(other) and i.column == "taste" for i in issues)
    assert any(i.file == str(other) and "speed" in str(i.value) for i in issues)
    with pytest.raises(InputError):
        group_ahp([Member("a", IDS, A1), Member("b", IDS, A2)], "aij", "1,0")
    with pytest.raises(InputError):
        group_ahp([Member("a", IDS, A1)], "mean")


def test_members_submit_and_the_convener_adopts_a_recorded_model_version(tmp_path):
    from prioritizer.audit import open_store
    from prioritizer.auth import committee
    from prioritizer.auth.errors import Forbidden
    from prioritizer.auth.identity import Identity
    from prioritizer.case import load_case

    store = open_store(f"sqlite:///{tmp_path / 'a.sqlite'}")
    m1 = Identity("suzuki", "鈴木", "committee", "local", "public")
    m2 = Identity("tanaka", "田中", "committee", "local", "public")
    chair = Identity("sato", "佐藤", "planner", "local", "public")
    viewer = Identity("yamada", "山田", "viewer", "local", "public")
    committee.save_draft(m1, "2027", IDS, A1.tolist(), store)
    assert committee.get_draft(m1, "2027", store)["matrix"] == A1.tolist()
    assert committee.submissions(store, "2027") == []  # a draft is not a submission
    s1 = committee.submit(m1, "2027", IDS, A1.tolist(), store)
    s2 = committee.submit(m2, "2027", IDS, A2.tolist(), store)
    assert committee.get_draft(m1, "2027", store) is None
    with pytest.raises(Forbidden):
        committee.submit(viewer, "2027", IDS, A1.tolist(), store)
    with pytest.raises(Forbidden):
        committee.adopt(m1, "2027", None, store)  # members submit; the convener adopts
    case = load_case(__import__("pathlib").Path(__file__).resolve().parents[1] / "inputs" / "default")
    rid = committee.adopt(
        chair, "2027", case, store, method="aij", model="committee-2027", reason="第3回委員会"
    )
    got = store.get(rid)
    assert got.command == "weights_group" and got.actor == "sato"
    assert [j["submission"] for j in got.params["judgements"]] == [s1, s2]
    np.testing.assert_allclose(list(got.weights.values()), [0.47815, 0.21529, 0.30655], atol=5e-5)
    hist = store.weight_history("committee-2027")
    assert {e["criterion"] for e in hist} == set(IDS) and {e["run_id"] for e in hist} == {rid}
    assert store.replay(rid).identical
    assert store.verify().ok
