"""Justification reports from stored Runs: structure, content, fonts, safety, --against, bad input."""

from __future__ import annotations

import csv
import io
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from prioritizer.audit import open_store, record_run
from prioritizer.case import load_case
from prioritizer.errors import InputError
from prioritizer.reports import build_report
from prioritizer.runs import execute

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "inputs" / "default"
ARTIFACTS = ROOT / "tests" / "_artifacts" / "report"


def pdftotext(pdf: Path, last: int | None = None) -> str:
    cmd = ["pdftotext", "-layout"] + (["-l", str(last)] if last else []) + [str(pdf), "-"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def squeeze(s: str) -> str:
    return "".join(s.split())


def oku(x: float) -> str:
    """億円 as a Japanese committee paper writes it (hand-written here, not the product's formatter)."""
    return f"{x:,.0f}億円"


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    db = f"sqlite:///{tmp_path_factory.mktemp('audit') / 'audit.sqlite'}"
    case = load_case(DEFAULT)
    record_run(execute("indicators", case, {}, actor="佐藤", reason="最新の貿易統計"), db)
    first = execute("rank", case, {}, actor="佐藤", reason="初期の重み")
    record_run(first, db)
    alloc0 = execute("allocate", case, {"budget": 9000}, actor="佐藤", reason="前年度の予算案")
    record_run(alloc0, db)
    w = dict(first.result["weights"])
    k = next(iter(w))
    w[k] = w[k] + 0.2
    rank = execute("rank", case, {"weights": w}, actor="田中", reason="自律性を重視する委員会の意見を反映")
    record_run(rank, db)
    alloc = execute("allocate", case, {"weights": w}, actor="田中", reason="委員会決定")
    record_run(alloc, db)
    return db, rank, alloc, alloc0, first


@pytest.fixture(scope="module")
def pdf_ja(stored, tmp_path_factory):
    db, _, alloc, *_ = stored
    return build_report(alloc.run_id, "pdf", "ja", tmp_path_factory.mktemp("pdf") / "r.pdf", db)


@pytest.mark.parametrize("fmt", ["pdf", "html", "xlsx"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_format_in_both_languages(stored, tmp_path, fmt, lang):
    db, _, alloc, *_ = stored
    out = build_report(alloc.run_id, fmt, lang, tmp_path / f"r.{fmt}", db)
    assert out.exists() and out.stat().st_size > 1000
    assert [p.name for p in tmp_path.iterdir()] == [f"r.{fmt}"]  # no temporary file left behind


def test_first_three_pages_name_top_priority_total_allocated_and_binding_budget(stored, pdf_ja):
    _, rank, alloc, *_ = stored
    text = squeeze(pdftotext(pdf_ja, last=3))
    top = min(rank.result["ranking"], key=lambda r: r["rank"])
    assert squeeze(top["name_ja"]) in text
    b = alloc.result["budget"]
    stated = (
        f"{oku(b['spent_total'])}（うち事業{oku(b['spent_projects'])}・備蓄{oku(b['spent_stockpiles'])}）"
    )
    assert stated in text
    budgets = [c for c in alloc.result["constraints"] if c["kind"] == "budget" and c["binding"]]
    assert budgets, "the default case binds at least one budget"
    for c in budgets:
        assert squeeze(c["description_ja"]) in text


def test_summary_prints_the_recorded_benefit_or_says_it_is_not_recorded(stored, pdf_ja):
    _, _, alloc, *_ = stored
    text = squeeze(pdftotext(pdf_ja, last=3))
    if alloc.result.get("benefit") is not None:
        # the product prints benefit with thousands separators and at most 2 decimals
        v = alloc.result["benefit"]
        assert f"{v:,.0f}" in text if abs(v) >= 100 else f"{v:,.2f}".rstrip("0").rstrip(".") in text
    else:
        assert "便益:記録なし" in text


def test_benefit_sentence_uses_the_recorded_fields():
    from prioritizer.reports.content import decision_text
    from prioritizer.reports.context import Context

    result = {
        "status": "optimal",
        "budget": {"total": 100.0, "spent_total": 80.0, "spent_projects": 60.0, "spent_stockpiles": 20.0},
        "benefit": 1234.5,
        "benefit_per_oku": 15.4,
        "projects": [{"id": "p1", "funded_fraction": 1.0, "cost": 60.0, "spent": 60.0}],
        "constraints": [
            {"name": "budget", "kind": "budget", "binding": True, "description_ja": "総予算（100億円）"}
        ],
    }
    ctx = Context("ja", None, {"run_id": "R1", "command": "allocate"}, {"allocate": {"result": result}}, None)
    text = decision_text(ctx)
    assert "予算 100億円" in text and "総額 80億円（うち事業 60億円・備蓄 20億円）" in text
    assert "便益（採択事業の価値＋回避される不足損失）は 1,234" in text and "15.4" in text
    assert "便益には含めていません" in text  # the target penalty is named as left out
    assert "採択する事業は 1 件" in text and "総予算（100億円）" in text
    del result["benefit"], result["benefit_per_oku"]
    assert "便益: 記録なし" in decision_text(ctx)


def test_every_font_is_embedded(pdf_ja):
    out = subprocess.run(["pdffonts", str(pdf_ja)], capture_output=True, text=True, check=True).stdout
    rows = out.strip().splitlines()[2:]
    assert rows, out
    for row in rows:
        # columns: name type encoding emb sub uni object ID — emb is the 4th from the right
        assert row.split()[-5] == "yes", row


def _keys(obj, out):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(k, str) and "_" in k:
                out.add(k)
            _keys(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _keys(v, out)
    return out


def test_no_raw_field_name_anywhere_in_the_pdf(stored, pdf_ja, tmp_path):
    db, rank, alloc, *_ = stored
    keys = _keys(alloc.result, set()) | _keys(rank.result, set())
    keys -= {r["id"] for r in rank.result["ranking"]}  # item ids are shown next to names in the annex
    # the case's own `source` notes are quoted verbatim in the provenance table (user text)
    sources = " ".join(str(v) for v in load_case(DEFAULT).goods.get("source", []))
    keys = {k for k in keys if not re.search(rf"(?<!\w){re.escape(k)}(?!\w)", sources)}
    assert {"funded_fraction", "reduced_cost", "forced_in_delta", "good_id", "name_en"} <= keys
    en = build_report(alloc.run_id, "pdf", "en", tmp_path / "r.pdf", db)
    for pdf in (pdf_ja, en):
        text = pdftotext(pdf)
        found = sorted(k for k in keys if re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", text))
        assert not found, found
        for raw in ("None", "nan", "NaN"):
            assert not re.search(rf"(?<!\w){raw}(?!\w)", text), raw


def test_every_page_is_rendered_to_png(pdf_ja):
    info = subprocess.run(["pdfinfo", str(pdf_ja)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf_ja), str(ARTIFACTS / "page")], check=True)
    pngs = sorted(ARTIFACTS.glob("page-*.png"))
    assert len(pngs) == pages > 10
    assert all(p.stat().st_size > 2000 for p in pngs)


def test_pdf_has_outline_header_and_page_x_of_y(stored, pdf_ja):
    from pypdf import PdfReader

    reader = PdfReader(str(pdf_ja))
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert "要旨" in " ".join(titles) and any("別冊" in t for t in titles)
    n = len(reader.pages)
    text = pdftotext(pdf_ja)
    pages = text.split("\f")
    _, _, alloc, *_ = stored
    assert f"{n} / {n} ページ" in pages[n - 1]
    assert f"実行 {alloc.run_id}" in pages[2] and "情報区分" in pages[0]


def test_against_lists_both_runs_budgets_and_what_changed(stored, tmp_path):
    db, _rank, alloc, alloc0, _ = stored
    out = build_report(alloc.run_id, "pdf", "ja", tmp_path / "c.pdf", db, against=alloc0.run_id)
    text = squeeze(pdftotext(out))
    assert "前回の決定からの変更点" in text
    assert f"予算:比較対象{oku(alloc0.result['budget']['total'])}" in text
    assert f"本決定{oku(alloc.result['budget']['total'])}" in text
    assert oku(9000) != oku(alloc.result["budget"]["total"])
    html = build_report(alloc.run_id, "html", "en", tmp_path / "c.html", db, against=alloc0.run_id)
    assert "What changed" in html.read_text(encoding="utf-8")


def test_against_an_unknown_run_or_another_command_names_the_run(stored, tmp_path):
    db, rank, alloc, *_ = stored
    with pytest.raises(InputError, match="R-NOPE"):
        build_report(alloc.run_id, "pdf", "ja", tmp_path / "x.pdf", db, against="R-NOPE")
    with pytest.raises(InputError) as err:
        build_report(alloc.run_id, "pdf", "ja", tmp_path / "x.pdf", db, against=rank.run_id)
    assert rank.run_id in str(err.value.issues[0].message) and "rank" in err.value.issues[0].message
    assert not any(tmp_path.iterdir())


def test_cli_against_other_command_exits_non_zero_naming_the_run(stored, tmp_path):
    db, rank, alloc, *_ = stored
    exe = ROOT / ".venv" / "bin" / "prioritizer"
    cmd = [str(exe) if exe.exists() else "prioritizer", "report", alloc.run_id, "--against", rank.run_id]
    p = subprocess.run([*cmd, "--db", db, "--out", str(tmp_path / "x.pdf")], capture_output=True, text=True)
    assert p.returncode != 0 and rank.run_id in p.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_missing_case_snapshot_is_reported_and_nothing_is_written(stored, tmp_path):
    db, _, alloc, *_ = stored
    path = Path(db.removeprefix("sqlite:///"))
    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)  # the store runs in WAL mode: copy through SQLite, not the file system
        dst.execute("DELETE FROM audit_run_files WHERE run_id = ?", (alloc.run_id,))
    out = tmp_path / "out" / "r.pdf"
    with pytest.raises(InputError) as err:
        build_report(alloc.run_id, "pdf", "ja", out, f"sqlite:///{copy}")
    issue = err.value.issues[0]
    assert issue.value == alloc.run_id and issue.column == "case snapshot"
    assert not out.exists() and not (out.parent.exists() and any(out.parent.iterdir()))


def test_unknown_run_is_a_clear_error(stored, tmp_path):
    db, *_ = stored
    with pytest.raises(InputError, match="R-NOPE") as err:
        build_report("R-NOPE", "pdf", "ja", tmp_path / "x.pdf", db)
    assert [(i.file, i.column, i.value) for i in err.value.issues] == [("audit store", "run_id", "R-NOPE")]
    assert not (tmp_path / "x.pdf").exists()
    assert open_store(db).verify().ok


def test_xlsx_explains_itself_and_keeps_values_with_localised_headers(stored, tmp_path):
    db, rank, alloc, *_ = stored
    wb = load_workbook(build_report(alloc.run_id, "xlsx", "ja", tmp_path / "r.xlsx", db))
    assert wb.sheetnames[0] == "README"
    readme = [c for row in wb["README"].iter_rows(values_only=True) for c in row if c is not None]
    for name in wb.sheetnames[1:]:
        assert name in readme
    sh = wb["ranking"]
    header = [c.value for c in sh[1]]
    assert "スコア" in header and "score" not in header
    got = {
        row[header.index("ID")]: row[header.index("スコア")]
        for row in sh.iter_rows(min_row=2, values_only=True)
    }
    for r in rank.result["ranking"]:
        assert got[r["id"]] == pytest.approx(r["score"], abs=0, rel=1e-12)
    sh = wb["allocation"]
    header = [c.value for c in sh[1]]
    assert "採択率（%）" in header and "配分額（億円）" in header
    fr = {row[0]: row[header.index("採択率（%）")] for row in sh.iter_rows(min_row=2, values_only=True)}
    for p in alloc.result["projects"]:
        assert fr[p["id"]] == pytest.approx(p["funded_fraction"], rel=1e-12, abs=1e-12)
    for ws in wb.worksheets[1:]:
        for h in ws[1]:
            assert not re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", str(h.value)), (ws.title, h.value)


HOSTILE_JA = "<script>alert('x')</script>"
HOSTILE_EN = '=HYPERLINK("http://example.invalid","click")'
HOSTILE_TYPST = '#set page(width: 1cm) \\input{/etc/passwd} $x$ ] ) " // *'


def test_hostile_names_come_out_inert_in_every_format(tmp_path):
    case_dir = tmp_path / "case"
    shutil.copytree(DEFAULT, case_dir)
    rows = list(csv.reader(io.StringIO((case_dir / "goods.csv").read_text(encoding="utf-8-sig"))))
    header = rows[0]
    rows[1][header.index("name_ja")] = HOSTILE_JA
    rows[1][header.index("name_en")] = HOSTILE_EN
    rows[2][header.index("name_ja")] = HOSTILE_TYPST
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (case_dir / "goods.csv").write_text(buf.getvalue(), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    run = execute("rank", load_case(case_dir), {}, actor="x", reason="y")
    record_run(run, db)
    html = build_report(run.run_id, "html", "ja", tmp_path / "r.html", db).read_text(encoding="utf-8")
    assert HOSTILE_JA not in html and "&lt;script&gt;alert(" in html
    wb = load_workbook(build_report(run.run_id, "xlsx", "en", tmp_path / "r.xlsx", db))
    values = [c for sh in wb for row in sh.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert not any(v.startswith("=") for v in values)
    assert any(v.startswith("'=HYPERLINK") for v in values)
    pdf = build_report(run.run_id, "pdf", "ja", tmp_path / "r.pdf", db)
    text = squeeze(pdftotext(pdf))
    assert squeeze(HOSTILE_TYPST) in text  # printed as written: Typst never parsed it
    assert squeeze(HOSTILE_JA) in text
    page = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89" in page  # A4: the name did not change the page size


def test_reports_and_charts_import_nothing_from_the_app():
    import ast

    for folder in ("reports", "charts"):
        for path in (ROOT / "prioritizer" / folder).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                for n in names:
                    assert not n.startswith(("prioritizer.app", "streamlit")), (path.name, n)


def test_summary_says_no_robustness_analysis_was_run(pdf_ja):
    assert "この決定について頑健性分析は実行されていません。" in squeeze(pdftotext(pdf_ja, last=3))


def test_summary_quotes_the_related_robustness_run(tmp_path):
    db = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    case = load_case(DEFAULT)
    rob = execute("robustness", case, {"samples": 300, "seed": 3}, actor="x", reason="SMAA")
    record_run(rob, db)
    rank = execute("rank", case, {}, actor="x", reason="y")
    record_run(rank, db)
    text = squeeze(pdftotext(build_report(rank.run_id, "pdf", "ja", tmp_path / "r.pdf", db), last=3))
    verdict = rob.result.get("verdict")
    if verdict:  # the robustness service's own sentences, once it records them
        lines = verdict if isinstance(verdict, list) else verdict.get("lines", [verdict])
        assert squeeze(lines[0]["text_ja"]) in text
    else:  # the recorded first-rank acceptability of the most often first item
        acc = rob.result["acceptability"]
        best = max(acc, key=lambda i: acc[i][0])
        name = next(r["name_ja"] for r in rank.result["ranking"] if r["id"] == best)
        assert squeeze(f"{name} は重みの取り方の {acc[best][0]:.0%} で 1 位") in text


def test_long_tables_repeat_their_header_and_never_wrap_ids(stored, pdf_ja):
    _, rank, alloc, *_ = stored
    pages = pdftotext(pdf_ja).split("\f")
    annex = next(i for i, p in enumerate(pages) if "全項目の評価結果" in p)
    # the ranking (77 items) spans two landscape pages: both start with the header row
    for p in pages[annex : annex + 2]:
        assert re.search(r"順位\s+ID\s+名称\s+領域\s+分野\s+スコア", p), p[:400]
    tokens = set(re.findall(r"[\w-]+", "\n".join(pages[annex:])))
    for r in rank.result["ranking"]:
        assert r["id"] in tokens, r["id"]  # printed whole, not broken over lines
    for p in alloc.result["projects"]:
        assert p["id"] in tokens, p["id"]


def test_the_same_document_typesets_to_the_same_bytes(stored, tmp_path):
    from prioritizer.reports import render
    from prioritizer.reports.content import build_document

    db, _, alloc, *_ = stored
    doc = build_document(open_store(db), alloc.run_id, "en")
    a = render(doc, "pdf", tmp_path / "a.pdf").read_bytes()
    b = render(doc, "pdf", tmp_path / "b.pdf").read_bytes()
    assert a == b


def test_allocation_section_prints_recorded_benefit_parts_or_not_recorded():
    from prioritizer.reports.context import Context
    from prioritizer.reports.sections import benefit_items

    alloc = {
        "objective": 500.0,
        "baseline_objective": -700.0,
        "benefit": 1200.0,
        "benefit_breakdown": {
            "project_value": 300.0,
            "avoided_shortfall_loss": 850.0,
            "avoided_target_penalty": 50.0,
        },
    }
    ctx = Context("en", None, {"run_id": "R1"}, {}, None)
    got = dict(benefit_items(ctx, alloc))
    # recorded before DESIGN §7 (its benefit counted the penalty): shown as the defensible
    # project value + avoided shortfall loss = 300 + 850, the penalty beside it for reference
    assert got["Benefit (against doing nothing)"] == "1,150"
    assert got["Shortfall losses avoided"] == "850"
    assert got["(For reference, not in the benefit) stock-target penalties avoided"] == "50"
    assert got["Objective with nothing funded or stocked"] == "-700"
    assert got["Benefit per 億円 spent"] == "not recorded"  # absent from this run: never recomputed
    assert set(dict(benefit_items(ctx, {"objective": 1.0})).values()) == {"1", "not recorded"}
