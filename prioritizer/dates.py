"""Record timestamps (UTC ISO 8601 in the store) as a Japanese reader expects them: JST.

Japan Standard Time is UTC+9 with no daylight saving, so a fixed offset is exact and needs no
time-zone database. ``2026-12-04T06:30:28.204566+00:00`` → 「2026年12月4日 15:30」 (ja) or
"4 Dec 2026, 15:30 JST" (en).
"""

from __future__ import annotations

import datetime as dt

JST = dt.timezone(dt.timedelta(hours=9), "JST")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def to_jst(iso: str | None) -> dt.datetime | None:
    if not iso:
        return None
    try:
        t = dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return None
    if t.tzinfo is None:  # the store writes UTC; a naive stamp is read as UTC
        t = t.replace(tzinfo=dt.UTC)
    return t.astimezone(JST)


def jst_text(iso: str | None, lang: str = "ja") -> str:
    """A timestamp in JST, to the minute, in the reader's language ("—" when absent or unreadable)."""
    t = to_jst(iso)
    if t is None:
        return "—"
    if lang == "ja":
        return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"
    return f"{t.day} {_MONTHS[t.month - 1]} {t.year}, {t:%H:%M} JST"


def jst_pair(iso: str | None) -> dict[str, str]:
    """``{"when_ja", "when_en"}`` for a structured message's ``{when}`` field."""
    return {"when_ja": jst_text(iso, "ja"), "when_en": jst_text(iso, "en")}
