"""One text layer for the app, the CLI tables, the reports and the exports (JA / EN).

The library emits *structured messages* — ``{"kind": ..., <numbers>, <ids>, <name_ja>, <name_en>}``
— and never formats prose itself; :func:`render` turns a message into either language from
the templates in ``catalogue/*.yaml``. Screen wording (:func:`t`), enumerated values
(:func:`vocab`), field labels with units (:func:`field`) and table cells (:func:`cell`) all
come from the same catalogue, so a word is defined once.

Template fields follow :meth:`str.format`, with four extra format specs that know the
language: ``oku`` (money held in 億円), ``pct`` (a fraction as a percentage), ``num`` (a
number with separators and significant digits) and ``days``. A message field ``x_ja`` /
``x_en`` pair is available to the template as ``{x}`` in the language being rendered, and a
field ``{vocab:NAME:value}`` is looked up in vocabulary NAME.

Japanese is the default language: the users read Japanese first. Money is kept in 億円
throughout the library; only presentation converts it. Terms follow the glossary of the
METI source digest (shared/sources/DIGEST.md §5).
"""

from __future__ import annotations

import functools
import math
import re
import string
import types
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from prioritizer.text.catalogue import Catalogue, CatalogueError, Field, catalogue

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")
DEFAULT_LANG: Lang = "ja"

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "Catalogue",
    "CatalogueError",
    "Field",
    "Lang",
    "catalogue",
    "cell",
    "field",
    "fmt_days",
    "fmt_num",
    "fmt_oku",
    "fmt_pct",
    "has_field",
    "has_message",
    "name_of",
    "render",
    "t",
    "vocab",
    "vocabulary",
]


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "ja" else pair[1]


# --------------------------------------------------------------------------- numbers


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and not math.isfinite(x))


def fmt_num(x: float | None, lang: Lang = DEFAULT_LANG, digits: int | None = None) -> str:
    """Thousands separators in both languages (Japanese documents use the comma too).

    ``digits=None`` keeps three significant digits for small magnitudes and none after the
    point for large ones, so 0.00123 does not print as 0.00.
    """
    if _missing(x):
        return "—"
    x = float(x)  # type: ignore[arg-type]
    if digits is not None:
        return f"{x:,.{digits}f}"
    a = abs(x)
    if a == 0:
        return "0"
    if a >= 100:
        return f"{x:,.0f}"
    if a >= 1:
        return f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{x:.3g}"


def fmt_oku(x: float | None, lang: Lang = DEFAULT_LANG, digits: int = 0) -> str:
    """Money held in 億円: ``1,234億円`` in Japanese, ``¥123.4bn`` in English (1億円 = ¥0.1bn)."""
    if _missing(x):
        return "—"
    x = float(x)  # type: ignore[arg-type]
    if lang == "ja":
        if abs(x) >= 10_000:  # 1兆円 = 10,000億円: committee papers switch unit there
            return f"{x / 10_000:,.{max(digits, 2)}f}兆円"
        return f"{x:,.{digits}f}億円"
    return f"¥{x / 10:,.{max(digits, 1)}f}bn"


def fmt_pct(x: float | None, lang: Lang = DEFAULT_LANG, digits: int = 1) -> str:
    if _missing(x):
        return "—"
    return f"{100 * float(x):.{digits}f}%"  # type: ignore[arg-type]


def fmt_days(x: float | None, lang: Lang = DEFAULT_LANG, digits: int = 0) -> str:
    if _missing(x):
        return "—"
    v = f"{float(x):,.{digits}f}"  # type: ignore[arg-type]
    return f"{v}日" if lang == "ja" else f"{v} days"


# --------------------------------------------------------------------------- lookups


def t(key: str, lang: Lang = DEFAULT_LANG, **fmt: object) -> str:
    """Screen wording for ``key``; unknown keys return the key itself (the i18n test catches them)."""
    pair = catalogue().text.get(key)
    if pair is None:
        return key
    text = _pick(pair, lang)
    return _format(text, lang, fmt) if fmt else text


def vocabulary(name: str) -> dict[str, tuple[str, str]]:
    """All values of vocabulary ``name`` (``domain``, ``sector``, ``instrument``, ``status``, …)."""
    return dict(catalogue().vocab.get(name, {}))


def vocab(name: str, value: Any, lang: Lang = DEFAULT_LANG) -> str:
    """The label of ``value`` in vocabulary ``name``; an unknown value is shown as given, a blank as —."""
    if _missing(value) or (isinstance(value, str) and not value.strip()):
        return "—"
    key = str(value).lower() if isinstance(value, bool) else str(value)
    pair = catalogue().vocab.get(name, {}).get(key)
    return _pick(pair, lang) if pair else str(value)


def has_field(name: str) -> bool:
    return name in catalogue().fields


def field(name: str, lang: Lang = DEFAULT_LANG, *, unit: bool = True) -> str:
    """Column / field label, with its unit in brackets (「費用（億円）」 / "Cost (億円)")."""
    f = catalogue().fields.get(name)
    if f is None:
        return name
    text = f.ja if lang == "ja" else f.en
    u = f.unit_in(lang) if unit else None
    if u:
        return f"{text}（{u}）" if lang == "ja" else f"{text} ({u})"
    return text


def has_message(kind: str) -> bool:
    return kind in catalogue().messages


def cell(
    value: Any, lang: Lang = DEFAULT_LANG, *, vocab_name: str | None = None, digits: int | None = None
) -> str:
    """A table cell as a reader sees it: no ``None``/``nan``, booleans in words, enums localised."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return "—"
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    if isinstance(value, bool):
        return vocab("bool", value, lang)
    if vocab_name is not None:
        return vocab(vocab_name, value, lang)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return fmt_num(value, lang, digits)
    return str(value)


def name_of(row: Mapping[str, Any], lang: Lang = DEFAULT_LANG) -> str:
    """The display name of a good/project/scenario row, falling back to the other language or id."""
    first, second = ("name_ja", "name_en") if lang == "ja" else ("name_en", "name_ja")
    for key in (first, second, "id"):
        v = row.get(key)
        if isinstance(v, str) and v.strip():
            return v
    return str(row.get("id", ""))


# --------------------------------------------------------------------------- messages


class _VocabRef:
    """What ``{vocab:NAME:field}`` resolves to: the call's own fields, for the lookup of ``field``
    (str.format hands ``NAME:field`` over as the format spec)."""

    __slots__ = ("fields",)

    def __init__(self, fields: Mapping[str, Any]):
        self.fields = fields


class _LangFormatter(string.Formatter):
    """str.format with language-aware specs (oku, pct, num, days) and vocabulary lookups.

    One immutable instance per language, shared by every thread: the language is fixed at
    construction and a call's fields travel with the call (through :meth:`get_field`), so
    sessions rendering Japanese and English at once cannot see each other's language.
    """

    __slots__ = ("lang",)

    def __init__(self, lang: Lang):
        self.lang: Lang = lang

    def get_field(self, field_name: str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        if field_name == "vocab":
            return _VocabRef(kwargs), field_name
        return super().get_field(field_name, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> str:
        lang = self.lang
        if isinstance(value, _VocabRef):
            name, _, key = format_spec.partition(":")
            return vocab(name, value.fields.get(key), lang)
        spec, _, arg = format_spec.partition(".")
        digits = int(arg) if arg.isdigit() else None
        if spec == "oku":
            return fmt_oku(value, lang, digits or 0)
        if spec == "pct":
            return fmt_pct(value, lang, 1 if digits is None else digits)
        if spec == "num":
            return fmt_num(value, lang, digits)
        if spec == "days":
            return fmt_days(value, lang, digits or 0)
        if _missing(value):
            return "—"
        return super().format_field(value, format_spec)


_FORMATTERS: Mapping[Lang, _LangFormatter] = types.MappingProxyType(
    {lang: _LangFormatter(lang) for lang in LANGS}
)


def _format(template: str, lang: Lang, fields: Mapping[str, Any]) -> str:
    return _FORMATTERS["en" if lang == "en" else "ja"].vformat(template, (), fields)


_LANG_SUFFIX = re.compile(r"^(.*)_(ja|en)$")


@functools.cache
def _lang_key(key: str) -> tuple[str, str] | None:
    m = _LANG_SUFFIX.match(key)
    return (m.group(1), m.group(2)) if m else None


@functools.cache
def _plain_fields(template: str) -> tuple[str, ...] | None:
    """The field names of a template whose fields are all bare ``{name}`` (no spec, no
    conversion, no vocabulary), else None. Such a template needs no language-aware formatter:
    ``str.format_map`` gives the same text, ~20× faster — a national case renders 200,000 row
    descriptions."""
    names = []
    for _text, name, spec, conv in string.Formatter().parse(template):
        if name is None:
            continue
        if spec or conv or not name.isidentifier() or name == "vocab":
            return None
        names.append(name)
    return tuple(names)


def _fields_for(message: Mapping[str, Any], lang: Lang) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in message.items():
        m = _lang_key(k)
        if m:
            base, which = m
            if which == lang or base not in out:
                other = message.get(f"{base}_{'en' if which == 'ja' else 'ja'}")
                out[base] = v if (which == lang and v not in (None, "")) else (other or v)
        out.setdefault(k, v)
    return out


def render(message: Mapping[str, Any], lang: Lang = DEFAULT_LANG) -> str:
    """The sentence for a structured message ``{"kind": ..., ...}`` in ``lang``.

    An unknown kind raises KeyError: a message nobody can read is a defect, not a fallback.
    """
    kind = str(message["kind"])
    pair = catalogue().messages.get(kind)
    if pair is None:
        raise KeyError(
            f"no template for message kind {kind!r}; add it to a prioritizer/text/catalogue/*.yaml"
        )
    template = _pick(pair, lang)
    fields = _fields_for(message, lang)
    plain = _plain_fields(template)
    if plain is not None and not any(_missing(fields.get(n)) for n in plain if n in fields):
        return template.format_map(fields)
    return _format(template, lang, fields)


def render_all(messages: Iterable[Mapping[str, Any]], lang: Lang = DEFAULT_LANG) -> list[str]:
    return [render(m, lang) for m in messages]
