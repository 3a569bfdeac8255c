"""The CLI ends without tearing its heap down, but with the exit status, output and clean-up of a
normal interpreter exit (``prioritizer.cli._exit``). Each case runs in its own process."""

from __future__ import annotations

from pathlib import Path

from tests._python import run_python

MAIN = "import sys; from prioritizer.cli import main; sys.argv = ['prioritizer', *sys.argv[1:]]; main()"


def test_a_usage_error_keeps_click_status_2_and_its_message() -> None:
    proc = run_python(MAIN, "allocate", "no/such/case", "--no-audit")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "no such folder" in proc.stderr


def test_help_exits_0_with_all_of_its_text_on_stdout() -> None:
    proc = run_python(MAIN, "--help")
    assert proc.returncode == 0
    for command in ("allocate", "rank", "audit", "study", "stress"):
        assert command in proc.stdout


def test_buffered_output_and_exit_handlers_are_not_lost() -> None:
    """Text still in Python's buffer, text in the C library's stdio buffer and an atexit
    handler's line all reach the pipe; a string exit code prints and gives status 1."""
    code = (
        "import atexit, ctypes, sys\n"
        "from prioritizer.cli import _exit\n"
        "atexit.register(lambda: sys.stdout.write('handler ran\\n'))\n"
        "sys.stdout.write('python buffer\\n')\n"
        "libc = ctypes.CDLL(None)\n"
        "libc.printf(b'c buffer\\n')\n"
        "_exit('stopped: bad input')\n"
    )
    proc = run_python(code)
    assert proc.returncode == 1
    # two buffers, so no order between them: each line arrives whole, once
    assert sorted(proc.stdout.splitlines()) == ["c buffer", "handler ran", "python buffer"]
    assert proc.stderr.strip() == "stopped: bad input"


def test_a_live_thread_is_joined_by_the_normal_exit() -> None:
    """With a non-daemon thread still at work, skipping the teardown would kill it mid-way."""
    code = (
        "import threading, time, sys\n"
        "from prioritizer.cli import _exit\n"
        "def work():\n"
        "    time.sleep(0.5)\n"
        "    print('thread finished', flush=True)\n"
        "threading.Thread(target=work).start()\n"
        "_exit(3)\n"
    )
    proc = run_python(code)
    assert proc.returncode == 3
    assert proc.stdout.strip() == "thread finished"


def test_a_recorded_run_leaves_no_write_ahead_log_behind(tmp_path: Path) -> None:
    """The store's connections are closed at exit: SQLite then checkpoints its write-ahead log
    into the database and deletes it, so the next command does not recover a log that grew
    by every run before."""
    db = tmp_path / "audit.sqlite"
    for _ in range(2):
        proc = run_python(MAIN, "allocate", "inputs/default", "--format", "json", "--db", f"sqlite:///{db}")
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert db.is_file()
        assert not (tmp_path / "audit.sqlite-wal").exists()
    import sqlite3

    with sqlite3.connect(db) as c:  # both runs are in the database file itself
        assert c.execute("SELECT count(*) FROM audit_runs").fetchone()[0] == 2
