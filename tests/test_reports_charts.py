"""Chart specs shared by the app (Plotly) and the reports (SVG): content, layout and safety."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from prioritizer.charts import ChartSpec, Series, build
from prioritizer.charts.plotly import to_plotly
from prioritizer.charts.svg import nice_ticks, to_svg

RANKING = [
    {"id": "b", "rank": 2, "name_ja": "乙", "name_en": "B", "contributions": {"x": 0.2, "y": -0.1}},
    {"id": "a", "rank": 1, "name_ja": "甲", "name_en": "A", "contributions": {"x": 0.5, "y": 0.25}},
]


def test_nice_ticks_follow_heckbert_steps():
    assert nice_ticks(0, 9.3) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(-0.1, 0.75) == [-0.2, 0.0, 0.2, 0.4, 0.6, 0.8]
    assert nice_ticks(0, 180) == [0, 50, 100, 150, 200]


def test_contribution_spec_keeps_rank_order_and_values():
    spec = build.contributions(RANKING, {"x": "基準X", "y": "基準Y"}, "ja")
    assert spec.kind == "barh" and spec.categories == ["1. 甲", "2. 乙"]
    # the last series marks each item's sum of contributions (0.75 and 0.1 by hand)
    assert [s.name for s in spec.series] == ["基準X", "基準Y", "寄与の合計"]
    assert spec.series[1].values == [0.25, -0.1]
    assert spec.series[2].style == "marker" and spec.series[2].values == pytest.approx([0.75, 0.1])
    fig = to_plotly(spec)
    assert [tr.name for tr in fig.data] == ["基準X", "基準Y", "寄与の合計"]
    assert list(fig.data[0].x) == [0.5, 0.2] and list(fig.data[0].y) == ["1. 甲", "2. 乙"]


def test_days_of_cover_spec_carries_the_target_as_marks():
    stock = [
        {
            "good_id": "ga",
            "name_ja": "ガリウム",
            "quantity": 10,
            "days_of_cover": 120.0,
            "target_days": 180.0,
        },
        {"good_id": "li", "name_ja": "リチウム", "quantity": 0, "days_of_cover": 0.0},
    ]
    spec = build.days_of_cover(stock, {}, "ja")
    assert spec.categories == ["ガリウム"]  # nothing stocked and no target: not drawn
    assert spec.series[0].values == [120.0] and spec.series[1].style == "marker"
    assert spec.series[1].values == [180.0] and spec.unit == "日"


def test_svg_is_well_formed_and_escapes_names():
    spec = ChartSpec(
        "bar",
        "<b>t</b>",
        ["<script>alert(1)</script>", "a&b"],
        [Series("s", [1.0, 2.0])],
        y_label="費用",
        unit="億円",
    )
    svg = to_svg(spec)
    root = ET.fromstring(svg)  # parses: every string was escaped
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "<script>alert(1)</script>" in texts and "a&b" in texts
    assert "<script>" not in svg
    rects = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("fill") == "#1f4e79"]
    h = [float(r.get("height")) for r in rects]
    assert len(h) == 2 and abs(h[1] / h[0] - 2.0) < 0.02  # bar heights proportional to the values


def test_every_chart_kind_draws_in_both_renderers():
    flows = pd.DataFrame(
        {"good_id": ["g"] * 4, "partner": ["CHN", "USA"] * 2, "period": ["2024-01"] * 2 + ["2024-02"] * 2,
         "value": [1.0, 2.0, 3.0, 4.0]}
    )  # fmt: skip
    specs = [
        build.contributions(RANKING, {}, "en"),
        build.domain_sector([dict(r, domain="dependence", sector="computing") for r in RANKING], "en"),
        build.spend(pd.DataFrame({"g": ["subsidy"], "spend": [10.0]}), "g", "instrument", "en"),
        build.frontier([{"budget": 1.0, "objective": 2.0}, {"budget": 2.0, "objective": 3.0}], "en"),
        build.acceptability({"a": [0.7, 0.3], "b": [0.3, 0.7]}, {"a": "A"}, "en"),
        build.tornado([{"label": "w", "low": 1.0, "high": 3.0}], "en"),
        build.core_index({"a": 0.5}, {"a": "A"}, "en"),
        build.imports_by_partner(flows, "g", None, "en"),
        build.indicator_trend(flows.assign(x=flows["value"]), "x", ["g"], {}, "en"),
    ]
    for spec in specs:
        assert to_plotly(spec).data, spec.kind
        ET.fromstring(to_svg(spec))
    stacked = specs[7]
    assert stacked.categories == ["2024-01", "2024-02"] and stacked.series[0].values == [1.0, 3.0]


def test_spend_chart_titles_name_the_grouping_in_the_readers_language():
    df = pd.DataFrame({"domain": ["dependence"], "spend": [10.0]})
    assert build.spend(df, "domain", "domain", "ja").title == "支出の内訳: 領域"
    assert build.spend(df, "domain", "domain", "en").title.endswith(": Domain")
    # a column the catalogue does not know keeps its own name
    assert build.spend(df.rename(columns={"domain": "g"}), "g", None, "ja").title.endswith(": g")
