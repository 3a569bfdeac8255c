"""``PRIORITIZER_LANG`` and ``--lang`` mean the same on every command that prints for people.

Every table-printing command runs on ``inputs/default`` (``--no-audit`` where it computes) with
``PRIORITIZER_LANG=en``: its output holds no Japanese character once the case's Japanese names
are set aside (and the money unit 億円, which the English tables keep, as the catalogue does).
With ``ja`` the same output carries Japanese labels. Before this change ``allocate`` printed its
table and progress in Japanese, ``robustness``, ``stress`` and ``audit diff/verify`` ignored
``PRIORITIZER_LANG``, ``rank`` printed Japanese names and ``indicators`` raw codes (``no_flows``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from prioritizer.cli import app

ROOT = Path(__file__).resolve().parents[1]
CASE = str(ROOT / "inputs" / "default")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")  # kana, kanji, full-width forms
UNITS = ("億円", "兆円")


def _japanese_names() -> list[str]:
    names: set[str] = set()
    for f in ("goods", "projects", "scenarios", "countries"):
        df = pd.read_csv(ROOT / "inputs" / "default" / f"{f}.csv")
        if "name_ja" in df.columns:
            names |= {str(x) for x in df["name_ja"].dropna()}
    return sorted(names, key=len, reverse=True)  # longest first: a name inside another goes after


NAMES = _japanese_names()


def _left_japanese(text: str) -> list[str]:
    for n in (*NAMES, *UNITS):
        text = text.replace(n, "")
    return [line.strip() for line in text.splitlines() if CJK.search(line)]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store with two recorded runs, for the audit commands."""
    d = tmp_path_factory.mktemp("lang")
    db = f"sqlite:///{d / 'audit.sqlite'}"
    for w in ("autonomy=1", "autonomy=2"):
        r = CliRunner().invoke(app, ["rank", CASE, "--db", db, "--format", "json", "--weights", w])
        assert r.exit_code == 0, r.output
    (d / "STUDY.yaml").write_text(
        "budgets: [7000, 9000]\nweights: {samples: 2, seed: 1}\nrobust: {candidates: 1}\n"
    )
    return d, db


def _commands(d: Path, db: str) -> dict[str, list[str]]:
    return {
        "validate": ["validate", CASE],
        "rank": ["rank", CASE, "--no-audit"],
        "rank --why": ["rank", CASE, "--no-audit", "--why", "gallium,natural_graphite"],
        "indicators": ["indicators", CASE, "--no-audit"],
        "indicators --alerts": ["indicators", CASE, "--no-audit", "--alerts"],
        "exposure": ["exposure", CASE, "lithium", "--no-audit"],
        "allocate": ["allocate", CASE, "--no-audit"],
        "frontier": ["frontier", CASE, "--points", "3"],
        "robustness": ["robustness", CASE, "--no-audit", "--samples", "2000"],
        "study": ["study", CASE, "--grid", str(d / "STUDY.yaml"), "--workers", "0", "--no-audit",
                  "--study-dir", str(d / "study")],
        "stress": ["stress", CASE, "--all", "--no-audit"],
        "audit log": ["audit", "log", "--db", db],
        "audit show": ["audit", "show", "R000001", "--db", db],
        "audit diff": ["audit", "diff", "R000001", "R000002", "--db", db],
        "audit verify": ["audit", "verify", "--db", db],
        "audit replay": ["audit", "replay", "R000001", "--db", db],
        "case versions": ["case", "versions", "--db", db],
        "users list": ["users", "list", "--db", db],
        "review show": ["review", "show", "R000001", "--db", db],
        "generate": ["generate", str(d / "generated"), "--seed", "1", "--force"],
    }  # fmt: skip


COMMANDS = list(_commands(Path("."), "").keys())


def _run(args: list[str], env_lang: str, *, stdout_only: bool = False) -> str:
    r = CliRunner().invoke(app, args, env={"PRIORITIZER_LANG": env_lang})
    assert r.exit_code == 0, r.output
    return r.stdout if stdout_only else r.output  # output: stdout and stderr (progress, messages)


@pytest.mark.parametrize("name", COMMANDS)
def test_english_output_has_no_japanese_outside_names(store, name):
    d, db = store
    out = _run(_commands(d, db)[name], "en")
    if name == "audit show":  # the stored result follows as JSON: data in both languages, not wording
        out = out.split("\nresult:\n")[0]
        assert "Command" in out
    assert _left_japanese(out) == []


@pytest.mark.parametrize("name", COMMANDS)
def test_japanese_output_has_japanese_labels(store, name):
    d, db = store
    out = _run(_commands(d, db)[name], "ja")
    assert _left_japanese(out), f"{name}: no Japanese label in\n{out[:2000]}"


def test_english_tables_name_things_in_english_and_codes_in_words(store):
    assert "Natural graphite" in _run(["rank", CASE, "--no-audit"], "en")  # natural_graphite's name_en
    ind = _run(["indicators", CASE, "--no-audit"], "en")
    assert "no trade data" in ind and " no_flows" not in ind  # the vocabulary's words, not the code
    alloc = _run(["allocate", CASE, "--no-audit"], "en", stdout_only=True)
    assert "Rare-earth upstream equity (JOGMEC)" in alloc  # p_ree_upstream's name_en
    assert "Funded share (%)" in alloc


def test_lang_option_and_the_environment_mean_the_same(store):
    _, db = store
    for args in (["allocate", CASE, "--no-audit"], ["audit", "diff", "R000001", "R000002", "--db", db]):
        by_env = _run(args, "en", stdout_only=True)
        by_option = _run(
            [*args, "--lang", "en"], "ja", stdout_only=True
        )  # the option wins over the environment
        assert by_option == by_env


def test_csv_keeps_its_field_names_whatever_the_language():
    for args in (
        ["rank", CASE, "--no-audit", "--format", "csv"],
        ["allocate", CASE, "--no-audit", "-f", "csv"],
    ):
        assert _run(args, "en", stdout_only=True) == _run(args, "ja", stdout_only=True)
    head = _run(["indicators", CASE, "--no-audit", "--format", "csv"], "en").splitlines()[0]
    assert head.startswith("id,period,status")


def test_report_takes_its_language_from_the_environment_too(store):
    import json

    d, db = store
    for env_lang, args, want in (("en", [], "en"), ("ja", [], "ja"), ("ja", ["--lang", "en"], "en")):
        out = d / f"report-{env_lang}-{len(args)}.html"
        got = _run(["report", "R000001", "--format", "html", "--db", db, "--out", str(out), *args], env_lang)
        assert json.loads(got)["lang"] == want
        assert f'lang="{want}"' in out.read_text(encoding="utf-8")
