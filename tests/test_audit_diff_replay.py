"""Diff of two stored runs in words (ja/en) and replay from the stored snapshot.

Replay uses a tiny registered fake service (a hand-computable weighted sum over the
goods.csv snapshot), so it does not depend on the scoring or allocation engines.
"""

from __future__ import annotations

import sys
import types

import pandas as pd
import pytest
import test_audit_helpers as helpers
from sqlalchemy import text
from test_audit_helpers import make_run, raw_engine

from prioritizer.audit import AuditError, open_store, record_run
from prioritizer.runs import SERVICES, CommandOutput

db_url = helpers.db_url
pg_schema_url = helpers.pg_schema_url


def _alloc_result(fractions: dict[str, float], status: str = "optimal") -> dict:
    cost = {"p1": 100.0, "p2": 250.0, "p3": 40.0}
    return {
        "status": status,
        "objective": sum(fractions.values()),
        "projects": [
            {"id": k, "name_ja": f"事業{k}", "funded_fraction": f, "cost": cost[k], "reduced_cost": 0.0}
            for k, f in fractions.items()
        ],
        "stockpiles": [],
        "constraints": [],
    }


def test_diff_of_two_rank_runs_in_words(db_url):
    a = make_run({"a": 0.6, "b": 0.4}, actor="佐藤", reason="初期")  # g1 0.58, g2 0.44
    b = make_run({"a": 0.2, "b": 0.8}, actor="田中", reason="b を重視")  # g1 0.26, g2 0.68 -> g2 first
    b.input_digests = {**b.input_digests}
    b.case_files = {**b.case_files, "policy.yaml": b"budget: {total: 100}\n"}
    b.input_digests["policy.yaml"] = __import__("hashlib").sha256(b.case_files["policy.yaml"]).hexdigest()
    b.output.method = {"method": "topsis", "normalisation": "none", "tie_rule": "min"}
    record_run(a, db_url)
    record_run(b, db_url)
    d = open_store(db_url).diff(a.run_id, b.run_id)
    assert d.weights == [
        {"criterion": "a", "from": 0.6, "to": 0.2},
        {"criterion": "b", "from": 0.4, "to": 0.8},
    ]
    assert d.inputs_added == ["policy.yaml"] and d.inputs_changed == [] and d.inputs_removed == []
    assert d.method == {"method": ("wsm", "topsis")}
    assert [(m.id, m.rank_a, m.rank_b, m.delta) for m in d.ranks] == [("g2", 2, 1, 1), ("g1", 1, 2, -1)]
    en = d.text("en")
    assert "Weight: a was lowered from 0.600 to 0.200" in en
    assert "Weight: b was raised from 0.400 to 0.800" in en
    assert "Input files added: policy.yaml" in en
    assert "Method setting method: wsm → topsis" in en
    assert "The top item changed from g1 to g2" in en
    assert "g2: rank 2 → 1 (up 1)" in en
    ja = d.text("ja")
    assert "「a」を 0.600 から 0.200 に引き下げました" in ja
    assert "首位が g1 から g2 に入れ替わりました" in ja
    assert "理由: b を重視" in ja


def test_diff_of_two_allocate_runs_says_what_was_funded(db_url):
    a = make_run(command="allocate", result=_alloc_result({"p1": 1.0, "p2": 0.0, "p3": 0.5}))
    b = make_run(command="allocate", result=_alloc_result({"p1": 0.0, "p2": 1.0, "p3": 1.0}))
    record_run(a, db_url)
    record_run(b, db_url)
    d = open_store(db_url).diff(a.run_id, b.run_id)
    # spend a = 100 + 0.5*40 = 120; spend b = 250 + 40 = 290
    assert d.spend_a == pytest.approx(120.0) and d.spend_b == pytest.approx(290.0)
    assert d.as_dict()["spend_delta"] == pytest.approx(170.0)
    en = d.text("en")
    assert "Newly funded: 事業p2 (p2)" in en
    assert "No longer funded: 事業p1 (p1)" in en
    assert "事業p3 (p3): funded share 50% → 100%" in en
    assert "Total spend: ¥12.0bn → ¥29.0bn (change ¥17.0bn)" in en  # 120 → 290 億円
    assert "配分総額: 120億円 → 290億円（170億円の変化）" in d.text("ja")


def test_diff_counts_stock_in_the_total_spend_as_the_allocation_page_does(db_url):
    # issue 30: the page showed 8,000 (projects + stock) where the diff showed 6,222 (projects)
    ra = _alloc_result({"p1": 1.0, "p2": 0.0, "p3": 0.5})
    rb = _alloc_result({"p1": 0.0, "p2": 1.0, "p3": 1.0})
    ra["budget"] = {"spent_projects": 120.0, "spent_stockpiles": 30.0, "spent_total": 150.0}
    rb["budget"] = {"spent_projects": 290.0, "spent_stockpiles": 10.0, "spent_total": 300.0}
    a, b = make_run(command="allocate", result=ra), make_run(command="allocate", result=rb)
    record_run(a, db_url)
    record_run(b, db_url)
    d = open_store(db_url).diff(a.run_id, b.run_id)
    assert (d.spend_a, d.spend_b) == pytest.approx((150.0, 300.0))
    assert "配分総額: 150億円 → 300億円（150億円の変化）" in d.text("ja")


def test_one_total_spend_reads_stock_of_older_runs_too():
    from prioritizer.spend import spent_total
    from prioritizer.summaries import total_spend

    old = {
        "projects": [{"spent": 60.0}, {"funded_fraction": 0.5, "cost": 40.0}],
        "budget": {"spent_stockpiles": 7.0},
    }
    assert spent_total(old) == pytest.approx(87.0) == total_spend(old)  # 60 + 20 + 7
    assert spent_total({**old, "budget": {"spent_total": 91.0}}) == 91.0  # the optimiser's own figure


def test_diff_of_a_run_with_itself_says_no_difference(db_url):
    a = make_run()
    record_run(a, db_url)
    d = open_store(db_url).diff(a.run_id, a.run_id)
    assert d.identical
    assert "No difference" in d.text("en") and "違いはありません" in d.text("ja")


# --------------------------------------------------------------------------- replay


def _fake_rank(case, params):  # type: ignore[no-untyped-def]
    """score = Σ w_c · x_c over goods.csv columns a, b (weights from the model snapshot)."""
    snap = params.get("model_snapshot") or {}
    w = {c["id"]: c["weight"] for c in snap.get("criteria", [])}
    w = params.get("weights") or w
    goods = case.goods
    scores = {str(r["id"]): float(r["a"]) * w["a"] + float(r["b"]) * w["b"] for _, r in goods.iterrows()}
    order = sorted(scores, key=lambda k: -scores[k])
    result = {
        "method": "wsm",
        "normalisation": "none",
        "weights": w,
        "ranking": [{"id": k, "rank": i + 1, "score": scores[k]} for i, k in enumerate(order)],
    }
    return CommandOutput(result=result, model=snap, method={"method": "wsm"}, weights=w)


@pytest.fixture
def fake_service(monkeypatch):  # type: ignore[no-untyped-def]
    mod = types.ModuleType("fake_audit_service")
    mod.run = _fake_rank  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_audit_service", mod)
    monkeypatch.setitem(SERVICES, "fakerank", "fake_audit_service:run")
    return mod


def test_replay_reproduces_the_stored_result(db_url, fake_service):
    run = make_run({"a": 0.3, "b": 0.7}, command="fakerank")
    # g1: 0.9*0.3 + 0.1*0.7 = 0.34 ; g2: 0.2*0.3 + 0.8*0.7 = 0.62
    run.output.result = _fake_rank(_case_of(run), run.params).result
    assert [r["id"] for r in run.output.result["ranking"]] == ["g2", "g1"]
    record_run(run, db_url)
    rep = open_store(db_url).replay(run.run_id)
    assert rep.identical and rep.n_differences == 0
    assert "identical" in rep.text("en") and "完全に一致" in rep.text("ja")
    # The recorded versions were made up (numpy 2.1.0): the report says they differ.
    assert "numpy" in rep.versions and rep.versions["numpy"][0] == "2.1.0"
    assert "Library version differs: numpy recorded 2.1.0" in rep.text("en")


def test_replay_lists_every_difference(db_url, fake_service, monkeypatch):
    run = make_run({"a": 0.3, "b": 0.7}, command="fakerank")
    run.output.result = _fake_rank(_case_of(run), run.params).result
    record_run(run, db_url)

    def drifted(case, params):  # type: ignore[no-untyped-def]
        out = _fake_rank(case, params)
        for r in out.result["ranking"]:
            r["score"] += 1e-9
        return out

    monkeypatch.setattr(fake_service, "run", drifted)
    rep = open_store(db_url).replay(run.run_id)
    assert not rep.identical
    assert [d.path for d in rep.differences] == ["ranking[0].score", "ranking[1].score"]
    assert rep.max_abs_difference == pytest.approx(1e-9, rel=1e-3)
    assert "2 place(s)" in rep.text("en")


def test_replay_refuses_a_tampered_file_snapshot(db_url, fake_service):
    run = make_run(command="fakerank")
    record_run(run, db_url)
    with raw_engine(db_url).begin() as c:
        c.execute(text("UPDATE audit_blobs SET content = :b"), {"b": b"id,name_en,a,b\ng1,X,1,1\n"})
    with pytest.raises(AuditError, match="does not match its digest"):
        open_store(db_url).replay(run.run_id)


def _case_of(run):  # type: ignore[no-untyped-def]
    import io

    from prioritizer.case.types import Case

    return Case(
        root=__import__("pathlib").Path("/x"), goods=pd.read_csv(io.BytesIO(run.case_files["goods.csv"]))
    )


def test_diff_of_a_ranking_and_an_allocation_says_they_differ_in_kind(db_url):
    a = make_run(command="rank", result={"ranking": [{"id": "g1", "rank": 1}]})
    b = make_run(command="allocate", result=_alloc_result({"p1": 1.0, "p2": 0.0, "p3": 0.0}))
    record_run(a, db_url)
    record_run(b, db_url)
    d = open_store(db_url).diff(a.run_id, b.run_id)
    ja = d.text("ja")
    assert "種類の異なる実行" in ja
    # No method keys or weights compared across kinds of run.
    assert "method" not in ja and "削除" not in ja and not d.method and not d.params
