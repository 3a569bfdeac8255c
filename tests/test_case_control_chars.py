"""Control characters in a case cell are an error naming file, row and column (issue 25, hardening).

Before, a NUL, an ESC colour sequence or a right-to-left override inside a goods name loaded
silently (and came back raw in every table, report and terminal). Now each is an issue — the
same from both CSV engines and from a workbook — and every issue quotes the cell with the
character escaped. Tab, CR and LF stay allowed where the format holds them (a quoted CSV cell)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_case_engines import assert_same
from test_case_xlsx import build_workbook
from typer.testing import CliRunner

from prioritizer.case import control, load_case
from prioritizer.cli import app
from prioritizer.errors import InputError

HINT = "delete it (a cell may hold text, tabs and line breaks, but no invisible control characters)"


def _issues(root: Path, engine: str) -> list[tuple]:
    with pytest.raises(InputError) as exc:
        load_case(root, engine=engine)
    return [(i.file, i.row, i.column, i.value, i.message) for i in exc.value.issues]


@pytest.mark.parametrize(
    ("inserted", "shown", "named"),
    [
        ("\x00", "\\x00", "U+0000 (NUL)"),
        ("\x1b[31m", "\\x1b[31m", "U+001B (ESC)"),
        ("\x7f", "\\x7f", "U+007F (DEL)"),
        ("\x9b", "\\x9b", "U+009B (control character)"),
        ("\u202e", "\\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ],
    ids=["NUL", "ESC", "DEL", "C1", "RLO"],
)
def test_a_control_character_in_a_text_cell_is_named_by_both_engines(
    minimal_files, write_case, monkeypatch, inserted, shown, named
):
    files = dict(minimal_files)
    files["goods.csv"] = files["goods.csv"].replace("ガリウム,Gallium", f"ガリ{inserted}ウム,Gallium")
    files["projects.csv"] = files["projects.csv"].replace("磁石融資", f"磁石{inserted}融資")
    case = write_case(files)
    arrow_columns: list[str] = []
    real = control.check_arrow
    monkeypatch.setattr(
        control, "check_arrow", lambda f, r, c, a, log: (arrow_columns.append(c), real(f, r, c, a, log))
    )
    message = f"the cell holds the control character {named}; {HINT}"
    expected = [
        ("goods.csv", 2, "name_ja", f"ガリ{shown}ウム", message),
        ("projects.csv", 5, "name_ja", f"磁石{shown}融資", message),
    ]
    assert _issues(case, "arrow") == expected
    assert "name_ja" in arrow_columns  # the Arrow engine's own whole-column check ran, not a fallback
    assert _issues(case, "python") == expected
    assert_same(case)


def test_tab_and_line_breaks_inside_a_quoted_cell_still_load(minimal_files, write_case):
    files = dict(minimal_files)
    files["goods.csv"] = files["goods.csv"].replace("ガリウム,Gallium", 'ガリウム,"Gal\tli\r\num"')
    case = write_case(files)
    assert assert_same(case) == "case"
    assert load_case(case).goods.loc[0, "name_en"] == "Gal\tli\r\num"


def test_a_workbook_cell_and_a_header_are_checked_too(minimal_files, tmp_path):
    def mutate(wb):  # openpyxl writes DEL and bidi controls (XML 1.0 cannot hold C0 controls)
        wb["goods"]["B2"] = "ガリ\u202eウム"
        wb["goods"]["Z1"] = "note\x7f"
        wb["goods"]["Z2"] = "x"

    path = build_workbook(minimal_files, tmp_path / "case.xlsx", mutate=mutate)
    issues = [(f, r, c, v) for f, r, c, v, _ in _issues(path, "arrow")]
    assert ("case.xlsx[goods]", 2, "name_ja", "ガリ\\u202eウム") in issues
    assert ("case.xlsx[goods]", 1, "note\\x7f", "note\\x7f") in issues


def test_a_clean_file_skips_the_column_pass_and_a_suspicious_one_does_not():
    assert not control.may_hold_controls(b"good_id,partner,period,value\ngallium,CHN,2024-01,10\n\t\r\n")
    assert control.may_hold_controls("出典 — 財務省".encode())  # 0xE2 lead byte: checked exactly
    assert control.may_hold_controls(b"a\x0bb")


def test_validate_never_prints_a_raw_escape_sequence(minimal_files, write_case):
    files = dict(minimal_files)
    files["flows.csv"] = files["flows.csv"].replace("gallium,CHN,2024-02", "gallium,\x1b[2J\x1b[HCHN,2024-02")
    res = CliRunner().invoke(app, ["validate", str(write_case(files))])
    assert res.exit_code == 2
    assert "\x1b" not in res.output and "\\x1b[2J" in res.output
