"""An import and its audit record change the case together, even under kill -9 (issue 26 item 4).

The crashes are real: the command runs in a subprocess with ``PRIORITIZER_CRASH_AT`` set,
which ends it with ``os._exit(137)`` at that point (no cleanup, as kill -9). The next
command that touches the case — here ``validate``, which only loads it — must find a
valid case: the import finished if its record exists, rolled back if not.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from prioritizer.audit import open_store
from prioritizer.trade import import_trade, write_case
from tests._trade_files import customs_row, write_customs, write_map

ROOT = Path(__file__).resolve().parents[1]
# spelled out (prioritizer.case.journal has them) so that this file also runs against older code
CRASH_ENV, JOURNAL, LOCK = "PRIORITIZER_CRASH_AT", ".prioritizer-journal.json", ".prioritizer-lock"
CLI = [sys.executable, "-c", "from prioritizer.cli import main; main()"]


def _cli(*args: str, crash: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in (CRASH_ENV, "PRIORITIZER_DB")}
    if crash:
        env[CRASH_ENV] = crash
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, check=False
    )


def _files(case: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(case.iterdir()) if p.is_file() and p.suffix == ".csv"}


def _hidden(case: Path) -> list[str]:
    return sorted(p.name for p in case.iterdir() if p.name.startswith(".") and p.name != LOCK)


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path]:
    """A case (CHN, January), the import (CHN January replaced, KOR new: flows + countries change)."""
    m = write_map(tmp_path / "map.csv", "natural_graphite,2504,,2022,\n")
    base = write_customs(tmp_path / "base.csv", [customs_row(2, 2024, "250410000", 105, [100_000])])
    case = tmp_path / "case"
    write_case(import_trade("japan-customs", [base], m, case))
    new = write_customs(
        tmp_path / "new.csv",
        [
            customs_row(2, 2024, "250410000", 105, [300_000]),
            customs_row(2, 2024, "250410000", 103, [200_000]),
        ],
    )
    # what the import gives when nothing goes wrong, in a twin folder
    twin = tmp_path / "twin"
    shutil.copytree(case, twin)
    write_case(import_trade("japan-customs", [new], m, twin))
    return {"case": case, "twin": twin, "map": m, "new": new, "db": tmp_path / "audit.sqlite"}


def _import(
    s: dict[str, Path], crash: str | None = None, db: str | None = None
) -> subprocess.CompletedProcess[str]:
    return _cli(
        "import-trade",
        "japan-customs",
        str(s["new"]),
        "--map",
        str(s["map"]),
        "--out",
        str(s["case"]),
        "--db",
        db or str(s["db"]),
        "--format",
        "json",
        crash=crash,
    )


def _runs(db: Path) -> list[str]:
    if not db.exists():
        return []
    return [r.run_id for r in open_store(str(db)).runs(command="import-trade")]


def test_kill_between_two_renames_is_finished_by_the_next_command(setup: dict[str, Path]) -> None:
    case, before, after = setup["case"], _files(setup["case"]), _files(setup["twin"])
    assert before["flows.csv"] != after["flows.csv"] and before["countries.csv"] != after["countries.csv"]
    got = _import(setup, crash="replaced-1")
    assert got.returncode == 137, got.stderr
    # the crash really fell between the two moves: new flows.csv beside the old countries.csv
    on_disk = _files(case)
    assert on_disk["flows.csv"] == after["flows.csv"] and on_disk["countries.csv"] == before["countries.csv"]
    assert JOURNAL in _hidden(case)
    assert len(_runs(setup["db"])) == 1  # recorded before anything moved
    done = _cli("validate", str(case))
    assert done.returncode == 0, done.stdout + done.stderr
    assert _files(case) == after and _hidden(case) == []
    stored = open_store(str(setup["db"])).get(_runs(setup["db"])[0])
    assert {n: stored.case_files[n] for n in ("flows.csv", "countries.csv")} == {
        n: after[n] for n in ("flows.csv", "countries.csv")
    }


def test_kill_before_the_record_is_rolled_back(setup: dict[str, Path]) -> None:
    case, before = setup["case"], _files(setup["case"])
    assert _import(setup, crash="staged").returncode == 137
    assert _files(case) == before and JOURNAL in _hidden(case)  # staged copies beside the case
    assert _runs(setup["db"]) == []
    done = _cli("validate", str(case))
    assert done.returncode == 0, done.stdout + done.stderr
    assert _files(case) == before and _hidden(case) == []


def test_kill_after_the_record_is_finished_because_the_record_exists(setup: dict[str, Path]) -> None:
    case, before, after = setup["case"], _files(setup["case"]), _files(setup["twin"])
    assert _import(setup, crash="recorded").returncode == 137
    assert _files(case) == before  # nothing moved yet, but the store holds the run
    assert len(_runs(setup["db"])) == 1
    # the next import into the case finishes the first one, then makes its own (same rows: no change)
    again = _import(setup)
    assert again.returncode == 0, again.stderr
    assert _files(case) == after and _hidden(case) == []
    assert len(_runs(setup["db"])) == 2


def test_load_case_in_the_library_finishes_a_killed_import(setup: dict[str, Path]) -> None:
    from prioritizer.case import load_case

    after = _files(setup["twin"])
    assert _import(setup, crash="replaced-1").returncode == 137
    case = load_case(setup["case"])  # the library entry point, in this process
    assert (
        case.files["flows.csv"] == after["flows.csv"]
        and case.files["countries.csv"] == after["countries.csv"]
    )
    assert _hidden(setup["case"]) == []


@pytest.mark.parametrize("store", ["file", "server"])
def test_an_unreachable_audit_store_leaves_the_case_unchanged(setup: dict[str, Path], store: str) -> None:
    case, before = setup["case"], _files(setup["case"])
    if store == "file":
        blocker = setup["db"].parent / "not-a-folder"
        blocker.write_text("a file where the store's folder should be")
        db = str(blocker / "audit.sqlite")
    else:
        db = "postgresql://nobody@127.0.0.1:1/prioritizer"  # nothing listens on port 1
    got = _import(setup, db=db)
    assert got.returncode == 3, got.stdout + got.stderr  # AuditError's exit code
    assert "audit store" in got.stderr and "Traceback" not in got.stderr
    assert _files(case) == before and _hidden(case) == []


def test_an_unresolvable_journal_leaves_the_old_case_readable_and_blocks_the_next_import(
    setup: dict[str, Path],
) -> None:
    from prioritizer.case import journal
    from prioritizer.trade.commit import store_locator

    case, before = setup["case"], _files(setup["case"])
    # An import staged against a server that is unreachable when the case is next read: the
    # journal cannot tell whether it was recorded. (The CLI itself now refuses to start an import
    # whose store it cannot reach — it must know who is importing — so the staging is done here.)
    server = "postgresql://nobody@127.0.0.1:1/prioritizer"  # nothing listens on port 1
    report = import_trade("japan-customs", [setup["new"]], setup["map"], case)
    st = journal.stage(
        case, report.files, {"command": "import-trade", "record": store_locator(server)}, report.base
    )
    st.release()  # as a process killed after staging leaves it
    done = _cli("validate", str(case))
    assert done.returncode == 0, done.stdout + done.stderr  # the old files are whole
    assert _files(case) == before and JOURNAL in _hidden(case)  # the journal waits for its store
    again = _import(setup)  # another store: must not mix a second change into an unresolved one
    assert again.returncode == 2
    assert "PRIORITIZER_DB" in again.stderr and "unfinished" in again.stderr
    assert _files(case) == before


@pytest.mark.parametrize("stored", [True, False])
def test_an_interrupt_during_the_record_is_resolved_by_asking_the_store(
    setup: dict[str, Path], monkeypatch: pytest.MonkeyPatch, stored: bool
) -> None:
    """Ctrl-C while the store writes: whether the run was committed decides finish or roll back."""
    import prioritizer.audit as audit
    from prioritizer.case import load_case
    from prioritizer.trade.commit import commit

    case, before, after = setup["case"], _files(setup["case"]), _files(setup["twin"])
    real = audit.record_run

    def interrupted(run: object, db: str | None = None) -> str:
        if stored:
            real(run, db)  # the transaction committed; the interrupt came before the journal said so
        raise KeyboardInterrupt

    monkeypatch.setattr(audit, "record_run", interrupted)
    rep = import_trade("japan-customs", [setup["new"]], setup["map"], case)
    with pytest.raises(KeyboardInterrupt):
        commit(rep, actor="tester", db=str(setup["db"]))
    assert _files(case) == before and JOURNAL in _hidden(case)
    loaded = load_case(case)  # the registered lookup asks the store named in the journal
    assert _files(case) == (after if stored else before) and _hidden(case) == []
    assert loaded.files["flows.csv"] == (after if stored else before)["flows.csv"]
    assert len(_runs(setup["db"])) == int(stored)
