"""The HS edition bridge follows the published UNSD correlation tables (HS 1992 … HS 2022).

Expected pairs are read by hand from the "Correlations" sheets of UNSD's
HS2022toHS1992ConversionAndCorrelationTables.xlsx and HS2017toHS1992ConversionAndCorrelationTables.xlsx
(copies in insongkim/concordance data-raw/ @201c812), not from the shipped extracts:

* HS 2022 8108.20 and 8108.30 → HS 1992 8108.10 (n:1); 8105.20, 8105.30 → 8105.10 (n:1), 8105.90 → 8105.90;
* HS 2022 2836.99 → HS 1992 2836.10, 2836.70, 2836.93, 2836.99 (1:n);
* HS 2022 8507.50, 8507.60 and 8507.80 → HS 1992 8507.80 (n:1 / n:n; also HS 2022 8549.xx e-waste);
* HS 2022 2504.10, 2504.90, 2805.30 → the same HS 1992 codes (1:1).
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest

from prioritizer.trade import hsbridge, preview
from prioritizer.trade.hsmap import load
from tests._trade_files import BACI_CODES, write_baci, write_map


def test_unchanged_codes_keep_their_prefix() -> None:
    for p in ("2504", "250410", "280530", "2711.11".replace(".", "")):
        b = hsbridge.bridge(p, "2022", "1992")
        assert b.unchanged and b.targets == (p,) and not b.partial


def test_n_to_1_inside_the_prefix_is_whole() -> None:
    """8105.20 and 8105.30 both became HS92 8105.10; with the prefix 8105 nothing else feeds it."""
    b = hsbridge.bridge("8105", "2022", "1992")
    assert b.targets == ("810510", "810590") and b.partial == {}


def test_n_to_1_outside_the_prefix_is_partial() -> None:
    """Titanium sponge 8108.20 shares HS92 8108.10 with 8108.30 (titanium waste and scrap)."""
    b = hsbridge.bridge("8108.20".replace(".", ""), "2022", "1992")
    assert b.targets == ("810810",) and b.partial == {"810810": ("810830",)}


def test_1_to_n_gives_every_target() -> None:
    b = hsbridge.bridge("283699", "2022", "1992")
    assert b.targets == ("283610", "283670", "283693", "283699") and b.partial == {}


def test_n_to_n_names_the_other_sources() -> None:
    b = hsbridge.bridge("850760", "2022", "1992")
    assert b.targets == ("850780",)
    assert {"850750", "850780", "854911"} <= set(b.partial["850780"])
    assert "850760" not in b.partial["850780"]


def test_older_to_newer_direction() -> None:
    """HS92 8108.10 split into HS 2022 8108.20 and 8108.30 (the inverse n:1 is a 1:n)."""
    b = hsbridge.bridge("810810", "1992", "2022")
    assert set(b.targets) >= {"810820", "810830"} and b.partial == {}


def test_hs2017_to_1992_uses_the_direct_table() -> None:
    """HS2017 8108.20 → HS92 8108.10 (n:1 with 8108.30), from HS2017toHS1992 directly."""
    b = hsbridge.bridge("810820", "2017", "1992")
    assert b.targets == ("810810",) and b.partial == {"810810": ("810830",)}


def test_editions_without_a_table_are_reported_not_guessed() -> None:
    assert not hsbridge.has_table("1996", "1992")
    m = load(b"good_id,hs,share,hs_edition\nx,8108.10,,1996\n")
    out = m.for_edition("1992")
    assert out.hs == ["810810"] and out.bridged[0]["kept"] == "no_table"


@pytest.mark.parametrize(
    ("name", "pairs"),
    [
        ("hs2022_hs1992.csv", 18900),
        ("hs2022_hs1996.csv", 18600),
        ("hs2022_hs2002.csv", 18242),
        ("hs2022_hs2007.csv", 16635),
        ("hs2022_hs2012.csv", 16377),
        ("hs2022_hs2017.csv", 15657),
        ("hs2017_hs1992.csv", 7862),
        ("hs2017_hs2012.csv", 6141),
    ],
)
def test_extracts_hold_every_published_pair(name: str, pairs: int) -> None:
    """Pair counts of the published Correlations sheets (rows below the two header rows)."""
    ref = resources.files("prioritizer.trade").joinpath("data", name)
    with ref.open("r", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[1:]
    assert sum(len(r[1].split()) for r in rows) == pairs
    assert all(len(r[0]) == 6 and all(len(c) == 6 for c in r[1].split()) for r in rows)


@pytest.mark.parametrize(
    ("spelling", "edition"), [("HS92", "1992"), ("H0", "1992"), ("1996", "1996"), ("h6", "2022")]
)
def test_map_accepts_every_edition(spelling: str, edition: str) -> None:
    m = load(f"good_id,hs,share,hs_edition\nx,2504,,{spelling}\n".encode())
    assert m.edition == [edition]


def test_map_rejects_an_unknown_edition() -> None:
    from prioritizer.errors import InputError

    with pytest.raises(InputError) as e:
        load(b"good_id,hs,share,hs_edition\nx,2504,,1988\n")
    assert e.value.issues[0].row == 2 and e.value.issues[0].column == "hs_edition"


def test_baci_hs92_file_with_an_hs2022_map(tmp_path: Path) -> None:
    """A BACI HS92 row on 8108.10 counts for titanium sponge (HS 2022 8108.20), reported as partial."""
    codes = tmp_path / "country_codes_V202401b.csv"
    codes.write_text(BACI_CODES, encoding="utf-8")
    fx = tmp_path / "fx.csv"
    fx.write_text("period,jpy_per_usd\n2022,100\n", encoding="utf-8")
    baci = write_baci(
        tmp_path / "BACI_HS92_Y2022_V202401b.csv",
        [(2022, 156, 392, "810810", 2000.0, 10.0), (2022, 156, 392, "250410", 1000.0, 5.0)],
    )
    m = write_map(tmp_path / "map.csv", "titanium_sponge,8108.20,,2022,\nnatural_graphite,2504,,2022,\n")
    pv = preview("baci", [baci], m, fx=fx, country_codes=codes)
    assert pv.hs_edition == "1992"
    # 2000 kUSD × 100 JPY/USD = 2e8 JPY = 2 億円; 1000 kUSD = 1 億円
    assert pv.totals_by_good == pytest.approx({"titanium_sponge": 2.0, "natural_graphite": 1.0})
    (b,) = pv.editions_bridged
    assert b["from"] == "810820" and b["to"] == ["810810"] and b["partial"] == {"810810": ["810830"]}
    from prioritizer import text

    msg = next(p for p in pv.problems() if p["kind"] == "trade_edition_bridged")
    assert "810830" in text.render(msg, "en") and "810830" in text.render(msg, "ja")
