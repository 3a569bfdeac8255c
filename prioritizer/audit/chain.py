"""Canonical JSON and SHA-256 hash chaining of audit records.

Every record of the audit trail is stored as *canonical JSON* — keys sorted, no
insignificant whitespace, UTF-8 without escaping, floats as their shortest round-trip
digits, non-finite floats as ``null`` (JSON has no NaN) — so that the same content always
gives the same bytes on SQLite and PostgreSQL alike.

Records are written by orjson (RFC 8259 text; floats in its notation, ``1e-7``). Records
written before December 2026 used the standard library's encoder (``1e-07``): a record's
digest is over the text as it was stored, and :func:`same_content` compares a stored text
with rebuilt content by value, so those records verify unchanged.

Records form a hash chain (the construction of Haber & Stornetta, "How to
time-stamp a digital document", J. Cryptology 3(2), 1991, with SHA-256 of FIPS 180-4)::

    hash_n = SHA-256( prev_hash_n || content_n )      with  prev_hash_n = hash_{n-1},
    prev_hash_1 = GENESIS = "0" * 64

Changing, deleting, inserting or reordering any record breaks the equation at that
record or at its successor; only someone who recomputes every later hash can hide a
change, which an externally filed head hash (an *anchor*) exposes.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from enum import Enum
from typing import Any

import orjson

#: prev_hash of the first record
GENESIS = "0" * 64


def normalise(obj: Any) -> Any:
    """Return ``obj`` as plain JSON values (dict/list/str/int/float/bool/None).

    numpy scalars become Python numbers, tuples and sets become lists (sets sorted),
    non-finite floats become ``None``, dict keys become strings.
    """
    # exact-type fast paths first: a national result holds millions of plain values, and
    # isinstance against the Mapping ABC costs more than the conversion itself
    tp = type(obj)
    if tp is str or tp is bool or obj is None:
        return obj
    if tp is float:
        return obj if math.isfinite(obj) else None
    if tp is int:
        return obj
    if tp is dict:
        out = {}
        for k, v in obj.items():
            t = type(v)  # scalars inline: a national result's rows are flat dicts of numbers
            if t is str or t is int or t is bool or v is None:
                out[k if type(k) is str else str(k)] = v
            elif t is float:
                out[k if type(k) is str else str(k)] = v if v - v == 0.0 else None
            else:
                out[k if type(k) is str else str(k)] = normalise(v)
        return out
    if tp is list:
        return [normalise(v) for v in obj]
    if isinstance(obj, bool | str):
        return obj
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, Enum):  # by value, as orjson writes an enum in canonical()'s fast path
        return normalise(obj.value)
    if isinstance(obj, Mapping):
        return {str(k): normalise(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [normalise(v) for v in obj]
    if isinstance(obj, set | frozenset):
        return sorted(normalise(v) for v in obj)
    if getattr(obj, "ndim", 0) and hasattr(obj, "tolist"):  # numpy array (before .item: arrays have it too)
        return normalise(obj.tolist())
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalar or 0-d array
        return normalise(obj.item())
    if hasattr(obj, "isoformat"):  # date / datetime
        return obj.isoformat()
    # Paths and other simple value objects: their text form is what a reader saw.
    return str(obj)


_CANONICAL = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical(obj: Any) -> str:
    """Canonical JSON text of ``obj`` (see module docstring).

    A value that is already plain JSON (str keys, builtin values) is written by orjson as it
    is: orjson refuses, in C, non-str keys, subclasses, dataclasses, dates and numpy values
    (passed through to a ``default`` there is none of, so they raise TypeError),
    and writes NaN and ±inf as ``null`` just as :func:`normalise` maps them. Anything else
    goes through :func:`normalise` first; both give the same text, only the first skips a
    Python walk over a national result's two million values. An integer beyond 64 bits,
    which orjson cannot write, falls back to the standard encoder.
    """
    try:
        return orjson.dumps(obj, option=_CANONICAL).decode()
    except TypeError:
        pass
    plain = normalise(obj)
    try:
        return orjson.dumps(plain, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return _dumps(plain)


def same_content(stored: str, obj: Any) -> bool:
    """Whether stored canonical text ``stored`` holds the content ``obj`` (rebuilt from rows).

    Byte equality with today's :func:`canonical` first; otherwise equality of values, which
    is what makes records written in the earlier float notation verify (their hash covers the
    text as stored, so the text itself cannot have changed unnoticed)."""
    if stored == canonical(obj):
        return True
    try:
        return _identical(json.loads(stored), normalise(obj))
    except ValueError:
        return False


def _identical(a: Any, b: Any) -> bool:
    """Equal values of the same JSON types: Python's ``==`` would take ``true`` for ``1``."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return a.keys() == b.keys() and all(_identical(v, b[k]) for k, v in a.items())
    if type(a) is list:
        return len(a) == len(b) and all(_identical(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_of(obj: Any) -> str:
    """SHA-256 of the canonical JSON of ``obj``."""
    return sha256_text(canonical(obj))


def link_hash(prev_hash: str, content: str) -> str:
    """``SHA-256(prev_hash || content)`` — the hash of one chained record."""
    return sha256_text(prev_hash + content)
