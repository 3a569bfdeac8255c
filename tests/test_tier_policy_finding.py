"""Found by the load test (issue 27): a policy line that names a restricted good breaks a public reader.

The default policy sets ``stockpile.target_days_by_good.antimony: 180``. With antimony marked
``restricted``, a public reader's visible case drops the good but keeps the policy line, so the
allocation fails with ``unknown good 'antimony'`` — shown in English on a Japanese page
("1 problem found in the input") and naming the hidden good in the issue's column. Before the
save form computed both runs first, a public planner's save recorded the ranking alone.
Expected: the allocation runs on what the reader may see, and no message names a hidden good.
Fixed in ``case.tiers.visible_case``: the reader's policy (and its snapshot) drops what names a hidden id.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from prioritizer import door
from prioritizer.audit import open_store
from prioritizer.auth.identity import Identity
from prioritizer.errors import PrioritizerError

ROOT = Path(__file__).resolve().parents[1]


def test_a_public_reader_allocates_a_case_whose_policy_names_a_restricted_good(tmp_path):
    case = tmp_path / "case"
    shutil.copytree(ROOT / "inputs" / "default", case)
    lines = (case / "goods.csv").read_text(encoding="utf-8-sig").splitlines()
    out = [lines[0] + ",tier"] + [
        ln + (",restricted" if ln.startswith("antimony,") else ",") for ln in lines[1:]
    ]
    (case / "goods.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    store = open_store(f"sqlite:///{tmp_path / 'audit.sqlite'}")
    reader = door.app_caller(Identity("pub", "Pub", "planner", "local", "public"), store)
    visible = door.visible(reader, door.load_whole(case))
    assert "antimony" not in set(visible.goods["id"])
    try:
        run = door.compute(reader, "allocate", visible, {"explain": "prices"}, record=False)
    except PrioritizerError as exc:
        issues = [i.as_dict() for i in getattr(exc, "issues", [])]
        assert "antimony" not in str(exc) + repr(issues)  # at least: the hidden good is not named
        raise
    assert run.result["status"] == "optimal"
    # what the run would record names the hidden good nowhere, its policy snapshot included
    assert all(b"antimony" not in data for data in run.case_files.values())
