"""The in-memory shape of a validated case.

Every table is a plain :class:`pandas.DataFrame` with a RangeIndex and the column
names of DESIGN §3. The loader guarantees, for every table that is present:

* all contract columns exist (optional ones filled with their documented default),
  typed: ids and names ``str``; flags ``bool``; numbers ``float``;
* ``projects.requires`` / ``projects.excludes`` are ``list[str]``;
  ``projects.must`` is one of ``"in"``, ``"out"``, ``""``;
* per-year costs stay as columns ``cost_<year>`` (float, 0 where blank);
* ``flows.period`` is ``str`` ``YYYY-MM``;
* every reference resolves (good ids, partners, project ids) and there are no cycles.

A table that was not supplied is ``None`` — features that need it switch off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pandas as pd

if TYPE_CHECKING:
    from prioritizer.case.policy import Policy

#: table name -> file name inside a case folder (also the sheet name in a workbook)
_T = TypeVar("_T")

TABLES: dict[str, str] = {
    "goods": "goods.csv",
    "flows": "flows.csv",
    "countries": "countries.csv",
    "projects": "projects.csv",
    "scenarios": "scenarios.csv",
    "links": "links.csv",
    "production": "production.csv",
    "exports": "exports.csv",
    "world_supply": "world_supply.csv",
}


@dataclass
class Case:
    root: Path
    goods: pd.DataFrame
    flows: pd.DataFrame | None = None
    countries: pd.DataFrame | None = None
    projects: pd.DataFrame | None = None
    scenarios: pd.DataFrame | None = None
    links: pd.DataFrame | None = None
    #: optional ``good_id, period|year, value`` tables feeding import reliance
    production: pd.DataFrame | None = None
    exports: pd.DataFrame | None = None
    #: optional world production shares ``good_id, country, share[, governance]``
    world_supply: pd.DataFrame | None = None
    policy: Policy | None = None
    #: raw bytes of every file read, keyed by file name relative to ``root``
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.root.stem if self.root.suffix else self.root.name

    @property
    def digests(self) -> dict[str, str]:
        """SHA-256 of every input file as read (what the audit trail records)."""
        return {k: hashlib.sha256(v).hexdigest() for k, v in sorted(self.files.items())}

    def table(self, name: str) -> pd.DataFrame | None:
        return getattr(self, name)

    def counts(self) -> dict[str, int]:
        return {t: len(df) for t in TABLES if (df := self.table(t)) is not None}

    def kept(self, name: str, key: Hashable, make: Callable[[], _T]) -> _T:
        """``make()``, kept on this case while it holds the same parts and ``key`` is equal.

        The app shares one Case between reruns and sessions, so a result derived from it (a
        model's criticality, the latest indicators) is computed again only when a part was
        replaced — an edit makes new frames — or ``key`` changed. The entry holds the parts
        themselves and compares them by identity, so a freed frame's id taken by a new frame
        cannot pass for it. One entry per ``name``; the value is shared, not copied.
        """
        parts = tuple(getattr(self, f.name) for f in fields(self))
        memo: dict[str, tuple[tuple[object, ...], Hashable, object]] = self.__dict__.setdefault("_kept", {})
        entry = memo.get(name)  # one read: another session may replace the entry meanwhile
        if (
            entry is not None
            and entry[1] == key
            and all(a is b for a, b in zip(entry[0], parts, strict=True))
        ):
            return entry[2]  # type: ignore[return-value]
        value = make()
        memo[name] = (parts, key, value)
        return value
