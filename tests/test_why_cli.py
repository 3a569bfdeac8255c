"""``prioritizer rank inputs/default --why A,B`` end to end (DESIGN §6 ``why``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from prioritizer.case import load_case
from prioritizer.cli import app
from prioritizer.scoring import api

DEFAULT = Path(__file__).resolve().parents[1] / "inputs" / "default"


def _rank(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, ["rank", str(DEFAULT), "--no-audit", *args])
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture(scope="module")
def default_why() -> dict:
    code, out, err = _rank("--why", "natural_graphite,drones", "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_json_carries_the_design_fields_and_parts_sum_to_the_gap(default_why: dict) -> None:
    w = default_why["why"]
    assert {"a", "b", "score_a", "score_b", "gap", "by_criterion", "swap", "text_ja", "text_en"} <= set(w)
    assert (w["a"], w["b"]) == ("natural_graphite", "drones")
    scores = {row["id"]: row["score"] for row in default_why["ranking"]}
    assert w["score_a"] == scores["natural_graphite"] and w["score_b"] == scores["drones"]
    assert w["gap"] == pytest.approx(w["score_a"] - w["score_b"], abs=1e-15)
    assert set(w["by_criterion"]) == {c["id"] for c in default_why["criteria"]}
    assert sum(w["by_criterion"].values()) == pytest.approx(w["gap"], abs=1e-12)
    assert "天然黒鉛" in w["text_ja"] and "ドローン" in w["text_ja"]
    assert "Natural graphite" in w["text_en"]
    # raw values and weights side by side
    rows = {c["criterion"]: c for c in w["criteria"]}
    assert rows["autonomy"]["value_a"] == 0.05 and rows["autonomy"]["value_b"] == 0.2  # goods.csv
    assert rows["autonomy"]["label_ja"] == "自律性"


def test_default_swap_reverses_the_pair_when_the_case_is_rescored(default_why: dict) -> None:
    """The default model is TOPSIS (numerical swap): re-score with the returned weights."""
    sw = default_why["why"]["swap"]
    assert sw["possible"]
    case = load_case(DEFAULT)
    before = np.array(list(sw["weights_before"].values()))
    step = np.array(list(sw["weights_after"].values())) - before

    def order(scale: float) -> float:
        r = api.score(case, weights=dict(zip(sw["weights_after"], before + scale * step, strict=True)))
        return float(r.scores[r.ids.index("natural_graphite")] - r.scores[r.ids.index("drones")])

    assert order(1.0) <= 1e-12  # level (or past it) at the returned weights
    assert order(0.99) > 0  # a slightly smaller change keeps natural graphite ahead
    if (before + 1.01 * step).min() >= 0:
        assert order(1.01) < 0


@pytest.mark.parametrize("method", ["wsm", "topsis", "vikor", "promethee_ii"])
def test_default_case_parts_sum_to_the_gap_for_every_method(method: str) -> None:
    code, out, err = _rank("--why", "natural_graphite,antimony", "--method", method, "-f", "json")
    assert code == 0, err
    w = json.loads(out)["why"]
    assert sum(w["by_criterion"].values()) == pytest.approx(w["gap"], abs=1e-12)
    assert w["swap"]["exact"] is (method in ("wsm", "promethee_ii"))


def test_table_output_speaks_japanese_by_default_and_english_on_request() -> None:
    code, out, err = _rank("--why", "natural_graphite,drones")
    assert code == 0, err
    assert out.startswith("天然黒鉛はドローンより得点が")
    assert "得点差への寄与" in out and "合計（得点差）" in out
    assert "None" not in out and "nan" not in out and "by_criterion" not in out
    code, out, err = _rank("--why", "natural_graphite,drones", "--lang", "en")
    assert code == 0, err
    assert out.startswith("Natural graphite scores") and "Part of the gap" in out


def test_csv_output_is_the_breakdown() -> None:
    code, out, err = _rank("--why", "natural_graphite,drones", "-f", "csv", "--lang", "en")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0].startswith("Criterion,Direction,Weight,Natural graphite: value")
    assert len(lines) == 1 + 4 + 1  # header, four criteria, total


def test_unknown_id_is_named_with_the_closest_ids() -> None:
    code, out, err = _rank("--why", "natural_graphit,drones")
    assert code != 0 and out == ""
    assert "natural_graphit" in err and "closest ids: natural_graphite" in err


@pytest.mark.parametrize("arg", ["drones", "drones,drones", "a,b,c"])
def test_malformed_pair_is_a_clear_error(arg: str) -> None:
    code, out, err = _rank("--why", arg, "-f", "json")
    assert code != 0 and out == ""
    doc = json.loads(err)
    assert doc["errors"][0]["file"] == "--why"
