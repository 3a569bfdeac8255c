"""``prioritizer robustness`` end to end through the CLI (case folder on disk, matrix stubbed
at the scoring boundary as in test_robustness_service)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prioritizer.cli import app
from tests.test_robustness_service import stub  # noqa: F401  (fixture)


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    d = tmp_path / "case"
    d.mkdir()
    (d / "goods.csv").write_text(
        "id,name_en,autonomy,indispensability\nA,a,1.0,0.0\nB,b,0.0,1.0\nC,c,0.6,0.6\n", encoding="utf-8"
    )
    return d


def _run(args: list[str]) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, ["robustness", *args])
    return r.exit_code, r.stdout, r.stderr


@pytest.mark.usefixtures("stub")
def test_json_reproducible_and_quiet(case_dir: Path) -> None:
    args = [str(case_dir), "--samples", "4000", "--seed", "5", "--format", "json", "--no-audit"]
    code, out, err = _run(args)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["run_id"] is None and doc["samples"] == 4000 and doc["seed"] == 5
    assert set(doc["acceptability"]) == {"A", "B", "C"} and len(doc["acceptability"]["A"]) == 3
    assert err == ""  # no progress bar in JSON mode / without a terminal
    assert json.loads(_run(args)[1]) == doc


@pytest.mark.usefixtures("stub")
def test_weights_order_option(case_dir: Path) -> None:
    code, out, err = _run(
        [
            str(case_dir),
            "--samples",
            "2000",
            "--weights-order",
            "autonomy>indispensability",
            "-f",
            "json",
            "--no-audit",
        ]
    )
    assert code == 0, err
    assert json.loads(out)["acceptability"]["B"][0] == 0.0


@pytest.mark.usefixtures("stub")
def test_bad_input_exit_code_and_message(case_dir: Path) -> None:
    code, out, err = _run(
        [str(case_dir), "--samples", "0", "--weights-order", "autonomy>bogus", "--no-audit"]
    )
    assert code == 2 and out == ""
    assert "unknown criterion 'bogus'" in err and "between 1 and" in err  # both reported at once


@pytest.mark.usefixtures("stub")
def test_table_output(case_dir: Path) -> None:
    code, out, err = _run([str(case_dir), "--samples", "1000", "--no-audit"])
    assert code == 0, err
    assert "1位の受容度" in out and "総合受容度" in out and "A" in out  # localised headers, Japanese first
