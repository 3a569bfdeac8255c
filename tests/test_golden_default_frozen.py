"""Golden results of the frozen default case (issue 28: "golden results do not move").

``tests/cases/default_2026_frozen`` is ``inputs/default`` as it was at commit 3591036; the
golden files under ``tests/cases/golden/`` are that commit's ``rank`` and ``allocate`` JSON
(default backend). They are frozen: see tests/cases/golden/README.md before touching them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from prioritizer.cli import app

HERE = Path(__file__).parent
CASE = HERE / "cases" / "default_2026_frozen"
GOLDEN = HERE / "cases" / "golden"
REL = 1e-6
#: absolute floor for values that are zero in the golden file (prices of slack rules)
ABS = 1e-9


def _golden(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    assert data["produced_at_commit"] == "3591036"
    return data


def _close(got: float, want: float) -> bool:
    return math.isclose(got, want, rel_tol=REL, abs_tol=ABS)


def _run(*args: str) -> dict[str, Any]:
    r = CliRunner().invoke(app, [*args, str(CASE), "--format", "json", "--no-audit"])
    assert r.exit_code == 0, r.output
    out: dict[str, Any] = json.loads(r.stdout)
    return out


def test_frozen_case_is_unchanged_copy() -> None:
    """The fixture is the old default case: a few cells read by hand from commit 3591036."""
    goods = (CASE / "goods.csv").read_text(encoding="utf-8").splitlines()
    assert len(goods) == 78 and goods[1].startswith("semiconductors,半導体,Semiconductors")
    assert "illustrative (approx. of World Bank" in (CASE / "countries.csv").read_text(encoding="utf-8")


def test_rank_matches_golden() -> None:
    want = _golden("default_2026_frozen_rank.json")
    got = _run("rank")
    assert got["method"] == want["method"] and got["normalisation"] == want["normalisation"]
    assert got["weights"].keys() == want["weights"].keys()
    for k, w in want["weights"].items():
        assert _close(got["weights"][k], w), k
    assert [g["id"] for g in got["ranking"]] == [w["id"] for w in want["ranking"]]
    bad = [
        (w["id"], g["rank"], w["rank"], g["score"], w["score"])
        for g, w in zip(got["ranking"], want["ranking"], strict=True)
        if g["rank"] != w["rank"] or not _close(g["score"], w["score"])
    ]
    assert not bad, bad


def test_allocate_matches_golden() -> None:
    want = _golden("default_2026_frozen_allocate.json")
    got = _run("allocate")
    assert got["status"] == want["status"] == "optimal"
    assert _close(got["objective"], want["objective"])
    assert _close(got["baseline_objective"], want["baseline_objective"])

    funded = {p["id"]: p for p in got["projects"] if p["funded_fraction"] > 1e-9}
    assert sorted(funded) == sorted(w["id"] for w in want["funded"])
    assert sorted(p["id"] for p in got["projects"] if p["id"] not in funded) == want["unfunded"]
    bad = [
        (w["id"], funded[w["id"]]["funded_fraction"], w["funded_fraction"])
        for w in want["funded"]
        if not _close(funded[w["id"]]["funded_fraction"], w["funded_fraction"])
        or not _close(funded[w["id"]]["cost"], w["cost"])
    ]
    assert not bad, bad

    stock = {s["good_id"]: s for s in got["stockpiles"]}
    assert sorted(stock) == sorted(w["good_id"] for w in want["stockpiles"])
    bad = [
        (w["good_id"], stock[w["good_id"]]["quantity"], w["quantity"])
        for w in want["stockpiles"]
        if not _close(stock[w["good_id"]]["quantity"], w["quantity"])
        or not _close(stock[w["good_id"]]["cost"], w["cost"])
    ]
    assert not bad, bad

    cons = {c["name"]: c for c in got["constraints"]}
    assert sorted(cons) == sorted(w["name"] for w in want["constraints"])
    bad = [
        (w["name"], cons[w["name"]]["shadow_price"], w["shadow_price"])
        for w in want["constraints"]
        if not _close(cons[w["name"]]["shadow_price"], w["shadow_price"])
        or cons[w["name"]]["binding"] != w["binding"]
    ]
    assert not bad, bad


@pytest.mark.parametrize("name", ["default_2026_frozen_rank.json", "default_2026_frozen_allocate.json"])
def test_golden_files_are_complete(name: str) -> None:
    """Guards against a golden file trimmed by hand: the counts of commit 3591036."""
    g = _golden(name)
    if "ranking" in g:
        assert len(g["ranking"]) == 77
    else:
        assert (len(g["funded"]), len(g["unfunded"]), len(g["stockpiles"]), len(g["constraints"])) == (
            46,
            23,
            16,
            184,
        )
