"""Spend by group and display names, on hand-made tables (prioritizer.summaries, app.views)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from prioritizer.app.views import with_names
from prioritizer.case import Case
from prioritizer.summaries import spend_by


def _case() -> Case:
    goods = pd.DataFrame(
        {
            "id": ["G1", "G2", "G3"],
            "name_ja": ["半導体", "", "蓄電池"],
            "name_en": ["Semiconductors", "Magnets", ""],
            "domain": ["技術", "物資", None],
        }
    )
    projects = pd.DataFrame(
        {
            "id": ["P1", "P2", "P3", "P4", "P5"],
            "name_ja": ["工場", "", "研究", "備蓄基地", "港"],
            "name_en": ["Fab", "Mine", "", "Depot", "Port"],
            "good_id": ["G1", "G2", "G3", "G1", "G9"],
            "domain": ["インフラ", "", None, "", ""],
            "instrument": ["補助", "融資", "補助", "出資", "補助"],
        }
    )
    return Case(root=Path("hand"), goods=goods, projects=projects)


def test_spend_by_takes_the_projects_own_value_then_its_goods_then_a_dash() -> None:
    """P1 has its own domain (インフラ); P2 and P4 fall back to their good's (物資, 技術); P3's good
    has no domain, so P3 is left out (pandas drops a missing group); P5's good is unknown (—).
    P6 is not in the case and the unfunded P7 is not spend. By hand: 技術 4, インフラ 3, 物資 2,
    — 1.5, in falling order."""
    result = {
        "projects": [
            {"id": "P1", "funded_fraction": 1.0, "spent": 3.0},
            {"id": "P2", "funded_fraction": 0.5, "spent": None, "cost": 4.0},  # share × cost = 2
            {"id": "P3", "funded_fraction": 1.0, "spent": 7.0},
            {"id": "P4", "funded_fraction": 1.0, "spent": 4.0},
            {"id": "P5", "funded_fraction": 1.0, "spent": 1.5},
            {"id": "P6", "funded_fraction": 1.0, "spent": 9.0},
            {"id": "P2", "funded_fraction": 0.0, "spent": 5.0},
        ]
    }
    df = spend_by(result, _case(), "domain")
    assert df["domain"].tolist() == ["技術", "インフラ", "物資", "—"]
    assert df["spend"].tolist() == pytest.approx([4.0, 3.0, 2.0, 1.5])
    by_instrument = spend_by(result, _case(), "instrument")  # a project column only
    assert dict(zip(by_instrument["instrument"], by_instrument["spend"], strict=True)) == pytest.approx(
        {"補助": 3.0 + 7.0 + 1.5, "融資": 2.0, "出資": 4.0}
    )


def test_with_names_uses_the_case_name_in_the_language_then_the_other_then_the_id() -> None:
    ids = pd.DataFrame({"id": ["P1", "P2", "P3", "PX"], "name_en": ["", "", "", "Extra"]})
    ja = with_names(ids, _case(), "ja")
    assert ja["name"].tolist() == ["工場", "Mine", "研究", "Extra"]  # PX: the frame's own name
    assert ja["instrument"].tolist()[:3] == ["補助", "融資", "補助"]
    en = with_names(ids, _case(), "en")
    assert en["name"].tolist() == ["Fab", "Mine", "研究", "Extra"]
    goods = with_names(pd.DataFrame({"good_id": ["G2", "G3", "G9"]}), _case(), "ja", id_col="good_id")
    assert goods["name"].tolist() == ["Magnets", "蓄電池", ""]  # G9 unknown and unnamed
