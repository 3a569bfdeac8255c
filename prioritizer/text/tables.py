"""Tables as a reader sees them: localised headers with units, enum cells in words, no None/nan.

One presenter serves the app's tables, its CSV downloads, the CLI's table output and the
report annex, so a column is called the same thing everywhere. Ids stay (they are what a
planner types), but a name column sits next to them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from prioritizer.text import DEFAULT_LANG, Lang, cell, field, has_field, t, vocab

# Columns whose values are enumerations, and the vocabulary that names them.
ENUM_COLUMNS: dict[str, str] = {
    "domain": "domain",
    "sector": "sector",
    "instrument": "instrument",
    "status": "status",
    "forced_status": "status",
    "must": "must",
    "sense": "sense",
    "kind": "row_kind",
    "value_source": "value_source",
    "needed_value_method": "needed_value_method",
    "command": "command",
    "method": "method",
    "normalisation": "normalisation",
    "tier": "tier",
}
# Columns whose values are themselves field names (an alert's indicator, a criterion id).
FIELD_VALUED = {"indicator"}
ID_COLUMNS = {"id", "good_id", "project_id", "input_id", "parent_id", "run_id", "iso3", "partner", "country"}


def header(column: str, lang: Lang = DEFAULT_LANG, *, labels: Mapping[str, str] | None = None) -> str:
    """The header of ``column``: an explicit label (criteria from the model), else the catalogue."""
    if labels and column in labels:
        return labels[column]
    if column.startswith("cost_") and column[5:].isdigit():
        return t("field.cost_year", lang, year=column[5:])
    m = _PATTERNS[0].match(column)
    if m:  # b1, b2, …: SMAA rank acceptability of rank k
        return t("field.acceptability_k", lang, k=m.group(1))
    m = _PATTERNS[1].match(column)
    if m:  # w_c:<criterion>: SMAA central weight of a criterion
        crit = m.group(1)
        return t(
            "field.central_weight", lang, criterion=(labels or {}).get(crit) or field(crit, lang, unit=False)
        )
    m = _PATTERNS[2].match(column)
    if m and not has_field(column):  # c:<criterion>: a criterion's contribution to the score
        crit = m.group(1)
        return t(
            "field.contribution", lang, criterion=(labels or {}).get(crit) or field(crit, lang, unit=False)
        )
    return field(column, lang)


# Kana and kanji: an English header may carry the money unit 億円 but no other Japanese.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_PATTERNS = (re.compile(r"^b(\d+)$"), re.compile(r"^w_c:(.+)$"), re.compile(r"^c:(.+)$"))


def present(
    df: pd.DataFrame,
    lang: Lang = DEFAULT_LANG,
    *,
    columns: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    enums: Mapping[str, str] | None = None,
    digits: Mapping[str, int] | None = None,
    status: str | None = None,
    show_keys: bool = False,
) -> pd.DataFrame:
    """A display copy of ``df``: chosen ``columns`` in order, localised headers, text cells.

    ``labels`` overrides headers (criterion labels from the model); ``enums`` adds
    column → vocabulary pairs to :data:`ENUM_COLUMNS`; ``digits`` fixes decimals per column;
    ``status`` names the vocabulary of a ``status`` column when it is not the solver's;
    ``show_keys`` writes ``label (column)`` for pages where the planner edits raw files.
    """
    cols = [c for c in (columns or list(df.columns)) if c in df.columns]
    enum_map = dict(ENUM_COLUMNS)
    if status:
        enum_map["status"] = status
    enum_map.update(enums or {})
    out: dict[str, list[str]] = {}
    for c in cols:
        values = df[c].tolist()
        if c in FIELD_VALUED:
            shown = [field(str(v), lang, unit=False) if has_field(str(v)) else cell(v, lang) for v in values]
        elif c in enum_map:
            shown = [vocab(enum_map[c], v, lang) for v in values]
        elif c in ID_COLUMNS:
            shown = [cell(v, lang) for v in values]
        else:
            d = (digits or {}).get(c)
            shown = [_cell(v, lang, d) for v in values]
        name = header(c, lang, labels=labels)
        if show_keys and name != c:
            name = f"{name} ({c})"
        while name in out:  # two fields with one label would collapse into one column
            name += " "
        out[name] = shown
    return pd.DataFrame(out, index=range(len(df)))


def _cell(v: Any, lang: Lang, digits: int | None) -> str:
    if (
        isinstance(v, list | tuple)
        and len(v) == 2
        and all(isinstance(x, int | float) or x is None for x in v)
    ):
        return f"{cell(v[0], lang, digits=digits)} 〜 {cell(v[1], lang, digits=digits)}"
    if isinstance(v, dict):
        return "、".join(f"{cell(x, lang, digits=digits)}" for x in v.values()) if v else "—"
    return cell(v, lang, digits=digits)


def untranslated(df: pd.DataFrame, lang: Lang) -> list[str]:
    """Headers or cells a reader should never see (raw keys, None, nan): what the i18n walk checks."""
    import re

    snake = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
    raw_values = {"None", "nan", "NaN", "<NA>", "NaT"}
    raw_values |= (
        {"optimal", "infeasible", "True", "False", "true", "false", "no_flows"} if lang == "ja" else set()
    )
    problems = []
    id_headers = {header(c, lang) for c in ID_COLUMNS} | ID_COLUMNS | {"ID"}
    for c in df.columns:
        label = str(c).strip()
        if snake.match(label) or label in raw_values:
            problems.append(f"header {label!r}")
        if lang == "en" and _CJK.search(label.replace("億円", "").replace("兆円", "")):
            problems.append(f"Japanese in English header {label!r}")
        # "物資ID (good_id)": the data page names the file column beside the label.
        base = re.sub(r" \([a-z0-9_]+\)$", "", label)
        if base in id_headers or base.endswith("ID") or df[c].dtype == bool:
            continue  # ids are what planners type; ticks are check boxes
        for v in map(str, df[c].tolist()):
            if v in raw_values or snake.match(v):
                problems.append(f"cell {v!r} in column {label!r}")
                break
    return problems
