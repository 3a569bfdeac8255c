"""The stress charts are pure builders: plain data in, a Plotly figure out, wording from the catalogue."""

from __future__ import annotations

import subprocess
import sys

from prioritizer.stress.charts import shortfall_curves, ttx_timeline


def test_one_curve_per_portfolio_with_the_months_on_x():
    fig = shortfall_curves({"対策なし": [5.0, 5.0, 0.0], "現在の最適配分": [0.0, 0.0, 0.0]}, lang="ja")
    assert [tr.name for tr in fig.data] == ["対策なし", "現在の最適配分"]
    assert list(fig.data[0].x) == [1, 2, 3] and list(fig.data[0].y) == [5.0, 5.0, 0.0]
    assert fig.layout.yaxis.title.text == "不足額（億円）"
    assert fig.layout.xaxis.title.text.startswith("月")
    en = shortfall_curves({"No action": [1.0]}, lang="en")
    assert en.layout.yaxis.title.text == "Shortfall value (億円)"


def test_exercise_timeline_marks_the_events_played_so_far():
    result = {
        "month": 2,
        "series": [
            {"month": 1, "shortfall_value": 0.0, "shortfall_value_no_response": 1.0, "stock_value": 3.0},
            {"month": 2, "shortfall_value": 2.0, "shortfall_value_no_response": 4.0, "stock_value": 0.0},
        ],
        "events": [{"month": 2, "type": "escalation"}, {"month": 3, "type": "release"}],
    }
    fig = ttx_timeline(result, lang="ja")
    assert [tr.name for tr in fig.data] == ["対応あり", "対応なし"]
    marks = [a.text for a in fig.layout.annotations]
    assert marks == ["事態の悪化（喪失率の上昇）"]  # the month-3 event is not played yet


def test_the_stress_package_does_not_import_streamlit():
    code = "import sys, prioritizer.stress, prioritizer.stress.charts, prioritizer.stress.exercise; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
