"""A case as one XLSX workbook (a sheet per table, a key/value ``policy`` sheet).

The workbook is built here with openpyxl from the same minimal case as the CSV
tests, with cells typed the way Excel types them (numbers, booleans, and months
turned into dates), and must load into exactly the same frames as the CSV folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from prioritizer.case import load_case
from prioritizer.errors import InputError

POLICY_ROWS = [
    ("model", "default"),
    ("budget.total", 700),
    ("limits", "[{group: instrument, value: stockpile, max: 200}]"),
    ("stockpile.target_days", 60),
    ("stockpile.target_days_by_good.gallium", 180),
]


def excel_value(cell: str) -> object:
    """What Excel stores when a user types ``cell``."""
    if cell in ("true", "false"):
        return cell == "true"
    if re.fullmatch(r"\d{4}-\d{2}", cell):
        y, m = map(int, cell.split("-"))
        return dt.datetime(y, m, 1)  # Excel turns "2024-01" into the date 2024-01-01
    try:
        f = float(cell)
    except ValueError:
        return cell or None
    return int(f) if f.is_integer() else f


def build_workbook(files: dict[str, str], path: Path, policy_rows=POLICY_ROWS, mutate=None) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for fname, text in files.items():
        if not fname.endswith(".csv"):
            continue
        ws = wb.create_sheet(fname.removesuffix(".csv"))
        for k, rec in enumerate(csv.reader(io.StringIO(text))):
            ws.append(rec if k == 0 else [excel_value(c) for c in rec])
    if policy_rows is not None:
        ws = wb.create_sheet("policy")
        ws.append(["key", "value"])
        for row in policy_rows:
            ws.append(list(row))
    if mutate is not None:
        mutate(wb)
    wb.save(path)
    return path


def test_workbook_loads_like_the_csv_folder(minimal_case: Path, minimal_files, tmp_path: Path) -> None:
    book = build_workbook(minimal_files, tmp_path / "case.xlsx")
    from_csv = load_case(minimal_case)
    from_xlsx = load_case(book)
    for table in ("goods", "flows", "countries", "projects", "scenarios", "links"):
        a, b = from_csv.table(table), from_xlsx.table(table)
        pd.testing.assert_frame_equal(a, b, obj=table)
    assert from_xlsx.policy == from_csv.policy
    assert set(from_xlsx.files) == {"case.xlsx"}
    assert from_xlsx.files["case.xlsx"] == book.read_bytes()
    assert from_xlsx.name == "case"
    assert from_xlsx.flows["period"].tolist()[:2] == ["2024-01", "2024-01"]


def test_workbook_issues_name_sheet_and_row(minimal_files, tmp_path: Path) -> None:
    def mutate(wb: Workbook) -> None:
        wb["flows"]["C4"] = "2024-13"  # row 4 of the flows sheet: a bad month
        wb["projects"]["E3"] = -5  # negative cost
        wb["goods"]["D6"] = "semis"  # unknown sector

    policy_rows = [*POLICY_ROWS[:1], ("budget.total", -1), *POLICY_ROWS[2:]]
    book = build_workbook(minimal_files, tmp_path / "bad.xlsx", policy_rows=policy_rows, mutate=mutate)
    with pytest.raises(InputError) as info:
        load_case(book)
    got = [(i.file, i.row, i.column) for i in info.value.issues]
    assert got == [
        ("bad.xlsx[goods]", 6, "sector"),
        ("bad.xlsx[flows]", 4, "period"),
        ("bad.xlsx[projects]", 3, "cost"),
        ("bad.xlsx[policy]", 3, "budget.total"),
    ]


def test_workbook_without_goods_sheet(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "notes"
    wb.save(tmp_path / "empty.xlsx")
    with pytest.raises(InputError) as info:
        load_case(tmp_path / "empty.xlsx")
    [issue] = info.value.issues
    assert issue.file == "empty.xlsx[goods]" and "sheet named 'goods'" in issue.message


def test_not_a_workbook(tmp_path: Path) -> None:
    (tmp_path / "fake.xlsx").write_bytes(b"id,name_ja\n")
    with pytest.raises(InputError) as info:
        load_case(tmp_path / "fake.xlsx")
    [issue] = info.value.issues
    assert issue.file == "fake.xlsx" and "not a readable .xlsx workbook" in issue.message


def test_policy_sheet_needs_key_value_header(minimal_files, tmp_path: Path) -> None:
    def mutate(wb: Workbook) -> None:
        wb["policy"]["A1"] = "setting"

    book = build_workbook(minimal_files, tmp_path / "p.xlsx", mutate=mutate)
    with pytest.raises(InputError) as info:
        load_case(book)
    assert [(i.file, i.row) for i in info.value.issues] == [("p.xlsx[policy]", 1)]
