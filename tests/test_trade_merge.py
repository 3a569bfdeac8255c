"""Re-imports replace the rows they cover; the HS map and bad input are checked first."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from prioritizer.errors import InputError
from prioritizer.trade import import_trade, preview, write_case
from tests._trade_files import customs_row, write_customs, write_map


def _run(tmp_path: Path, name: str, rows: list[str], hs_map: Path) -> object:
    r = import_trade("japan-customs", [write_customs(tmp_path / name, rows)], hs_map, tmp_path / "case")
    write_case(r)
    return r


def test_reimport_replaces_covered_rows_without_duplicates(tmp_path: Path) -> None:
    m = write_map(tmp_path / "map.csv", "natural_graphite,2504,,2022,\n")
    _run(
        tmp_path,
        "a.csv",
        [
            customs_row(2, 2024, "250410000", 105, [100_000, 200_000]),
            customs_row(2, 2024, "250410000", 103, [100_000]),
        ],
        m,
    )
    r = _run(tmp_path, "b.csv", [customs_row(2, 2024, "250410000", 105, [300_000])], m)
    flows = pd.read_csv(tmp_path / "case" / "flows.csv", dtype={"period": str})
    assert not flows.duplicated(["good_id", "partner", "period"]).any()
    got = flows.set_index(["partner", "period"])["value"].to_dict()
    # CHN January replaced (3), CHN February and KOR January kept
    assert got == {("CHN", "2024-01"): 3.0, ("CHN", "2024-02"): 2.0, ("KOR", "2024-01"): 1.0}
    assert r.replaced == 1 and r.kept == 2


def test_annual_import_into_a_monthly_good_is_refused(tmp_path: Path) -> None:
    m = write_map(tmp_path / "map.csv", "natural_graphite,2504,,2022,\n")
    _run(tmp_path, "a.csv", [customs_row(2, 2024, "250410000", 105, [100_000])], m)
    from tests._trade_files import comtrade_row, write_comtrade

    ct = write_comtrade(tmp_path / "ct.csv", [comtrade_row(freq="A", year=2024, value=1.0)])
    (tmp_path / "fx.csv").write_text("period,jpy_per_usd\n2024,150\n")
    with pytest.raises(InputError) as e:
        import_trade("comtrade", [ct], m, tmp_path / "case", fx=tmp_path / "fx.csv")
    assert (
        "natural_graphite" in e.value.issues[0].message and "one kind of period" in e.value.issues[0].message
    )


def test_interrupted_write_leaves_flows_as_they_were(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    m = write_map(tmp_path / "map.csv", "natural_graphite,2504,,2022,\n")
    _run(tmp_path, "a.csv", [customs_row(2, 2024, "250410000", 105, [100_000])], m)
    before = (tmp_path / "case" / "flows.csv").read_bytes()
    r = import_trade(
        "japan-customs",
        [write_customs(tmp_path / "b.csv", [customs_row(2, 2024, "250410000", 105, [900_000])])],
        m,
        tmp_path / "case",
    )
    real = os.replace

    def failing(src: object, dst: object) -> None:
        if Path(str(dst)).name == "flows.csv":  # the journal goes in; the case file does not
            raise OSError("disk full")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OSError):
        write_case(r)
    monkeypatch.setattr(os, "replace", real)
    assert (tmp_path / "case" / "flows.csv").read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "case").iterdir() if p.name.startswith(".")) == [
        ".prioritizer-lock"
    ]


def test_overlapping_prefixes_with_shares_over_one_name_the_rows(tmp_path: Path) -> None:
    m = write_map(tmp_path / "map.csv", "rare_earths,2846,0.6,2022,\nheavy_rare_earths,2846.90,0.5,2022,\n")
    f = write_customs(tmp_path / "a.csv", [customs_row(2, 2024, "284690000", 105, [100_000])])
    with pytest.raises(InputError) as e:
        preview("japan-customs", [f], m)
    i = e.value.issues[0]
    assert (i.file, i.row, i.column) == ("map.csv", 3, "share") and "rows 2, 3" in i.message


def test_split_code_gives_each_good_its_share(tmp_path: Path) -> None:
    m = write_map(tmp_path / "map.csv", "rare_earths,2846,0.6,2022,\nheavy_rare_earths,2846.90,0.4,2022,\n")
    f = write_customs(
        tmp_path / "a.csv",
        [
            customs_row(2, 2024, "284690000", 105, [100_000]),
            customs_row(2, 2024, "284610000", 105, [200_000]),
        ],
    )
    pv = preview("japan-customs", [f], m)
    # 2846.90: 1 億円 split 0.6 / 0.4; 2846.10: 2 億円 × 0.6 to rare_earths only
    assert pv.totals_by_good == pytest.approx({"heavy_rare_earths": 0.4, "rare_earths": 0.6 + 1.2})


def test_hs2017_entry_is_bridged_to_the_hs2022_codes_and_reported(tmp_path: Path) -> None:
    m = write_map(tmp_path / "map.csv", "conventional_pv,8541.40,,2017,\n")
    f = write_customs(tmp_path / "a.csv", [customs_row(2, 2024, "854143000", 105, [100_000])])
    pv = preview("japan-customs", [f], m)
    assert pv.totals_by_good == {"conventional_pv": 1.0}
    assert pv.editions_bridged[0]["from"] == "854140" and "854143" in pv.editions_bridged[0]["to"]
