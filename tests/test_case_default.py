"""The embedded default case (inputs/default) validates, at the scale issue 2 asks for, quickly.

These tests fail — they do not skip — when the folder is missing: the default case is a
deliverable, and the app starts on it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prioritizer.case import load_case
from prioritizer.case.schemas import INSTRUMENTS
from prioritizer.cli import app
from prioritizer.errors import InputError

DEFAULT = Path(__file__).resolve().parents[1] / "inputs" / "default"


def load_default():  # type: ignore[no-untyped-def]
    assert (DEFAULT / "goods.csv").is_file(), f"{DEFAULT}/goods.csv is missing"
    try:
        return load_case(DEFAULT)
    except InputError as exc:
        listing = "\n".join(f"{i.file}:{i.row}:{i.column}: {i.value!r}: {i.message}" for i in exc.issues)
        pytest.fail(f"inputs/default does not validate ({len(exc.issues)} problems):\n{listing}")


def test_default_case_validates() -> None:
    case = load_default()
    assert case.policy is not None, "inputs/default/policy.yaml is missing"
    for name in ("flows", "countries", "projects", "scenarios", "links"):
        assert case.table(name) is not None, f"inputs/default/{name}.csv is missing"


def test_default_case_scale() -> None:
    """The minimum sizes of issue 2 §4."""
    case = load_default()
    assert len(case.goods) >= 50
    assert len(case.countries) >= 40
    assert len(case.projects) >= 40
    assert len(case.scenarios) >= 8
    assert case.flows["period"].nunique() >= 24
    assert set(INSTRUMENTS) <= set(case.projects["instrument"])


def test_default_case_rows_carry_a_source() -> None:
    case = load_default()
    for name in ("goods", "flows", "countries", "projects", "scenarios", "links"):
        df = case.table(name)
        assert "source" in df.columns, f"{name}.csv has no source column"
        blank = df.index[df["source"] == ""].tolist()
        assert not blank, (
            f"{name}.csv: rows without a source at spreadsheet rows {[r + 2 for r in blank][:10]}"
        )


def test_validate_command_on_default_case() -> None:
    res = CliRunner().invoke(app, ["validate", str(DEFAULT), "--format", "json"], catch_exceptions=False)
    assert res.exit_code == 0, res.stdout
    doc = json.loads(res.stdout)
    assert doc["valid"] is True and doc["counts"]["goods"] >= 50


def test_public_rows_come_from_the_published_files() -> None:
    """Issue 26: flows, governance and world supply are published data, and their source says so.

    Hand checks against the extracts in scripts/data/ (see SOURCES.md):
    * rare earths from China, 2024: BACI HS92 rows 2805.30 61,966.651 + 2846.10 8,390.901 + 2846.90
      124,369.684 thousand USD = 194,727.236 thousand USD × 151.4551 JPY/USD (FRED AEXJPUS 2024)
      = 294.925 億円;
    * Japan's governance: WGI 2022 (1.53997 + 1.61975 + 1.07391 + 1.43877 + 1.55824 + 1.01707) / 6 = 1.3746;
    * gallium: MCS 2024, China 600,000 kg of a world total of 610,000 kg (estimated 2023).
    """
    case = load_default()
    f = case.flows
    assert set(f["period"].astype(str).str.len()) == {4}  # annual: BACI has no months
    assert f["source"].str.contains("CEPII, BACI (HS 1992, release V202401b)", regex=False).all()
    assert f["source"].str.contains("Etalab Open Licence 2.0", regex=False).all()
    ree = f[(f["good_id"] == "rare_earths") & (f["partner"] == "CHN") & (f["period"].astype(str) == "2024")]
    assert float(ree["value"].sum()) == pytest.approx(194_727.236e3 * 151.4551 / 1e8, rel=1e-6)

    c = case.countries.set_index("iso3")
    assert float(c.loc["JPN", "governance"]) == pytest.approx(1.3746, abs=5e-5)
    wgi = c["source"].str.startswith("governance: World Bank, Worldwide Governance Indicators")
    judged = c.index[~wgi].tolist()
    assert judged == ["NCL"], judged  # the one territory WGI does not cover: France's score, said so
    for part in ("2022 estimates", "mean of CC.EST GE.EST PV.EST RL.EST RQ.EST VA.EST", "CC BY 4.0"):
        assert c.loc[wgi, "source"].str.contains(part, regex=False).all(), part

    w = case.world_supply
    ga = w[w["good_id"] == "gallium"].set_index("country")
    assert float(ga.loc["CHN", "share"]) == pytest.approx(600_000 / 610_000)
    mcs = w["source"].str.contains("USGS, Mineral Commodity Summaries 2024 data release", regex=False)
    assert w.loc[mcs, "source"].str.contains("public domain", regex=False).all()
    assert set(w.loc[~mcs, "good_id"]) == {"heavy_rare_earths", "germanium", "lng"}  # kept, illustrative
    assert w.loc[~mcs, "source"].str.startswith("illustrative").all()
