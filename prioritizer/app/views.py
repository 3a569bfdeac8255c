"""Allocation, comparison and audit-log view models for the app pages (pure; no streamlit).

Tables come back as the reader sees them where a page shows them as is; the rest are frames
the page passes through :func:`prioritizer.text.tables.present`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from prioritizer.case import Case
from prioritizer.summaries import funding_changes, rank_moves, spend_by, total_spend

#: constraint kinds that are the model's own bookkeeping, not a rule a planner set
STRUCTURAL_KINDS = frozenset({"divisible", "shortfall", "capacity"})


def with_names(df: pd.DataFrame, case: Case, lang: str = "ja", *, id_col: str = "id") -> pd.DataFrame:
    """Adds ``name`` (in ``lang``) and, for projects, ``instrument`` next to the id column."""
    from prioritizer.text import name_of

    out = df.copy()
    table = case.goods if id_col == "good_id" else case.projects

    def named(frame: pd.DataFrame) -> list[str]:
        # only the columns name_of reads, not a records dict of every column of the table
        # (1,000 projects: 0.021 → 0.006 s a call)
        cols = [c for c in ("name_ja", "name_en", "id") if c in frame.columns]
        if not cols:
            return [name_of({}, lang) for _ in range(len(frame))]  # type: ignore[arg-type]
        return [
            name_of(dict(zip(cols, v, strict=True)), lang)
            for v in zip(*(frame[c].tolist() for c in cols), strict=True)
        ]  # type: ignore[arg-type]

    names: dict[str, str] = {}
    if table is not None:
        names = dict(zip((str(i) for i in table["id"]), named(table), strict=True))
    out["name"] = [names.get(str(i)) or own for i, own in zip(out[id_col], named(out), strict=False)]
    if id_col == "id" and table is not None and "instrument" in table.columns and "instrument" not in out:
        out["instrument"] = out["id"].map(dict(zip(table["id"], table["instrument"], strict=False)))
    return out


def entry_gap(value: float | None, needed: float | None) -> float | None:
    """How far an unfunded project's value is from entering, as a share of its value."""
    if value is None or needed is None or not value:
        return None
    return (needed - value) / abs(value)


def unfunded_view(unfunded: pd.DataFrame, lang: str = "ja") -> pd.DataFrame:
    """Unfunded projects with the value they would need and, in words, why they are out."""
    from prioritizer.text import fmt_pct, t, vocab

    out = unfunded.copy()
    gaps, reasons = [], []
    for r in out.to_dict("records"):
        gap = entry_gap(r.get("value"), r.get("needed_value"))
        method = r.get("needed_value_method")
        if method == "cannot_enter" or gap is None:
            gaps.append("—")
        elif gap < 1e-3:
            gaps.append(t("alloc.within_entering", lang))  # type: ignore[arg-type]
        else:
            gaps.append("+" + fmt_pct(gap, lang))  # type: ignore[arg-type]
        reasons.append(vocab("needed_value_method", method, lang) if method else "—")  # type: ignore[arg-type]
    out["entry_gap"] = gaps
    out["reason"] = reasons
    # Enough digits to tell a needed value from the value itself (149.6 vs 149.63).
    for col in ("value", "needed_value"):
        if col in out:
            out[col] = [_precise(v) for v in out[col]]
    return out


def _precise(v: Any) -> str:
    from prioritizer.text import fmt_num

    if v is None or (isinstance(v, float) and v != v):
        return "—"
    return fmt_num(float(v), "ja", 3 if abs(float(v)) < 1000 else 1)


def constraints_view(constraints: list[dict[str, Any]], lang: str = "ja") -> pd.DataFrame:
    """The planner's rules (not the model's bookkeeping rows), described in ``lang``."""
    rows = [c for c in constraints if c.get("kind") not in STRUCTURAL_KINDS and not c.get("ignored")]
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df["description"] = [c.get(f"description_{lang}") or c.get("name") for c in rows]
    if "relax_gain" not in df:
        # Runs recorded before relax_gain existed: the textbook price of a <= row is the gain.
        df["relax_gain"] = [c.get("shadow_price") if c.get("sense") == "<=" else None for c in rows]
    if "rhs_range" not in df:
        df["rhs_range"] = [
            [c["ranging"].get("rhs_low"), c["ranging"].get("rhs_high")] if c.get("ranging") else None
            for c in rows
        ]
    df["_order"] = [-(abs(g) if isinstance(g, int | float) else -1) for g in df["relax_gain"]]
    return df.sort_values(["_order"], kind="mergesort").drop(columns="_order")


def allocation_changes(
    base: dict[str, Any], new: dict[str, Any], case: Case, lang: str = "ja"
) -> dict[str, Any]:
    """What a what-if changes against the case's own allocation: benefit, spend, funding, domains."""
    from prioritizer.spend import benefit_of
    from prioritizer.text import field, fmt_oku, t, vocab
    from prioritizer.text.tables import present

    spent = total_spend  # the one total: projects + stock
    bb, nb = benefit_of(base), benefit_of(new)
    ch = funding_changes(base, new)
    ch = with_names(ch, case, lang) if not ch.empty else ch
    if not ch.empty:
        ch["change"] = [
            t("alloc.newly_funded", lang)
            if a > 1e-9 and b <= 1e-9  # type: ignore[arg-type]
            else t("alloc.dropped", lang)
            if a <= 1e-9  # type: ignore[arg-type]
            else t("alloc.share_changed", lang)  # type: ignore[arg-type]
            for b, a in zip(ch["before"], ch["after"], strict=True)
        ]
    projects = (
        present(
            ch,
            lang,
            columns=["id", "name", "change", "before", "after", "cost"],
            digits={"before": 2, "after": 2, "cost": 0},
        )
        if not ch.empty
        else pd.DataFrame()
    )  # type: ignore[arg-type]
    db = spend_by(base, case, "domain").set_index("domain")["spend"]
    dn = spend_by(new, case, "domain").set_index("domain")["spend"]
    keys = sorted(set(db.index) | set(dn.index), key=str)
    domains = pd.DataFrame(
        {
            field("domain", lang): [vocab("domain", k, lang) for k in keys],  # type: ignore[arg-type]
            t("alloc.spend_before", lang): [fmt_oku(float(db.get(k, 0.0)), lang) for k in keys],  # type: ignore[arg-type]
            t("alloc.spend_after", lang): [fmt_oku(float(dn.get(k, 0.0)), lang) for k in keys],  # type: ignore[arg-type]
        }
    )
    return {
        "benefit_before": bb,
        "benefit_after": nb,
        "benefit_delta": (nb - bb) if bb is not None and nb is not None else None,
        "spend_before": spent(base),
        "spend_after": spent(new),
        "spend_delta": spent(new) - spent(base),
        "projects": projects,
        "domains": domains,
    }


def run_labels(
    runs: list[Any], lang: str = "ja", names: dict[str, str] | None = None
) -> dict[str, tuple[str, str]]:
    """run id -> ("2026年11月30日 19:02 · 予算・備蓄配分 · 田中 次郎 · 第3回委員会（R000012）", command):
    a run picked by when (JST), what, who (display name when known) and why; the id last."""
    from prioritizer.app.decisions import describe

    out: dict[str, tuple[str, str]] = {}
    for r in runs:
        d = r if isinstance(r, dict) else vars(r)
        out[d["run_id"]] = (describe(d, names or {}, lang), str(d.get("command")))
    return out


def compare_ranks(
    base: dict[str, Any], variants: dict[str, dict[str, Any]], lang: str = "ja"
) -> pd.DataFrame:
    """Baseline rank and each variant's rank and move, by name, with localised headers."""
    from prioritizer.text import field, name_of, t

    names = {r["id"]: name_of(r, lang) for r in base.get("ranking", [])}  # type: ignore[arg-type]
    order = [r["id"] for r in sorted(base.get("ranking", []), key=lambda r: r["rank"])]
    out = pd.DataFrame({field("id", lang): order, field("name", lang): [names[i] for i in order]})  # type: ignore[arg-type]
    out[field("base_rank", lang)] = [{r["id"]: r["rank"] for r in base["ranking"]}[i] for i in order]  # type: ignore[arg-type]
    for v, res in variants.items():
        m = rank_moves(base, res).set_index("id")
        out[t("compare.rank_in", lang, run=v)] = [_int_or_dash(m["rank"].get(i)) for i in order]  # type: ignore[arg-type]
        out[t("compare.move_in", lang, run=v)] = [_signed(m["move"].get(i)) for i in order]  # type: ignore[arg-type]
    return out


def compare_funding(
    base: dict[str, Any], variants: dict[str, dict[str, Any]], case: Case, lang: str = "ja"
) -> pd.DataFrame:
    from prioritizer.text import t
    from prioritizer.text.tables import present

    frames = []
    for v, res in variants.items():
        f = funding_changes(base, res)
        if f.empty:
            continue
        f = with_names(f, case, lang)
        f.insert(0, "variant", v)
        frames.append(f)
    if not frames:
        return pd.DataFrame({t("compare.variant", lang): [], t("alloc.no_funding_change", lang): []})  # type: ignore[arg-type]
    df = pd.concat(frames, ignore_index=True)
    return present(
        df,
        lang,  # type: ignore[arg-type]
        columns=["variant", "id", "name", "before", "after", "cost"],
        labels={"variant": t("compare.variant", lang)},  # type: ignore[arg-type]
        digits={"before": 2, "after": 2, "cost": 0},
    )


def _int_or_dash(v: Any) -> str:
    return "—" if v is None or (isinstance(v, float) and v != v) else f"{int(v)}"


def _signed(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "—"
    return f"{int(v):+d}" if int(v) else "0"
