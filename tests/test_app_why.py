"""The ranking page answers "why is A above B?" for any two items a committee member picks."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from prioritizer.case import load_case
from prioritizer.scoring.why import why

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PRIORITIZER_CASE", str(ROOT / "inputs" / "default"))
    monkeypatch.setenv("PRIORITIZER_AUTH", "none")  # one person on a laptop: sign-in off
    monkeypatch.setenv("PRIORITIZER_DB", f"sqlite:///{tmp_path / 'audit.sqlite'}")


def test_picking_two_items_shows_the_gap_split_that_sums_to_it(app_env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    ranking = at.dataframe[0].value
    third, first = ranking.iloc[2, 1], ranking.iloc[0, 1]  # ids, by rank
    at.selectbox(key="why-a").set_value(third)
    at.selectbox(key="why-b").set_value(first)
    at.run()
    assert not at.exception, at.exception
    table = at.dataframe[-1].value
    parts = [float(x) for x in table.iloc[:-1]["得点差への寄与"]]
    total = float(table.iloc[-1]["得点差への寄与"])
    # The parts add up to the gap (4 decimals shown), and the gap is the library's.
    expected = why(load_case(ROOT / "inputs" / "default"), third, first).gap
    assert sum(parts) == pytest.approx(total, abs=5e-4)
    assert total == pytest.approx(expected, abs=5e-5)
    assert expected < 0  # the third-ranked item is below the first
    text = " ".join(m.value for m in at.markdown)
    names = dict(zip(ranking.iloc[:, 1], ranking.iloc[:, 2], strict=True))
    assert names[third] in text and names[first] in text
