"""Country concordances: a source's partner codes -> ISO 3166 alpha-3 (shipped data files).

* ``data/customs_iso3.csv`` — Japan Customs 3-digit statistical country codes: every
  code of the 統計国名符号表 (外国貿易等に関する統計基本通達 別紙第1,
  customs.go.jp/toukei/sankou/dgorder/a1.htm) that names a country or territory, with
  its ISO 3166-1 alpha-3 code; the source and any judgement (``note``) per row. Regions
  without an ISO code of their own (Azores, Canary Islands, Ceuta and Melilla) are
  counted with their country (``region_of``) and do not name it. Left out, hence
  listed as unknown wherever they occur: 327 French West Indies, 415 British Antarctic
  Territory, 605 other Australian territories and 622 US Oceania (each several ISO
  entries), 701 指図式, 702 不明 and 703 保税工場・総合保税地域 (not countries).
* ``data/m49_iso3.csv`` — UN M49 numeric codes (= ISO 3166-1 numeric) plus the UN
  Comtrade reporting codes that differ from them (251 France, 579 Norway, 699 India,
  757 Switzerland, 842 USA, 490 "Other Asia, nes" = Taiwan). CEPII BACI uses the same
  codes, so the BACI concordance is this table overlaid with BACI's own
  ``country_codes_V*.csv`` when given.

An unknown code is never dropped silently: :meth:`CountryMap.lookup` returns ``""`` for
it and the caller lists it (file, row, code, value).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from prioritizer.errors import InputError, Issue

_ISO3 = re.compile(r"^[A-Z]{3}$")
#: BACI / Comtrade "iso3" labels of areas that are not countries (nes areas, bunkers...)
_NOT_COUNTRY = re.compile(r"^(S\d\d|X\d\d|_X|W00|E\d\d|\d+)$")


@dataclass(frozen=True)
class CountryMap:
    """Code -> ISO3 and English / Japanese names; ``source`` names the table used."""

    iso3: dict[str, str]
    name_en: dict[str, str]
    name_ja: dict[str, str]
    source: str

    def lookup(self, codes: pd.Series) -> pd.Series:
        """ISO3 per code ('' where unknown); codes compare as integers without leading zeros."""
        norm = normalise_codes(codes)
        return norm.map(self.iso3).fillna("").astype(str)

    def names(self, iso3: str) -> tuple[str, str]:
        return self.name_ja.get(iso3, ""), self.name_en.get(iso3, "")


def normalise_codes(codes: pd.Series) -> pd.Series:
    s = codes.astype(str).str.strip().str.strip("'\"")
    return s.str.lstrip("0").replace("", "0")


def _read_table(text: str | Path, *, file: str) -> pd.DataFrame:
    df = pd.read_csv(text, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return df


def _build(df: pd.DataFrame, file: str, source: str) -> CountryMap:
    code_col = next((c for c in ("code", "country_code") if c in df.columns), None)
    iso_col = next((c for c in ("iso3", "country_iso3") if c in df.columns), None)
    if code_col is None or iso_col is None:
        raise InputError(
            [
                Issue(
                    file,
                    1,
                    "code" if code_col is None else "iso3",
                    ",".join(df.columns),
                    "a country concordance needs the columns code,iso3 (or BACI's "
                    "country_code,country_iso3); check that this is the right file",
                )
            ]
        )
    issues: list[Issue] = []
    iso3: dict[str, str] = {}
    en: dict[str, str] = {}
    ja: dict[str, str] = {}
    codes = normalise_codes(df[code_col])
    name_en = df.get("name_en", df.get("country_name", pd.Series([""] * len(df))))
    name_ja = df.get("name_ja", pd.Series([""] * len(df)))
    # a region counted with a country (Azores -> PRT) does not name the country
    region = df.get("region_of", pd.Series([""] * len(df)))
    for i, (c, raw_iso) in enumerate(zip(codes, df[iso_col], strict=True)):
        v = str(raw_iso).strip().upper()
        if not c.isdigit():
            issues.append(Issue(file, i + 2, code_col, c, "a country code must be a number (e.g. 105)"))
            continue
        if not _ISO3.match(v) or _NOT_COUNTRY.match(v):
            continue  # a nes area / bunkers: stays unknown and is reported where it occurs
        if c in iso3 and iso3[c] != v:
            issues.append(
                Issue(file, i + 2, iso_col, v, f"code {c} is listed twice with different ISO3 codes")
            )
            continue
        iso3[c] = v
        if str(region.iat[i]).strip():
            continue
        en.setdefault(v, str(name_en.iat[i]).strip())
        if str(name_ja.iat[i]).strip():
            ja.setdefault(v, str(name_ja.iat[i]).strip())
    if issues:
        raise InputError(issues)
    return CountryMap(iso3, en, ja, source)


def _shipped(name: str) -> pd.DataFrame:
    ref = resources.files("prioritizer.trade").joinpath("data", name)
    with ref.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def customs() -> CountryMap:
    return _build(
        _shipped("customs_iso3.csv"), "customs_iso3.csv", "Japan Customs 国名コード (customs_iso3.csv)"
    )


def m49() -> CountryMap:
    return _build(_shipped("m49_iso3.csv"), "m49_iso3.csv", "UN M49 / UN Comtrade codes (m49_iso3.csv)")


def with_overrides(base: CountryMap, df: pd.DataFrame, file: str) -> CountryMap:
    """``base`` overlaid with a user's table (BACI ``country_codes_V*.csv`` or code,iso3)."""
    own = _build(df, file, file)
    return CountryMap(
        {**base.iso3, **own.iso3},
        {**base.name_en, **own.name_en},
        {**base.name_ja, **own.name_ja},
        f"{file} over {base.source}",
    )


def for_source(source: str, override: tuple[str, bytes] | None = None) -> CountryMap:
    import io

    base = customs() if source == "japan-customs" else m49()
    if override is None:
        return base
    name, data = override
    df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return with_overrides(base, df, name)
