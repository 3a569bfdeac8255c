"""Read ``policy.yaml`` (or a workbook's ``policy`` sheet) and validate it as :class:`Policy`.

Pydantic errors become :class:`Issue` records whose ``column`` is the dotted key
path (``limits.0.min``). In a workbook the policy is a sheet named ``policy`` with
the header ``key | value``: one row per dotted key (``budget.years.2026``), the
value cell read as YAML (so ``[{group: domain, value: dependence, min: 2000}]`` is a
list); issues then carry the sheet row of the key.
"""

from __future__ import annotations

import difflib
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from prioritizer import yamlsafe
from prioritizer.case.policy import Policy
from prioritizer.case.readers import IssueLog, decode, parse_yaml, sheet_records
from prioritizer.errors import Issue

_LIST_KEYS = ("limits", "scenarios", "ignore")


def read_policy_yaml(data: bytes, file: str, log: IssueLog) -> tuple[Any, bool]:
    text, _ = decode(data, file, log)
    if text is None:
        return None, False
    obj, ok = parse_yaml(text, file, log)
    if obj is None and ok:
        return {}, True  # an empty policy.yaml: every key takes its default
    return obj, ok


def read_policy_sheet(ws: Any, file: str, log: IssueLog) -> tuple[dict[str, Any] | None, dict[str, int]]:
    import yaml

    records = sheet_records(ws)
    rows: dict[str, int] = {}
    if not records:
        return {}, rows
    header = [h.strip().lower() for h in records[0][1][:2]]
    if header != ["key", "value"]:
        log.add(
            file,
            1,
            None,
            " | ".join(records[0][1][:2]),
            "the policy sheet needs the header 'key | value' in A1:B1",
        )
        return None, rows
    out: dict[str, Any] = {}
    ok = True
    for rownum, rec in records[1:]:
        key = (rec[0] if rec else "").strip()
        cell = rec[1] if len(rec) > 1 else ""
        if not key:
            if cell:
                log.add(
                    file, rownum, "key", None, "a value without a key; fill in the key (e.g. budget.total)"
                )
                ok = False
            continue
        try:
            value = yamlsafe.load(cell) if cell else None
        except yamlsafe.YamlRefused as exc:
            log.add(file, rownum, key, cell[:80], f"the value is refused: {exc.message}")
            ok = False
            continue
        except yaml.YAMLError as exc:
            log.add(
                file, rownum, key, cell, f"the value is not valid YAML ({exc.__class__.__name__}); correct it"
            )
            ok = False
            continue
        parts: list[Any] = [int(p) if p.isdigit() else p for p in key.split(".")]
        node = out
        for part in parts[:-1]:
            nxt = node.setdefault(part, {})
            if not isinstance(nxt, dict):
                log.add(file, rownum, key, cell, f"'{key}' conflicts with an earlier row setting '{part}'")
                ok = False
                break
            node = nxt
        else:
            if parts[-1] in node:
                log.add(file, rownum, key, cell, f"key '{key}' is given twice; keep one row")
                ok = False
            node[parts[-1]] = value
            rows[".".join(map(str, parts))] = rownum
    for k in _LIST_KEYS:
        v = out.get(k)
        if isinstance(v, dict) and v and all(isinstance(i, int) for i in v):
            out[k] = [v[i] for i in sorted(v)]
    return (out if ok else None), rows


def _near_misses(
    data: dict[Any, Any], model: type[BaseModel], prefix: str, file: str, rows: dict[str, int], log: IssueLog
) -> None:
    fields = list(model.model_fields)
    for key in data:
        if not isinstance(key, str) or key in fields:
            continue
        close = difflib.get_close_matches(key, fields, n=1, cutoff=0.8)
        if close:
            path = prefix + key
            log.add(
                file, rows.get(path), path, key, f"unknown key '{key}' — did you mean '{close[0]}'? Rename it"
            )


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (``Limit`` in ``list[Limit]``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _section_model(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model that owns the key at ``loc`` (``('stockpile', 'x')`` -> Stockpile)."""
    model: type[BaseModel] | None = Policy
    for part in loc[:-1]:
        if isinstance(part, int) or model is None:
            continue  # a list element keeps the list's item model
        f = model.model_fields.get(str(part))
        model = _model_in(f.annotation) if f is not None else None
    return model


def error_text(err: Any) -> tuple[str, str]:
    """(dotted key path, message) for one pydantic error, with "did you mean" for unknown keys."""
    loc = tuple(err["loc"])
    path = ".".join(str(p) for p in loc)
    if err.get("type") == "extra_forbidden" and loc:
        key = str(loc[-1])
        model = _section_model(loc)
        fields = list(model.model_fields) if model is not None else []
        close = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
        where = ".".join(str(p) for p in loc[:-1]) or "policy"
        if close:
            return path, f"unknown key '{key}' in {where} — did you mean '{close[0]}'? Rename it"
        return path, f"unknown key '{key}' in {where}; the keys allowed there are {', '.join(fields)}"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return path, f"{path or 'policy'}: {msg}; correct this key"


def policy_issues(exc: ValidationError, file: str, rows: dict[str, int] | None = None) -> list[Issue]:
    """A policy's pydantic errors as :class:`Issue` records (file, sheet row, key path, value, fix)."""
    rows = rows or {}
    out = []
    for err in exc.errors(include_url=False):
        path, msg = error_text(err)
        row = None
        probe = path
        while probe:
            if probe in rows:
                row = rows[probe]
                break
            probe = probe.rpartition(".")[0]
        value = err.get("input")
        if isinstance(value, dict | list):
            value = None
        out.append(Issue(file, row, path or None, value, msg))
    return out


def validate_policy(data: Any, file: str, rows: dict[str, int], log: IssueLog) -> Policy | None:
    if not isinstance(data, dict):
        log.add(
            file,
            None,
            None,
            None if data is None else str(data)[:80],
            "the policy must be a YAML mapping of keys (model, budget, limits, stockpile); see docs/data-format.md",
        )
        return None
    before = len(log)
    # top-level keys beyond the schema are allowed by the contract, near misses are not;
    # inside a section every unknown key is an error (extra="forbid", see error_text)
    _near_misses(data, Policy, "", file, rows, log)
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        for iss in policy_issues(exc, file, rows):
            log.add(iss.file, iss.row, iss.column, iss.value, iss.message)
        return None
    return policy if len(log) == before else None
