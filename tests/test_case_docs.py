"""docs/data-format.md documents every column of every schema, with its allowed values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from prioritizer.case.policy import Budget, Policy, Stockpile
from prioritizer.case.schemas import SCHEMAS

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-format.md"


def section(table: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    m = re.search(rf"^### `{table}\.csv`.*?(?=^### |^## )", text, flags=re.S | re.M)
    assert m, f"no section for {table}.csv in {DOC.name}"
    return m.group(0)


@pytest.mark.parametrize("table", list(SCHEMAS))
def test_every_column_is_documented(table: str) -> None:
    sec = section(table)
    for col in SCHEMAS[table].columns:
        assert f"| `{col.name}` |" in sec, f"{table}.{col.name} missing from {DOC.name}"
        for choice in col.choices:
            assert f"`{choice}`" in sec


def test_every_policy_key_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for key in Policy.model_fields:
        if key not in ("budget", "stockpile", "limits"):
            assert f"`{key}`" in text
    for prefix, model in (("budget", Budget), ("stockpile", Stockpile)):
        for key in model.model_fields:
            assert f"`{prefix}.{key}`" in text, f"{prefix}.{key}"
