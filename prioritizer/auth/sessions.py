"""Signed-in sessions expire: after :data:`IDLE_MINUTES` without activity and, whatever the
activity, :data:`MAX_HOURS` after sign-in (the NIST SP 800-63B §7.2 pattern of an
inactivity and an overall limit). Overridable with ``PRIORITIZER_SESSION_IDLE_MINUTES`` /
``PRIORITIZER_SESSION_MAX_HOURS``.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, replace

from prioritizer.auth.identity import Identity

IDLE_MINUTES = 30.0
MAX_HOURS = 8.0


def _limit(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


@dataclass(frozen=True)
class Session:
    identity: Identity
    started: dt.datetime
    last_seen: dt.datetime
    #: must choose a new password before anything else (first administrator)
    must_reset: bool = False

    @classmethod
    def start(cls, identity: Identity, must_reset: bool = False, now: dt.datetime | None = None) -> Session:
        now = now or dt.datetime.now(dt.UTC)
        return cls(identity, now, now, must_reset)

    def expired(self, now: dt.datetime | None = None) -> bool:
        now = now or dt.datetime.now(dt.UTC)
        idle = dt.timedelta(minutes=_limit("PRIORITIZER_SESSION_IDLE_MINUTES", IDLE_MINUTES))
        total = dt.timedelta(hours=_limit("PRIORITIZER_SESSION_MAX_HOURS", MAX_HOURS))
        return now - self.last_seen > idle or now - self.started > total

    def touch(self, now: dt.datetime | None = None) -> Session:
        return replace(self, last_seen=now or dt.datetime.now(dt.UTC))
