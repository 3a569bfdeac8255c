"""The data page's trade import: a Customs file previewed against the case's HS map, merged and validated.

The controller is the app's whole logic here (the page lays it out); it runs against the real
importer and loader, and nothing is written outside scratch folders until a version is saved.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from prioritizer.app import controller
from prioritizer.audit import open_store
from prioritizer.audit.versions import get_files
from prioritizer.case import load_case
from tests._trade_files import customs_row, write_customs

ROOT = Path(__file__).resolve().parents[1]
#: The former illustrative default case, whose natural-graphite flows are monthly: the public-data
#: default case (issue 26) has annual BACI flows for it, into which monthly Customs rows may not go.
FROZEN = ROOT / "tests" / "cases" / "default_2026_frozen"


def test_a_customs_file_becomes_a_new_case_version_with_its_flows(tmp_path: Path):
    case = load_case(FROZEN)
    f = write_customs(
        tmp_path / "imp2026.csv",
        [
            customs_row(2, 2026, "250410000", 105, [300_000, 0, 150_000]),  # natural graphite from China
            customs_row(2, 2026, "999999999", 105, [10_000]),  # mapped to no good: reported, not used
        ],
    )
    res = controller.trade_import(case, "japan-customs", [(f.name, f.read_bytes())], None)
    pv = res.preview
    assert pv.totals_by_good["natural_graphite"] == pytest.approx(4.5)  # 450,000千円 = 4.5億円
    assert any(str(u.get("hs", u.get("code", ""))).startswith("9999") for u in pv.unmapped)
    assert res.outcome is not None and res.outcome.case is not None, res.outcome and res.outcome.issues
    flows = res.outcome.case.flows
    got = flows[(flows["good_id"] == "natural_graphite") & (flows["partner"] == "CHN")]
    by_period = dict(zip(got["period"], got["value"], strict=True))
    # The imported months replace the case's illustrative rows for them; other months stay.
    assert {p: by_period[p] for p in ("2026-01", "2026-03")} == pytest.approx(
        {"2026-01": 3.0, "2026-03": 1.5}
    )
    assert res.report.replaced >= 2
    # The default case on disk is untouched, and saving makes a version holding the new flows.
    assert (FROZEN / "flows.csv").read_bytes() == case.files["flows.csv"]
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    from prioritizer import door
    from prioritizer.auth.identity import Identity

    who = door.app_caller(Identity("tanaka", "田中", "planner", "local", "secret"), open_store(db))
    v = controller.save_version(
        who, res.outcome.files, "税関統計 2026年", case.name, None, base_files=dict(case.files)
    )
    assert v.actor == "tanaka"
    assert "flows.csv" in v.changes
    assert b"2026-03" in get_files(open_store(db), v.version_id)["flows.csv"]


def test_a_case_without_an_hs_map_and_no_upload_is_a_clear_error(tmp_path: Path):
    import shutil

    from prioritizer.errors import InputError

    folder = tmp_path / "case"
    shutil.copytree(ROOT / "inputs" / "default", folder)
    (folder / "hs_map.csv").unlink()
    case = load_case(folder)
    f = write_customs(tmp_path / "imp.csv", [customs_row(2, 2026, "250410000", 105, [1])])
    with pytest.raises(InputError) as err:
        controller.trade_import(case, "japan-customs", [(f.name, f.read_bytes())], None)
    assert [i.file for i in err.value.issues] == ["hs_map.csv"]


def test_the_app_import_keeps_a_secret_row_secret(tmp_path: Path):
    """Issue 25: re-importing trade rows over secret rows must not make them public."""
    import shutil

    import pandas as pd

    folder = tmp_path / "case"
    shutil.copytree(FROZEN, folder)  # monthly flows (the default case is annual BACI now)
    flows = pd.read_csv(folder / "flows.csv", dtype=str, keep_default_na=False)
    if "tier" not in flows.columns:
        flows["tier"] = ""
    secret = (
        (flows["good_id"] == "natural_graphite")
        & (flows["partner"] == "CHN")
        & (flows["period"] == "2026-01")
    )
    assert secret.sum() == 1  # the default case has this row: the import below replaces it
    flows.loc[secret, "tier"] = "secret"
    flows.to_csv(folder / "flows.csv", index=False)
    case = load_case(folder)
    f = write_customs(tmp_path / "imp2026.csv", [customs_row(2, 2026, "250410000", 105, [300_000])])
    res = controller.trade_import(case, "japan-customs", [(f.name, f.read_bytes())], None)
    assert res.outcome is not None and res.outcome.case is not None, res.outcome and res.outcome.issues
    got = res.outcome.case.flows.set_index(["good_id", "partner", "period"])
    assert got.loc[("natural_graphite", "CHN", "2026-01"), "value"] == pytest.approx(
        3.0
    )  # the import's value
    assert got.loc[("natural_graphite", "CHN", "2026-01"), "tier"] == "secret"
