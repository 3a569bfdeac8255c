"""A single user's AHP weighting in the app is recorded with its judgements, not as a bare override."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from prioritizer.audit import open_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PRIORITIZER_CASE", str(ROOT / "inputs" / "default"))
    monkeypatch.setenv("PRIORITIZER_DB", url)
    monkeypatch.setenv("PRIORITIZER_AUTH", "none")
    return url


def test_applied_ahp_weights_are_saved_with_the_matrix_that_gave_them(db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["start_page"] = "weights"
    at.run()
    # The pairwise editor starts at all-equal judgements: every criterion gets 1/4.
    next(b for b in at.button if b.label == "AHP の重みを適用").click().run()
    assert not at.exception, at.exception
    w = at.session_state["weights"]
    assert w == pytest.approx({c: 0.25 for c in w}) and len(w) == 4
    # Save the scenario: the ranking's record names AHP and holds the matrix.
    at.session_state["start_page"] = "ranking"
    at.run()
    from prioritizer.app import controller
    from prioritizer.case import load_case
    from prioritizer.runs import execute

    params = {"weights": w, "judgements": at.session_state["judgements"]}
    run = execute("rank", load_case(ROOT / "inputs" / "default"), params)
    from prioritizer import door
    from prioritizer.auth.identity import Identity

    who = door.app_caller(Identity("sato", "佐藤", "planner", "local", "secret"), open_store(db))
    rid = controller.save(who, run, "AHP で重み付け")
    rec = open_store(db).get(rid).result["elicitation"]
    assert rec["method"] == "ahp (app)"
    assert rec["judgements"]["matrix"] == [[1.0] * 4] * 4 and rec["cr"] == pytest.approx(0.0, abs=1e-12)


def test_judgements_that_do_not_give_the_weights_are_refused():
    from prioritizer.errors import InputError
    from prioritizer.scoring.service import elicitation_record

    judgements = {"method": "swing", "points": {"autonomy": 100, "cost": 50}}
    with pytest.raises(InputError) as err:
        elicitation_record(judgements, {"autonomy": 0.5, "cost": 0.5}, None)
    assert {i.column for i in err.value.issues} == {"weights.autonomy", "weights.cost"}
    ok = elicitation_record(judgements, {"autonomy": 2 / 3, "cost": 1 / 3}, None)
    assert ok["method"] == "swing (app)"
