"""Every YAML the product reads refuses anchors/aliases and deep nesting (issue 25 hardening, issue 26).

Before: a "billion laughs" policy.yaml passed ``validate`` and then made ``allocate`` take more
than 7.5 GB; 5,000 nested brackets ended in a RecursionError. Now each is an input error that
names the file and the line, raised before the document is built. The bomb is only validated
and loaded here, never allocated, and the CLI runs under a 2 GB address-space budget so that a
regression fails instead of exhausting the machine."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_case_xlsx import POLICY_ROWS, build_workbook

from prioritizer import yamlsafe
from prioritizer.case import load_case
from prioritizer.errors import InputError

CLI = Path(sys.executable).parent / "prioritizer"

#: nine levels of nine references: 9**9 = 387,420,489 strings once expanded (the classic bomb)
BOMB = "".join(
    [
        'lol0: &lol0 "lol"\n',
        *(f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 9)}]\n" for i in range(1, 10)),
    ]
)
DEEP = "[" * 5000 + "]" * 5000


def _validate(case: Path) -> subprocess.CompletedProcess[str]:
    def budget() -> None:  # runs in the child: 2 GB of address space (validate runs within 1 GB;
        # the expanded bomb needs more than 7.5 GB, so a regression fails here instead of swapping)
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    # one BLAS thread: per-thread arenas on a many-core machine would eat into the budget
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    return subprocess.run(
        [str(CLI), "validate", str(case), "--format", "json"],
        preexec_fn=budget,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _policy_errors(res: subprocess.CompletedProcess[str]) -> list[dict]:
    assert res.returncode == 2, (res.returncode, res.stdout[-500:], res.stderr[-2000:])
    assert "Traceback" not in res.stderr
    return [e for e in json.loads(res.stdout)["errors"] if e["file"] == "policy.yaml"]


def test_a_billion_laughs_policy_fails_validate_naming_the_file_and_line(minimal_files, write_case):
    # the bomb sits under an extra top-level key (allowed: e.g. generated_by), so only the
    # alias rule can stop it
    minimal_files["policy.yaml"] += BOMB + "notes: *lol9\n"
    errors = _policy_errors(_validate(write_case(minimal_files)))
    assert len(errors) == 1
    line = minimal_files["policy.yaml"].splitlines().index('lol0: &lol0 "lol"') + 1
    assert errors[0]["message"].startswith(f"line {line}, column 7: YAML anchor '&lol0' is not allowed")


def test_five_thousand_nested_brackets_are_a_clear_error_not_a_recursion_error(minimal_files, write_case):
    minimal_files["policy.yaml"] += f"notes: {DEEP}\n"
    errors = _policy_errors(_validate(write_case(minimal_files)))
    assert len(errors) == 1
    assert f"nested more than {yamlsafe.MAX_DEPTH} levels deep" in errors[0]["message"]
    assert errors[0]["message"].startswith("line 9, column ")  # the policy's ninth line holds the brackets


def test_the_loader_refuses_an_alias_alone_and_accepts_depth_up_to_the_limit(minimal_files, write_case):
    minimal_files["policy.yaml"] += "generated_by: {a: 1}\nnotes: *nowhere\n"
    with pytest.raises(InputError) as exc:
        load_case(write_case(minimal_files))
    [issue] = [i for i in exc.value.issues if i.file == "policy.yaml"]
    assert "alias '*nowhere' is not allowed" in issue.message and issue.message.startswith("line 10")
    n = yamlsafe.MAX_DEPTH - 1  # the mapping is the first level
    value: list = []
    for _ in range(n - 1):
        value = [value]
    assert yamlsafe.load("x: " + "[" * n + "]" * n) == {"x": value}
    with pytest.raises(yamlsafe.YamlRefused, match="nested more than 64"):
        yamlsafe.load("x: " + "[" * (n + 1) + "]" * (n + 1))


def test_a_workbook_policy_cell_with_an_alias_names_the_sheet_row_and_key(minimal_files, tmp_path):
    rows = [*POLICY_ROWS, ("notes", "[&a [1, 2], *a]")]
    path = build_workbook(minimal_files, tmp_path / "case.xlsx", policy_rows=rows)
    with pytest.raises(InputError) as exc:
        load_case(path)
    [issue] = [i for i in exc.value.issues if i.column == "notes"]
    assert issue.row == len(rows) + 1 and "anchor '&a' is not allowed" in issue.message


def test_model_grid_and_policy_option_files_refuse_the_bomb(tmp_path, minimal_case):
    from prioritizer.cli.allocate import _policy_snapshot
    from prioritizer.model import load_model
    from prioritizer.study.grid import read_grid

    model = tmp_path / "bomb_model.yaml"
    model.write_text(BOMB + "name: x\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_model(str(model))
    assert exc.value.issues[0].file == str(model) and "anchor '&lol0'" in exc.value.issues[0].message

    grid = tmp_path / "STUDY.yaml"
    grid.write_text(f"budgets: {DEEP}\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_grid(grid)
    assert exc.value.issues[0].file == "STUDY.yaml" and "nested more than" in exc.value.issues[0].message

    policy = tmp_path / "other_policy.yaml"
    policy.write_text(BOMB, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        _policy_snapshot(policy)
    assert exc.value.issues[0].file == str(policy) and "anchor" in exc.value.issues[0].message


def test_a_syntax_error_still_reads_as_before():
    with pytest.raises(yaml.YAMLError):
        yamlsafe.load("x: [\n")
