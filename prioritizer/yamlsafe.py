"""YAML as the product reads it from people: no anchors or aliases, bounded nesting.

Every YAML a user or a case supplies — ``policy.yaml`` (and a workbook's policy cells),
decision-model files, study grids, ``--policy`` files — is read through :func:`load`.

* **Anchors and aliases are refused.** PyYAML shares an aliased node, so loading a
  "billion laughs" document is cheap; the explosion comes later, when the value is copied,
  validated or dumped into a Run (more than 7.5 GB for a 1 KB policy). None of the product's
  files needs them, so they are an error, not a cap.
* **Nesting deeper than :data:`MAX_DEPTH` is refused** before anything is built: PyYAML's
  composer and constructor recurse once per level, so 5,000 nested brackets ended in a
  ``RecursionError``.

Both checks walk the parser's event stream (an iterative state machine in libyaml and in
PyYAML alike), so the checking itself neither recurses nor allocates the document.
"""

from __future__ import annotations

from typing import Any

import yaml

#: deepest nesting of mappings and sequences accepted (the product's files need fewer than 10)
MAX_DEPTH = 64

_FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlRefused(ValueError):
    """A document the product refuses to build; ``line`` and ``column`` are 1-based (or None)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(self.where() + message)

    def where(self) -> str:
        if self.line is None:
            return ""
        return f"line {self.line}, column {self.column}: " if self.column else f"line {self.line}: "


def check(text: str, loader: type[Any] = _FAST) -> None:
    """Raise :class:`YamlRefused` for an anchor, an alias or nesting deeper than :data:`MAX_DEPTH`.

    Syntax errors met on the way are raised as PyYAML's own ``yaml.YAMLError`` (from the
    parser of ``loader``, so they read as they would when loading).
    """
    depth = 0
    for ev in yaml.parse(text, Loader=loader):
        mark = ev.start_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        if isinstance(ev, yaml.AliasEvent):
            raise YamlRefused(
                f"YAML alias '*{ev.anchor}' is not allowed; write the value out in full", line, col
            )
        if getattr(ev, "anchor", None) is not None:
            raise YamlRefused(
                f"YAML anchor '&{ev.anchor}' is not allowed (anchors and aliases are refused); "
                "write the value out in full",
                line,
                col,
            )
        if isinstance(ev, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlRefused(
                    f"nested more than {MAX_DEPTH} levels deep; flatten the structure", line, col
                )
        elif isinstance(ev, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1


def load(text: str, loader: type[Any] = _FAST) -> Any:
    """:func:`check` the text, then build it with ``loader`` (a SafeLoader subclass)."""
    check(text, loader)
    instance = loader(text)
    try:
        return instance.get_single_data()
    finally:
        instance.dispose()
