"""Robustness in words (``prioritizer.robustness.verdict``): hand-computable acceptability matrices
and a hand-computed weight interval for a two-criterion weighted sum."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from prioritizer.case.types import Case
from prioritizer.cli import app
from prioritizer.robustness.service import run_robustness
from prioritizer.robustness.verdict import first_place_intervals, stable_in_top, top_k_share, verdict
from prioritizer.text import render

# b_i^r: rows = items, columns = ranks 1..4; every row and every column sums to 1.
ACCEPT = {
    "graphite": [0.51, 0.30, 0.14, 0.05],
    "gallium": [0.29, 0.40, 0.27, 0.04],
    "iodine": [0.20, 0.25, 0.50, 0.05],
    "drones": [0.00, 0.05, 0.09, 0.86],
}
NAMES = {
    "graphite": ("天然黒鉛", "Natural graphite"),
    "gallium": ("ガリウム", "Gallium"),
    "iodine": ("ヨウ素", "Iodine"),
    "drones": ("ドローン", "Drones"),
}


def _result(**extra) -> dict:
    return {
        "samples": 10_000,
        "acceptability": ACCEPT,
        "base_rank": {"graphite": 1, "gallium": 2, "iodine": 3, "drones": 4},
        "mc_error": {"max": 0.005},
        "criteria": ["autonomy", "cost"],
        **extra,
    }


def test_top_k_shares_by_hand():
    share = top_k_share(ACCEPT, 3)
    assert share == pytest.approx({"graphite": 0.95, "gallium": 0.96, "iodine": 0.95, "drones": 0.14})
    assert top_k_share(ACCEPT, 1) == pytest.approx(
        {"graphite": 0.51, "gallium": 0.29, "iodine": 0.20, "drones": 0}
    )


def test_stable_in_top_k_at_95_percent():
    assert stable_in_top(ACCEPT, 3, 0.95) == ["gallium", "graphite", "iodine"]  # best share, then id
    assert stable_in_top(ACCEPT, 3, 0.955) == ["gallium"]
    assert stable_in_top(ACCEPT, 2, 0.95) == []
    assert stable_in_top(ACCEPT, 4, 0.95) == ["drones", "gallium", "graphite", "iodine"]


def test_headline_is_the_sentence_a_committee_quotes():
    msgs = verdict(_result(), names=NAMES)
    head = msgs[0]
    assert head["kind"] == "robustness.verdict.headline" and head["id"] == "graphite"
    assert head["first"] == 0.51 and head["top_k"] == pytest.approx(0.95) and head["k"] == 3
    assert render(head, "ja") == "天然黒鉛は重みの取り方の51%で1位、95%で3位以内（現在の重みでは1位）。"
    assert render(head, "en") == (
        "Natural graphite ranks first under 51% of the weightings and in the top 3 under 95% "
        "(rank 1 at the current weights)."
    )
    assert [m["id"] for m in msgs if m["kind"] == "robustness.verdict.headline"] == [
        "graphite",
        "gallium",
        "iodine",
    ]


def test_a_rare_or_absent_first_place_is_not_rounded_to_zero_percent():
    acc = {"a": [0.996, 0.004, 0.0], "b": [0.004, 0.5, 0.496], "c": [0.0, 0.496, 0.504]}
    res = {"samples": 1000, "acceptability": acc, "base_rank": {"a": 1, "b": 2, "c": 3}}
    heads = [m for m in verdict(res, names=NAMES, k=2) if m["kind"].startswith("robustness.verdict.headline")]
    assert [m["kind"].rsplit(".", 1)[1] for m in heads] == [
        "headline",
        "headline_rare_first",
        "headline_never_first",
    ]
    assert (
        render(heads[1], "ja")
        == "bが1位となるのは重みの取り方の1%未満で、50%で2位以内（現在の重みでは2位）。"
    )
    assert "none of the sampled weightings" in render(heads[2], "en")


def test_stable_items_are_named_and_none_is_said_plainly():
    stable = next(m for m in verdict(_result(), names=NAMES) if m["kind"] == "robustness.verdict.stable")
    assert stable["ids"] == ["gallium", "graphite", "iodine"]
    assert (
        render(stable, "ja")
        == "重みの取り方の95%以上で3位以内に入る安定した項目は3件：ガリウム、天然黒鉛、ヨウ素。"
    )
    none = next(
        m for m in verdict(_result(), names=NAMES, k=2) if m["kind"].startswith("robustness.verdict.stable")
    )
    assert none["kind"] == "robustness.verdict.stable_none"
    assert "2位以内に入る項目はありません" in render(none, "ja")


def test_a_tie_for_first_gives_no_weight_range():
    res = _result(base_rank={"graphite": 1, "gallium": 1, "iodine": 3, "drones": 4})
    kinds = [m["kind"] for m in verdict(res, names=NAMES)]
    assert "robustness.verdict.tied_first" in kinds
    assert not any(k.startswith("robustness.verdict.keeps_first") for k in kinds)


def test_every_message_renders_in_both_languages_without_placeholders():
    res = _result(
        thresholds={
            "exact": False,
            "items": {
                "graphite": {
                    "autonomy": {
                        "weight": 0.5,
                        "up": 0.8,
                        "up_with": "gallium",
                        "down": 0.2,
                        "down_with": "iodine",
                    },
                    "cost": {"weight": 0.5, "up": None, "up_with": None, "down": None, "down_with": None},
                }
            },
        },
        central_weights={"graphite": {"autonomy": 0.55, "cost": 0.45}},
        confidence={"graphite": 0.9},
        value_uncertainty={"sources": {}},
    )
    msgs = verdict(
        res, names=NAMES, labels={"autonomy": ("自律性", "Autonomy"), "cost": ("確保コスト", "Cost")}
    )
    kinds = [m["kind"] for m in msgs]
    assert (
        "robustness.verdict.keeps_first_between" in kinds and "robustness.verdict.keeps_first_always" in kinds
    )
    assert "robustness.verdict.intervals_numeric" in kinds and "robustness.verdict.confidence" in kinds
    for m in msgs:
        for lang in ("ja", "en"):
            text = render(m, lang)
            assert "{" not in text and "None" not in text and "nan" not in text
    between = next(m for m in msgs if m["kind"] == "robustness.verdict.keeps_first_between")
    assert render(between, "ja") == (
        "自律性の重みが20.0%〜80.0%の間（現在50.0%、他の重みは比例配分）なら天然黒鉛は1位のままです。"
        "それより低いとヨウ素、高いとガリウムが1位になります。"
    )
    central = next(m for m in msgs if m["kind"] == "robustness.verdict.central")
    assert render(central, "ja") == "天然黒鉛が1位となる重みの平均（中心重み）：自律性 55%、確保コスト 45%。"


# --------------------------------------------------------------------------- two-criterion WSM

# A = (1, 0), B = (0, 1), C = (0.6, 0.6), w = (0.7, 0.3): scores A .7, B .3, C .6 — A first.
# Sweep w_aut = t (w_ind = 1 − t): A = t, B = 1 − t, C = .6, so A stays first iff t ≥ .6
# (below, C takes over); equivalently w_ind ≤ .4 (above, C takes over).
TWO = pd.DataFrame(
    {
        "id": ["A", "B", "C"],
        "name_ja": ["甲", "乙", "丙"],
        "name_en": ["Alpha", "Beta", "Gamma"],
        "autonomy": [1.0, 0.0, 0.6],
        "indispensability": [0.0, 1.0, 0.6],
    }
)
TWO_MODEL = {
    "name": "two",
    "method": "wsm",
    "normalisation": "none",
    "criteria": [
        {"id": "aut", "column": "autonomy", "direction": "max", "weight": 0.7, "label_ja": "自律性",
         "label_en": "Autonomy"},
        {"id": "ind", "column": "indispensability", "direction": "max", "weight": 0.3, "label_ja": "不可欠性",
         "label_en": "Indispensability"},
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def two_result() -> dict:
    case = Case(root=Path("/nonexistent-case"), goods=TWO.copy())
    return run_robustness(case, {"model_snapshot": TWO_MODEL, "samples": 4000, "seed": 1}).result


def test_first_place_interval_by_hand_for_a_two_criterion_weighted_sum(two_result: dict) -> None:
    iv = {r["criterion"]: r for r in first_place_intervals(two_result, "A")}
    assert iv["aut"]["low"] == pytest.approx(0.6) and iv["aut"]["high"] == 1.0
    assert iv["aut"]["low_with"] == "C" and iv["aut"]["high_with"] is None
    assert iv["ind"]["low"] == 0.0 and iv["ind"]["high"] == pytest.approx(0.4)
    assert iv["ind"]["high_with"] == "C"


def test_robustness_json_keeps_its_fields_and_adds_the_verdict(two_result: dict) -> None:
    json.dumps(two_result)
    assert {"samples", "acceptability", "central_weights", "confidence", "thresholds", "tornado"} <= set(
        two_result
    )
    v = two_result["verdict"]
    assert all({"kind", "text_ja", "text_en"} <= set(m) for m in v)
    by_kind = {m["kind"]: m for m in v}
    below = by_kind["robustness.verdict.keeps_first_below"]
    assert below["criterion"] == "aut" and below["low"] == pytest.approx(0.6) and below["exact"] is True
    assert below["text_ja"] == (
        "自律性の重みが60.0%以上（現在70.0%、他の重みは比例配分）なら甲は1位のままです。それより低いと丙が1位になります。"
    )
    above = by_kind["robustness.verdict.keeps_first_above"]
    assert above["criterion"] == "ind" and above["high"] == pytest.approx(0.4)
    assert above["text_en"] == (
        "Alpha stays first while the weight of Indispensability is at most 40.0% (now 30.0%; the others "
        "rescaled in proportion). Above that Gamma takes first place."
    )
    # headline: under uniform weights on the line, A is first iff w_aut ≥ .6 → b_A^1 ≈ 0.4
    head = next(m for m in v if m["kind"] == "robustness.verdict.headline" and m["id"] == "A")
    assert head["first"] == pytest.approx(0.4, abs=0.03)


def test_cli_table_prints_the_verdict_in_japanese_by_default(tmp_path: Path) -> None:
    d = tmp_path / "case"
    d.mkdir()
    TWO.to_csv(d / "goods.csv", index=False)
    (d / "two.yaml").write_text(yaml.safe_dump(TWO_MODEL, allow_unicode=True), encoding="utf-8")
    args = ["robustness", str(d), "--model", str(d / "two.yaml"), "--samples", "2000", "--no-audit"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("頑健性の結論\n・甲は重みの取り方の")
    assert "自律性の重みが60.0%以上" in r.stdout
    r = CliRunner().invoke(app, [*args, "--lang", "en"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("Robustness verdict\n- Alpha ranks first under")
    r = CliRunner().invoke(app, [*args, "-f", "json"])
    assert json.loads(r.stdout)["verdict"][0]["kind"] == "robustness.verdict.headline"


def test_a_stored_result_is_worded_from_its_own_names_and_labels(two_result: dict) -> None:
    assert two_result["names"]["A"] == {"name_ja": "甲", "name_en": "Alpha"}
    again = verdict(two_result)  # names and labels from the result (names, tornado bars)
    assert [render(m, "ja") for m in again] == [m["text_ja"] for m in two_result["verdict"]]
