"""Many signed-in browser sessions on two app servers sharing one PostgreSQL store (issue 27 item 2).

Used by ``bench/bench_sessions.py`` (the full load test: timing, saturation) and
``tests/test_load_small.py`` (a few sessions, correctness only). :func:`start_servers` starts
two ``streamlit run app.py`` processes on one store and samples their RSS with psutil;
:func:`run_load` signs ``n`` people in (not timed), starts them together, lets each do its
what-ifs at a person's pace and one save (the roles that may), and returns what it saw.
:func:`check` turns what was seen and what the store holds into a list of problems.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from _browser_sessions import (
    PW,
    RESTRICTED_MARKERS,
    SECRET_MARKERS,
    Session,
    allowed_words,
    percentile,
    tiered_case,
    wording_problems,
)

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# (role, clearance) in turn: every role, and readers on both sides of the restricted row
PEOPLE = [
    ("planner", "restricted"),
    ("committee", "restricted"),
    ("viewer", "public"),
    ("planner", "public"),
    ("committee", "public"),
    ("admin", "secret"),
    ("viewer", "public"),
]
SAVERS = {"planner", "admin"}
#: the what-ifs in turn: a budget change, a scenario picked or dropped, a weight slider moved
KINDS = ("budget", "scenarios", "weight")


def fresh_schema(base: str) -> str:
    """A URL on ``base`` whose search_path is a new, empty schema (one store per load run)."""
    from sqlalchemy import create_engine, text

    schema = f"load_{uuid.uuid4().hex[:10]}"
    eng = create_engine(base, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


def drop_schema(base: str, url: str) -> None:
    from sqlalchemy import create_engine, text

    schema = url.rsplit("search_path%3D", 1)[-1]
    eng = create_engine(base, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    eng.dispose()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    port: int
    proc: subprocess.Popen  # type: ignore[type-arg]
    log: Path
    peak_rss_mb: float = 0.0


class Servers:
    """Two app servers on one store, their peak RSS sampled every 0.25 s (psutil)."""

    def __init__(self, workdir: Path, db: str, case: Path, n: int = 2) -> None:
        self.servers = [self._start(workdir, db, case, k) for k in range(n)]
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    @staticmethod
    def _start(workdir: Path, db: str, case: Path, k: int) -> Server:
        port = _free_port()
        log = workdir / f"server{k}.log"
        env = {**os.environ, "PRIORITIZER_CASE": str(case), "PRIORITIZER_DB": db, "PRIORITIZER_AUTH": "local"}
        flags = {
            "--server.address": "127.0.0.1",
            "--server.port": str(port),
            "--server.headless": "true",
            "--browser.gatherUsageStats": "false",
            "--server.fileWatcherType": "none",
        }
        args = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py")]
        args += [x for kv in flags.items() for x in kv]
        with log.open("wb") as out:  # a file, not a pipe nobody reads: a full pipe would stall the server
            proc = subprocess.Popen(
                args,
                cwd=workdir,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return Server(port, proc, log)
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        proc.kill()
        raise RuntimeError("streamlit did not start: " + log.read_text(errors="replace")[-2000:])

    def _sample(self) -> None:
        import psutil

        procs = [psutil.Process(s.proc.pid) for s in self.servers]
        while not self._stop.is_set():
            for s, p in zip(self.servers, procs, strict=True):
                try:
                    rss = p.memory_info().rss + sum(c.memory_info().rss for c in p.children(recursive=True))
                except psutil.Error:
                    continue
                s.peak_rss_mb = max(s.peak_rss_mb, rss / 2**20)
            self._stop.wait(0.25)

    @property
    def ports(self) -> list[int]:
        return [s.port for s in self.servers]

    def stop(self) -> None:
        self._stop.set()
        for s in self.servers:
            s.proc.terminate()
        for s in self.servers:
            try:
                s.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                s.proc.kill()


def make_world(
    workdir: Path, base_url: str, n_people: int
) -> tuple[str, Path, list[tuple[str, str, str, str]]]:
    """A fresh store with ``n_people`` accounts and the tiered case: (db url, case dir, people)."""
    from prioritizer.audit import open_store
    from prioritizer.auth import accounts

    db = fresh_schema(base_url)
    case = tiered_case(workdir / "case")
    store = open_store(db)
    people = []
    for k in range(n_people):
        role, clearance = PEOPLE[k % len(PEOPLE)]
        lang = "ja" if k % 2 == 0 else "en"
        user = f"u{k:02d}{role[:3]}"
        display = f"利用者{k:02d}" if lang == "ja" else f"User {k:02d}"
        accounts.add_user(store, user, role, PW, display_name=display, clearance=clearance)
        people.append((user, role, clearance, lang))
    return db, case, people


@dataclass
class LoadResult:
    sessions: list[Session]
    start_spread_s: float
    wall_s: float
    whatifs: int
    tag: str
    ports: list[int] = field(default_factory=list)

    def clicks(self, whatifs_only: bool = True) -> list[float]:
        return [s for ses in self.sessions for what, s in ses.timings if not whatifs_only or what in KINDS]

    def summary(self) -> dict[str, Any]:
        w = self.clicks()
        return {
            "sessions": len(self.sessions),
            "whatifs": len(w),
            "p50_s": percentile(w, 50),
            "p95_s": percentile(w, 95),
            "max_s": max(w) if w else float("nan"),
            "all_clicks_p95_s": percentile(self.clicks(False), 95),
            "whatifs_per_s": len(w) / self.wall_s if self.wall_s else 0.0,
            "errors": sum(len(s.errors) for s in self.sessions),
            "start_spread_s": self.start_spread_s,
            "wall_s": self.wall_s,
        }


async def _person(
    s: Session, start: asyncio.Event, started: list[float], n: int, think: float, tag: str
) -> None:
    await start.wait()
    started.append(time.perf_counter())
    page_of = {"budget": "page.allocation", "scenarios": "page.allocation", "weight": "page.weights"}
    here = "page.allocation"
    for k in range(n):
        kind = KINDS[k % len(KINDS)]
        if page_of[kind] != here:
            await asyncio.sleep(think)
            await s.goto(page_of[kind])
            here = page_of[kind]
            await s.snapshot(f"open {here}")
        await asyncio.sleep(think)
        if kind == "budget":
            await s.set_budget(9500 - 10 * (k + 1 + 3 * int(s.user[1:3])))
        elif kind == "scenarios":
            await s.toggle_first_scenario()
        else:
            await s.nudge_weight(k)
        await s.snapshot(kind)
    if s.role in SAVERS:
        await asyncio.sleep(think)
        await s.save(f"負荷試験 {tag} {s.user}")
        await s.snapshot("save")


async def _run(
    ports: list[int], people: list[tuple[str, str, str, str]], n: int, think: float, tag: str
) -> LoadResult:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_ARGS)
        sessions = [
            Session(
                u, r, c, lang, ports[k % len(ports)], f"利用者{k:02d}" if lang == "ja" else f"User {k:02d}"
            )
            for k, (u, r, c, lang) in enumerate(people)
        ]
        try:
            # Everyone signs in first, a few at a time (not timed), and opens the allocation page.
            sem = asyncio.Semaphore(4)

            async def ready(s: Session) -> None:
                async with sem:
                    await s.open(browser)
                    await s.sign_in()
                    await s.goto("page.allocation", timed=False)
                    await s.snapshot("signed in")

            await asyncio.gather(*(ready(s) for s in sessions))
            start, started = asyncio.Event(), []
            tasks = [asyncio.create_task(_person(s, start, started, n, think, tag)) for s in sessions]
            await asyncio.sleep(0)
            t0 = time.perf_counter()
            start.set()
            results = await asyncio.gather(*tasks, return_exceptions=True)
            wall = time.perf_counter() - t0
            for s, r in zip(sessions, results, strict=True):
                if isinstance(r, BaseException):
                    s.errors.append(f"{type(r).__name__}: {str(r).splitlines()[0][:200]}")
            # the wall time of the what-ifs: think time is part of a person's pace
            return LoadResult(sessions, max(started) - min(started), wall, n, tag, ports)
        finally:
            for s in sessions:
                await s.close()
            await browser.close()


def run_load(
    servers: Servers, people: list[tuple[str, str, str, str]], whatifs: int, think: float
) -> LoadResult:
    return asyncio.run(_run(servers.ports, people, whatifs, think, uuid.uuid4().hex[:6]))


def check(res: LoadResult, db: str, case: Path) -> list[str]:
    """Every problem the run shows: wording, tiers, lost or doubled saves, the chain."""
    from prioritizer.audit import open_store

    problems: list[str] = []
    words = allowed_words(case) | {s.user for s in res.sessions}
    for s in res.sessions:
        problems += [f"{s.user}: {e}" for e in s.errors]
        for step, text in s.texts:
            for p in wording_problems(text, s.lang, words, {s.display}):
                problems.append(f"{s.user} ({s.lang}) after {step}: {p}")
            hidden = RESTRICTED_MARKERS if s.clearance == "public" else SECRET_MARKERS
            if s.clearance != "secret":
                problems += [
                    f"{s.user} ({s.clearance}) after {step}: page shows {m!r}" for m in hidden if m in text
                ]
        if s.clearance != "secret":
            hidden = RESTRICTED_MARKERS if s.clearance == "public" else SECRET_MARKERS
            for m in hidden:
                if any(m.encode() in f for f in s.frames):
                    problems.append(f"{s.user} ({s.clearance}): {m!r} was sent to the browser")
    store = open_store(db)
    runs = [r for r in store.runs() if f" {res.tag} " in (r.reason or "")]
    for s in res.sessions:
        mine = [r for r in runs if (r.reason or "").endswith(f" {s.user}")]
        want = 2 if s.role in SAVERS else 0  # a save records the ranking and the allocation
        if sorted(r.command for r in mine) != (["allocate", "rank"] if want else []):
            problems.append(f"{s.user}: {len(mine)} recorded runs for its save, expected {want}")
        problems += [f"{s.user}: a run recorded as {r.actor}" for r in mine if r.actor != s.user]
    verify = subprocess.run(
        [str(Path(sys.executable).parent / "prioritizer"), "audit", "verify", "--db", db],
        capture_output=True,
        text=True,
        env={**os.environ, "PRIORITIZER_LANG": "en"},
    )
    if verify.returncode != 0:
        problems.append(
            f"audit verify exit {verify.returncode}: {verify.stdout[-500:]}{verify.stderr[-500:]}"
        )
    return problems
