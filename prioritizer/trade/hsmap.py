"""The HS map: which HS codes make up each good (``hs_map.csv``).

Columns: ``good_id``, ``hs`` (a 4- to 9-digit prefix; dots and spaces allowed:
``8505.11``), optional ``share`` (0–1, default 1: the part of a code's trade that
belongs to the good, for codes split between goods), ``hs_edition`` (1992 … 2022;
the nomenclature edition the prefix is written in), ``note``; optional ``name_ja`` /
``name_en`` (used only when the case has no goods.csv yet).

A traded code ``c`` belongs to every entry whose prefix starts ``c``; the value given to
entry ``e`` is ``value(c) × share(e)``. The entries matching one code are nested
prefixes, so the rule "no code gives away more than its whole value" is: for every
entry, the shares of the entries whose prefix is a prefix of it (itself included)
sum to at most 1. A breach is an error naming the rows.

Editions (``hs_edition``: 1992, 1996, 2002, 2007, 2012, 2017, 2022): an entry written in
one edition and a file coded in another are bridged with the full UNSD correlation tables
(:mod:`prioritizer.trade.hsbridge`): an entry whose codes changed is replaced by the
subheadings of the file's edition they correlate with (1:n, n:1 and n:n alike), and the
change is reported, naming every target that also holds codes outside the entry
(``partial``: the import can only overstate the good there). An entry longer than six
digits whose subheading changed is bridged at six digits (reported).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from prioritizer.errors import InputError, Issue
from prioritizer.trade import hsbridge

EDITIONS = hsbridge.EDITIONS
_DIGITS = re.compile(r"^\d{4,9}$")
REQUIRED = ("good_id", "hs")
#: spellings of an edition in files: HS2017, HS17, H5 (UN Comtrade / BACI classification codes H0…H6)
_EDITION_ALIASES = {
    **{f"hs{e}": e for e in hsbridge.EDITIONS},
    **{f"hs{e[2:]}": e for e in hsbridge.EDITIONS},
    **{f"h{i}": e for i, e in enumerate(hsbridge.EDITIONS)},
}


@dataclass
class HsMap:
    good_id: list[str]
    hs: list[str]
    share: list[float]
    edition: list[str]
    row: list[int]  # spreadsheet row of each entry in the map file
    file: str
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: edition bridges applied: {"row", "good_id", "from", "to", "from_edition", "to_edition"}
    bridged: list[dict[str, object]] = field(default_factory=list)

    @property
    def goods(self) -> list[str]:
        return list(dict.fromkeys(self.good_id))

    def match(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(code index, entry index) pairs for every entry whose prefix starts the code.

        Works on the distinct codes only (a BACI year has ~5,000).
        """
        by_len: dict[int, dict[str, list[int]]] = {}
        for e, p in enumerate(self.hs):
            by_len.setdefault(len(p), {}).setdefault(p, []).append(e)
        ci: list[int] = []
        ei: list[int] = []
        for i, c in enumerate(codes):
            c = str(c)
            for n, table in by_len.items():
                hit = table.get(c[:n]) if len(c) >= n else None
                if hit:
                    ci.extend([i] * len(hit))
                    ei.extend(hit)
        return np.asarray(ci, dtype=np.int64), np.asarray(ei, dtype=np.int64)

    def for_edition(self, edition: str | None) -> HsMap:
        """The map with entries bridged to the file's ``edition`` (None: as written).

        An entry that cannot be bridged (no table links the two editions, or no subheading
        of its edition starts with it) is kept as written and reported in ``bridged``.
        """
        if edition is None:
            return self
        out = HsMap([], [], [], [], [], self.file, self.names, [])
        for g, p, s, ed, r in zip(self.good_id, self.hs, self.share, self.edition, self.row, strict=True):
            targets: tuple[str, ...] = (p,)
            if ed and ed != edition and ed in EDITIONS and edition in EDITIONS:
                if not hsbridge.has_table(ed, edition):
                    out.bridged.append(_kept_note(r, g, p, ed, edition, "no_table"))
                else:
                    b = hsbridge.bridge(p, ed, edition)
                    if not b.known:
                        out.bridged.append(_kept_note(r, g, p, ed, edition, "unknown_code"))
                    elif not b.unchanged:
                        out.bridged.append(_bridged_note(r, g, b, ed, edition))
                        targets = b.targets
            for t in targets:
                out.good_id.append(g)
                out.hs.append(t)
                out.share.append(s)
                out.edition.append(edition if targets != (p,) else ed)
                out.row.append(r)
        return out


#: partial targets listed in a message before "… and N more"
_SHOW = 8


def _codes(codes: tuple[str, ...] | list[str]) -> str:
    more = f" … (+{len(codes) - _SHOW})" if len(codes) > _SHOW else ""
    return ", ".join(codes[:_SHOW]) + more


def _bridged_note(row: int, good: str, b: hsbridge.Bridged, src: str, dst: str) -> dict[str, object]:
    """The report entry of one bridged prefix (rendered by the ``trade_edition_bridged`` message)."""
    part = "; ".join(f"{t} ← {_codes(o)}" for t, o in b.partial.items())
    deeper = len(b.prefix) > 6
    return {
        "row": row,
        "good_id": good,
        "from": b.prefix,
        "to": list(b.targets),
        "from_edition": src,
        "to_edition": dst,
        "partial": {t: list(o) for t, o in b.partial.items()},
        "note_ja": ("（6桁で読み替え）" if deeper else "")
        + (f"。次のコードは対応表の外の HS{src} コードも含むため過大になり得ます：{part}" if part else ""),
        "note_en": (" (bridged at six digits)" if deeper else "")
        + (
            f"; these codes also hold HS {src} codes outside the entry, so they can overstate it: {part}"
            if part
            else ""
        ),
    }


def _kept_note(row: int, good: str, p: str, src: str, dst: str, why: str) -> dict[str, object]:
    ja = {
        "no_table": f"。HS{src} と HS{dst} を結ぶ UNSD 対応表を同梱していないため、そのまま使いました（HS2017 か HS2022 で書いてください）",
        "unknown_code": f"。HS{src} にこのコードで始まる小項目がないため、そのまま使いました（版を確認してください）",
    }[why]
    en = {
        "no_table": f"; no UNSD table linking HS {src} and HS {dst} ships with prioritizer, so it is used as written (write it in HS 2017 or 2022)",
        "unknown_code": f"; no HS {src} subheading starts with it, so it is used as written (check the edition)",
    }[why]
    return {
        "row": row,
        "good_id": good,
        "from": p,
        "to": [p],
        "from_edition": src,
        "to_edition": dst,
        "partial": {},
        "kept": why,
        "note_ja": ja,
        "note_en": en,
    }


def load(data: bytes, file: str = "hs_map.csv", goods: set[str] | None = None) -> HsMap:
    """Parse and validate a map; every problem (file, row, column) at once.

    ``goods``: the case's good ids when it has a goods.csv (a map's good must be one).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp932")
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    df.columns = [c.strip() for c in df.columns]
    issues: list[Issue] = []
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise InputError(
            [
                Issue(
                    file,
                    1,
                    c,
                    None,
                    "the HS map needs the columns good_id,hs[,share,hs_edition,note]; add this column",
                )
                for c in missing
            ]
        )
    out = HsMap([], [], [], [], [], file)
    seen: dict[tuple[str, str], int] = {}
    for i in range(len(df)):
        row = i + 2
        g = df["good_id"].iat[i].strip()
        raw = df["hs"].iat[i]
        hs = re.sub(r"[.\s'\"-]", "", raw)
        if not g:
            issues.append(
                Issue(file, row, "good_id", "", "empty good_id; name the good this code belongs to")
            )
        elif goods is not None and g not in goods:
            issues.append(
                Issue(
                    file,
                    row,
                    "good_id",
                    g,
                    "good_id is not in the case's goods.csv; add the good or correct the id",
                )
            )
        if not _DIGITS.match(hs):
            issues.append(
                Issue(file, row, "hs", raw, "hs must be a 4- to 9-digit HS prefix such as 2504 or 8505.11")
            )
            continue
        share = 1.0
        if "share" in df.columns and df["share"].iat[i].strip():
            try:
                share = float(df["share"].iat[i])
            except ValueError:
                share = float("nan")
            if not 0 < share <= 1:
                issues.append(
                    Issue(
                        file,
                        row,
                        "share",
                        df["share"].iat[i],
                        "share must be a number in (0, 1] (35% is 0.35)",
                    )
                )
                continue
        ed = df["hs_edition"].iat[i].strip() if "hs_edition" in df.columns else ""
        ed = _EDITION_ALIASES.get(ed.lower(), ed)
        if ed not in EDITIONS:
            issues.append(
                Issue(
                    file,
                    row,
                    "hs_edition",
                    ed,
                    f"hs_edition must state the HS edition of the code: one of {', '.join(EDITIONS)}",
                )
            )
        if (g, hs) in seen:
            issues.append(Issue(file, row, "hs", raw, f"good {g} already lists {hs} in row {seen[(g, hs)]}"))
            continue
        seen[(g, hs)] = row
        out.good_id.append(g)
        out.hs.append(hs)
        out.share.append(share)
        out.edition.append(ed)
        out.row.append(row)
        if g not in out.names:
            ja = df["name_ja"].iat[i].strip() if "name_ja" in df.columns else ""
            en = df["name_en"].iat[i].strip() if "name_en" in df.columns else ""
            if ja or en:
                out.names[g] = (ja, en)
    # Nested prefixes may not give away more than a code's whole value.
    for e, p in enumerate(out.hs):
        chain = [k for k, q in enumerate(out.hs) if p.startswith(q)]
        total = sum(out.share[k] for k in chain)
        if total > 1 + 1e-9:
            rows = ", ".join(str(out.row[k]) for k in chain)
            issues.append(
                Issue(
                    file,
                    out.row[e],
                    "share",
                    f"{total:g}",
                    f"codes starting {p} are given away {total:g} times over by rows {rows} (overlapping "
                    "prefixes); their shares must add up to at most 1",
                )
            )
    if issues:
        raise InputError(issues)
    if not out.hs:
        raise InputError(
            [Issue(file, 2, "hs", None, "the HS map has no entries; add a row per good and code")]
        )
    return out
