"""Tables built from results for readers: shared by the CLI, the app and the reports.

Pure functions of result dicts (no streamlit, no CLI), so every surface shows the same table.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def why_table(why: dict[str, Any], lang: str) -> pd.DataFrame:
    """The ``why`` breakdown as a reader sees it: one row per criterion plus the total (the gap).

    Raw values and weights side by side, the part of the gap (``by_criterion``) and the weights
    at which the two swap; the scorer's own contributions stay in the JSON.
    """
    import pandas as pd

    from prioritizer.text import cell, fmt_pct, t, vocab

    a, b = why["a"], why["b"]
    name = {r["id"]: r.get(f"name_{lang}") or r["id"] for r in why.get("items", [])}
    na, nb = name.get(a, a), name.get(b, b)
    after = (why.get("swap") or {}).get("weights_after") or {}
    col = {
        "criterion": t("why.col.criterion", lang),  # type: ignore[arg-type]
        "direction": t("why.col.direction", lang),  # type: ignore[arg-type]
        "weight": t("why.col.weight", lang),  # type: ignore[arg-type]
        "value_a": t("why.col.value", lang, name=na),  # type: ignore[arg-type]
        "value_b": t("why.col.value", lang, name=nb),  # type: ignore[arg-type]
        "part": t("why.col.part", lang),  # type: ignore[arg-type]
        "weight_after": t("why.col.weight_after", lang),  # type: ignore[arg-type]
    }
    rows = []
    for c in why["criteria"]:
        rows.append(
            {
                col["criterion"]: c.get(f"label_{lang}") or c["criterion"],
                col["direction"]: vocab("why_direction", c["direction"], lang),  # type: ignore[arg-type]
                col["weight"]: fmt_pct(c["weight"], lang),  # type: ignore[arg-type]
                col["value_a"]: cell(c["value_a"], lang),  # type: ignore[arg-type]
                col["value_b"]: cell(c["value_b"], lang),  # type: ignore[arg-type]
                col["part"]: cell(c["part"], lang, digits=4),  # type: ignore[arg-type]
                col["weight_after"]: fmt_pct(after.get(c["criterion"]), lang),  # type: ignore[arg-type]
            }
        )
    total = dict.fromkeys(col.values(), "")
    total[col["criterion"]] = t("why.total", lang)  # type: ignore[arg-type]
    total[col["part"]] = cell(why["gap"], lang, digits=4)  # type: ignore[arg-type]
    rows.append(total)
    return pd.DataFrame(rows, columns=list(col.values()))
