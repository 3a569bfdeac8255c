"""Keep standard output for results: whatever a solver prints goes to standard error.

``--format json`` writes the result on stdout, so one stray line there breaks every
consumer. HiGHS writes its banner and log from C++ straight to file descriptor 1
(highspy 1.16 prints the banner even before any option can be set), below anything
Python's ``sys.stdout`` can catch. :func:`solver_output_to_stderr` therefore points
descriptor 1 at descriptor 2 for the duration of a solve, flushes the C library's
buffers before putting it back, and is re-entrant and thread-safe (the app and the joint
solve run solves in several threads; the descriptor is process-wide, so a depth count under
one lock guards it).
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

_lock = threading.RLock()
_depth = 0
_saved_fd: int | None = None


def flush_c_stdio() -> None:
    """Flush the C library's output buffers (what C code wrote through stdio)."""
    with suppress(OSError, AttributeError):  # no C runtime symbol table (e.g. some Windows builds)
        ctypes.CDLL(None).fflush(None)


@contextmanager
def solver_output_to_stderr() -> Iterator[None]:
    """Within the block, anything written to descriptor 1 lands on descriptor 2.

    The lock guards only the redirection's start and end, not the solve: two threads' solves
    run at the same time (HiGHS releases the GIL), and descriptor 1 stays redirected until
    the last of them ends."""
    global _depth, _saved_fd
    with _lock:
        if _depth == 0:
            with suppress(AttributeError, ValueError, OSError):
                sys.stdout.flush()
            try:
                _saved_fd = os.dup(1)
                os.dup2(2, 1)
            except OSError:  # no descriptor 1 or 2 (a detached service): nothing to protect
                _saved_fd = None
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved_fd is not None:
                flush_c_stdio()
                os.dup2(_saved_fd, 1)
                os.close(_saved_fd)
                _saved_fd = None
