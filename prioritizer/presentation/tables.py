"""A command's table for a reader: names, headers and enumerated cells in the reader's language.

:func:`command_table` takes what the service returned (the JSON payload and its field-named table)
and gives the display copy; the data it was given is not changed, so ``--format csv`` and JSON
keep their field names and values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pandas as pd

from prioritizer.text import Lang, field, has_field, name_of, t
from prioritizer.text.tables import present

#: columns a row's id may sit in, in the order they are looked for
_ID_COLUMNS = ("id", "affected", "good_id", "project_id")
_ID_KEYS = ("id", "good_id", "project_id")
#: how :func:`present` reads some commands' columns
_OPTIONS: dict[str, dict[str, Any]] = {
    "indicators": {"status": "indicator_status"},
    "study": {"enums": {"section": "study_section"}},
    "audit.show": {"enums": {"section": "audit_section"}},
}


def _named(obj: Any) -> Iterator[Mapping[str, Any]]:
    """Every mapping in ``obj`` (lists and dicts, any depth) that names a row: an id and a name."""
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, Mapping):
            if ("name_ja" in o or "name_en" in o) and any(k in o for k in _ID_KEYS):
                yield o
            stack.extend(v for v in o.values() if isinstance(v, Mapping | list))
        elif isinstance(o, list):
            stack.extend(v for v in o if isinstance(v, Mapping | list))


def _name_pairs(payload: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for o in _named(payload):
        key = next(o[k] for k in _ID_KEYS if k in o)
        out.setdefault(str(key), {"id": key, "name_ja": o.get("name_ja"), "name_en": o.get("name_en")})
    return out


def localise_names(table: pd.DataFrame, payload: Mapping[str, Any], lang: Lang) -> pd.DataFrame:
    """``name`` / ``name_ja`` cells in ``lang``, looked up by the row's id in the payload (which
    carries both names); a row the payload does not name keeps its cell. ``name_ja`` becomes ``name``."""
    cols = [c for c in ("name", "name_ja") if c in table.columns]
    id_col = next((c for c in _ID_COLUMNS if c in table.columns), None)
    if not cols or id_col is None:
        return table
    pairs = _name_pairs(payload)
    out = table.copy()
    for c in cols:
        out[c] = [
            name_of(pairs[str(i)], lang) if str(i) in pairs else v
            for i, v in zip(out[id_col].tolist(), out[c].tolist(), strict=True)
        ]
    return out.rename(columns={"name_ja": "name"}) if "name" not in table.columns else out


def _field_list(value: Any, lang: Lang) -> Any:
    """``"concern_share, hhi"`` (indicator field names) as their labels."""
    if not isinstance(value, str) or not value:
        return value
    return "、".join(
        field(v.strip(), lang, unit=False) if has_field(v.strip()) else v for v in value.split(",")
    )


def _allocate(payload: Mapping[str, Any], table: pd.DataFrame | None, lang: Lang) -> pd.DataFrame:
    from prioritizer.presentation.allocation import allocation_table

    return allocation_table(payload, lang)


_BUILDERS: dict[str, Callable[[Mapping[str, Any], pd.DataFrame | None, Lang], pd.DataFrame]] = {
    "allocate": _allocate,
}


def command_table(
    command: str, payload: Mapping[str, Any], table: pd.DataFrame | None, lang: Lang
) -> pd.DataFrame | None:
    """The display copy of ``command``'s table in ``lang`` (None when there is no table)."""
    build = _BUILDERS.get(command)
    if build is not None:
        return build(payload, table, lang)
    if table is None:
        return None
    shown = localise_names(table, payload, lang)
    if "alerts" in shown.columns:
        shown = shown.assign(alerts=[_field_list(v, lang) for v in shown["alerts"].tolist()])
    return present(shown, lang, **_OPTIONS.get(command, {}))


def table_string(shown: pd.DataFrame, lang: Lang, *, max_colwidth: int | None = None) -> str:
    """A display table as text for a terminal, or the catalogue's word for none."""
    if shown.empty:
        return t("cli.none", lang)
    opts: list[Any] = ["display.max_rows", None, "display.max_columns", None, "display.width", 250]
    if max_colwidth is not None:
        opts += ["display.max_colwidth", max_colwidth]
    with pd.option_context(*opts):
        return shown.to_string(index=False)
