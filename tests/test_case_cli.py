"""``prioritizer validate`` (DESIGN §5): exit codes, the three formats, every problem in one run."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from prioritizer.cli import app

BAD_FIVE = Path(__file__).parent / "cases" / "bad_five"

#: the five mistakes of tests/cases/bad_five (see its README.md)
FIVE = {
    ("goods.csv", 3, "sector"),
    ("flows.csv", 3, "period"),
    ("flows.csv", 4, "good_id"),
    ("projects.csv", 2, "cost"),
    ("policy.yaml", None, "limits.0.value"),
}

runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["validate", *args], catch_exceptions=False)


def test_five_mistakes_reported_in_one_run_json() -> None:
    res = invoke(str(BAD_FIVE), "--format", "json")
    assert res.exit_code == 2
    doc = json.loads(res.stdout)
    assert doc["valid"] is False
    assert {(e["file"], e["row"], e["column"]) for e in doc["errors"]} == FIVE
    assert set(doc["errors"][0]) == {"file", "row", "column", "value", "message"}
    assert doc["counts"] == {"goods": 3, "flows": 3, "projects": 2}
    by_col = {e["column"]: e for e in doc["errors"]}
    assert "allowed: computing, cleantech, biotech, other" in by_col["sector"]["message"]
    assert by_col["period"]["value"] == "2024-13"
    assert "did you mean 'gallium'" in by_col["good_id"]["message"]


def test_five_mistakes_table_format_lists_each_message() -> None:
    res = invoke(str(BAD_FIVE))
    assert res.exit_code == 2
    out = res.stdout
    assert "5 problems found" in out
    for fragment in (
        "unknown sector 'semiconductor'",
        "'2024-13' is not a month",
        "unknown good 'galium'",
        "cost cannot be negative",
        "limit on domain 'dependance' matches nothing",
    ):
        assert fragment in out


def test_five_mistakes_csv_format(tmp_path: Path) -> None:
    out = tmp_path / "errors.csv"
    res = invoke(str(BAD_FIVE), "--format", "csv", "--out", str(out), "--no-audit", "--db", "sqlite://")
    assert res.exit_code == 2
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["file"] for r in rows] == ["goods.csv", "flows.csv", "flows.csv", "projects.csv", "policy.yaml"]
    assert [r["row"] for r in rows] == ["3", "3", "4", "2", ""]


def test_valid_case_exits_zero_with_counts(minimal_case: Path) -> None:
    res = invoke(str(minimal_case), "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["valid"] is True and doc["errors"] == []
    assert doc["counts"] == {
        "goods": 5,
        "flows": 4,
        "countries": 3,
        "projects": 4,
        "scenarios": 1,
        "links": 2,
    }


def test_valid_case_table_summary(minimal_case: Path) -> None:
    res = invoke(str(minimal_case), "--lang", "en")
    assert res.exit_code == 0
    assert "valid" in res.stdout
    assert "goods" in res.stdout and "projects" in res.stdout
    assert "budget total=700 億円" in res.stdout
    ja = invoke(str(minimal_case))  # Japanese by default
    assert "問題はありません" in ja.stdout and "総予算 700 億円" in ja.stdout


def test_policy_override_option(minimal_case: Path, tmp_path: Path) -> None:
    pol = tmp_path / "what_if.yaml"
    pol.write_text("budget: {total: -1}\n", encoding="utf-8")
    res = invoke(str(minimal_case), "--policy", str(pol), "--format", "json")
    assert res.exit_code == 2
    doc = json.loads(res.stdout)
    assert [(e["file"], e["column"]) for e in doc["errors"]] == [("what_if.yaml", "budget.total")]


def test_missing_case_is_a_clean_error(tmp_path: Path) -> None:
    res = invoke(str(tmp_path / "nope"), "--format", "json")
    assert res.exit_code == 2
    assert "no such folder or file" in json.loads(res.stdout)["errors"][0]["message"]
