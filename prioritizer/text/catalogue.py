"""The wording catalogue: every YAML file in ``prioritizer/text/catalogue/`` merged into one.

Each file may hold four sections, all optional:

``text``      ``key: [ja, en]``                     screen and document wording
``vocab``     ``vocabulary: {value: [ja, en]}``     enumerated values (domain, instrument, status, …)
``fields``    ``field: [ja, en]`` or ``{ja, en, unit}``  column / JSON-field labels (headers, axes);
              ``unit`` is one string both languages print (億円) or ``[ja, en]`` (``[日, days]``)
``messages``  ``kind: [ja, en]``                    templates for the library's structured messages

A feature owns one file (``allocation.yaml``, ``trade.yaml``, …) so that wording for
different features never collides; a key defined in two files is an error at load time,
which the test suite turns into a failure naming both files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CATALOGUE_DIR = Path(__file__).parent / "catalogue"
SECTIONS = ("text", "vocab", "fields", "messages")


class CatalogueError(ValueError):
    """A catalogue file is malformed or repeats a key another file defines."""


@dataclass(frozen=True)
class Field:
    ja: str
    en: str
    unit: str | None = None  # the unit as Japanese prints it (億円, 日, か月); None = no unit
    unit_en: str | None = None  # as English prints it, when it differs (days, months)

    def unit_in(self, lang: str) -> str | None:
        return (self.unit_en or self.unit) if lang == "en" else self.unit


@dataclass
class Catalogue:
    text: dict[str, tuple[str, str]] = field(default_factory=dict)
    vocab: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    fields: dict[str, Field] = field(default_factory=dict)
    messages: dict[str, tuple[str, str]] = field(default_factory=dict)
    origin: dict[tuple[str, str], str] = field(default_factory=dict)  # (section, key) -> file


def _pair(where: str, value: Any) -> tuple[str, str]:
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise CatalogueError(f"{where}: expected [ja, en], got {value!r}")
    return value[0], value[1]


def _claim(cat: Catalogue, section: str, key: str, fname: str) -> None:
    prev = cat.origin.get((section, key))
    if prev is not None:
        raise CatalogueError(f"{section}.{key} is defined in both {prev} and {fname}")
    cat.origin[(section, key)] = fname


#: libyaml's safe loader when PyYAML was built with it (the catalogue is read by every command:
#: 0.6 s in pure Python, 0.05 s in C); the same safe subset either way
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_catalogue(directory: Path = CATALOGUE_DIR) -> Catalogue:
    cat = Catalogue()
    for path in sorted(directory.glob("*.yaml")):
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        if not isinstance(doc, dict):
            raise CatalogueError(f"{path.name}: top level must be a mapping")
        unknown = set(doc) - set(SECTIONS)
        if unknown:
            raise CatalogueError(f"{path.name}: unknown sections {sorted(unknown)}; use {SECTIONS}")
        for key, value in (doc.get("text") or {}).items():
            _claim(cat, "text", key, path.name)
            cat.text[key] = _pair(f"{path.name} text.{key}", value)
        for key, value in (doc.get("messages") or {}).items():
            _claim(cat, "messages", key, path.name)
            cat.messages[key] = _pair(f"{path.name} messages.{key}", value)
        for vocab, entries in (doc.get("vocab") or {}).items():
            table = cat.vocab.setdefault(vocab, {})
            for value, pair in (entries or {}).items():
                _claim(cat, "vocab", f"{vocab}.{value}", path.name)
                table[str(value)] = _pair(f"{path.name} vocab.{vocab}.{value}", pair)
        for key, value in (doc.get("fields") or {}).items():
            _claim(cat, "fields", key, path.name)
            if isinstance(value, dict):
                if not {"ja", "en"} <= set(value):
                    raise CatalogueError(f"{path.name} fields.{key}: needs ja and en")
                unit = value.get("unit")
                if isinstance(unit, list):  # [ja, en]: a unit written differently in each language
                    ja_u, en_u = _pair(f"{path.name} fields.{key}.unit", unit)
                    cat.fields[key] = Field(str(value["ja"]), str(value["en"]), ja_u, en_u)
                else:
                    cat.fields[key] = Field(str(value["ja"]), str(value["en"]), unit)
            else:
                ja, en = _pair(f"{path.name} fields.{key}", value)
                cat.fields[key] = Field(ja, en)
    return cat


@cache
def catalogue() -> Catalogue:
    """The merged catalogue, read once per process."""
    return load_catalogue()
