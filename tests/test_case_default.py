"""The embedded default case (inputs/default) validates, at the scale issue 2 asks for, quickly.

These tests fail — they do not skip — when the folder is missing: the default case is a
deliverable, and the app starts on it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prioritizer.case import load_case
from prioritizer.case.schemas import INSTRUMENTS
from prioritizer.cli import app
from prioritizer.errors import InputError

DEFAULT = Path(__file__).resolve().parents[1] / "inputs" / "default"


def load_default():  # type: ignore[no-untyped-def]
    assert (DEFAULT / "goods.csv").is_file(), f"{DEFAULT}/goods.csv is missing"
    try:
        return load_case(DEFAULT)
    except InputError as exc:
        listing = "\n".join(f"{i.file}:{i.row}:{i.column}: {i.value!r}: {i.message}" for i in exc.issues)
        pytest.fail(f"inputs/default does not validate ({len(exc.issues)} problems):\n{listing}")


def test_default_case_validates() -> None:
    case = load_default()
    assert case.policy is not None, "inputs/default/policy.yaml is missing"
    for name in ("flows", "countries", "projects", "scenarios", "links"):
        assert case.table(name) is not None, f"inputs/default/{name}.csv is missing"


def test_default_case_scale() -> None:
    """The minimum sizes of issue 2 §4."""
    case = load_default()
    assert len(case.goods) >= 50
    assert len(case.countries) >= 40
    assert len(case.projects) >= 40
    assert len(case.scenarios) >= 8
    assert case.flows["period"].nunique() >= 24
    assert set(INSTRUMENTS) <= set(case.projects["instrument"])


def test_default_case_rows_carry_a_source() -> None:
    case = load_default()
    for name in ("goods", "flows", "countries", "projects", "scenarios", "links"):
        df = case.table(name)
        assert "source" in df.columns, f"{name}.csv has no source column"
        blank = df.index[df["source"] == ""].tolist()
        assert not blank, (
            f"{name}.csv: rows without a source at spreadsheet rows {[r + 2 for r in blank][:10]}"
        )


def test_validate_command_on_default_case() -> None:
    res = CliRunner().invoke(app, ["validate", str(DEFAULT), "--format", "json"], catch_exceptions=False)
    assert res.exit_code == 0, res.stdout
    doc = json.loads(res.stdout)
    assert doc["valid"] is True and doc["counts"]["goods"] >= 50
