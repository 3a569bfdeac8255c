"""What the justification reports need from the committee layer (no streamlit, no app).

* :func:`report_tier` — the highest tier of the runs a report covers (a run's result carries
  ``tier`` when it was computed on restricted inputs; none means public). Reports print it
  on every page (「機密性2」…).
* :func:`discussion_frame` — the comments and approvals recorded on a run, for its report.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from prioritizer.case.tiers import highest_tier
from prioritizer.text import Lang, t, vocab


def report_tier(runs: Iterable[Any]) -> str:
    tiers = []
    for r in runs:
        result = r.get("result") if hasattr(r, "get") else None
        tiers.append((result or {}).get("tier") if isinstance(result, dict) else None)
    return highest_tier(tiers)


def tier_label(tier: str, lang: Lang) -> str:
    return vocab("tier", tier, lang)


def discussion_frame(store: Any, run_id: str, lang: Lang) -> pd.DataFrame:
    from prioritizer.auth.services import discussion

    rows = [
        {
            t("auth.author", lang): (e.get("identity") or {}).get("display_name") or e["actor"],
            t("review.role", lang): vocab("role", (e.get("identity") or {}).get("role"), lang),
            t("review.decision", lang): vocab("decision", e["detail"].get("decision"), lang),
            t("review.comment", lang): e["detail"].get("text") or e["detail"].get("note") or "",
            t("review.at", lang): e["at"][:19].replace("T", " "),
        }
        for e in discussion(store, run_id)
    ]
    return pd.DataFrame(rows)
