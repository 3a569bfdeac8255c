"""Justification reports from stored Runs: every format in both languages, content and safety."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from prioritizer.audit import open_store, record_run
from prioritizer.case import load_case
from prioritizer.reports import build_report
from prioritizer.runs import execute

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "inputs" / "default"


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    db = f"sqlite:///{tmp_path_factory.mktemp('audit') / 'audit.sqlite'}"
    case = load_case(DEFAULT)
    first = execute("rank", case, {}, actor="佐藤", reason="初期の重み")
    record_run(first, db)
    w = dict(first.result["weights"])
    k = next(iter(w))
    w[k] = w[k] + 0.2
    rank = execute("rank", case, {"weights": w}, actor="田中", reason="自律性を重視する委員会の意見を反映")
    record_run(rank, db)
    alloc = execute("allocate", case, {"weights": w}, actor="田中", reason="同上")
    record_run(alloc, db)
    return db, rank, alloc


@pytest.mark.parametrize("fmt", ["pdf", "html", "xlsx"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_format_in_both_languages(stored, tmp_path, fmt, lang):
    db, _, alloc = stored
    out = build_report(alloc.run_id, fmt, lang, tmp_path / f"r.{fmt}", db)
    assert out.exists() and out.stat().st_size > 1000


def test_pdf_contains_japanese_names_of_top_goods_and_weight_history(stored, tmp_path):
    db, rank, alloc = stored
    out = build_report(alloc.run_id, "pdf", "ja", tmp_path / "r.pdf", db)
    # Table cells wrap, and extraction puts a line break at each wrap: compare without whitespace.
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(str(out)).pages)
    top = sorted(rank.result["ranking"], key=lambda r: r["rank"])[:3]
    for r in top:
        assert "".join(r["name_ja"].split()) in text, r["name_ja"]
    assert "田中" in text and "自律性を重視する委員会の意見を反映" in text  # who and why of the weight change
    assert alloc.run_id in text and alloc.hash in text  # verifiable against the audit store


def test_xlsx_values_equal_the_run(stored, tmp_path):
    db, rank, alloc = stored
    out = build_report(alloc.run_id, "xlsx", "en", tmp_path / "r.xlsx", db)
    wb = load_workbook(out)
    sh = wb["ranking"]
    header = [c.value for c in sh[1]]
    got = {
        row[header.index("id")]: row[header.index("score")]
        for row in sh.iter_rows(min_row=2, values_only=True)
    }
    for r in rank.result["ranking"]:
        assert got[r["id"]] == pytest.approx(r["score"], abs=0, rel=1e-12)
    sh = wb["allocation"]
    header = [c.value for c in sh[1]]
    fr = {
        row[header.index("id")]: row[header.index("funded_fraction")]
        for row in sh.iter_rows(min_row=2, values_only=True)
    }
    for p in alloc.result["projects"]:
        assert fr[p["id"]] == pytest.approx(p["funded_fraction"], rel=1e-12, abs=1e-12)


def test_hostile_names_come_out_inert(tmp_path):
    case_dir = tmp_path / "case"
    shutil.copytree(DEFAULT, case_dir)
    goods = (case_dir / "goods.csv").read_text(encoding="utf-8-sig").splitlines()
    header = goods[0].split(",")
    i_ja, i_en = header.index("name_ja"), header.index("name_en")
    import csv
    import io

    rows = list(csv.reader(io.StringIO("\n".join(goods))))
    rows[1][i_ja] = "<script>alert('x')</script>"
    rows[1][i_en] = '=HYPERLINK("http://example.invalid","click")'
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (case_dir / "goods.csv").write_text(buf.getvalue(), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    run = execute("rank", load_case(case_dir), {}, actor="x", reason="y")
    record_run(run, db)
    html = build_report(run.run_id, "html", "ja", tmp_path / "r.html", db).read_text(encoding="utf-8")
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;alert(" in html
    wb = load_workbook(build_report(run.run_id, "xlsx", "en", tmp_path / "r.xlsx", db))
    values = [c for sh in wb for row in sh.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert not any(v.startswith("=HYPERLINK") for v in values)
    assert any(v.startswith("'=HYPERLINK") for v in values)


def test_unknown_run_is_a_clear_error(stored, tmp_path):
    from prioritizer.errors import InputError

    db, *_ = stored
    with pytest.raises(InputError, match="R-NOPE") as err:
        build_report("R-NOPE", "pdf", "ja", tmp_path / "x.pdf", db)
    assert [(i.file, i.column, i.value) for i in err.value.issues] == [("audit store", "run_id", "R-NOPE")]
    assert not (tmp_path / "x.pdf").exists()
    assert open_store(db).verify().ok
