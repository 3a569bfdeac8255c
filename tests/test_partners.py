"""Partner options (issue 29 item 2): the documented score, worked by hand, and the default case.

Hand case (docs/methodology/partners.md): one good g1; world production CHN 0.6, AUS 0.2,
ZAF 0.1, other 0.1, JPN 0 (home: left out); imports in 2024-01 CHN 80, AUS 20 億円, and ZAF 1000
in 2022-12 — outside the 12 months ending 2024-01, so ZAF's import share is 0.
Scale of world share = the largest share of a country not of concern = AUS 0.2.

    AUS: 0.30·1   + 0.20·(1.5+2.5)/5 + 0.20·1 + 0.20·1 + 0.10·(1−0.2) = 0.30+0.16+0.20+0.20+0.08 = 0.94
    ZAF: 0.30·0.5 + 0.20·(0+2.5)/5   + 0       + 0.20·1 + 0.10·1       = 0.15+0.10+0.20+0.10      = 0.55
    CHN: 0.30·1   + 0.20·(−0.5+2.5)/5 + 0      + 0      + 0.10·(1−0.8) = 0.30+0.08+0.02           = 0.40
         (0.6/0.2 = 3 is capped at 1)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prioritizer.case import load_case
from prioritizer.cli import app
from prioritizer.errors import InputError
from prioritizer.partners import WEIGHTS, partner_options

ROOT = Path(__file__).resolve().parents[1]
HAND = {
    "goods.csv": "id,name_ja,name_en\ng1,財1,Good one\n",
    "countries.csv": (
        "iso3,name_ja,name_en,governance,concern,partner\n"
        "CHN,中国,China,-0.5,true,false\n"
        "AUS,豪州,Australia,1.5,false,true\n"
        "ZAF,南アフリカ,South Africa,0.0,false,false\n"
        "JPN,日本,Japan,1.4,false,false\n"
    ),
    "world_supply.csv": (
        "good_id,country,share\ng1,CHN,0.6\ng1,AUS,0.2\ng1,ZAF,0.1\ng1,other,0.1\ng1,JPN,0.0\n"
    ),
    "flows.csv": (
        "good_id,partner,period,value\ng1,CHN,2024-01,80\ng1,AUS,2024-01,20\ng1,ZAF,2022-12,1000\n"
    ),
}


def test_weights_sum_to_one():
    assert sum(WEIGHTS.values()) == pytest.approx(1.0, abs=1e-15)


def test_hand_case_scores_and_order(write_case):
    got = partner_options(load_case(write_case(HAND)), "g1")
    assert [o["country"] for o in got["options"]] == ["AUS", "ZAF", "CHN"]
    scores = {o["country"]: o["score"] for o in got["options"]}
    assert scores["AUS"] == pytest.approx(0.94, abs=1e-12)
    assert scores["ZAF"] == pytest.approx(0.55, abs=1e-12)
    assert scores["CHN"] == pytest.approx(0.40, abs=1e-12)
    by = {o["country"]: o for o in got["options"]}
    assert by["AUS"]["import_share"] == pytest.approx(0.2) and by["ZAF"]["import_share"] == 0.0
    assert by["CHN"]["concern"] is True and by["AUS"]["partner"] is True
    assert got["weights"] == WEIGHTS and got["home"] == "JPN"
    # words: why each ranks where it does
    assert (
        "Nothing holds it back" in by["AUS"]["text_en"]
        and "a large producer (20% of world output)" in by["AUS"]["text_en"]
    )
    assert "Held back by: a country of concern" in by["CHN"]["text_en"]
    assert "Held back by: not a partner country" in by["ZAF"]["text_en"]
    assert by["CHN"]["text_ja"].startswith("3位／3") and "懸念国" in by["CHN"]["text_ja"]


def test_home_from_policy_is_left_out(write_case):
    case = write_case({**HAND, "policy.yaml": "home: AUS\n"})
    got = partner_options(load_case(case), "g1")
    assert "AUS" not in [o["country"] for o in got["options"]] and got["home"] == "AUS"


def test_unknown_good_names_the_closest(write_case):
    with pytest.raises(InputError) as exc:
        partner_options(load_case(write_case(HAND)), "g2")
    assert exc.value.issues[0].value == "g2" and "g1" in exc.value.issues[0].message


def test_cli_json_shape(write_case):
    r = CliRunner().invoke(app, ["partners", str(write_case(HAND)), "g1", "--format", "json", "--no-audit"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert got["good_id"] == "g1"
    keys = {"country", "world_share", "governance", "partner", "concern", "import_share", "reserves_share"}
    keys |= {"score", "text_ja", "text_en"}
    assert keys <= set(got["options"][0])


@pytest.mark.parametrize(
    ("good", "expected"), [("rare_earths", {"AUS", "USA"}), ("natural_graphite", {"MDG", "MOZ", "BRA"})]
)
def test_default_case_ranks_real_suppliers(good, expected):
    got = partner_options(load_case(ROOT / "inputs" / "default"), good)
    countries = [o["country"] for o in got["options"]]
    assert expected <= set(countries)
    assert countries[0] != "CHN" and "JPN" not in countries and "OTHER" not in countries
    assert all(o["text_ja"] and o["text_en"] for o in got["options"])
    scores = [o["score"] for o in got["options"]]
    assert scores == sorted(scores, reverse=True)


def test_projects_accept_a_partner_column(write_case):
    case = write_case(
        {
            **HAND,
            "projects.csv": "id,name_ja,good_id,instrument,cost,partner\np1,豪州調達,g1,subsidy,10,AUS\n",
        }
    )
    assert load_case(case).projects["partner"].tolist() == ["AUS"]


def test_the_monitoring_page_shows_the_partner_options(tmp_path, monkeypatch):
    """The app's section: pick natural graphite, see its options ranked with the reason column."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PRIORITIZER_CASE", str(ROOT / "inputs" / "default"))
    monkeypatch.setenv("PRIORITIZER_DB", f"sqlite:///{tmp_path / 'audit.sqlite'}")
    monkeypatch.setenv("PRIORITIZER_AUTH", "none")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["start_page"] = "monitoring"
    at.run()
    assert not at.exception, at.exception
    at.selectbox(key="partners_good").set_value("natural_graphite").run()
    assert not at.exception, at.exception
    df = next(d.value for d in at.dataframe if "理由" in d.value.columns)
    expected = [
        o["country"]
        for o in partner_options(load_case(ROOT / "inputs" / "default"), "natural_graphite")["options"]
    ]
    assert df["国"].tolist() == expected
    assert any("スコアの重み" in c.value for c in at.caption)
