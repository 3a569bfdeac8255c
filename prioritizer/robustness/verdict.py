"""Robustness in words: the sentences a committee can quote (docs/methodology/robustness.md §4).

``verdict(result, names=..., labels=...) -> list[message]`` reads the ``robustness`` JSON
(:mod:`prioritizer.robustness.service`) — so a stored Run can be re-worded without re-running
it — and returns structured messages ``{"kind": "robustness.verdict.…", numbers, ids,
name_ja/name_en}`` for :func:`prioritizer.text.render` (templates in
``prioritizer/text/catalogue/robustness.yaml``):

* **headline** per leading item (the ``leaders`` best at the current weights): the share of
  weight samples in which it ranks first, b¹, and in the top k, Σ_{r ≤ k} b^r — e.g.
  「天然黒鉛は重みの取り方の51%で1位、95%で3位以内」 (b¹ below 0.5 % is said as "under 1 %",
  b¹ = 0 as "in no sample", rather than a rounded "0 %");
* **stable in the top k**: items with Σ_{r ≤ k} b^r ≥ ``level`` (default 95 % of the samples),
  or a sentence saying there are none;
* **what keeps the first item first**: per criterion k, the interval [down, up] of w_k (the
  other weights rescaled in proportion, the convention of
  :mod:`prioritizer.robustness.sensitivity`) over which the item first at the current weights
  stays first. For that item a rank change *is* losing first place, so the interval ends are
  its ``thresholds.items`` ``down``/``up`` (0 and 1 where no item overtakes it), with the item
  that takes over beyond each end (exact for wsm, grid + bisection for TOPSIS);
* the first item's **central weights** (mean weights among the samples where it is first) and,
  with value uncertainty, its **confidence factor**; and the Monte Carlo precision.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

#: share of samples at/above which an item counts as stable in the top k
STABLE_LEVEL = 0.95
TOP_K = 3
LEADERS = 3


def _pair(table: Mapping[str, tuple[str, str]] | None, key: str | None, prefix: str) -> dict[str, Any]:
    if key is None:
        return {prefix: None, f"{prefix}_ja": None, f"{prefix}_en": None}
    ja, en = (table or {}).get(key, (key, key))
    return {prefix: key, f"{prefix}_ja": ja, f"{prefix}_en": en}


def _join(
    keys: list[str], table: Mapping[str, tuple[str, str]] | None, sep: tuple[str, str]
) -> dict[str, str]:
    pairs = [(table or {}).get(k, (k, k)) for k in keys]
    return {"items_ja": sep[0].join(p[0] for p in pairs), "items_en": sep[1].join(p[1] for p in pairs)}


def names_from_result(result: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """id -> (name_ja, name_en) from the result's ``names`` field (empty for older Runs)."""
    return {i: (n.get("name_ja") or i, n.get("name_en") or i) for i, n in (result.get("names") or {}).items()}


def labels_from_result(result: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """criterion -> (label_ja, label_en) from the tornado bars (every robustness Run has them)."""
    out = {}
    for bar in result.get("tornado") or []:
        c = bar.get("criterion")
        if c is not None:
            out[str(c)] = (bar.get("label") or c, bar.get("label_en") or c)
    return out


def top_k_share(acceptability: Mapping[str, list[float | None]], k: int) -> dict[str, float]:
    """id -> Σ_{r ≤ k} b^r, the share of samples in which the item ranks k-th or better."""
    return {i: float(np.nansum(np.asarray(b[:k], dtype=float))) for i, b in acceptability.items()}


def stable_in_top(acceptability: Mapping[str, list[float | None]], k: int, level: float) -> list[str]:
    """Items in the top k in at least ``level`` of the samples (best share first, then id)."""
    share = top_k_share(acceptability, k)
    keep = [i for i, s in share.items() if s >= level - 1e-12]
    return sorted(keep, key=lambda i: (-share[i], i))


def first_place_intervals(result: Mapping[str, Any], item: str) -> list[dict[str, Any]]:
    """Per criterion: [low, high] of its weight (others rescaled) over which ``item`` stays first.

    From ``thresholds.items[item]``: ``down``/``up`` are the nearest weights below/above the current
    one at which the item's rank changes; for an item ranked first that means another item
    (``down_with``/``up_with``) draws level and overtakes it beyond. None (no change in [0, 1])
    gives the end of the range, 0 or 1. Empty when the thresholds were not computed.
    """
    items = (result.get("thresholds") or {}).get("items") or {}
    rec = items.get(item)
    if not rec:
        return []
    out = []
    for c in result.get("criteria", list(rec)):
        t = rec.get(c)
        if t is None:
            continue
        out.append(
            {
                "criterion": c,
                "weight": t.get("weight"),
                "low": 0.0 if t.get("down") is None else float(t["down"]),
                "high": 1.0 if t.get("up") is None else float(t["up"]),
                "low_with": t.get("down_with"),
                "high_with": t.get("up_with"),
            }
        )
    return out


def verdict(
    result: Mapping[str, Any],
    *,
    names: Mapping[str, tuple[str, str]] | None = None,
    labels: Mapping[str, tuple[str, str]] | None = None,
    k: int = TOP_K,
    level: float = STABLE_LEVEL,
    leaders: int = LEADERS,
) -> list[dict[str, Any]]:
    """Structured messages stating the robustness verdict (module doc); ``names`` / ``labels`` map
    item ids / criterion ids to (ja, en). By default they come from the result itself (``names``
    and the tornado bars' ``label``/``label_en``), so a stored Run can be worded as it stands."""
    from prioritizer.text import t

    names = names if names is not None else names_from_result(result)
    labels = labels if labels is not None else labels_from_result(result)

    sep = (t("robustness.list_sep", "ja"), t("robustness.list_sep", "en"))
    acc: Mapping[str, list[float | None]] = result.get("acceptability") or {}
    base: Mapping[str, int] = result.get("base_rank") or {}
    if not acc:
        return []
    n = len(acc)
    k = max(1, min(k, n))
    share = top_k_share(acc, k)
    order = sorted(acc, key=lambda i: (base.get(i, n + 1), i))
    msgs: list[dict[str, Any]] = []
    for i in order[: min(leaders, n)]:
        b1 = float(acc[i][0] or 0.0)
        # "0%" would read as "never": say "in no sample" or "under 1%" instead
        kind = "headline" if b1 >= 0.005 else "headline_rare_first" if b1 > 0 else "headline_never_first"
        msgs.append(
            {
                "kind": f"robustness.verdict.{kind}",
                **_pair(names, i, "name"),
                "id": i,
                "base_rank": base.get(i),
                "first": b1,
                "top_k": share[i],
                "k": k,
            }
        )
    stable = stable_in_top(acc, k, level)
    if stable:
        msgs.append(
            {
                "kind": "robustness.verdict.stable",
                "ids": stable,
                **_join(stable, names, sep),
                "count": len(stable),
                "k": k,
                "level": level,
            }
        )
    else:
        msgs.append({"kind": "robustness.verdict.stable_none", "ids": [], "k": k, "level": level})

    firsts = [i for i in order if base.get(i) == 1]
    if len(firsts) > 1:
        msgs.append({"kind": "robustness.verdict.tied_first", "ids": firsts, **_join(firsts, names, sep)})
    elif firsts:
        top = firsts[0]
        th = result.get("thresholds") or {}
        intervals = first_place_intervals(result, top)
        if not intervals:
            msgs.append({"kind": "robustness.verdict.intervals_skipped", **_pair(names, top, "name")})
        for iv in intervals:
            lo_end, hi_end = iv["low_with"] is None, iv["high_with"] is None
            kind = "always" if lo_end and hi_end else "above" if lo_end else "below" if hi_end else "between"
            msgs.append(
                {
                    "kind": f"robustness.verdict.keeps_first_{kind}",
                    **_pair(names, top, "name"),
                    **_pair(labels, iv["criterion"], "criterion"),
                    "weight": iv["weight"],
                    "low": iv["low"],
                    "high": iv["high"],
                    **_pair(names, iv["low_with"], "low_with"),
                    **_pair(names, iv["high_with"], "high_with"),
                    "exact": bool(th.get("exact")),
                }
            )
        if intervals and not th.get("exact"):
            msgs.append({"kind": "robustness.verdict.intervals_numeric"})
        cw = (result.get("central_weights") or {}).get(top)
        if cw:
            crit = [c for c in result.get("criteria", list(cw)) if c in cw]
            ja = sep[0].join(f"{(labels or {}).get(c, (c, c))[0]} {_pct(cw[c])}" for c in crit)
            en = sep[1].join(f"{(labels or {}).get(c, (c, c))[1]} {_pct(cw[c])}" for c in crit)
            msgs.append(
                {
                    "kind": "robustness.verdict.central",
                    **_pair(names, top, "name"),
                    "central_weights": dict(cw),
                    "weights_ja": ja,
                    "weights_en": en,
                }
            )
        conf = (result.get("confidence") or {}).get(top)
        if result.get("value_uncertainty") and conf is not None:
            msgs.append(
                {"kind": "robustness.verdict.confidence", **_pair(names, top, "name"), "confidence": conf}
            )
    mc = (result.get("mc_error") or {}).get("max")
    if result.get("samples"):
        msgs.append({"kind": "robustness.verdict.precision", "samples": result["samples"], "mc_error": mc})
    return msgs


def _pct(x: float | None) -> str:
    from prioritizer.text import fmt_pct

    return fmt_pct(x, digits=0)  # "40%" reads the same in both languages


def with_text(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each message plus its ``text_ja`` / ``text_en`` (what the JSON keeps)."""
    from prioritizer.text import render

    return [{**m, "text_ja": render(m, "ja"), "text_en": render(m, "en")} for m in messages]
