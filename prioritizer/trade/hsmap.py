"""The HS map: which HS codes make up each good (``hs_map.csv``).

Columns: ``good_id``, ``hs`` (a 4- to 9-digit prefix; dots and spaces allowed:
``8505.11``), optional ``share`` (0–1, default 1: the part of a code's trade that
belongs to the good, for codes split between goods), ``hs_edition`` (2017 or 2022;
the nomenclature edition the prefix is written in), ``note``; optional ``name_ja`` /
``name_en`` (used only when the case has no goods.csv yet).

A traded code ``c`` belongs to every entry whose prefix starts ``c``; the value given to
entry ``e`` is ``value(c) × share(e)``. The entries matching one code are nested
prefixes, so the rule "no code gives away more than its whole value" is: for every
entry, the shares of the entries whose prefix is a prefix of it (itself included)
sum to at most 1. A breach is an error naming the rows.

Editions: an entry written in one edition and a file coded in another are bridged by
``data/hs2017_2022.csv`` (the HS 2017 → HS 2022 correlation for the codes it lists):
an entry on a code that was split is replaced by the codes it became, and the change
is reported.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd

from prioritizer.errors import InputError, Issue

EDITIONS = ("2017", "2022")
_DIGITS = re.compile(r"^\d{4,9}$")
REQUIRED = ("good_id", "hs")


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
        """The map with entries bridged to the file's ``edition`` (None: as written)."""
        if edition is None:
            return self
        corr = _correlation()
        # (hs2017, hs2022) pairs as plain tuples: the map has hundreds of entries, the
        # correlation a few rows, and a DataFrame filter per entry costs more than the import
        pairs = list(zip(corr["hs2017"].tolist(), corr["hs2022"].tolist(), strict=True))
        out = HsMap([], [], [], [], [], self.file, self.names, [])
        for g, p, s, ed, r in zip(self.good_id, self.hs, self.share, self.edition, self.row, strict=True):
            targets: list[str] = []
            if ed and ed != edition:
                forward = (ed, edition) == ("2017", "2022")
                hit = [(a, b) if forward else (b, a) for a, b in pairs]
                hit = [(o, t) for o, t in hit if o.startswith(p) or p.startswith(o)]
                moved = sorted({t for _, t in hit if not t.startswith(p)})
                if moved:
                    targets = moved
                    # the codes of the old edition that did not move keep the prefix
                    if not all(p.startswith(o) or o == p for o, _ in hit):
                        targets = [p, *moved]
                    out.bridged.append(
                        {
                            "row": r,
                            "good_id": g,
                            "from": p,
                            "to": targets,
                            "from_edition": ed,
                            "to_edition": edition,
                        }
                    )
            for t in targets or [p]:
                out.good_id.append(g)
                out.hs.append(t)
                out.share.append(s)
                out.edition.append(edition if targets else ed)
                out.row.append(r)
        return out


@functools.lru_cache(maxsize=1)
def _correlation() -> pd.DataFrame:
    ref = resources.files("prioritizer.trade").joinpath("data", "hs2017_2022.csv")
    with ref.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


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
        ed = {"hs2017": "2017", "hs2022": "2022", "h5": "2017", "h6": "2022"}.get(ed.lower(), ed)
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
