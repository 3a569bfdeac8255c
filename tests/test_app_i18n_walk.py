"""Every page in Japanese and English: no raw field name, None, nan or untranslated status anywhere.

Walks the real app (AppTest) on the default case and checks every table header and cell,
every metric and every text element the page shows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from prioritizer.app.main import PAGE_PATHS
from prioritizer.text.tables import untranslated

ROOT = Path(__file__).resolve().parents[1]
PAGES = list(PAGE_PATHS)
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
RAW = re.compile(r"(?<![A-Za-z])(None|nan|NaN)(?![A-Za-z])")
ALLOWED_SNAKE: set[str] = set()


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PRIORITIZER_CASE", str(ROOT / "inputs" / "default"))
    monkeypatch.setenv("PRIORITIZER_AUTH", "none")  # one person on a laptop: sign-in off
    monkeypatch.setenv("PRIORITIZER_DB", f"sqlite:///{tmp_path / 'audit.sqlite'}")
    return tmp_path


def _walk(page: str, lang: str) -> list[str]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["lang"] = lang
    at.session_state["start_page"] = page
    at.run()
    assert not at.exception, at.exception
    problems: list[str] = []
    for n, d in enumerate(at.dataframe):
        df = d.value
        if d.editing_mode == "dynamic":
            # A row editor of a case file: the headers are the labels the reader sees (column
            # config), the cells are the file's own values the planner types (ids, enum keys).
            import json

            labels = {k: v.get("label", k) for k, v in json.loads(d.proto.columns or "{}").items()}
            df = df.rename(columns=labels).head(0)
        problems += [f"table {n}: {p}" for p in untranslated(df, lang)]  # type: ignore[arg-type]
    texts = [m.label for m in at.metric] + [str(m.value) for m in at.metric]
    texts += [e.value for e in (*at.markdown, *at.caption, *at.subheader, *at.info, *at.success, *at.warning)]
    texts += (
        [b.label for b in at.button] + [e.label for e in at.selectbox] + [e.label for e in at.multiselect]
    )
    for text in texts:
        text = str(text)
        # Ids written inside names ("事業p3 (p3)") and file names are what the planner types.
        scrubbed = re.sub(r"\([^()]*\)|[\w.-]+\.(csv|yaml|xlsx)", "", text)
        if RAW.search(scrubbed):
            problems.append(f"raw value in {text[:80]!r}")
        hits = [h for h in SNAKE.findall(scrubbed) if h not in ALLOWED_SNAKE]
        if hits:
            problems.append(f"field name {hits[0]!r} in {text[:80]!r}")
    return problems


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_speaks_the_readers_language(app_env, page, lang):
    assert _walk(page, lang) == []


def test_the_walk_catches_a_raw_header_and_a_nan_cell():
    import pandas as pd

    bad = pd.DataFrame({"funded_fraction": [0.5], "費用（億円）": [float("nan")]}).astype(str)
    found = untranslated(bad, "ja")
    assert any("funded_fraction" in p for p in found)
    assert any("nan" in p for p in found)
