"""stdout carries results only, whatever a solver prints (issue 13 §8: highspy 1.16's banner broke --format json).

The child process makes HiGHS as loud as it can be — every ``Highs`` object logs to the
console and requests to silence it are ignored — so the test does not depend on which
highspy version is installed: HiGHS' own C++ log is written to descriptor 1 unless the
allocation routes it elsewhere.
"""

from __future__ import annotations

import json
import subprocess

from tests._python import run_python

NOISY = """
import sys, highspy
_init, _set = highspy.Highs.__init__, highspy.Highs.setOptionValue
def init(self, *a, **k):
    _init(self, *a, **k)
    _set(self, "output_flag", True)
    _set(self, "log_to_console", True)
def setopt(self, name, value):
    if name in ("output_flag", "log_to_console"):
        return highspy.HighsStatus.kOk
    return _set(self, name, value)
highspy.Highs.__init__ = init
highspy.Highs.setOptionValue = setopt
from prioritizer.cli import main
sys.argv = ["prioritizer", *sys.argv[1:]]
main()
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_python(NOISY, *args)


def test_json_on_stdout_stays_parseable_when_highs_logs_to_the_console() -> None:
    proc = _run("allocate", "inputs/default", "--relax", "--format", "json", "--no-audit")
    assert proc.returncode == 0, proc.stderr[-2000:]
    payload = json.loads(proc.stdout)  # the whole of stdout is the one JSON document
    assert payload["status"] == "optimal"
    # the log was not swallowed either: it went to stderr, where a user can still read it
    assert "HiGHS" in proc.stderr


def test_json_of_a_milp_with_explanations_stays_parseable() -> None:
    proc = _run("allocate", "inputs/default", "--format", "json", "--no-audit", "--no-explain")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout)["solver"]["mip"] is True


def test_progress_stages_go_to_stderr_in_order() -> None:
    proc = _run("allocate", "inputs/default", "--relax", "--format", "json", "--no-audit")
    json.loads(proc.stdout)
    stages = [ln for ln in proc.stderr.splitlines() if ln.startswith("[") and "秒]" in ln]
    words = ["読み込んで", "検証して", "構築して", "求解して", "説明を計算", "完了（最適）"]
    assert len(stages) == len(words), proc.stderr[-2000:]
    for line, word in zip(stages, words, strict=True):
        assert word in line


def test_two_threads_solve_at_once_and_stdout_comes_back_after_the_last() -> None:
    """The redirection is held while any solve runs, but it must not serialise them: the joint
    solve runs its LP relaxation beside the master. Both threads are inside the block at once
    (a barrier they can only pass together), descriptor 1 is descriptor 2's file meanwhile, and
    it is the original file again once both have left."""
    import os
    import threading

    from prioritizer.allocation.quiet import solver_output_to_stderr

    def ident(fd: int) -> tuple[int, int]:
        st = os.fstat(fd)
        return st.st_dev, st.st_ino

    before = ident(1)
    barrier = threading.Barrier(2, timeout=10)
    inside: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def solve(hold: float) -> None:
        try:
            with solver_output_to_stderr():
                barrier.wait()
                inside.append(ident(1))
                threading.Event().wait(hold)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=solve, args=(h,)) for h in (0.05, 0.3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(20)
    assert not errors, errors
    assert inside == [ident(2)] * 2
    assert ident(1) == before
