"""Every contribution and share shown adds up to what it explains (issue 30 item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from prioritizer.case import load_case
from prioritizer.charts.build import contributions
from prioritizer.model import load_model
from prioritizer.scoring.api import score
from prioritizer.scoring.decompose import reference, shares
from prioritizer.scoring.why import why

ROOT = Path(__file__).resolve().parents[1]


def test_signed_shares_add_up_and_keep_the_sign_of_the_contribution() -> None:
    # the item page's case: −0.030 beside +9.6 % — by hand: sum 0.25, so −0.03 is −12 %
    c = {"autonomy": 0.066, "indispensability": -0.030, "cost": 0.087, "foreign_dependence": 0.127}
    s = shares(c)
    assert sum(s.values()) == pytest.approx(1.0)
    assert s["indispensability"] == pytest.approx(-0.030 / 0.25)
    assert all((s[k] > 0) == (v > 0) for k, v in c.items())


def test_contribution_chart_marks_the_sum_and_names_the_topsis_reference() -> None:
    case = load_case(ROOT / "inputs" / "default")
    r = score(case, load_model(None, case.root))
    assert r.method == "topsis" and reference("topsis") == 0.5
    ranking = [
        {"id": i, "rank": int(k), "score": float(s), "contributions": dict(r.contributions.loc[i])}
        for i, k, s in zip(r.ids, r.ranks, r.scores, strict=True)
    ]
    spec = contributions(ranking, {}, "ja", top=10, method="topsis")
    mark = spec.series[-1]
    assert mark.style == "marker" and mark.name == "寄与の合計"
    top = sorted(ranking, key=lambda x: x["rank"])[:10]
    # the mark sits at the sum of the stacked bars, which is the closeness less 0.5
    assert mark.values == pytest.approx([x["score"] - 0.5 for x in top])
    bars = [sum(s.values[i] for s in spec.series[:-1]) for i in range(10)]
    assert bars == pytest.approx(mark.values)
    assert "スコア − 0.5" in spec.x_label


def test_why_share_is_of_the_parts_in_favour_and_says_the_net_is_the_gap() -> None:
    # tests/test_why.py's WSM case: parts (0.25, −0.18, 0.04), gap 0.11. The old text said
    # "x1: 227 % of the gap"; now x1 is 0.25 of the 0.29 in favour (86 %), less 0.18 → 0.11.
    from prioritizer.scoring import api
    from tests.test_why import WSM_ROWS, _case, _model

    res = why(api.score(_case(WSM_ROWS), _model("wsm", [0.5, 0.3, 0.2])), "a", "b")
    m = next(m for m in res.messages if m["kind"].startswith("why.driver"))
    assert m["kind"] == "why.driver_net"
    assert m["share"] == pytest.approx(0.25 / 0.29) and m["share"] <= 1
    assert (m["plus"], m["minus"], m["gap"]) == pytest.approx((0.29, 0.18, 0.11))
    ja = res.text("ja")
    assert "合計0.29の86%を占めます" in ja and "不利な基準の寄与0.18を差し引いた0.11が得点差です" in ja
