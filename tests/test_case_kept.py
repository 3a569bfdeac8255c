"""``Case.kept``: a result derived from a case, reused while the case holds the very same parts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from prioritizer.case import Case


def test_a_kept_result_follows_its_key_and_the_identity_of_every_part() -> None:
    goods = pd.DataFrame({"id": ["G1"], "name_ja": ["半導体"]})
    case = Case(root=Path("hand"), goods=goods)
    made: list[str] = []

    def make(tag: str) -> Callable[[], str]:
        def f() -> str:
            made.append(tag)
            return tag

        return f

    assert case.kept("a", 1, make("first")) == "first"
    assert case.kept("a", 1, make("again")) == "first"  # same key, same parts: reused
    assert case.kept("b", 1, make("other name")) == "other name"  # names are separate entries
    assert case.kept("a", 2, make("new key")) == "new key"
    case.goods = goods.copy()  # equal content, another object: an edit
    assert case.kept("a", 2, make("new frame")) == "new frame"
    case.policy = None  # reassigning the same object changes nothing
    assert case.kept("a", 2, make("unused")) == "new frame"
    assert made == ["first", "other name", "new key", "new frame"]
    # the entry holds the parts it was made from, so no later frame can take a freed one's id
    entry = case.__dict__["_kept"]["a"]
    assert any(part is case.goods for part in entry[0])
