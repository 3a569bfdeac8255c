"""Compatibility names for the text layer (:mod:`prioritizer.text`), which owns all wording.

New code imports :mod:`prioritizer.text`; these names stay so that older call sites keep
working while they move over. Nothing here defines wording of its own.
"""

from __future__ import annotations

from prioritizer.text import (
    DEFAULT_LANG,
    LANGS,
    Lang,
    fmt_num,
    fmt_oku,
    fmt_pct,
    name_of,
    t,
    vocabulary,
)

DOMAINS: dict[str, tuple[str, str]] = vocabulary("domain")
SECTORS: dict[str, tuple[str, str]] = vocabulary("sector")
INSTRUMENTS: dict[str, tuple[str, str]] = vocabulary("instrument")


def label(vocab: dict[str, tuple[str, str]], value: str, lang: Lang = DEFAULT_LANG) -> str:
    pair = vocab.get(value)
    if pair is None:
        return value
    return pair[0] if lang == "ja" else pair[1]


def fmt_number(x: float | None, lang: Lang = DEFAULT_LANG, digits: int = 0) -> str:
    return fmt_num(x, lang, digits)


__all__ = [
    "DEFAULT_LANG",
    "DOMAINS",
    "INSTRUMENTS",
    "LANGS",
    "SECTORS",
    "Lang",
    "fmt_number",
    "fmt_oku",
    "fmt_pct",
    "label",
    "name_of",
    "t",
]
