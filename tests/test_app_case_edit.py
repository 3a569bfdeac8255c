"""A planner adds a good and a project in the app, saves a case version, and sees them ranked and allocated.

Drives the real app (AppTest) against the real loader, audit store (SQLite temp file) and solver.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from prioritizer.audit import open_store
from prioritizer.audit.versions import get_files, list_versions

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PRIORITIZER_CASE", str(ROOT / "inputs" / "default"))
    monkeypatch.setenv("PRIORITIZER_AUTH", "none")  # one person on a laptop: sign-in off
    monkeypatch.setenv("PRIORITIZER_DB", url)
    return url


def _data_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["start_page"] = "data"
    at.run()
    assert not at.exception, at.exception
    return at


def _add_good(at: AppTest, gid: str, name: str) -> None:
    at.text_input(key="new-good-id").set_value(gid)
    at.text_input(key="new-good-name-ja").set_value(name)
    # Criteria default to the case's medians; make the new good stand out on dependence.
    at.number_input(key="new-good-foreign_dependence").set_value(0.99)
    next(b for b in at.button if b.label == "追加" and "add-good" in str(b.form_id)).click().run()
    assert not at.exception, at.exception


def _add_project(at: AppTest, pid: str, name: str, good: str, cost: float, value: float) -> None:
    at.text_input(key="new-project-id").set_value(pid)
    at.text_input(key="new-project-name-ja").set_value(name)
    at.selectbox(key="new-project-good").set_value(good)
    at.number_input(key="new-project-cost").set_value(cost)
    at.number_input(key="new-project-value").set_value(value)
    next(b for b in at.button if b.label == "追加" and "add-project" in str(b.form_id)).click().run()
    assert not at.exception, at.exception


def _save(at: AppTest, reason: str = "新規対象の追加") -> None:
    # no author field (issue 25): the version names the signed-in identity
    assert not [t for t in at.text_input if t.key == "version-actor"]
    at.text_input(key="version-reason").set_value(reason)
    next(b for b in at.button if b.label == "新しい版として保存").click().run()
    assert not at.exception, at.exception


def test_a_planner_adds_a_good_and_a_project_and_sees_them_ranked_and_allocated(db):
    at = _data_page()
    _add_good(at, "hafnium", "ハフニウム")
    _add_project(at, "p_hafnium_refining", "ハフニウム精製設備", "hafnium", cost=50.0, value=10_000.0)
    _save(at)
    assert any("を保存し、使用中のケースにしました" in s.value for s in at.success)

    versions = list_versions(open_store(db))
    assert [v.version_id for v in versions] == ["V000001"]
    v = versions[0]
    assert v.changes["goods.csv"] == {"added": ["hafnium"], "removed": [], "changed": []}
    assert v.changes["projects.csv"] == {"added": ["p_hafnium_refining"], "removed": [], "changed": []}
    assert b"hafnium" in get_files(open_store(db), "V000001")["goods.csv"]

    # The active case is the new version: ranked on the ranking page ...
    at.session_state["start_page"] = "ranking"
    at.run()
    ranking = at.dataframe[0].value
    assert "hafnium" in set(ranking.iloc[:, 1])
    # ... and its very valuable, cheap project is funded by the allocation.
    at.session_state["start_page"] = "allocation"
    at.run()
    assert not at.exception, at.exception
    funded = next(d.value for d in at.dataframe if "採択率" in d.value.columns)
    assert "p_hafnium_refining" in set(funded.iloc[:, 0])


def test_an_invalid_edit_shows_every_problem_and_saves_nothing(db):
    at = _data_page()
    _add_good(at, "gallium", "重複したガリウム")  # gallium exists already: a duplicate id
    _save(at)
    assert any("保存していません" in e.value for e in at.error)
    issues = next(d.value for d in at.dataframe if {"ファイル", "行", "列"} <= set(d.value.columns))
    assert "goods.csv" in set(issues["ファイル"]) and "gallium" in " ".join(
        map(str, issues.to_numpy().ravel())
    )
    assert list_versions(open_store(db)) == []


def test_a_version_whose_snapshot_is_missing_is_named_and_the_active_case_stays(db):
    at = _data_page()
    _add_good(at, "hafnium", "ハフニウム")
    _save(at)
    store = open_store(db)
    v = list_versions(store)[0]
    # Remove the stored snapshot of goods.csv behind the store's back.
    from sqlalchemy import delete

    from prioritizer.audit import schema as t

    with store._write() as conn:
        conn.execute(delete(t.case_version_files).where(t.case_version_files.c.version_id == v.version_id))
        conn.execute(delete(t.blobs).where(t.blobs.c.digest == v.manifest["goods.csv"]))
    at.session_state["uploaded_case"] = None
    at.session_state["active_version"] = None
    at.run()
    at.selectbox(key="version-pick").set_value(v.version_id)
    next(b for b in at.button if b.label == "この版を使用中にする").click().run()
    assert any("復元できませんでした" in e.value for e in at.error)
    assert any("goods.csv" in e.value for e in at.error)
    assert at.session_state["active_version"] is None


def test_saving_records_a_copy_stamped_with_the_compute_time_and_leaves_the_cached_run_alone(db):
    """Two people saving one cached scenario must not share (or overwrite) one Run object."""
    from prioritizer.app import controller
    from prioritizer.case import load_case
    from prioritizer.runs import execute

    run = execute("rank", load_case(ROOT / "inputs" / "default"), {})
    computed = run.created_at
    from prioritizer import door
    from prioritizer.auth.identity import Identity

    store = open_store(db)
    sato = door.app_caller(Identity("sato", "佐藤", "planner", "local", "secret"), store)
    tanaka = door.app_caller(Identity("tanaka", "田中", "planner", "local", "secret"), store)
    a = controller.save(sato, run, "第1回")
    b = controller.save(tanaka, run, "第2回")
    assert (run.actor, run.reason, run.run_id, run.hash) == ("", "", None, None)
    ra, rb = store.get(a), store.get(b)
    assert (ra.actor, rb.actor) == ("sato", "tanaka") and a != b
    assert ra.created_at.startswith(computed[:19]) and rb.created_at.startswith(computed[:19])
