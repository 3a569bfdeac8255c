"""A case may name a decision model only inside itself or the repository's models/ (issue 25).

Before, ``model: ../../../../etc/passwd`` in policy.yaml was read as a model file. A case is
data that may come from someone else; a path it names must stay inside the case folder or
models/ once ``..`` and symbolic links are resolved. ``--model`` on the command line is the
user's own choice and stays free."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_case_xlsx import POLICY_ROWS, build_workbook
from typer.testing import CliRunner

from prioritizer.case import load_case
from prioritizer.cli import app
from prioritizer.errors import InputError
from prioritizer.model import MODELS_DIR, load_model


def _with_model(files: dict, ref: str) -> dict:
    out = dict(files)
    out["policy.yaml"] = out["policy.yaml"].replace("model: default\n", f"model: {ref}\n")
    assert f"model: {ref}\n" in out["policy.yaml"]
    return out


def _refused(case: Path) -> None:
    with pytest.raises(InputError) as exc:
        load_case(case)
    [issue] = exc.value.issues
    assert issue.column == "model" and "inside the case folder" in issue.message


def test_a_policy_model_path_out_of_the_case_is_an_error_naming_policy_yaml_and_the_key(
    minimal_files, write_case
):
    case = write_case(_with_model(minimal_files, "../../../../etc/passwd"))
    with pytest.raises(InputError) as exc:
        load_case(case)
    [issue] = exc.value.issues
    assert (issue.file, issue.row, issue.column, issue.value) == (
        "policy.yaml",
        None,
        "model",
        "../../../../etc/passwd",
    )
    assert "inside the case folder or the repository's models/ folder" in issue.message
    assert "/etc/passwd" in issue.message
    res = CliRunner().invoke(app, ["validate", str(case), "--format", "json"])
    assert res.exit_code == 2 and '"column": "model"' in res.stdout
    res = CliRunner().invoke(app, ["rank", str(case), "--no-audit", "--format", "json"])
    assert res.exit_code == 2 and "root:" not in res.output  # nothing of the file was read


def test_absolute_paths_and_symlinks_out_of_the_case_are_refused(minimal_files, write_case, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    shutil.copy(MODELS_DIR / "default.yaml", outside)
    _refused(write_case(_with_model(minimal_files, str(outside)), "abs"))
    case = write_case(_with_model(minimal_files, "mine"), "link")
    (case / "models").mkdir()
    os.symlink(outside, case / "models" / "mine.yaml")  # a name whose file links out of the case
    _refused(case)


def test_a_workbook_policy_names_the_sheet_row(minimal_files, tmp_path):
    rows = [("model", "../../etc/passwd"), *POLICY_ROWS[1:]]
    with pytest.raises(InputError) as exc:
        load_case(build_workbook(minimal_files, tmp_path / "case.xlsx", policy_rows=rows))
    [issue] = exc.value.issues
    assert (issue.row, issue.column) == (2, "model")


def test_models_inside_the_case_or_models_dir_still_load(minimal_files, write_case):
    case = write_case(_with_model(minimal_files, "models/own.yaml"), "own")
    (case / "models").mkdir()
    shutil.copy(MODELS_DIR / "default.yaml", case / "models" / "own.yaml")
    assert load_case(case).policy.model == "models/own.yaml"
    assert load_model("models/own.yaml", case).file == str(case / "models" / "own.yaml")
    repo = write_case(_with_model(minimal_files, str(MODELS_DIR / "default.yaml")), "repo")
    assert load_case(repo).policy is not None  # the repository's models/ by absolute path
    assert load_case(write_case(minimal_files, "named")).policy.model == "default"


def test_the_command_line_may_still_name_any_model_file(tmp_path):
    outside = tmp_path / "mine.yaml"
    shutil.copy(MODELS_DIR / "default.yaml", outside)
    default_case = Path(__file__).resolve().parents[1] / "inputs" / "default"
    res = CliRunner().invoke(
        app, ["rank", str(default_case), "--model", str(outside), "--no-audit", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    assert Path(outside).name in res.stdout  # the run names the model file it read
