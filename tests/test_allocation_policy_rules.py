"""Policy defects of issue 13 §8 that belong to the allocation: each test is the regression."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from prioritizer.allocation.data import _partner_shares
from prioritizer.allocation.synthetic import make_case
from prioritizer.case import load_case
from prioritizer.errors import InputError
from prioritizer.indicators.kernels import import_reliance

GOODS = "id,name_ja,domain\ngallium,ガリウム,dependence\n"
PROJECTS = "id,name_ja,good_id,cost\nP1,事業,gallium,10\n"


def _issues(root: Path) -> list[tuple[str, str | None, str]]:
    with pytest.raises(InputError) as info:
        load_case(root)
    return [(i.file, i.column, i.message) for i in info.value.issues]


def test_floor_above_cap_in_two_entries_fails_validate_naming_the_file_and_both_limits(write_case) -> None:
    root = write_case(
        {
            "goods.csv": GOODS,
            "projects.csv": PROJECTS,
            "policy.yaml": "budget: {total: 100}\nlimits:\n"
            "  - {group: domain, value: dependence, min: 5}\n"
            "  - {group: domain, value: dependence, max: 2}\n",
        }
    )
    issues = _issues(root)
    assert len(issues) == 1
    file, _, msg = issues[0]
    assert file == "policy.yaml"
    assert "limits[0] (floor 5億円)" in msg and "limits[1] (cap 2億円)" in msg
    assert "domain = dependence" in msg


def test_floor_and_cap_of_different_years_do_not_clash(write_case) -> None:
    root = write_case(
        {
            "goods.csv": GOODS,
            "projects.csv": "id,name_ja,good_id,cost_2026,cost_2027\nP1,事業,gallium,5,5\n",
            "policy.yaml": "budget: {years: {2026: 50, 2027: 50}}\nlimits:\n"
            "  - {group: domain, value: dependence, min: 5, year: 2026}\n"
            "  - {group: domain, value: dependence, max: 2, year: 2027}\n",
        }
    )
    assert load_case(root).policy is not None


@pytest.mark.parametrize(
    ("yaml_text", "column", "suggestion"),
    [
        ("stockpile: {damage_multiplyer: 2}\n", "stockpile.damage_multiplyer", "damage_multiplier"),
        ("budget: {totl: 100}\n", "budget.totl", "total"),
        ("limits:\n  - {group: domain, value: dependence, mn: 5}\n", "limits.0.mn", "min"),
        ("allocation: {value_scal: 5}\n", "allocation.value_scal", "value_scale"),
    ],
)
def test_a_typo_inside_a_policy_section_is_an_error_with_did_you_mean(
    write_case, yaml_text: str, column: str, suggestion: str
) -> None:
    root = write_case({"goods.csv": GOODS, "policy.yaml": yaml_text})
    issues = _issues(root)
    hits = [i for i in issues if i[1] == column]
    assert hits, issues
    assert hits[0][0] == "policy.yaml"
    assert f"did you mean '{suggestion}'" in hits[0][2]


def test_a_far_off_unknown_key_in_a_section_lists_the_allowed_keys(write_case) -> None:
    root = write_case({"goods.csv": GOODS, "policy.yaml": "stockpile: {colour: blue}\n"})
    (hit,) = [i for i in _issues(root) if i[1] == "stockpile.colour"]
    assert "target_days" in hit[2] and "damage_multiplier" in hit[2]


def test_the_spelt_right_damage_multiplier_is_used(write_case) -> None:
    root = write_case({"goods.csv": GOODS, "policy.yaml": "stockpile: {damage_multiplier: 2}\n"})
    assert load_case(root).policy.stockpile.damage_multiplier == 2


def test_top_level_extra_keys_stay_allowed_by_the_contract(write_case) -> None:
    root = write_case({"goods.csv": GOODS, "policy.yaml": "generated_by: {tool: x}\nbudget: {total: 5}\n"})
    assert load_case(root).policy.budget.total == 5


def test_partner_share_uses_the_indicators_import_reliance() -> None:
    # imports 120/yr from CHN (10 a month), production 60, exports 30:
    # IR = (120 − 30) / (60 + 120 − 30) = 0.6 (hand-computed), not 120 / 150 = 0.8
    goods = [{"id": "g", "domestic_production": 60.0, "exports": 30.0}]
    flows = [
        {"good_id": "g", "partner": "CHN", "period": f"2024-{m:02d}", "value": 10.0} for m in range(1, 13)
    ]
    case = make_case(goods, flows=flows)
    share = _partner_shares(case)["CHN"]["g"]
    assert share == pytest.approx(0.6)
    assert share == pytest.approx(
        float(import_reliance(np.array([120.0]), np.array([60.0]), np.array([30.0]))[0])
    )


def test_partner_share_without_production_data_is_conservative() -> None:
    flows = [
        {"good_id": "g", "partner": "CHN", "period": "2024-01", "value": 3.0},
        {"good_id": "g", "partner": "AUS", "period": "2024-01", "value": 1.0},
    ]
    case = make_case([{"id": "g"}], flows=flows)
    assert _partner_shares(case) == {"CHN": {"g": 0.75}, "AUS": {"g": 0.25}}
