"""Case table schemas, declared as data (DESIGN §3, docs/architecture.md, docs/data-format.md).

Each table is a :class:`TableSpec` listing :class:`ColumnSpec` entries: the column's
kind (how a cell is parsed), whether it is required, its default when blank or
absent, its range, allowed values and what it refers to. The loader
(:mod:`prioritizer.case.load`) interprets these specs; the documentation
(``docs/data-format.md``) describes the same columns, and a test keeps the two in step.

:func:`to_pandera` turns a spec into a :class:`pandera.pandas.DataFrameSchema`
describing the *validated* frames of a :class:`~prioritizer.case.types.Case` (used by
the tests and available to other modules); the loader itself does not import
pandera, because its import alone costs more than the whole validation of the
default case.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandera.pandas as pa

Kind = Literal["id", "str", "float", "bool", "enum", "period", "idlist", "year"]

SECTORS: tuple[str, ...] = ("computing", "cleantech", "biotech", "other")
DOMAINS: tuple[str, ...] = ("disruptive", "advantage", "dependence")
INSTRUMENTS: tuple[str, ...] = (
    "subsidy",
    "loan",
    "rnd",
    "stockpile",
    "tax",
    "procurement",
    "state_commissioned",
)
MUST: tuple[str, ...] = ("in", "out")

#: per-year cost columns of projects.csv (``cost_2026``)
COST_YEAR = re.compile(r"^cost_(\d{4})$")
#: extra numeric columns whose name says they are a share / fraction must lie in 0..1
UNIT_INTERVAL_SUFFIXES: tuple[str, ...] = ("_share", "_fraction")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: Kind = "str"
    #: the column must be present in the file header
    required: bool = False
    #: cells may not be blank (implied for required id/ref columns)
    nonblank: bool = False
    #: value used for blank cells and for an absent column
    default: Any = None
    ge: float | None = None
    le: float | None = None
    gt: float | None = None
    choices: tuple[str, ...] = ()
    #: ``"table.column"`` this column refers to (ids must resolve)
    ref: str | None = None
    unit: str = ""
    doc_en: str = ""
    doc_ja: str = ""
    #: a ``period`` column that also accepts an annual ``YYYY`` (flows.csv)
    annual: bool = False


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]
    #: columns whose combination must be unique (the table's key)
    key: tuple[str, ...] = ()
    #: groups of columns of which at least one must be present in the header
    one_of: tuple[tuple[str, ...], ...] = ()
    doc_en: str = ""
    doc_ja: str = ""
    #: per-row rule: at least one of these columns must be non-blank
    row_one_of: tuple[tuple[str, ...], ...] = field(default=())

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> ColumnSpec | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


NAN = math.nan


def _c(name: str, kind: Kind = "str", **kw: Any) -> ColumnSpec:
    if "default" not in kw:
        kw["default"] = {"float": NAN, "bool": False, "idlist": ()}.get(kind, "")
    return ColumnSpec(name, kind, **kw)


def _share(name: str, en: str, ja: str) -> ColumnSpec:
    return _c(name, "float", ge=0, le=1, unit="0–1", doc_en=en, doc_ja=ja)


_NAMES = (
    _c("name_ja", doc_en="Japanese name", doc_ja="名称（日本語）"),
    _c("name_en", doc_en="English name", doc_ja="名称（英語）"),
)
_SOURCE = _c("source", doc_en="provenance: publisher, title, year, or 'illustrative'", doc_ja="出典")
#: information tier of the row (issue 17): readers see only rows at or below their clearance
TIERS: tuple[str, ...] = ("public", "restricted", "secret")
_TIER = _c(
    "tier",
    "enum",
    choices=TIERS,
    default="public",
    doc_en="information tier: public (機密性1), restricted (機密性2), secret (機密性3)",
    doc_ja="機密性区分",
)

GOODS = TableSpec(
    "goods",
    (
        _c("id", "id", required=True, nonblank=True, doc_en="unique id", doc_ja="一意の ID"),
        *_NAMES,
        _c(
            "sector",
            "enum",
            choices=SECTORS,
            default="other",
            doc_en="sector of METI's map",
            doc_ja="分野",
        ),
        _c(
            "domain",
            "enum",
            choices=DOMAINS,
            doc_en="Action Plan domain (blank = unclassified)",
            doc_ja="領域",
        ),
        _c("specified_critical", "bool", doc_en="specified critical good (ESPA)", doc_ja="特定重要物資"),
        _c("ministry", doc_en="responsible ministry", doc_ja="所管省庁"),
        _c("unit", doc_en="physical unit of demand", doc_ja="数量単位"),
        _c("annual_demand", "float", ge=0, unit="unit / year", doc_en="domestic demand", doc_ja="年間需要量"),
        _c("unit_price", "float", ge=0, unit="億円 / unit", doc_en="price per unit", doc_ja="単価"),
        _c("parent_id", "str", ref="goods.id", doc_en="parent of a grouped good", doc_ja="親物資の ID"),
        _share("autonomy", "share of demand coverable by domestic + partner supply", "自律性"),
        _share("indispensability", "Japan's share of world supply / chokepoint strength", "不可欠性"),
        _c("securing_cost", "float", ge=0, unit="億円", doc_en="cost of securing supply", doc_ja="確保費用"),
        _share("foreign_dependence", "import reliance × concern concentration", "対外依存度"),
        _c("importance", "float", ge=1, le=5, unit="1–5", doc_en="importance", doc_ja="重要度"),
        _share("substitutability", "ease of substituting source or material (1 = easy)", "調達代替性"),
        _c(
            "domestic_production",
            "float",
            ge=0,
            unit="億円 / year",
            doc_en="domestic output",
            doc_ja="国内生産額",
        ),
        _c("exports", "float", ge=0, unit="億円 / year", doc_en="exports", doc_ja="輸出額"),
        _share("eol_rir", "end-of-life recycling input rate (EU CRM)", "リサイクル投入率"),
        _share("substitution_index", "EU CRM substitution index (1 = no substitute)", "代替指数"),
        _c("stockpilable", "bool", doc_en="may be stockpiled by the state", doc_ja="備蓄対象になり得る"),
        _SOURCE,
        _TIER,
    ),
    key=("id",),
    one_of=(("name_ja", "name_en"),),
    row_one_of=(("name_ja", "name_en"),),
    doc_en="candidate goods / technologies / services (required file)",
    doc_ja="候補となる物資・技術・サービス（必須）",
)

FLOWS = TableSpec(
    "flows",
    (
        _c("good_id", "str", required=True, nonblank=True, ref="goods.id", doc_en="good", doc_ja="物資 ID"),
        _c(
            "partner",
            "str",
            required=True,
            nonblank=True,
            ref="countries.iso3",
            doc_en="partner country, ISO 3166 alpha-3",
            doc_ja="相手国（ISO 3166 alpha-3）",
        ),
        _c(
            "period",
            "period",
            required=True,
            nonblank=True,
            annual=True,
            doc_en="month YYYY-MM, or year YYYY for annual data (one kind per good)",
            doc_ja="年月 YYYY-MM（年次データは年 YYYY。物資ごとにどちらか一方）",
        ),
        _c(
            "value",
            "float",
            required=True,
            nonblank=True,
            ge=0,
            unit="億円",
            doc_en="imports",
            doc_ja="輸入額",
        ),
        _c("quantity", "float", ge=0, doc_en="imported quantity", doc_ja="輸入数量"),
        _c("unit", doc_en="unit of quantity (e.g. KG, t)", doc_ja="数量の単位"),
        _c("domestic_production", "float", ge=0, unit="億円", doc_en="domestic output", doc_ja="国内生産額"),
        _c("exports", "float", ge=0, unit="億円", doc_en="exports", doc_ja="輸出額"),
        _SOURCE,
        _TIER,
    ),
    key=("good_id", "partner", "period"),
    doc_en="monthly (or annual) imports by partner",
    doc_ja="相手国別・月別輸入",
)

COUNTRIES = TableSpec(
    "countries",
    (
        _c("iso3", "id", required=True, nonblank=True, doc_en="ISO 3166 alpha-3", doc_ja="国コード"),
        *_NAMES,
        _c(
            "governance",
            "float",
            ge=-2.5,
            le=2.5,
            unit="−2.5–2.5",
            doc_en="WGI-style mean",
            doc_ja="統治指標",
        ),
        _c("concern", "bool", doc_en="country of concern", doc_ja="懸念国"),
        _c("partner", "bool", doc_en="ally / trade-agreement partner", doc_ja="同志国"),
        _SOURCE,
    ),
    key=("iso3",),
    doc_en="countries",
    doc_ja="国",
)

PROJECTS = TableSpec(
    "projects",
    (
        _c("id", "id", required=True, nonblank=True, doc_en="unique id", doc_ja="一意の ID"),
        *_NAMES,
        _c("good_id", "str", ref="goods.id", doc_en="good the project supports", doc_ja="対象物資 ID"),
        _c("instrument", "enum", choices=INSTRUMENTS, doc_en="policy instrument", doc_ja="政策手段"),
        _c("cost", "float", ge=0, unit="億円", doc_en="total cost", doc_ja="費用"),
        _c("divisible", "bool", doc_en="may be funded in part", doc_ja="部分採択可"),
        _c(
            "min_fraction",
            "float",
            ge=0,
            le=1,
            default=0.0,
            unit="0–1",
            doc_en="smallest fundable share",
            doc_ja="最小採択率",
        ),
        _c("value", "float", ge=0, doc_en="explicit benefit", doc_ja="便益（明示）"),
        _c(
            "capacity",
            "float",
            ge=0,
            default=0.0,
            unit="unit / year",
            doc_en="supply capacity added",
            doc_ja="追加供給能力",
        ),
        _c(
            "lead_months",
            "float",
            ge=0,
            unit="months",
            doc_en="months before the added capacity arrives (blank: at once)",
            doc_ja="供給能力が立ち上がるまでの月数（空欄: 即時）",
        ),
        _c("requires", "idlist", ref="projects.id", doc_en="';'-separated project ids", doc_ja="前提事業"),
        _c("excludes", "idlist", ref="projects.id", doc_en="';'-separated project ids", doc_ja="排他事業"),
        _c("ministry", doc_en="responsible ministry", doc_ja="所管省庁"),
        _c("must", "enum", choices=MUST, doc_en="forced in / out", doc_ja="必須採択・不採択"),
        _share("effect", "share of the good's priority the project addresses", "効果率"),
        _c("sector", "enum", choices=SECTORS, doc_en="sector (default: the good's)", doc_ja="分野"),
        _c("domain", "enum", choices=DOMAINS, doc_en="domain (default: the good's)", doc_ja="領域"),
        _c(
            "partner",
            "str",
            doc_en="ISO3 country the project diversifies supply towards",
            doc_ja="調達多角化の相手国",
        ),
        _SOURCE,
        _TIER,
    ),
    key=("id",),
    one_of=(("cost", "cost_<year>"),),
    doc_en="candidate support measures",
    doc_ja="候補となる支援事業",
)

SCENARIOS = TableSpec(
    "scenarios",
    (
        _c("id", "id", required=True, nonblank=True, doc_en="unique id", doc_ja="一意の ID"),
        *_NAMES,
        _c(
            "probability",
            "float",
            required=True,
            nonblank=True,
            ge=0,
            le=1,
            unit="0–1",
            doc_en="probability over the horizon",
            doc_ja="発生確率",
        ),
        _c(
            "good_id",
            "str",
            ref="goods.id",
            doc_en="good cut (with partner: only that partner's share of it)",
            doc_ja="影響を受ける物資（partner と併記: その国からの分のみ）",
        ),
        _c(
            "partner",
            "str",
            ref="countries.iso3",
            doc_en="supplier country cut (alone: its share of every good)",
            doc_ja="供給途絶国（単独: 全物資のその国からの分）",
        ),
        _c(
            "loss",
            "float",
            required=True,
            nonblank=True,
            ge=0,
            le=1,
            unit="0–1",
            doc_en="fraction of the affected supply lost",
            doc_ja="供給喪失率",
        ),
        _c("months", "float", ge=0, default=12.0, unit="months", doc_en="duration", doc_ja="継続月数"),
        _c(
            "affects",
            "idlist",
            doc_en="';'-separated ISO3 codes of the countries hit (blank: home only)",
            doc_ja="影響を受ける国（ISO3、';' 区切り。空欄: 自国のみ）",
        ),
        _SOURCE,
    ),
    key=("id",),
    row_one_of=(("good_id", "partner"),),
    doc_en="disruption scenarios",
    doc_ja="供給途絶シナリオ",
)

LINKS = TableSpec(
    "links",
    (
        _c(
            "good_id",
            "str",
            required=True,
            nonblank=True,
            ref="goods.id",
            doc_en="the product",
            doc_ja="製品",
        ),
        _c(
            "input_id",
            "str",
            required=True,
            nonblank=True,
            ref="goods.id",
            doc_en="the good it needs",
            doc_ja="投入物",
        ),
        _c("intensity", "float", ge=0, default=1.0, doc_en="strength of the dependence", doc_ja="依存の強さ"),
        _SOURCE,
    ),
    key=("good_id", "input_id"),
    doc_en="supply-chain edges",
    doc_ja="サプライチェーンの連関",
)


def _series_table(name: str, en: str, ja: str) -> TableSpec:
    return TableSpec(
        name,
        (
            _c(
                "good_id",
                "str",
                required=True,
                nonblank=True,
                ref="goods.id",
                doc_en="good",
                doc_ja="物資 ID",
            ),
            _c("period", "period", doc_en="month YYYY-MM", doc_ja="年月"),
            _c("year", "year", doc_en="year YYYY (instead of period)", doc_ja="年"),
            _c("value", "float", required=True, nonblank=True, ge=0, unit="億円", doc_en=en, doc_ja=ja),
            _SOURCE,
        ),
        key=("good_id", "period", "year"),
        one_of=(("period", "year"),),
        row_one_of=(("period", "year"),),
        doc_en=en,
        doc_ja=ja,
    )


PRODUCTION = _series_table("production", "domestic production", "国内生産")
EXPORTS = _series_table("exports", "exports", "輸出")

WORLD_SUPPLY = TableSpec(
    "world_supply",
    (
        _c("good_id", "str", required=True, nonblank=True, ref="goods.id", doc_en="good", doc_ja="物資 ID"),
        # Producer countries need not be import partners (e.g. COD for cobalt), so no reference
        # check against countries.csv; 'other' stands for the rest of the world.
        _c(
            "country",
            "str",
            required=True,
            nonblank=True,
            doc_en="producer country (ISO3) or 'other'",
            doc_ja="生産国",
        ),
        _c(
            "share",
            "float",
            required=True,
            nonblank=True,
            ge=0,
            le=1,
            unit="0–1",
            doc_en="share of world production",
            doc_ja="世界生産シェア",
        ),
        _c(
            "governance",
            "float",
            ge=-2.5,
            le=2.5,
            unit="−2.5–2.5",
            doc_en="WGI-style mean when the country is not in countries.csv",
            doc_ja="統治指標（countries.csv にない国）",
        ),
        _c(
            "production",
            "float",
            ge=0,
            unit="good's unit per year",
            doc_en="production in the good's unit (import-supply: from the USGS table)",
            doc_ja="生産量（物資の単位）",
        ),
        _c(
            "reserves_share",
            "float",
            ge=0,
            le=1,
            unit="0–1",
            doc_en="share of world reserves",
            doc_ja="世界埋蔵量シェア",
        ),
        _SOURCE,
    ),
    key=("good_id", "country"),
    doc_en="world production shares (global-supply term of the EU supply-risk index)",
    doc_ja="世界生産シェア（EU 供給リスク指標のグローバル供給項）",
)

SCHEMAS: dict[str, TableSpec] = {
    t.name: t
    for t in (GOODS, FLOWS, COUNTRIES, PROJECTS, SCENARIOS, LINKS, PRODUCTION, EXPORTS, WORLD_SUPPLY)
}


def to_pandera(table: str) -> pa.DataFrameSchema:
    """A pandera schema for the *validated* frame of ``table`` (what :class:`Case` guarantees)."""
    import pandera.pandas as pa

    spec = SCHEMAS[table]
    cols: dict[str, pa.Column] = {}
    for c in spec.columns:
        if c.kind == "year":
            continue  # production/exports keep either period or year; checked separately
        checks: list[pa.Check] = []
        if c.kind == "float":
            if c.ge is not None:
                checks.append(pa.Check.ge(c.ge, ignore_na=True))
            if c.le is not None:
                checks.append(pa.Check.le(c.le, ignore_na=True))
            cols[c.name] = pa.Column(float, checks=checks, nullable=True)
        elif c.kind == "bool":
            cols[c.name] = pa.Column(bool)
        elif c.kind == "enum":
            cols[c.name] = pa.Column(str, pa.Check.isin([*c.choices, ""]))
        elif c.kind == "period":
            if table in ("production", "exports"):
                continue
            month = r"\d{4}-(0[1-9]|1[0-2])"
            pattern = rf"^({month}|\d{{4}})$" if c.annual else rf"^{month}$"
            cols[c.name] = pa.Column(str, pa.Check.str_matches(pattern))
        elif c.kind == "idlist":
            cols[c.name] = pa.Column(object, pa.Check(lambda s: s.map(lambda v: isinstance(v, list)).all()))
        else:
            cols[c.name] = pa.Column(str, pa.Check.str_length(min_value=1) if c.nonblank else None)
    return pa.DataFrameSchema(
        cols, strict=False, unique=list(spec.key) if table not in ("production", "exports") else None
    )
