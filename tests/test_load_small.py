"""The load test in small, for CI: correctness only, no timing (issue 27 item 2).

Two ``streamlit run`` servers on one PostgreSQL store; four people sign in through one headless
Chromium (ja planner, en committee member, ja viewer, en planner — alternating servers), then all
start together and each makes two what-ifs (a budget change, a scenario dropped) and, where the
role may, one save. Checked: every page speaks only its reader's language, no page of a
reader without clearance holds the restricted or secret rows (nor did the server send them),
every save is recorded exactly once (ranking + allocation) under the right account, and
``prioritizer audit verify`` passes. The full version with timings is ``bench/bench_sessions.py``.
PostgreSQL comes from ``PRIORITIZER_TEST_PG_URL`` (``scripts/ci-postgres.sh``): skipped without
it on a developer's machine, a failure under CI.
"""

from __future__ import annotations

import pytest
import test_audit_helpers as helpers
from _load_run import Servers, check, drop_schema, make_world, run_load
from test_auth_browser import _need_chromium

pytestmark = [pytest.mark.postgres, pytest.mark.browser, pytest.mark.slow]


def test_four_sessions_on_two_servers_keep_language_tiers_and_every_save(tmp_path):
    base = helpers.pg_base_url()  # skips (or fails under CI) without PostgreSQL
    _need_chromium()
    db, case, people = make_world(tmp_path, base, 4)
    assert [(r, c, lang) for _u, r, c, lang in people] == [
        ("planner", "restricted", "ja"),
        ("committee", "restricted", "en"),
        ("viewer", "public", "ja"),
        ("planner", "public", "en"),
    ]
    servers = Servers(tmp_path, db, case)
    try:
        res = run_load(servers, people, whatifs=2, think=0.0)
    finally:
        servers.stop()
    try:
        problems = check(res, db, case)
        assert problems == [], "\n".join(problems)
        # every person did both what-ifs, and both servers were used
        assert [len([w for w, _s in s.timings if w in ("budget", "scenarios")]) for s in res.sessions] == [
            2
        ] * 4
        assert sorted({s.port for s in res.sessions}) == sorted(servers.ports)
        # positive control for the tier check: the restricted reader was sent the restricted good
        assert any("PFAS代替".encode() in f for f in res.sessions[0].frames)
    finally:
        drop_schema(base, db)
