"""Shared helpers for ``bench/bench_*.py``: timing, memory and one results table.

Every benchmark measures its own code **and** a named baseline in the same process
and run (same machine state), reports the median of several runs, and prints one
uniform table through :func:`report`::

    from _common import Result, measure, report

    ours = measure(lambda: kernel(x), repeat=5, memory=True)
    base = measure(lambda: baseline(x), repeat=3)
    report([Result("smaa 10k×1k", "scikit-criteria loop", ours, base, target=1.0)],
           title="SMAA-2")

``report`` prints the table and one ``BENCH-JSON {...}`` line per result, which
``bench/run_all.py`` collects into its summary. Run a bench as
``.venv/bin/python bench/bench_x.py`` (the bench folder is then on ``sys.path``).
"""

from __future__ import annotations

import gc
import json
import os
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

#: prefix of the machine-readable line ``report`` writes per result (read by run_all.py)
JSON_PREFIX = "BENCH-JSON "


def quick() -> bool:
    """True when ``run_all.py --quick`` (or ``BENCH_QUICK=1``) asks for small sizes."""
    return os.environ.get("BENCH_QUICK", "") not in ("", "0")


@dataclass
class Timing:
    """Wall-clock seconds of each run; ``median`` is what tables report."""

    runs: list[float]
    #: peak bytes allocated during one extra run under tracemalloc (None if not asked)
    peak_bytes: int | None = None
    #: what the last run returned (for checks that ours and the baseline agree)
    value: Any = None
    #: the runs were measured on a subset and scaled by this factor (1 = measured in full)
    extrapolated: float = 1.0

    @property
    def median(self) -> float:
        return statistics.median(self.runs) * self.extrapolated

    @property
    def peak_mb(self) -> float | None:
        return None if self.peak_bytes is None else self.peak_bytes / 2**20


def measure(
    fn: Callable[[], Any],
    *,
    repeat: int = 5,
    warmup: int = 1,
    memory: bool = False,
    extrapolate: float = 1.0,
) -> Timing:
    """Run ``fn`` ``warmup`` times untimed, then ``repeat`` times timed (perf_counter).

    With ``memory=True`` one further run happens under :mod:`tracemalloc` and its
    peak is recorded; that run is not timed (tracing slows Python code several-fold).
    NumPy reports its array buffers to tracemalloc, so the peak includes them.
    ``extrapolate`` scales the median when a slow baseline is timed on a subset
    (say so in the result's ``note``).
    """
    value = None
    for _ in range(warmup):
        value = fn()
    runs = []
    for _ in range(max(1, repeat)):
        gc.collect()
        t0 = time.perf_counter()
        value = fn()
        runs.append(time.perf_counter() - t0)
    peak = None
    if memory:
        peak, value = peak_memory(fn)
    return Timing(runs=runs, peak_bytes=peak, value=value, extrapolated=extrapolate)


def peak_memory(fn: Callable[[], Any]) -> tuple[int, Any]:
    """(peak bytes allocated while ``fn`` ran, its return value), via tracemalloc."""
    gc.collect()
    already = tracemalloc.is_tracing()
    if not already:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    try:
        value = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not already:
            tracemalloc.stop()
    return max(0, peak - base), value


def max_rss_mb() -> float:
    """Peak resident set size of this process so far, MiB (getrusage; KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10


@dataclass
class Result:
    """One line of the results table.

    ``ratio`` = baseline median / our median (> 1: we are faster). ``target`` is the
    bound on *our* median in seconds (None = no target); ``met`` compares them.
    """

    name: str
    baseline: str
    ours: Timing
    base: Timing | None = None
    target: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.ours.median

    @property
    def baseline_seconds(self) -> float | None:
        return None if self.base is None else self.base.median

    @property
    def ratio(self) -> float | None:
        b = self.baseline_seconds
        return None if b is None or self.seconds <= 0 else b / self.seconds

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.seconds <= self.target

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "baseline": self.baseline,
            "median_s": self.seconds,
            "baseline_s": self.baseline_seconds,
            "ratio": self.ratio,
            "target_s": self.target,
            "met": self.met,
            "runs": len(self.ours.runs),
            "baseline_runs": None if self.base is None else len(self.base.runs),
            "baseline_extrapolated": None if self.base is None else self.base.extrapolated,
            "peak_mb": self.ours.peak_mb,
            "max_rss_mb": max_rss_mb(),
            "note": self.note,
            **self.extra,
        }


COLUMNS = ("name", "baseline", "median s", "baseline s", "ratio", "target", "met?", "peak MB")


def _fmt_s(x: float | None) -> str:
    if x is None:
        return "—"
    # sub-10 ms kernels keep two significant digits instead of printing 0.000
    return f"{x:.5f}" if x < 0.01 else f"{x:.3f}" if x < 10 else f"{x:.1f}"


def rows(results: Sequence[Result]) -> list[list[str]]:
    out = []
    for r in results:
        base_s = _fmt_s(r.baseline_seconds)
        if r.base is not None and r.base.extrapolated != 1.0:
            base_s += "*"
        out.append(
            [
                r.name,
                r.baseline or "—",
                _fmt_s(r.seconds),
                base_s,
                "—" if r.ratio is None else f"{r.ratio:.1f}×",
                "—" if r.target is None else f"≤ {r.target:g} s",
                {True: "yes", False: "NO", None: "—"}[r.met],
                "—" if r.ours.peak_mb is None else f"{r.ours.peak_mb:.0f}",
            ]
        )
    return out


def format_table(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(row[i]) for row in body)) if body else len(h) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in body)])


def report(results: Sequence[Result], *, title: str | None = None, out: TextIO | None = None) -> None:
    """Print the uniform table (and one ``BENCH-JSON`` line per result for run_all.py)."""
    out = out or sys.stdout
    if title:
        out.write(f"\n== {title} ==\n")
    out.write(format_table(COLUMNS, rows(results)) + "\n")
    notes = [f"  {r.name}: {r.note}" for r in results if r.note]
    if any(r.base is not None and r.base.extrapolated != 1.0 for r in results):
        notes.append("  * baseline timed on a subset and extrapolated linearly")
    if notes:
        out.write("notes:\n" + "\n".join(notes) + "\n")
    out.write(f"max RSS of this process: {max_rss_mb():.0f} MB\n")
    for r in results:
        out.write(JSON_PREFIX + json.dumps(r.as_dict(), ensure_ascii=False) + "\n")
    out.flush()
