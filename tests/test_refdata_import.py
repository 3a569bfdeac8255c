"""import-supply usgs-mcs and import-governance wgi on files in the exact published layouts.

``tests/cases/refdata/mcs2024-*_world.csv`` and ``mcs2023-galli_world.csv`` are whole world tables of
the USGS MCS 2024 / 2023 data releases, byte for byte (copies in Redliana/cmm-data
API_Scripts/usgs_mcs_data/ @99a987b): byte-order mark, CRLF, no-break spaces ("United States"),
footnote marks ("Japane", "Russiae", "Korea, Republic ofe", "Other countries4",
"World total (rounded)10"), W and NA, quoted thousands ("72,000"), padded numbers ("1230 "),
lower bounds (">130,000,000"), text in reserves cells, trailing empty columns and rows, two
production types in one table (copper). ``WGIData_sample.csv`` is the header and the Japan,
China and Bermuda rows of the WGI bulk file WGIData.csv (1996–2022; copy in
Iannehuenlabat/Data), byte for byte. Expected values are computed by hand from the printed cells.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prioritizer.cli import app
from prioritizer.errors import InputError
from prioritizer.trade import refapi, usgs

DATA = Path(__file__).parent / "cases" / "refdata"
GOODS = (
    "id,name_ja,name_en,unit\n"
    "gallium,ガリウム,Gallium,t\nlithium,リチウム,Lithium,t\nnatural_graphite,天然黒鉛,Natural graphite,t\n"
    "copper,銅,Copper,t\nantimony,アンチモン,Antimony,t\ngermanium,ゲルマニウム,Germanium,t\n"
    "potash,塩化加里,Potash,t\n"
)
COUNTRIES = "iso3,name_ja,name_en,governance,concern,partner,source\n"


@pytest.fixture
def case(tmp_path: Path) -> Path:
    d = tmp_path / "case"
    d.mkdir()
    (d / "goods.csv").write_text(GOODS, encoding="utf-8")
    (d / "countries.csv").write_text(
        COUNTRIES
        + 'JPN,日本,Japan,1.35,false,false,"governance: illustrative (approx. of WGI); concern/partner: judgement"\n'
        + "BMU,バミューダ,Bermuda,0.9,false,false,governance: illustrative\n"
        + "CHN,中国,China,-0.5,true,false,\n"
        + "FRA,フランス,France,1.2,false,true,\n",
        encoding="utf-8",
    )
    return d


def _map(tmp_path: Path, rows: str) -> Path:
    p = tmp_path / "map.csv"
    p.write_text("good_id,file_prefix,commodity,type,reserves\n" + rows, encoding="utf-8")
    return p


def _rows(case: Path, good: str) -> dict[str, dict[str, str]]:
    with (case / "world_supply.csv").open(encoding="utf-8") as fh:
        return {r["country"]: r for r in csv.DictReader(fh) if r["good_id"] == good}


def _import(case: Path, mp: Path, names: list[str], year: int | None = None) -> refapi.RefImport:
    imp = refapi.import_supply([DATA / n for n in names], mp, case, year=year)
    refapi.write_case(imp)
    return imp


# --------------------------------------------------------------------------- USGS MCS


def test_gallium_footnote_marks_and_kg(case: Path, tmp_path: Path) -> None:
    """MCS 2024 gallium, Prod_kg_est_2023: China 600,000 kg of a world total of 610,000 kg."""
    _import(case, _map(tmp_path, "gallium,mcs2024-galli,,,\n"), ["mcs2024-galli_world.csv"])
    r = _rows(case, "gallium")
    assert set(r) == {"CHN", "JPN", "KOR", "RUS", "other"}  # USA and Other countries4 produce 0
    assert float(r["CHN"]["share"]) == pytest.approx(600_000 / 610_000)
    assert float(r["JPN"]["share"]) == pytest.approx(3_000 / 610_000)  # "Japane"
    assert float(r["KOR"]["share"]) == pytest.approx(2_000 / 610_000)  # "Korea, Republic ofe"
    assert float(r["RUS"]["share"]) == pytest.approx(5_000 / 610_000)  # "Russiae"
    assert float(r["other"]["share"]) == pytest.approx(0.0, abs=1e-12)
    assert float(r["CHN"]["production"]) == pytest.approx(600.0)  # kg → t
    assert "Prod_kg_est_2023 (estimated)" in r["CHN"]["source"] and "public domain" in r["CHN"]["source"]
    assert "Mineral Commodity Summaries 2024" in r["CHN"]["source"]


def test_mcs2023_no_break_space_names(case: Path, tmp_path: Path) -> None:
    """MCS 2023 gallium, Prod_kg_est_2022 (world 550,000 kg); "United States" (NBSP) produces 0."""
    _import(case, _map(tmp_path, "gallium,mcs2023-galli,,,\n"), ["mcs2023-galli_world.csv"])
    r = _rows(case, "gallium")
    # named: 540,000 + 3,000 + 2,000 + 5,000 + 1,000 (Ukraine) = 551,000 > 550,000 rounded → named sum is the base
    assert float(r["CHN"]["share"]) == pytest.approx(540_000 / 551_000)
    assert float(r["UKR"]["share"]) == pytest.approx(1_000 / 551_000)
    assert float(r["other"]["share"]) == 0.0


def test_year_picks_the_column_and_quoted_thousands(case: Path, tmp_path: Path) -> None:
    """Graphite: 2022 Brazil "72,000" of 1,680,000; 2023 (estimated) 73,000 of 1,600,000."""
    mp = _map(tmp_path, "natural_graphite,,graphite,,\n")
    imp = _import(case, mp, ["mcs2024-graph_world.csv"], year=2022)
    r = _rows(case, "natural_graphite")
    assert float(r["BRA"]["share"]) == pytest.approx(72_000 / 1_680_000)
    assert float(r["PRK"]["share"]) == pytest.approx(8_100 / 1_680_000)  # "Korea, North", "8,100"
    # 19 named countries add up to 1,675,970 t: the rest is 4,030 t
    assert float(r["other"]["share"]) == pytest.approx(4_030 / 1_680_000)
    assert imp.summary["goods"][0]["column"] == "Prod_t_2022"
    _import(case, mp, ["mcs2024-graph_world.csv"])  # default: the latest column, estimated
    r = _rows(case, "natural_graphite")
    assert float(r["CHN"]["share"]) == pytest.approx(1_230_000 / 1_600_000)
    assert float(r["other"]["share"]) == pytest.approx(12_350 / 1_600_000)
    assert "Prod_t_est_2023 (estimated)" in r["CHN"]["source"]
    # reserves: China 78,000,000 of 280,000,000; Austria "Included in World total." → blank
    assert float(r["CHN"]["reserves_share"]) == pytest.approx(78 / 280)
    assert r["AUT"]["reserves_share"] == ""


def test_a_year_the_table_lacks_is_an_error(case: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        refapi.import_supply(
            [DATA / "mcs2024-graph_world.csv"],
            _map(tmp_path, "natural_graphite,,graphite,,\n"),
            case,
            year=2021,
        )
    (i,) = e.value.issues
    assert i.file == "mcs2024-graph_world.csv" and i.column == "--year" and "Prod_t_2022" in i.message


def test_withheld_is_missing_not_zero_and_reported(case: Path, tmp_path: Path) -> None:
    """Lithium 2023: USA W. Named 9,600+86,000+4,900+3,400+44,000+33,000+380+3,400 = 184,680 t > 180,000."""
    imp = _import(case, _map(tmp_path, "lithium,,lithium,,\n"), ["mcs2024-lithi_world.csv"])
    r = _rows(case, "lithium")
    assert "USA" not in r
    assert float(r["AUS"]["share"]) == pytest.approx(86_000 / 184_680)
    assert float(r["other"]["share"]) == pytest.approx(0.0, abs=1e-12)
    assert "withheld (W): USA" in r["other"]["source"]
    kinds = {(p["kind"], p.get("country")) for p in imp.problems}
    assert ("supply_withheld", "USA") in kinds and ("supply_named_exceed_world", None) in kinds
    # reserves of a reported country: Chile 9,300,000 of 28,000,000 t
    assert float(r["CHL"]["reserves_share"]) == pytest.approx(9.3 / 28)


def test_remainder_is_kept_as_rest_of_world(case: Path, tmp_path: Path) -> None:
    """Copper refinery 2023 (kt, padded "12000 "): named 27,000 − 2,900 ("Other countries") … of 27,000."""
    imp = _import(case, _map(tmp_path, "copper,,copper,refinery,\n"), ["mcs2024-coppe_world.csv"])
    r = _rows(case, "copper")
    named = (
        890 + 450 + 310 + 2000 + 12000 + 1900 + 610 + 200 + 1500 + 440 + 620 + 480 + 400 + 590 + 1000 + 380
    )
    assert named == 23_770
    assert float(r["CHN"]["share"]) == pytest.approx(12_000 / 27_000)
    assert float(r["other"]["share"]) == pytest.approx((27_000 - named) / 27_000)
    assert float(r["other"]["production"]) == pytest.approx((27_000 - named) * 1000)  # kt → t
    assert sum(float(v["share"]) for v in r.values()) == pytest.approx(1.0)
    assert "other countries row 2900" in r["other"]["source"]
    assert imp.summary["goods"][0]["type"] == "Refinery production, copper"


def test_two_types_need_a_choice(case: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        refapi.import_supply([DATA / "mcs2024-coppe_world.csv"], _map(tmp_path, "copper,,copper,,\n"), case)
    assert e.value.issues[0].column == "Type" and "Refinery production, copper" in e.value.issues[0].message


def test_world_total_with_footnote_and_padded_na(case: Path, tmp_path: Path) -> None:
    """Antimony: "World total (rounded)10" 83,000; Vietnam reserves "             NA"."""
    _import(case, _map(tmp_path, "antimony,,antimony,,\n"), ["mcs2024-antim_world.csv"])
    r = _rows(case, "antimony")
    # named 2023: 2300+3000+4600+2+40000+24+500+300+40+220+700+80+4300+21000+6000+250 = 83,316 > 83,000
    assert float(r["CHN"]["share"]) == pytest.approx(40_000 / 83_316)
    assert r["VNM"]["reserves_share"] == "" and r["other"]["reserves_share"] == ""  # world reserves NA


def test_no_world_total_leaves_the_good_alone(case: Path, tmp_path: Path) -> None:
    (case / "world_supply.csv").write_text(
        "good_id,country,share,governance,source\ngermanium,CHN,0.7,,illustrative\ngermanium,other,0.3,0,illustrative\n",
        encoding="utf-8",
    )
    imp = _import(case, _map(tmp_path, "germanium,,germanium,,\n"), ["mcs2024-germa_world.csv"])
    assert set(_rows(case, "germanium")) == {"CHN", "other"}
    kinds = [p["kind"] for p in imp.problems]
    assert "supply_no_world_total" in kinds
    assert kinds.count("supply_not_available") == 5  # BEL CAN CHN DEU RUS: NA, not zero


def test_kt_to_the_goods_unit_and_kept_rest_governance(case: Path, tmp_path: Path) -> None:
    (case / "world_supply.csv").write_text(
        "good_id,country,share,governance,source\npotash,CAN,0.9,,old\npotash,other,0.1,0.2,judgement\n",
        encoding="utf-8",
    )
    _import(case, _map(tmp_path, "potash,,potash,,Reserves_ore_K2O_equiv_kt\n"), ["mcs2024-potas_world.csv"])
    r = _rows(case, "potash")
    assert float(r["CAN"]["production"]) == pytest.approx(13_000 * 1000)  # 13,000 kt K2O
    assert float(r["CAN"]["share"]) == pytest.approx(13_000 / 39_000)
    assert float(r["USA"]["share"]) == pytest.approx(400 / 39_000)  # "United States1"
    assert r["other"]["governance"] == "0.2"  # the judgement on the rest is kept
    assert r["CAN"]["reserves_share"] == ""  # world K2O reserves NA


def test_unknown_country_and_bad_number_name_file_row_column(case: Path, tmp_path: Path) -> None:
    bad = tmp_path / "mcs2024-galli_world.csv"
    text = (DATA / "mcs2024-galli_world.csv").read_bytes().decode("utf-8-sig")
    text = text.replace("MCS2024,China,", "MCS2024,Atlantis,").replace(",3000,3000,", ",3000,3OOO,")
    bad.write_bytes(("\ufeff" + text).encode("utf-8"))
    with pytest.raises(InputError) as e:
        refapi.import_supply([bad], _map(tmp_path, "gallium,mcs2024-galli,,,\n"), case)
    got = {(i.row, i.column, i.value) for i in e.value.issues}
    assert (3, "Country", "Atlantis") in got and (4, "Prod_kg_est_2023", "3OOO") in got
    assert not (case / "world_supply.csv").exists()  # nothing written


def test_clean_name_rules() -> None:
    assert usgs.clean_name("Japane") == ("country", "JPN")
    assert usgs.clean_name("New Caledonia11") == ("country", "NCL")
    assert usgs.clean_name("Congo (Kinshasa)") == ("country", "COD")
    assert usgs.clean_name("Brazil (beneficiated)") == ("country", "BRA")
    assert usgs.clean_name("Bolivia, ulexite") == ("country", "BOL")
    assert usgs.clean_name("Greece") == ("country", "GRC")  # ends in e, a real name
    assert usgs.clean_name("Other countries (rounded)")[0] == "other"
    assert usgs.clean_name("World total (rounded), excluding U.S. production")[0] == "world"


def test_cli_records_a_run_and_writes_producers(case: Path, tmp_path: Path) -> None:
    db = tmp_path / "audit.sqlite"
    r = CliRunner().invoke(
        app,
        [
            "import-supply", "usgs-mcs", str(DATA / "mcs2024-galli_world.csv"), "--map",
            str(_map(tmp_path, "gallium,mcs2024-galli,,,\n")), "--out", str(case), "--format", "json",
            "--db", f"sqlite:///{db}",
        ],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["run_id"] and out["files_written"] == ["countries.csv", "world_supply.csv"]
    assert out["inputs"][0]["sha256"] and {c["iso3"] for c in out["countries_added"]} == {"KOR", "RUS"}
    ctry = list(csv.DictReader(io.StringIO((case / "countries.csv").read_text(encoding="utf-8"))))
    assert [c["iso3"] for c in ctry][-2:] == ["KOR", "RUS"] and ctry[-1]["governance"] == ""


def test_cli_unknown_source_is_a_clear_error(case: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(
        app, ["import-supply", "usgs", str(DATA / "mcs2024-galli_world.csv"), "--map", str(_map(tmp_path, "")),
              "--out", str(case), "--no-audit"],
    )  # fmt: skip
    assert r.exit_code != 0 and "usgs-mcs" in r.output and "Traceback" not in r.output


# --------------------------------------------------------------------------- WGI


def test_governance_is_the_mean_of_the_six(case: Path) -> None:
    """Japan 2022: (1.53997 + 1.61975 + 1.07391 + 1.43877 + 1.55824 + 1.01707) / 6 = 1.37462."""
    imp = refapi.import_governance(DATA / "WGIData_sample.csv", case, release="2023 update")
    refapi.write_case(imp)
    rows = {
        r["iso3"]: r
        for r in csv.DictReader(io.StringIO((case / "countries.csv").read_text(encoding="utf-8")))
    }
    assert float(rows["JPN"]["governance"]) == pytest.approx(1.37462, abs=1e-4)
    src = rows["JPN"]["source"]
    assert src.startswith("governance: World Bank, Worldwide Governance Indicators, 2023 update")
    assert "2022 estimates" in src and "CC BY 4.0" in src and src.endswith("concern/partner: judgement")
    # Bermuda has no VA.EST for 2022: named, and its cell is kept
    assert rows["BMU"]["governance"] == "0.9"
    assert imp.summary["missing_dimension"] == [{"iso3": "BMU", "missing": ["VA.EST"], "kept": "0.9"}]
    assert imp.summary["not_in_file"] == [{"iso3": "FRA", "kept": "1.2"}]
    assert imp.summary["updated"] == 2  # JPN, CHN


def test_governance_year(case: Path) -> None:
    """Japan 2021: (1.53605 + 1.36276 + 1.01536 + 1.36984 + 1.54056 + 1.06673) / 6 = 1.31522."""
    imp = refapi.import_governance(DATA / "WGIData_sample.csv", case, year=2021)
    refapi.write_case(imp)
    assert "1.3152" in (case / "countries.csv").read_text(encoding="utf-8")
    with pytest.raises(InputError) as e:
        refapi.import_governance(DATA / "WGIData_sample.csv", case, year=1997)
    assert e.value.issues[0].column == "--year" and "1996–2022" in e.value.issues[0].message


def test_governance_rejects_a_wrong_file_and_a_bad_cell(case: Path, tmp_path: Path) -> None:
    before = (case / "countries.csv").read_bytes()
    with pytest.raises(InputError) as e:
        refapi.import_governance(DATA / "mcs2024-galli_world.csv", case)
    assert e.value.issues[0].row == 1
    bad = tmp_path / "WGIData.csv"
    text = (
        (DATA / "WGIData_sample.csv").read_text(encoding="utf-8-sig").replace('"1.53997182846069"', '"x1.5"')
    )
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        refapi.import_governance(bad, case)
    (i,) = e.value.issues
    assert i.column == "2022" and i.value == "x1.5" and i.row is not None and i.row > 1
    assert (case / "countries.csv").read_bytes() == before  # nothing written
