"""Small trade files in the published layouts, written by the tests (no downloads)."""

from __future__ import annotations

from pathlib import Path

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CUSTOMS_HEADER = [
    "Exp or Imp",
    "Year",
    "HS",
    "Country",
    "Unit1",
    "Unit2",
    "Quantity1-Year",
    "Quantity2-Year",
    "Value-Year",
] + [f"{k}-{m}" for m in MONTHS for k in ("Quantity1", "Quantity2", "Value")]


def customs_row(
    flow: int, year: int, hs: str, country: int, values: list[int], kg: list[int] | None = None
) -> str:
    """One yearly row; values in 千円 per month, quantity 2 in KG (unit 1 blank)."""
    values = values + [0] * (12 - len(values))
    kg = (kg or values) + [0] * (12 - len(kg or values))
    cells = [str(flow), str(year), f"'{hs}'", str(country), "", "KG", "0", str(sum(kg)), str(sum(values))]
    for q, v in zip(kg, values, strict=True):
        cells += ["0", str(q), str(v)]
    return ",".join(cells)


def write_customs(path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_text(",".join(CUSTOMS_HEADER) + "\n" + "\n".join(rows) + "\n", encoding=encoding)
    return path


COMTRADE_HEADER = (
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,"
    "flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,"
    "classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,"
    "mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,"
    "isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,"
    "legacyEstimationFlag,isReported,isAggregate"
)


def comtrade_row(
    *,
    freq: str = "M",
    year: int = 2024,
    month: int = 1,
    reporter: tuple[int, str] = (392, "JPN"),
    flow: str = "M",
    partner: tuple[int, str] = (156, "CHN"),
    partner2: int = 0,
    cmd: str = "250410",
    customs: str = "C00",
    mot: int = 0,
    net_wgt: float = 1000.0,
    value: float = 1000.0,
) -> str:
    period = f"{year}{month:02d}" if freq == "M" else str(year)
    rid = f"{year}{month:02d}01" if freq == "M" else f"{year}0101"
    cells = [
        "C",
        freq,
        rid,
        str(year),
        str(month if freq == "M" else 52),
        period,
        str(reporter[0]),
        reporter[1],
        "Japan",
        flow,
        "Import",
        str(partner[0]),
        partner[1],
        "x",
        str(partner2),
        "W00" if partner2 == 0 else "X",
        "World",
        "H6",
        "HS",
        "True",
        cmd,
        "desc",
        "6",
        "True",
        customs,
        "All",
        "0",
        str(mot),
        "All",
        "8",
        "kg",
        str(net_wgt),
        "False",
        "-1",
        "N/A",
        "0",
        "False",
        str(net_wgt),
        "False",
        "0",
        "False",
        str(value),
        "0",
        str(value),
        "0",
        "True",
        "False",
    ]
    return ",".join(cells)


def write_comtrade(path: Path, rows: list[str]) -> Path:
    path.write_text(COMTRADE_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


BACI_CODES = (
    "country_code,country_name,country_iso2,country_iso3\n"
    "36,Australia,AU,AUS\n156,China,CN,CHN\n392,Japan,JP,JPN\n410,Rep. of Korea,KR,KOR\n"
    '490,"Other Asia, nes",,S19\n842,USA,US,USA\n'
)


def write_baci(path: Path, rows: list[tuple[int, int, int, str, float, float | None]]) -> Path:
    lines = ["t,i,j,k,v,q"]
    for t, i, j, k, v, q in rows:
        lines.append(f'{t},{i},{j},"{k}",{v:.3f},{"NA" if q is None else f"{q:.3f}"}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_map(path: Path, rows: str) -> Path:
    path.write_text("good_id,hs,share,hs_edition,note\n" + rows, encoding="utf-8")
    return path
