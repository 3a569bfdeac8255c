"""One wording per reader: Japanese and English rendered at once in threads never mix.

The app serves each browser session in a thread of one process. The text layer once kept one
formatter whose language was set per call, so a Japanese render running beside an English one
could come back as "¥20.0bn". Expected texts are the catalogue's ``diff.spend`` template filled
by hand: 200億円 = ¥20.0bn (1億円 = ¥0.1bn).
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

from prioritizer.text import render, t

MESSAGE = {"kind": "diff.spend", "from": 200, "to": 300, "by": 100}
EXPECTED = {
    "ja": "配分総額: 200億円 → 300億円（100億円の変化）",
    "en": "Total spend: ¥20.0bn → ¥30.0bn (change ¥10.0bn)",
}
RENDERS = 10_000


def _one(i: int) -> tuple[str, str]:
    lang = "ja" if i % 2 == 0 else "en"
    return lang, render(MESSAGE, lang)


def test_japanese_and_english_rendered_in_parallel_threads_never_mix():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter allows: races show
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            got = list(pool.map(_one, range(RENDERS)))
    finally:
        sys.setswitchinterval(old)
    assert len(got) == RENDERS
    wrong = [(lang, text) for lang, text in got if text != EXPECTED[lang]]
    assert wrong == [], f"{len(wrong)} of {RENDERS} renders in the other language, e.g. {wrong[:3]}"


def test_screen_wording_with_fields_is_per_call_too():
    # t() with fields goes through the same language-aware formatter: 25億円 = ¥2.5bn
    want = {
        "ja": "最大後悔 25億円（全 1,000 試算中、実行不能 3 件）",
        "en": "Largest regret ¥2.5bn (over 1,000 what-ifs; infeasible in 3)",
    }

    def one(i: int) -> tuple[str, str]:
        lang = "ja" if i % 2 == 0 else "en"
        return lang, t("study.max_regret", lang, value=25, tasks=1000, infeasible=3)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            got = list(pool.map(one, range(RENDERS)))
    finally:
        sys.setswitchinterval(old)
    wrong = [(lang, text) for lang, text in got if text != want[lang]]
    assert wrong == [], f"{len(wrong)} of {RENDERS} renders in the other language, e.g. {wrong[:3]}"
