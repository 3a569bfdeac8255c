"""What changed between two stored runs, structured and in plain words (ja / en).

Compared: weights (criterion by criterion), input files (added, removed, changed —
by SHA-256), method choices, model snapshot (criteria, directions), parameters,
library versions; for two ``rank`` runs the items whose rank moved (top movers
first) and the change at the top; for two ``allocate`` runs the projects newly
funded or no longer funded, changed funded fractions, total spend and objective.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from prioritizer.audit.chain import canonical
from prioritizer.audit.entities import StoredRun
from prioritizer.spend import benefit_of, spent_total

#: funded fractions closer than this are the same (solver tolerance)
FRACTION_TOL = 1e-6
TOP_MOVERS = 10


@dataclass
class RankMove:
    id: str
    name: str
    rank_a: int | None
    rank_b: int | None

    @property
    def delta(self) -> int:
        """Places gained (positive = moved up)."""
        if self.rank_a is None or self.rank_b is None:
            return 0
        return self.rank_a - self.rank_b


@dataclass
class FundingChange:
    id: str
    name: str
    fraction_a: float
    fraction_b: float
    cost_a: float
    cost_b: float


@dataclass
class Diff:
    """Structured difference of run ``a`` → run ``b``; :meth:`text` says it in words."""

    a: str
    b: str
    command_a: str
    command_b: str
    weights: list[dict[str, Any]] = field(default_factory=list)  # {criterion, from, to}
    inputs_added: list[str] = field(default_factory=list)
    inputs_removed: list[str] = field(default_factory=list)
    inputs_changed: list[str] = field(default_factory=list)
    method: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    model: list[str] = field(default_factory=list)  # English facts; see _model_changes
    model_ja: list[str] = field(default_factory=list)
    params: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    versions: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    ranks: list[RankMove] = field(default_factory=list)
    top_a: str | None = None
    top_b: str | None = None
    funded: list[FundingChange] = field(default_factory=list)
    spend_a: float | None = None
    spend_b: float | None = None
    status: tuple[Any, Any] | None = None
    objective: tuple[Any, Any] | None = None
    benefit: tuple[Any, Any] | None = None
    #: criterion id -> {"ja": label, "en": label}, from the runs' model snapshots
    criterion_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    who: tuple[str, str] = ("", "")
    why: tuple[str, str] = ("", "")
    when: tuple[str, str] = ("", "")

    @property
    def identical(self) -> bool:
        return not (
            self.weights
            or self.inputs_added
            or self.inputs_removed
            or self.inputs_changed
            or self.method
            or self.model
            or self.params
            or self.ranks
            or self.funded
            or self.status
            or self.objective
            or self._spend_changed
        )

    @property
    def _spend_changed(self) -> bool:
        if self.spend_a is None or self.spend_b is None:
            return False
        return abs(self.spend_b - self.spend_a) > 1e-9

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ranks"] = [{**asdict(m), "delta": m.delta} for m in self.ranks]
        d["method"] = {k: {"a": v[0], "b": v[1]} for k, v in self.method.items()}
        d["params"] = {k: {"a": v[0], "b": v[1]} for k, v in self.params.items()}
        d["versions"] = {k: {"a": v[0], "b": v[1]} for k, v in self.versions.items()}
        d["spend_delta"] = (
            None if self.spend_a is None or self.spend_b is None else self.spend_b - self.spend_a
        )
        d["text_ja"] = self.text("ja")
        d["text_en"] = self.text("en")
        d["identical"] = self.identical
        return d

    # ------------------------------------------------------------------ words

    def messages(self) -> list[dict[str, Any]]:
        """The difference as structured messages (kind + numbers + names), rendered by the text layer."""
        out: list[dict[str, Any]] = [
            {
                "kind": "diff.head",
                "a": self.a,
                "b": self.b,
                "command_a": self.command_a,
                "command_b": self.command_b,
                "when_a": self.when[0],
                "when_b": self.when[1],
                "who_a": self.who[0] or "—",
                "who_b": self.who[1] or "—",
            }
        ]
        if self.why[1]:
            out.append({"kind": "diff.reason", "reason": self.why[1]})
        if self.command_a != self.command_b:
            out.append({"kind": "diff.unlike", "command_a": self.command_a, "command_b": self.command_b})
        if self.identical:
            out.append({"kind": "diff.identical"})
        label = self.criterion_labels
        for w in self.weights:
            c, a, b = w["criterion"], w["from"], w["to"]
            names = {f"criterion_{k}": v for k, v in label.get(c, {"ja": c, "en": c}).items()}
            if a is None:
                out.append({"kind": "diff.weight_added", **names, "to": b})
            elif b is None:
                out.append({"kind": "diff.weight_removed", **names, "from": a})
            else:
                out.append(
                    {
                        "kind": "diff.weight_raised" if b > a else "diff.weight_lowered",
                        **names,
                        "from": a,
                        "to": b,
                    }
                )
        for kind, names in (
            ("diff.inputs_added", self.inputs_added),
            ("diff.inputs_removed", self.inputs_removed),
            ("diff.inputs_changed", self.inputs_changed),
        ):
            if names:
                out.append({"kind": kind, "files": ", ".join(names)})
        for k, (a, b) in self.method.items():
            out.append({"kind": "diff.method", "key": k, "from": _v(a), "to": _v(b)})
        out += [
            {"kind": "diff.model", "text_ja": ja, "text_en": en}
            for ja, en in zip(self.model_ja, self.model, strict=True)
        ]
        for k, (a, b) in self.params.items():
            out.append({"kind": "diff.param", "key": k, "from": _v(a), "to": _v(b)})
        if self.top_a != self.top_b and self.top_a is not None and self.top_b is not None:
            out.append({"kind": "diff.top", "from": self.top_a, "to": self.top_b})
        if self.ranks:
            moved = [m for m in self.ranks if m.rank_a is not None and m.rank_b is not None]
            out.append({"kind": "diff.ranks", "n": len(moved)})
            for m in self.ranks[:TOP_MOVERS]:
                if m.rank_a is None:
                    out.append({"kind": "diff.rank_new", "name": m.name, "to": m.rank_b})
                elif m.rank_b is None:
                    out.append({"kind": "diff.rank_gone", "name": m.name, "from": m.rank_a})
                else:
                    kind = "diff.rank_up" if m.delta > 0 else "diff.rank_down"
                    out.append(
                        {"kind": kind, "name": m.name, "from": m.rank_a, "to": m.rank_b, "by": abs(m.delta)}
                    )
        if self.status:
            out.append({"kind": "diff.status", "from": self.status[0], "to": self.status[1]})
        newly = [f for f in self.funded if f.fraction_a <= FRACTION_TOL < f.fraction_b]
        dropped = [f for f in self.funded if f.fraction_b <= FRACTION_TOL < f.fraction_a]
        partial = [f for f in self.funded if f not in newly and f not in dropped]
        if newly:
            out.append({"kind": "diff.newly_funded", "names": ", ".join(f.name for f in newly)})
        if dropped:
            out.append({"kind": "diff.dropped", "names": ", ".join(f.name for f in dropped)})
        for f in partial:
            out.append({"kind": "diff.share", "name": f.name, "from": f.fraction_a, "to": f.fraction_b})
        if self._spend_changed and self.spend_a is not None and self.spend_b is not None:
            out.append(
                {
                    "kind": "diff.spend",
                    "from": self.spend_a,
                    "to": self.spend_b,
                    "by": self.spend_b - self.spend_a,
                }
            )
        if self.benefit is not None:
            a, b = self.benefit
            out.append(
                {
                    "kind": "diff.benefit",
                    "from": a,
                    "to": b,
                    "by": (b - a) if a is not None and b is not None else None,
                }
            )
        for k, (a, b) in self.versions.items():
            out.append({"kind": "diff.version", "key": k, "from": a, "to": b})
        return out

    def text(self, lang: str = "ja") -> str:
        """The difference as plain-words bullet lines (Markdown), Japanese or English."""
        from prioritizer.text import render

        lines = []
        for n, m in enumerate(self.messages()):
            sentence = m[f"text_{lang}"] if m["kind"] == "diff.model" else render(m, lang)  # type: ignore[arg-type]
            indent = "  - " if m["kind"].startswith("diff.rank_") else "- "
            lines.append(sentence if n == 0 else indent + sentence)
        return "\n".join(lines)


def _w(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def _v(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:,.6g}"
    if x is None:
        return "—"
    return x if isinstance(x, str) else canonical(x)


def _name(row: dict[str, Any]) -> str:
    nm = row.get("name_ja") or row.get("name_en") or row.get("name")
    rid = str(row.get("id") or row.get("good_id") or "")
    return f"{nm} ({rid})" if nm and nm != rid else rid


def _dict_changes(
    a: dict[str, Any] | None, b: dict[str, Any] | None, skip: tuple[str, ...] = ()
) -> dict[str, tuple[Any, Any]]:
    a, b = a or {}, b or {}
    return {
        k: (a.get(k), b.get(k))
        for k in sorted(set(a) | set(b))
        if k not in skip and canonical(a.get(k)) != canonical(b.get(k))
    }


def _model_changes(a: dict[str, Any] | None, b: dict[str, Any] | None) -> tuple[list[str], list[str]]:
    en: list[str] = []
    ja: list[str] = []
    a, b = a or {}, b or {}
    if a.get("name") != b.get("name"):
        en.append(f"model '{a.get('name')}' → '{b.get('name')}'")
        ja.append(f"モデル「{a.get('name')}」→「{b.get('name')}」")
    ca = {c.get("id"): c for c in a.get("criteria", []) or [] if isinstance(c, dict)}
    cb = {c.get("id"): c for c in b.get("criteria", []) or [] if isinstance(c, dict)}
    for cid in sorted(set(ca) & set(cb), key=str):
        if ca[cid].get("direction") != cb[cid].get("direction"):
            en.append(f"criterion '{cid}' direction {ca[cid].get('direction')} → {cb[cid].get('direction')}")
            ja.append(f"基準「{cid}」の方向 {ca[cid].get('direction')} → {cb[cid].get('direction')}")
        if ca[cid].get("column") != cb[cid].get("column"):
            en.append(f"criterion '{cid}' data column {ca[cid].get('column')} → {cb[cid].get('column')}")
            ja.append(f"基準「{cid}」のデータ列 {ca[cid].get('column')} → {cb[cid].get('column')}")
    if canonical(a.get("weights_elicitation")) != canonical(b.get("weights_elicitation")):
        en.append(
            f"weight elicitation {_v(a.get('weights_elicitation'))} → {_v(b.get('weights_elicitation'))}"
        )
        ja.append(f"重みの決め方 {_v(a.get('weights_elicitation'))} → {_v(b.get('weights_elicitation'))}")
    return en, ja


def _rank_moves(ra: dict[str, Any], rb: dict[str, Any]) -> tuple[list[RankMove], str | None, str | None]:
    la = {str(r["id"]): r for r in ra.get("ranking", []) or [] if isinstance(r, dict) and "id" in r}
    lb = {str(r["id"]): r for r in rb.get("ranking", []) or [] if isinstance(r, dict) and "id" in r}
    moves = []
    for i in sorted(set(la) | set(lb)):
        a, b = la.get(i, {}).get("rank"), lb.get(i, {}).get("rank")
        if a != b:
            moves.append(RankMove(i, _name(lb.get(i) or la[i]), a, b))
    # Biggest moves first; appearing/disappearing items after; ties by the new rank.
    moves.sort(key=lambda m: (m.rank_a is None or m.rank_b is None, -abs(m.delta), m.rank_b or 0, m.id))

    def top(lst: dict[str, Any]) -> str | None:
        firsts = sorted((r.get("rank") or 0, k) for k, r in lst.items())
        return _name(lst[firsts[0][1]]) if firsts else None

    return moves, top(la), top(lb)


def _funding(ra: dict[str, Any], rb: dict[str, Any]) -> list[FundingChange]:
    pa = {str(p["id"]): p for p in ra.get("projects", []) or [] if isinstance(p, dict) and "id" in p}
    pb = {str(p["id"]): p for p in rb.get("projects", []) or [] if isinstance(p, dict) and "id" in p}
    out = []
    for i in sorted(set(pa) | set(pb)):
        a, b = pa.get(i, {}), pb.get(i, {})
        fa, fb = float(a.get("funded_fraction") or 0.0), float(b.get("funded_fraction") or 0.0)
        if abs(fa - fb) > FRACTION_TOL:
            out.append(
                FundingChange(
                    i, _name(b or a), fa, fb, float(a.get("cost") or 0.0), float(b.get("cost") or 0.0)
                )
            )
    return out


def diff_runs(a: StoredRun, b: StoredRun) -> Diff:
    d = Diff(a=a.run_id, b=b.run_id, command_a=a.command, command_b=b.command)
    d.who, d.why, d.when = (a.actor, b.actor), (a.reason, b.reason), (a.created_at[:19], b.created_at[:19])
    wa, wb = a.weights or {}, b.weights or {}
    if a.weights is not None or b.weights is not None:
        for c in sorted(set(wa) | set(wb)):
            x, y = wa.get(c), wb.get(c)
            if x is None or y is None or abs(x - y) > 1e-12:
                d.weights.append({"criterion": c, "from": x, "to": y})
    ia, ib = a.input_digests or {}, b.input_digests or {}
    d.inputs_added = sorted(set(ib) - set(ia))
    d.inputs_removed = sorted(set(ia) - set(ib))
    d.inputs_changed = sorted(n for n in set(ia) & set(ib) if ia[n] != ib[n])
    for model in (a.model, b.model):
        for c in (model or {}).get("criteria", []) or []:
            if isinstance(c, dict) and c.get("id"):
                d.criterion_labels[c["id"]] = {
                    "ja": c.get("label_ja") or c.get("label_en") or c["id"],
                    "en": c.get("label_en") or c.get("label_ja") or c["id"],
                }
    if a.command != b.command:
        # Different kinds of run: their method choices and parameters are not comparable, so
        # only who/why/when and the inputs are compared (the text says so).
        return d
    d.method = _dict_changes(a.method, b.method)
    d.model, d.model_ja = _model_changes(a.model, b.model)
    # Weights and snapshots are reported above; do not repeat them as raw params.
    d.params = _dict_changes(a.params, b.params, skip=("weights", "model_snapshot", "policy_snapshot"))
    d.versions = _dict_changes(a.versions, b.versions)
    if a.command == "rank" and b.command == "rank":
        d.ranks, d.top_a, d.top_b = _rank_moves(a.result, b.result)
    if a.command == "allocate" and b.command == "allocate":
        d.funded = _funding(a.result, b.result)
        # the one total spend (projects + stock), as every page and the report show it
        d.spend_a = spent_total(a.result)
        d.spend_b = spent_total(b.result)
        if a.result.get("status") != b.result.get("status"):
            d.status = (a.result.get("status"), b.result.get("status"))
        oa, ob = a.result.get("objective"), b.result.get("objective")
        if oa != ob and not (
            isinstance(oa, float) and isinstance(ob, float) and abs(oa - ob) <= 1e-9 * max(1.0, abs(oa))
        ):
            d.objective = (oa, ob)
        ba, bb = benefit_of(a.result), benefit_of(b.result)
        if (ba is not None or bb is not None) and ba != bb:
            d.benefit = (ba, bb)
    return d
