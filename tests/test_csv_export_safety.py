"""CSV exports for people neutralise formula text; case files stay byte-for-byte (issue 25).

Before, ``--format csv`` and the app's download buttons wrote a project named
``=cmd|' /C calc'!A0`` raw, so opening the export in Excel ran it as a formula (the XLSX report
already neutralised it). Now every such export prefixes text starting with = + - @ tab or CR
with a single quote (OWASP); numbers — including negative numbers written as text — are left
alone, and the case files the product rewrites still load back identically."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from prioritizer.case import load_case
from prioritizer.cli import app
from prioritizer.csvsafe import neutralise, to_csv

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD = "=cmd|' /C calc'!A0"


def test_text_cells_are_quoted_and_numbers_are_not():
    df = pd.DataFrame(
        {
            "name": [PAYLOAD, "+1+2", "@SUM(A1:A9)", "\t=x", "=A1", "-2+3", "plain", None],
            "shown": ["-3.5", "+1,200", "-12%", "-1,234,567.25", "-5e+12", "-", "—", "1e-09"],
            "value": [-3.5, 1.0, -0.25, 0.0, 2.0, -7.0, 3.0, 4.0],
            "mixed": [-3, "=1", 2.5, "x", None, "-4", "+", "@"],
        }
    )
    rows = list(csv.reader(io.StringIO(to_csv(df))))
    assert rows[0] == ["name", "shown", "value", "mixed"]
    # hand-written expectation: text that a spreadsheet would run gets a leading quote
    assert [r[0] for r in rows[1:]] == [
        "'" + PAYLOAD,
        "'+1+2",
        "'@SUM(A1:A9)",
        "'\t=x",
        "'=A1",
        "'-2+3",
        "plain",
        "",
    ]
    # numbers written as text stay as they are; a lone "-" is text and is quoted
    assert [r[1] for r in rows[1:]] == [
        "-3.5",
        "+1,200",
        "-12%",
        "-1,234,567.25",
        "-5e+12",
        "'-",
        "—",
        "1e-09",
    ]
    assert [r[2] for r in rows[1:]] == ["-3.5", "1.0", "-0.25", "0.0", "2.0", "-7.0", "3.0", "4.0"]
    assert [r[3] for r in rows[1:]] == ["-3", "'=1", "2.5", "x", "", "-4", "'+", "'@"]
    assert df.loc[0, "name"] == PAYLOAD  # the caller's frame is not changed
    assert neutralise(-3.5) == -3.5 and neutralise(PAYLOAD) == "'" + PAYLOAD
    assert neutralise("\r=x") == "'\r=x"


@pytest.fixture(scope="module")
def hostile_case(tmp_path_factory) -> Path:
    """The default case with a formula as one good's and one project's name."""
    case = tmp_path_factory.mktemp("hostile") / "case"
    shutil.copytree(ROOT / "inputs" / "default", case)
    goods = (case / "goods.csv").read_text(encoding="utf-8")
    (case / "goods.csv").write_text(goods.replace(",天然黒鉛,", f",{PAYLOAD},", 1), encoding="utf-8")
    projects = (case / "projects.csv").read_text(encoding="utf-8")
    projects = projects.replace(",レアアース分離・精製設備の国内整備,", f",{PAYLOAD},", 1)
    (case / "projects.csv").write_text(projects, encoding="utf-8")
    return case


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


@pytest.mark.parametrize("command", ["rank", "allocate"])
def test_format_csv_neutralises_a_formula_name(hostile_case, command):
    res = CliRunner().invoke(app, [command, str(hostile_case), "--format", "csv", "--no-audit"])
    assert res.exit_code == 0, res.output
    cells = _cells(res.stdout)
    assert "'" + PAYLOAD in cells
    assert not any(c.startswith(("=", "@")) for c in cells)  # nothing a spreadsheet would run
    if command == "rank":  # negative contributions stay numbers
        assert any(c.startswith("-0.") and float(c) < 0 for c in cells)


def test_validate_csv_neutralises_a_formula_value(minimal_files, write_case):
    minimal_files["goods.csv"] = minimal_files["goods.csv"].replace(
        ",computing,dependence,", f",{PAYLOAD},dependence,", 1
    )
    res = CliRunner().invoke(app, ["validate", str(write_case(minimal_files)), "--format", "csv"])
    assert res.exit_code == 2
    cells = _cells(res.stdout)
    assert "'" + PAYLOAD in cells and PAYLOAD not in cells


def test_the_apps_download_button_neutralises(monkeypatch):
    import prioritizer.app.state as state

    got: dict = {}
    monkeypatch.setattr(state.st, "download_button", lambda label, data, **kw: got.update(data=data, **kw))
    monkeypatch.setattr(state, "tr", lambda key: key)
    state.download(pd.DataFrame({"名称": [PAYLOAD], "値": [-3.5]}), "ranking")
    text = got["data"].decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [["名称", "値"], ["'" + PAYLOAD, "-3.5"]]
    assert got["file_name"] == "ranking.csv"


def test_case_files_the_product_rewrites_keep_the_text_exactly(hostile_case, tmp_path):
    """The app's case save writes tables with case_edit.table_csv: they must load back as given."""
    from prioritizer.app.case_edit import edit_case, raw_table

    case = load_case(hostile_case)
    edited = {"projects": raw_table(case, "projects")}
    outcome = edit_case(case, edited, tmp_path)
    assert outcome.case is not None, outcome.issues
    assert PAYLOAD.encode() in outcome.files["projects.csv"]
    assert "'" + PAYLOAD not in outcome.files["projects.csv"].decode("utf-8")
    names = dict(zip(outcome.case.projects["id"], outcome.case.projects["name_ja"], strict=True))
    assert names["p_ree_separation"] == PAYLOAD
