"""Assemble a justification :class:`Document` from a stored Run and its related Runs.

The primary Run is the one named on the command line. Related Runs are the most recent
Runs of the other commands (rank, allocate, robustness, indicators) recorded on the
same input files (identical digests) no later than the primary one: that is what a
saved scenario records together, so the report can show ranking, allocation and
robustness side by side without recomputing anything.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from prioritizer.app import charts
from prioritizer.app.controller import project_spend, spend_by
from prioritizer.errors import InputError
from prioritizer.i18n import DOMAINS, INSTRUMENTS, SECTORS, Lang, fmt_oku, label
from prioritizer.reports.document import Document, Figure, KeyValues, Para, Section, Table
from prioritizer.text import t

_T: dict[str, tuple[str, str]] = {
    "title": ("優先順位付け・予算配分の根拠説明書", "Prioritisation and allocation justification report"),
    "case": ("ケース", "Case"),
    "date": ("実行日時（UTC）", "Run time (UTC)"),
    "actor": ("実行者", "Actor"),
    "reason": ("理由", "Reason"),
    "run": ("実行 ID", "Run id"),
    "hash": ("記録ハッシュ（監査ストアで検証可能）", "Record hash (verify against the audit store)"),
    "head": ("監査ストアの最新ハッシュ", "Audit store head hash"),
    "generated": ("作成日時（UTC）", "Generated (UTC)"),
    "related": ("関連する実行", "Related runs"),
    "summary": ("要旨", "Executive summary"),
    "ranking": ("優先順位（スコアと基準別寄与）", "Ranked list (scores and contributions)"),
    "items": ("項目別の根拠", "Per-item justification"),
    "allocation": ("予算配分", "Allocation"),
    "stockpiles": ("備蓄", "Stockpiles"),
    "binding": ("有効な制約（言葉による説明）", "Binding constraints in words"),
    "scenarios": ("途絶シナリオ", "Disruption scenarios"),
    "weights": ("重みと変更履歴", "Weights and their change history"),
    "method": ("手法・正規化・ソルバーの選択", "Method, normalisation and solver choices"),
    "provenance": ("データの出典", "Data provenance"),
    "digests": ("入力ファイルのダイジェスト（SHA-256）", "Input digests (SHA-256)"),
    "robustness": ("頑健性", "Robustness"),
    "none": ("（この実行には含まれていません）", "(not part of this run)"),
}


def tx(key: str, lang: Lang) -> str:
    ja, en = _T[key]
    return ja if lang == "ja" else en


def _f(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _name(row: dict[str, Any], lang: Lang) -> str:
    return row.get("name_ja" if lang == "ja" else "name_en") or row.get("name_en") or row.get("id") or ""


def _load_case(stored: Any):  # type: ignore[no-untyped-def]
    """Rebuild the case from the stored file snapshot (for names, scenarios and sources)."""
    from prioritizer.case import load_case

    files: dict[str, bytes] = _f(stored, "case_files") or {}
    if not files:
        return None
    folder = Path(tempfile.mkdtemp(prefix="prioritizer-report-"))
    for name, data in files.items():
        (folder / name).write_bytes(data if isinstance(data, bytes) else str(data).encode())
    target = next((folder / n for n in files if n.lower().endswith(".xlsx")), folder)
    try:
        return load_case(target)
    except InputError:
        return None


def related_runs(store: Any, primary: Any) -> dict[str, Any]:
    out = {_f(primary, "command"): primary}
    digests = _f(primary, "input_digests")
    at = _f(primary, "created_at")
    for summary in store.runs(limit=500):
        cmd = _f(summary, "command")
        if cmd in out:
            continue
        rid = _f(summary, "run_id")
        cand = store.get(rid)
        if _f(cand, "input_digests") == digests and str(_f(cand, "created_at")) <= str(at):
            out[cmd] = cand
    return out


def build_document(store: Any, run_id: str, lang: Lang) -> Document:
    primary = store.get(run_id)  # UnknownRunError (an InputError naming the run) if absent
    runs = related_runs(store, primary)
    case = _load_case(primary)
    cover = [
        (tx("case", lang), str(_f(primary, "case_path") or "")),
        (tx("date", lang), str(_f(primary, "created_at"))),
        (tx("actor", lang), str(_f(primary, "actor") or "")),
        (tx("reason", lang), str(_f(primary, "reason") or "")),
        (tx("run", lang), f"{run_id} ({_f(primary, 'command')})"),
        (tx("hash", lang), str(_f(primary, "hash") or "")),
        (tx("head", lang), str(store.head_hash() if hasattr(store, "head_hash") else "")),
        (tx("related", lang), ", ".join(f"{c}: {_f(r, 'run_id')}" for c, r in runs.items())),
        (tx("generated", lang), pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")),
    ]
    rank = _f(runs.get("rank"), "result")
    alloc = _f(runs.get("allocate"), "result")
    robust = _f(runs.get("robustness"), "result")
    indic = _f(runs.get("indicators"), "result")
    model = _f(runs.get("rank") or primary, "model") or {}
    labels = {
        c["id"]: c.get("label_ja" if lang == "ja" else "label_en") or c["id"]
        for c in model.get("criteria", [])
    }
    sections = [
        _summary(rank, alloc, robust, lang),
        _ranking(rank, labels, lang),
        _items(rank, alloc, robust, indic, labels, case, lang),
        _allocation(alloc, case, lang),
        _binding(alloc, lang),
        _scenarios(case, lang),
        _weights(store, runs, model, labels, lang),
        _method(runs, lang),
        _provenance(case, lang),
        _digests(primary, lang),
        _discussion(store, run_id, lang),
    ]
    from prioritizer.auth.report_parts import report_tier, tier_label

    tier = tier_label(report_tier([primary, *runs.values()]), lang)
    cover.insert(0, (t("auth.report_tier", lang), tier))
    return Document(
        title=tx("title", lang),
        lang=lang,
        cover=cover,
        sections=[s for s in sections if s.blocks],
        meta={"tier": tier},
    )


def _discussion(store: Any, run_id: str, lang: Lang) -> Section:
    """Comments and approvals recorded on the run (committee review)."""
    from prioritizer.auth.report_parts import discussion_frame

    s = Section(t("review.title", lang))
    df = discussion_frame(store, run_id, lang)
    if not df.empty:
        s.blocks.append(Table(t("review.title", lang), df, "review"))
    return s


def _summary(rank: dict | None, alloc: dict | None, robust: dict | None, lang: Lang) -> Section:
    s = Section(tx("summary", lang))
    if rank:
        top = sorted(rank.get("ranking", []), key=lambda r: r["rank"])[:5]
        names = (
            "、".join(_name(r, lang) for r in top) if lang == "ja" else ", ".join(_name(r, lang) for r in top)
        )
        n = len(rank.get("ranking", []))
        s.blocks.append(
            Para(
                f"{n} 件を {rank.get('method')}（正規化 {rank.get('normalisation')}）で評価した結果、上位 5 件は {names} です。"
                if lang == "ja"
                else f"{n} items were scored with {rank.get('method')} (normalisation {rank.get('normalisation')}); the top five are {names}."
            )
        )
    if alloc:
        funded = [p for p in alloc.get("projects", []) if (p.get("funded_fraction") or 0) > 1e-9]
        spend = sum(project_spend(p) for p in funded)
        s.blocks.append(
            Para(
                f"予算配分（状態: {alloc.get('status')}）では {len(funded)} 事業に計 {fmt_oku(spend, lang)} を配分します。"
                if lang == "ja"
                else f"The allocation (status: {alloc.get('status')}) funds {len(funded)} projects for {fmt_oku(spend, lang)} in total."
            )
        )
    if robust and robust.get("acceptability"):
        first = sorted(robust["acceptability"].items(), key=lambda kv: -(kv[1][0] if kv[1] else 0))[:3]
        s.blocks.append(
            Para(
                (
                    "SMAA の 1 位受容度が最も高いのは "
                    + "、".join(f"{i}（{b[0]:.0%}）" for i, b in first)
                    + " です。"
                )
                if lang == "ja"
                else (
                    "Highest first-rank acceptability (SMAA): "
                    + ", ".join(f"{i} ({b[0]:.0%})" for i, b in first)
                    + "."
                )
            )
        )
    return s


def _ranking(rank: dict | None, labels: dict[str, str], lang: Lang) -> Section:
    s = Section(tx("ranking", lang))
    if not rank:
        return s
    rows = []
    for r in sorted(rank.get("ranking", []), key=lambda r: r["rank"]):
        row = {
            "rank": r["rank"],
            "id": r["id"],
            "name": _name(r, lang),
            "score": r.get("score"),
            "domain": label(DOMAINS, r.get("domain") or "", lang),
            "sector": label(SECTORS, r.get("sector") or "", lang),
        }
        for c, v in (r.get("contributions") or {}).items():
            row[labels.get(c, c)] = v
        rows.append(row)
    frame = pd.DataFrame(rows)
    fmts = {"rank": "int", "score": "float3", **{labels.get(c, c): "float3" for c in labels}}
    s.blocks.append(Table(tx("ranking", lang), frame, "ranking", fmts, preview_rows=60))
    fig = charts.contribution_bars(rank.get("ranking", []), labels, lang, top=20)
    top = sorted(rank.get("ranking", []), key=lambda r: r["rank"])[:20]
    s.blocks.append(
        Figure(
            tx("ranking", lang),
            fig,
            (
                "stacked_barh",
                {
                    "labels": [f"{r['rank']}. {_name(r, lang)}" for r in top],
                    "series": {
                        labels.get(c, c): [r.get("contributions", {}).get(c, 0.0) for r in top]
                        for c in labels
                    },
                },
            ),
        )
    )
    return s


def _items(rank, alloc, robust, indic, labels, case, lang: Lang) -> Section:  # type: ignore[no-untyped-def]
    s = Section(tx("items", lang))
    if not rank:
        return s
    by_good: dict[str, list[dict]] = {}
    if alloc and case is not None and case.projects is not None:
        good_of = dict(zip(case.projects["id"], case.projects["good_id"], strict=False))
        for p in alloc.get("projects", []):
            by_good.setdefault(good_of.get(p["id"], ""), []).append(p)
    ind = {g.get("id"): g for g in (indic or {}).get("goods", [])}
    acc = (robust or {}).get("acceptability", {})
    thresholds = (robust or {}).get("thresholds")
    n = len(rank.get("ranking", []))
    for r in sorted(rank.get("ranking", []), key=lambda r: r["rank"])[:15]:
        contrib = r.get("contributions") or {}
        total = sum(abs(v) for v in contrib.values()) or 1.0
        parts = ", ".join(
            f"{labels.get(c, c)} {v:+.3f} ({abs(v) / total:.0%})"
            for c, v in sorted(contrib.items(), key=lambda kv: -abs(kv[1]))
        )
        lines = [
            f"{r['rank']}/{n} — {_name(r, lang)} [{label(DOMAINS, r.get('domain') or '', lang)}]",
            (
                f"政策手段の目安: {r.get('hint_ja') or r.get('hint') or '—'}"
                if lang == "ja"
                else f"Instrument hint: {r.get('hint_en') or r.get('hint') or '—'}"
            ),
            ("寄与: " if lang == "ja" else "Contributions: ") + parts,
        ]
        if r["id"] in ind:
            g = ind[r["id"]]
            lines.append(
                ("指標: " if lang == "ja" else "Indicators: ")
                + ", ".join(
                    f"{k} {g[k]:.2f}"
                    for k in ("import_reliance", "hhi", "concern_share", "top1_share")
                    if isinstance(g.get(k), int | float)
                )
            )
        if r["id"] in acc and acc[r["id"]]:
            lines.append(
                f"1 位受容度 {acc[r['id']][0]:.0%}"
                if lang == "ja"
                else f"First-rank acceptability {acc[r['id']][0]:.0%}"
            )
        thr = _threshold_for(thresholds, r["id"])
        if thr:
            lines.append(("順位逆転の閾値: " if lang == "ja" else "Rank-reversal threshold: ") + thr)
        for p in by_good.get(r["id"], []):
            frac = p.get("funded_fraction") or 0.0
            if frac > 1e-9:
                lines.append(
                    f"事業 {_name(p, lang)}: 採択（{frac:.0%}、{fmt_oku(project_spend(p), lang)}）"
                    if lang == "ja"
                    else f"Project {_name(p, lang)}: funded ({frac:.0%}, {fmt_oku(project_spend(p), lang)})"
                )
            else:
                need = p.get("needed_value")
                lines.append(
                    (
                        f"事業 {_name(p, lang)}: 不採択（採択に必要な価値 {need:.3g}）"
                        if lang == "ja"
                        else f"Project {_name(p, lang)}: not funded (value needed to enter {need:.3g})"
                    )
                    if isinstance(need, int | float)
                    else (
                        f"事業 {_name(p, lang)}: 不採択"
                        if lang == "ja"
                        else f"Project {_name(p, lang)}: not funded"
                    )
                )
        s.blocks.append(Para("\n".join(lines)))
    return s


def _threshold_for(thresholds: Any, item: str) -> str | None:
    if isinstance(thresholds, dict) and item in thresholds:
        v = thresholds[item]
        return (
            v
            if isinstance(v, str)
            else ", ".join(f"{k}: {x}" for k, x in (v.items() if isinstance(v, dict) else []))
        )
    if isinstance(thresholds, list):
        hits = [t for t in thresholds if isinstance(t, dict) and t.get("id") == item]
        if hits:
            return "; ".join(", ".join(f"{k}={v}" for k, v in h.items() if k != "id") for h in hits[:3])
    return None


def _allocation(alloc: dict | None, case, lang: Lang) -> Section:  # type: ignore[no-untyped-def]
    s = Section(tx("allocation", lang))
    if not alloc:
        return s
    s.blocks.append(
        KeyValues(
            [("status", str(alloc.get("status"))), ("objective", f"{alloc.get('objective') or 0:,.3f}")]
        )
    )
    proj = pd.DataFrame(alloc.get("projects", []))
    if not proj.empty:
        proj.insert(1, "name", [_name(p, lang) for p in alloc.get("projects", [])])
        keep = [
            c
            for c in [
                "id",
                "name",
                "funded_fraction",
                "cost",
                "reduced_cost",
                "needed_value",
                "forced_in_delta",
                "forced_out_delta",
            ]
            if c in proj.columns
        ]
        s.blocks.append(
            Table(
                tx("allocation", lang),
                proj[keep].sort_values("funded_fraction", ascending=False),
                "allocation",
                {"funded_fraction": "pct", "cost": "oku", "reduced_cost": "float3", "needed_value": "float3"},
            )
        )
        if case is not None and case.projects is not None:
            for group, vocab in (("domain", DOMAINS), ("instrument", INSTRUMENTS)):
                df = spend_by(alloc, case, group)
                if not df.empty:
                    s.blocks.append(
                        Figure(
                            f"{group}",
                            charts.spend_bar(df, group, vocab, lang),
                            (
                                "bar",
                                {
                                    "labels": [label(vocab, v, lang) for v in df[group]],
                                    "values": list(df["spend"]),
                                },
                            ),
                        )
                    )
    stock = pd.DataFrame(alloc.get("stockpiles", []))
    if not stock.empty:
        s.blocks.append(
            Table(
                tx("stockpiles", lang),
                stock,
                "stockpiles",
                {"quantity": "float3", "days_of_cover": "float1", "cost": "oku"},
            )
        )
        rows = alloc.get("stockpiles", [])
        s.blocks.append(
            Figure(
                tx("stockpiles", lang),
                charts.days_of_cover_bar(rows, {}, lang),
                (
                    "bar",
                    {
                        "labels": [_name(r, lang) or r.get("good_id") for r in rows],
                        "values": [r.get("days_of_cover") or 0 for r in rows],
                    },
                ),
            )
        )
    return s


def _binding(alloc: dict | None, lang: Lang) -> Section:
    s = Section(tx("binding", lang))
    if not alloc:
        return s
    cons = [c for c in alloc.get("constraints", []) if c.get("binding")]
    lines = []
    for c in cons:
        desc = c.get(f"description_{lang}") or c.get("description") or c["name"]
        sp = c.get("shadow_price")
        lines.append(
            f"• {desc} — " + (f"シャドウプライス {sp:.4g}" if lang == "ja" else f"shadow price {sp:.4g}")
            if isinstance(sp, int | float)
            else f"• {desc}"
        )
    expl = alloc.get("explanations")
    if isinstance(expl, dict):
        for v in expl.values():
            if isinstance(v, str):
                lines.append(v)
            elif isinstance(v, list):
                lines += [
                    x.get(f"text_{lang}") or x.get("text") or str(x) if isinstance(x, dict) else str(x)
                    for x in v
                ]
    if lines:
        s.blocks.append(Para("\n".join(lines)))
    frame = pd.DataFrame(alloc.get("constraints", []))
    if not frame.empty:
        s.blocks.append(
            Table(tx("binding", lang), frame, "constraints", {"shadow_price": "float3", "slack": "float3"})
        )
    return s


def _scenarios(case, lang: Lang) -> Section:  # type: ignore[no-untyped-def]
    s = Section(tx("scenarios", lang))
    if case is None or case.scenarios is None:
        return s
    cols = [
        c
        for c in [
            "id",
            "name_ja" if lang == "ja" else "name_en",
            "probability",
            "good_id",
            "partner",
            "loss",
            "months",
            "source",
        ]
        if c in case.scenarios.columns
    ]
    s.blocks.append(
        Table(tx("scenarios", lang), case.scenarios[cols], "scenarios", {"probability": "pct", "loss": "pct"})
    )
    return s


def _weights(store, runs, model, labels, lang: Lang) -> Section:  # type: ignore[no-untyped-def]
    s = Section(tx("weights", lang))
    rank = _f(runs.get("rank"), "result") or {}
    w = rank.get("weights") or {}
    if w:
        s.blocks.append(
            Table(
                tx("weights", lang),
                pd.DataFrame(
                    [{"criterion": c, "label": labels.get(c, c), "weight": v} for c, v in w.items()]
                ),
                "weights",
                {"weight": "float3"},
            )
        )
    elic = model.get("weights_elicitation") if isinstance(model, dict) else None
    if elic:
        s.blocks.append(KeyValues([(str(k), str(v)) for k, v in elic.items()]))
    try:
        hist = store.weight_history()
    except Exception:  # an older store without weight events still gets a report
        hist = []
    rows = [
        {k: _f(e, k) for k in ("at", "actor", "reason", "criterion", "from", "to", "run_id")} for e in hist
    ]
    if rows:
        s.blocks.append(
            Table("history", pd.DataFrame(rows), "weight_history", {"from": "float3", "to": "float3"})
        )
    return s


def _method(runs: dict[str, Any], lang: Lang) -> Section:
    s = Section(tx("method", lang))
    for cmd, r in runs.items():
        items = [(f"{cmd}.{k}", str(v)) for k, v in (_f(r, "method") or {}).items()]
        items += [(f"{cmd}.version.{k}", str(v)) for k, v in (_f(r, "versions") or {}).items()]
        if items:
            s.blocks.append(KeyValues(items))
    return s


def _provenance(case, lang: Lang) -> Section:  # type: ignore[no-untyped-def]
    s = Section(tx("provenance", lang))
    if case is None:
        return s
    rows = []
    for tname in ("goods", "countries", "flows", "projects", "scenarios", "links"):
        df = case.table(tname)
        if df is not None and "source" in df.columns:
            for src, n in df["source"].fillna("").value_counts().items():
                rows.append({"table": tname, "source": src or "—", "rows": int(n)})
    if rows:
        s.blocks.append(
            Table(tx("provenance", lang), pd.DataFrame(rows), "provenance", {"rows": "int"}, preview_rows=60)
        )
    return s


def _digests(primary: Any, lang: Lang) -> Section:
    s = Section(tx("digests", lang))
    d = _f(primary, "input_digests") or {}
    if d:
        s.blocks.append(
            Table(
                tx("digests", lang), pd.DataFrame([{"file": k, "sha256": v} for k, v in d.items()]), "digests"
            )
        )
    return s


def _system_has_japanese_font() -> bool:
    """Whether the browser kaleido drives can draw Japanese (fontconfig knows a ja font)."""
    import shutil
    import subprocess

    if not shutil.which("fc-list"):
        return False
    try:
        out = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.stdout.strip())


def figure_png(fig: Any) -> bytes | None:
    """Plotly → PNG through kaleido, when a Chromium *and* a Japanese system font exist.

    Without a Japanese font Chromium draws labels as empty boxes, so the caller then
    draws the same data with matplotlib and the bundled IPAexGothic instead.
    """
    import os
    import shutil

    exe = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("google-chrome")
    if not exe or not _system_has_japanese_font():
        return None
    os.environ.setdefault("BROWSER_PATH", exe)
    try:
        return fig.to_image(format="png", width=1000, height=int(fig.layout.height or 420), scale=1)
    except Exception:  # kaleido/Chromium failures fall back to matplotlib, noted in the report
        return None
