"""Owner-only file modes for an SQLite audit store.

The store holds password hashes, snapshots of secret case rows and every decision's
rationale, so nobody but the OS user who runs the product should read it.

* A folder the product creates for the store is made ``0700``.
* A store file the product creates is made ``0600`` *before* SQLite opens it (an empty
  file is a new SQLite database). SQLite creates the ``-wal`` and ``-shm`` side files with
  the mode of the database file, so they are ``0600`` too — no process-wide umask change,
  which would race with the app's other threads.
* An existing store file (and its side files) readable or writable by group or others is
  tightened to ``0600`` when opened; a mode is never loosened. A file owned by another
  account cannot be changed by us and is left as it is (its owner decides).

Nothing here applies on Windows, where POSIX modes do not exist (the per-user
``%LOCALAPPDATA%`` folder is already private).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and any missing parents with mode 0700; existing folders are left alone."""
    missing: list[Path] = []
    p = folder
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        try:
            os.mkdir(d, DIR_MODE)
        except FileExistsError:  # made meanwhile by another process
            continue
        if os.name != "nt":
            os.chmod(d, DIR_MODE)  # mkdir's mode is filtered by the umask; say it exactly


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    try:
        if os.name != "nt":
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def tighten(path: Path) -> None:
    """Remove group and other permissions from the store file and its side files."""
    if os.name == "nt":
        return
    for p in (path, *(path.with_name(path.name + s) for s in SIDE_SUFFIXES)):
        try:
            mode = stat.S_IMODE(os.stat(p).st_mode)
        except OSError:
            continue
        if mode & 0o077:
            # Not our file (EPERM) or a read-only filesystem: the owner decides, reading still works.
            with contextlib.suppress(OSError):
                os.chmod(p, mode & 0o700)
