"""The SQLite audit store is private to the OS user who runs the product (issue 25, hardening).

It holds password hashes and snapshots of secret rows: a folder the product creates is 0700,
the store file and its -wal / -shm side files 0600 even under the common umask 022 (which
left them 0644 before), and an existing store readable by others is tightened when opened."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_audit_helpers import make_run

from prioritizer.audit import AuditError, open_store, record_run
from prioritizer.audit import store as store_mod

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


def _forget_open_stores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod, "_STORES", {})


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)  # the usual default: files 0644, folders 0755 unless the product says otherwise
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_store_and_its_folder_and_side_files_are_owner_only(tmp_path, umask_022, monkeypatch):
    monkeypatch.delenv("PRIORITIZER_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    record_run(make_run(), None)  # the default location: $XDG_DATA_HOME/prioritizer/audit.sqlite
    folder = tmp_path / "xdg" / "prioritizer"
    db = folder / "audit.sqlite"
    assert _mode(folder) == 0o700
    assert _mode(tmp_path / "xdg") == 0o700  # every folder the product had to make
    assert _mode(db) == 0o600
    # the store keeps its pooled connection open, so the WAL side files exist now
    side = [folder / "audit.sqlite-wal", folder / "audit.sqlite-shm"]
    assert all(p.exists() for p in side)
    assert [_mode(p) for p in side] == [0o600, 0o600]


def test_an_existing_world_readable_store_is_tightened_and_its_folder_left_alone(
    tmp_path, umask_022, monkeypatch
):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    db = folder / "audit.sqlite"
    url = f"sqlite:///{db}"
    record_run(make_run(), url)
    os.chmod(db, 0o644)  # as every store made before this change
    _forget_open_stores(monkeypatch)  # as a new process opening the old store
    assert open_store(url).verify().ok
    assert _mode(db) == 0o600
    assert _mode(folder) == 0o755  # an existing folder is the user's: never changed


def test_a_private_mode_is_never_loosened(tmp_path, umask_022, monkeypatch):
    db = tmp_path / "audit.sqlite"
    url = f"sqlite:///{db}"
    record_run(make_run(), url)
    os.chmod(db, 0o400)  # the owner made it read-only on purpose
    _forget_open_stores(monkeypatch)
    ro = f"sqlite:///file:{db}?mode=ro&uri=true"
    assert open_store(ro).verify().ok
    assert _mode(db) == 0o400


def test_a_read_only_opening_creates_no_file(tmp_path):
    missing = tmp_path / "none.sqlite"
    with pytest.raises(AuditError):  # SQLite's own "unable to open", as before
        open_store(f"sqlite:///file:{missing}?mode=ro&uri=true").verify()
    assert not missing.exists()


def test_study_results_beside_the_store_get_private_folders_too(tmp_path, umask_022, monkeypatch):
    from prioritizer.study.store import atomic_write_json, default_root

    monkeypatch.delenv("PRIORITIZER_STUDIES", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    target = default_root() / "abc" / "task-1.json"
    atomic_write_json(target, {"funded": {}})
    for d in (tmp_path / "xdg" / "prioritizer", default_root(), target.parent):
        assert _mode(d) == 0o700, d
    assert _mode(target) == 0o600
