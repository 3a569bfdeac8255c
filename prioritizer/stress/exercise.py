"""Tabletop exercises (TTX): a scenario advanced month by month, with events and decisions.

State machine. An :class:`Exercise` starts at month 0 (nothing played). The facilitator

* ``inject(type, …)`` an event that takes effect from the next month to be played:
  ``escalation`` (the scenario's loss rises to ``loss``), ``join`` (a second country
  ``partner`` cuts ``loss`` of its supply for the rest of the disruption), ``ally_offer``
  (``units`` of ``good`` delivered by ``partner``), ``top_up`` (an emergency purchase of
  ``units`` at ``surge`` × the unit price) or ``release`` (``units`` drawn from the stock over
  the release rule's cap and floor);
* ``decide(who, why, text, action=None)`` records a participant's decision; an ``action``
  (an ``ally_offer`` / ``top_up`` / ``release`` event) is what the decision sets in motion;
* ``step()`` plays the next month; a step past the horizon is an error naming it;
* ``finish()`` closes the exercise.

Every operation is appended to ``log``; :meth:`Exercise.to_record` is JSON and
:meth:`Exercise.from_record` replays the log through the same methods, so a replayed
exercise gives the same timeline. The record of each step is kept in the audit trail as a
Run of command ``ttx`` (:func:`record_step`), so an interrupted exercise keeps every step.

Outcome: the exercise (threats and responses) against a *no-response* run that keeps the
threats (escalation, join) and drops every response (offers, purchases, releases), both
over the months played.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from prioritizer.case.types import Case
from prioritizer.errors import InputError, Issue
from prioritizer.runs import CommandOutput
from prioritizer.stress.data import StressData, build
from prioritizer.stress.portfolio import Portfolio
from prioritizer.stress.simulate import Shocks, StressResult, check_months, play

EVENT_TYPES = ("escalation", "join", "ally_offer", "top_up", "release")
#: an ally raises (units > 0, a response) or lowers (units < 0, a threat) its holding in a joint
#: pool (policy.yaml pools:); offered by the library, not yet by the app's event form
POOL_EVENTS = ("pool_holding",)
THREATS = frozenset({"escalation", "join"})
RESPONSES = frozenset({"ally_offer", "top_up", "release"})
RECORD_VERSION = 1


def _err(column: str, value: Any, msg: str) -> InputError:
    return InputError([Issue("exercise", None, column, value, msg)])


@dataclass
class Exercise:
    data: StressData = field(repr=False)
    scenario: str
    horizon: int = 12
    portfolio: dict[str, Any] = field(default_factory=lambda: {"source": "nothing"})
    release: str = "cover"
    substitution: Any = None
    exercise_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    facilitator: str = ""
    purpose: str = ""
    month: int = 0
    finished: bool = False
    log: list[dict[str, Any]] = field(default_factory=list)
    #: the case's joint pools (prioritizer.stress.pools.plans) and which scenarios hit home
    pools: list[Any] = field(default_factory=list, repr=False)
    home_hit: Any = field(default=None, repr=False)

    # ------------------------------------------------------------------ construction
    @classmethod
    def start(cls, case: Case, scenario: str, **kw: Any) -> Exercise:
        from prioritizer.stress.pools import home_hit, plans

        data = build(case, [scenario])
        ex = cls(data=data, scenario=scenario, **kw)
        ex.pools = plans(case, data, contributions=Portfolio.from_params(ex.portfolio).pools)
        hits = home_hit(case, data.scenario_ids)
        ex.home_hit = None if hits.all() else hits
        ex.horizon = check_months(ex.horizon)
        Portfolio.from_params(ex.portfolio).arrays(data.good_ids, data.project_ids)  # names checked now
        ex._play()  # release rule and substitution checked now
        return ex

    def to_record(self) -> dict[str, Any]:
        return {
            "version": RECORD_VERSION,
            "exercise_id": self.exercise_id,
            "scenario": self.scenario,
            "horizon": self.horizon,
            "portfolio": self.portfolio,
            "release": self.release,
            "substitution": self.substitution,
            "facilitator": self.facilitator,
            "purpose": self.purpose,
            "month": self.month,
            "status": "complete" if self.finished else "in_progress",
            "log": [dict(op) for op in self.log],
        }

    @classmethod
    def from_record(cls, case: Case, record: dict[str, Any]) -> Exercise:
        """Rebuild an exercise by replaying its log (same checks as when it was played)."""
        ex = cls.start(
            case,
            record["scenario"],
            horizon=record.get("horizon", 12),
            portfolio=record.get("portfolio") or {"source": "nothing"},
            release=record.get("release") or "cover",
            substitution=record.get("substitution"),
            exercise_id=record.get("exercise_id") or uuid.uuid4().hex[:12],
            facilitator=record.get("facilitator", ""),
            purpose=record.get("purpose", ""),
        )
        for op in record.get("log", []):
            kind = op.get("op")
            if kind == "step":
                ex.step()
            elif kind == "event":
                ex.inject(**{k: v for k, v in op.items() if k not in ("op", "month")})
            elif kind == "decision":
                ex.decide(op["who"], op["why"], op.get("text", ""), op.get("action"))
            elif kind == "finish":
                ex.finish()
            else:
                raise _err("log.op", kind, "unknown step in the exercise record")
        return ex

    # ------------------------------------------------------------------ operations
    def _open(self, what: str) -> int:
        if self.finished:
            raise _err("op", what, "the exercise has finished; start a new one")
        nxt = self.month + 1
        if nxt > self.horizon:
            raise _err(
                "month",
                nxt,
                f"month {nxt} is after the exercise's horizon of {self.horizon} months; "
                "finish the exercise or start one with a longer horizon",
            )
        return nxt

    def step(self) -> int:
        """Play the next month; returns it."""
        m = self._open("step")
        self.month = m
        self.log.append({"op": "step", "month": m})
        return m

    def _event(self, type: str, **f: Any) -> dict[str, Any]:
        d = self.data
        if type not in EVENT_TYPES + POOL_EVENTS:
            raise _err("type", type, f"unknown event; one of {', '.join(EVENT_TYPES + POOL_EVENTS)}")
        if type in POOL_EVENTS:
            return self._pool_event(type, **f)
        ev: dict[str, Any] = {"type": type}
        issues: list[Issue] = []

        def num(name: str, lo: float, hi: float = math.inf) -> float:
            try:
                x = float(f.get(name))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                x = math.nan
            if not (lo <= x <= hi):
                issues.append(
                    Issue("exercise", None, name, f.get(name), f"{type}: {name} must be in [{lo:g}, {hi:g}]")
                )
            return x

        if type in ("escalation", "join"):
            ev["loss"] = num("loss", 0.0, 1.0)
        if type == "join":
            p = str(f.get("partner") or "").strip().upper()
            if p not in d.partner_shares:
                issues.append(
                    Issue(
                        "exercise",
                        None,
                        "partner",
                        p,
                        f"no imports from {p!r} in flows.csv, so its joining cuts nothing",
                    )
                )
            ev["partner"] = p
        if type in RESPONSES:
            g = str(f.get("good_id") or "").strip()
            if g not in d.gidx:
                issues.append(Issue("exercise", None, "good_id", g, "unknown good; use an id from goods.csv"))
            ev["good_id"] = g
            ev["units"] = num("units", 0.0)
        if type == "ally_offer":
            ev["partner"] = str(f.get("partner") or "").strip()
        if type == "top_up":
            ev["surge"] = num("surge", 1.0)
        if f.get("note"):
            ev["note"] = str(f["note"])
        if issues:
            raise InputError(issues)
        return ev

    def _pool_event(self, type: str, **f: Any) -> dict[str, Any]:
        plans = {p.pool.id: p for p in self.pools}
        pid, c = str(f.get("pool") or "").strip(), str(f.get("country") or "").strip().upper()
        issues = []
        if pid not in plans:
            known = ", ".join(plans) or "none in policy.yaml"
            issues.append(Issue("exercise", None, "pool", pid, f"unknown pool; known: {known}"))
        elif c not in [m.country for m in plans[pid].pool.allies]:
            allies = ", ".join(m.country for m in plans[pid].pool.allies)
            issues.append(
                Issue("exercise", None, "country", c, f"not an ally in pool {pid}; its allies: {allies}")
            )
        try:
            units = float(f.get("units"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            units = math.nan
        if not math.isfinite(units):
            issues.append(
                Issue(
                    "exercise",
                    None,
                    "units",
                    f.get("units"),
                    f"{type}: units (± the good's unit) is a number",
                )
            )
        if issues:
            raise InputError(issues)
        ev: dict[str, Any] = {"type": type, "pool": pid, "country": c, "units": units}
        if f.get("note"):
            ev["note"] = str(f["note"])
        return ev

    def inject(self, type: str, **fields: Any) -> dict[str, Any]:
        """An event taking effect from the next month to be played."""
        m = self._open(type)
        ev = {"op": "event", "month": m, **self._event(type, **fields)}
        self.log.append(ev)
        return ev

    def decide(
        self, who: str, why: str, text: str = "", action: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        m = self._open("decision")
        if not str(who).strip() or not str(why).strip():
            raise _err("who/why", None, "a decision needs who took it and why")
        act = None
        if action:
            a = {k: v for k, v in action.items() if k not in ("op", "month")}
            if a.get("type") not in RESPONSES:
                raise _err(
                    "action.type",
                    a.get("type"),
                    f"a decision's action is one of {', '.join(sorted(RESPONSES))}",
                )
            act = self._event(**a)
        op = {
            "op": "decision",
            "month": m,
            "who": str(who).strip(),
            "why": str(why).strip(),
            "text": str(text),
            "action": act,
        }
        self.log.append(op)
        return op

    def finish(self) -> None:
        if self.finished:
            raise _err("op", "finish", "the exercise has already finished")
        self.finished = True
        self.log.append({"op": "finish", "month": self.month})

    # ------------------------------------------------------------------ simulation
    @property
    def events(self) -> list[dict[str, Any]]:
        return [op for op in self.log if op["op"] == "event"]

    @property
    def decisions(self) -> list[dict[str, Any]]:
        return [op for op in self.log if op["op"] == "decision"]

    def _effects(self, *, responses: bool) -> list[dict[str, Any]]:
        out = []
        for op in self.log:
            ev = op if op["op"] == "event" else (op.get("action") if op["op"] == "decision" else None)
            if not ev:
                continue
            threat = ev["type"] in THREATS or (ev["type"] in POOL_EVENTS and ev["units"] < 0)
            if threat or responses:
                out.append({**ev, "month": op["month"]})
        return out

    def shocks(self, *, responses: bool = True) -> Shocks:
        """The events as kernel inputs (T, 1, G), each from its month on."""
        d, T, G = self.data, self.horizon, len(self.data.good_ids)
        k = d.sidx[self.scenario]
        act = np.clip(d.duration[k] - np.arange(T), 0.0, 1.0)  # (T,)
        base_loss = float(d.loss[k])
        affected = d.loss_rate[k] / base_loss if base_loss > 0 else np.zeros(G)  # A_g / 12
        extra = np.zeros((T, 1, G))
        deliv = np.zeros((T, 1, G))
        rel = np.zeros((T, 1, G))
        level = np.full(T, base_loss)
        for ev in self._effects(responses=responses):
            t0 = int(ev["month"]) - 1
            typ = ev["type"]
            if typ == "escalation":
                if base_loss <= 0:
                    raise _err("type", typ, f"scenario {self.scenario} cuts nothing, so it cannot escalate")
                level[t0:] = ev["loss"]
            elif typ == "join":
                share = np.zeros(G)
                for g, s in d.partner_shares.get(ev["partner"], {}).items():
                    share[g] = s
                extra[t0:, 0, :] += ev["loss"] * share * d.demand * act[t0:, None]
            elif typ in ("ally_offer", "top_up"):
                deliv[t0, 0, d.gidx[ev["good_id"]]] += ev["units"]
            elif typ == "release":
                rel[t0, 0, d.gidx[ev["good_id"]]] += ev["units"]
            # pool_holding: see _pools()
        extra[:, 0, :] += ((level - base_loss) * act)[:, None] * affected[None, :]
        return Shocks(extra_loss=extra, deliveries=deliv, extra_release=rel)

    def _pools(self, *, responses: bool) -> list[Any]:
        """The pools with the holding changes injected so far, each from its month on."""
        import dataclasses

        changes: dict[str, list[tuple[int, int, float]]] = {}
        for ev in self._effects(responses=responses):
            if ev["type"] in POOL_EVENTS:
                plan = next(p for p in self.pools if p.pool.id == ev["pool"])
                changes.setdefault(ev["pool"], []).append(
                    (int(ev["month"]) - 1, plan.member(ev["country"]), float(ev["units"]))
                )
        return [dataclasses.replace(p, changes=tuple(changes.get(p.pool.id, ()))) for p in self.pools]

    def _play(self, *, responses: bool = True) -> StressResult:
        """The whole horizon with the events so far (causal: months not yet played change nothing shown)."""
        return play(
            self.data,
            Portfolio.from_params(self.portfolio),
            pools=self._pools(responses=responses),
            home_hit=self.home_hit,
            scenarios=[self.scenario],
            months=self.horizon,
            release=self.release,
            substitution=self.substitution,
            shocks=self.shocks(responses=responses),
        )

    def cost(self) -> float:
        """億円 spent on emergency purchases: units × unit price × surge."""
        price = np.nan_to_num(self.data.unit_price, nan=0.0)
        return float(
            sum(
                e["units"] * price[self.data.gidx[e["good_id"]]] * e["surge"]
                for e in self._effects(responses=True)
                if e["type"] == "top_up"
            )
        )

    def result(self) -> dict[str, Any]:
        """The TTX record's outcome: timeline and series over the months played, events, decisions."""
        from prioritizer.text import render

        m = self.month
        resp, none = self._play(), self._play(responses=False)
        price = resp.price

        def value_by_month(r: StressResult) -> np.ndarray:
            return (r.timeline.shortfall[:, 0, :] * price).sum(axis=1)

        vr, vn = value_by_month(resp), value_by_month(none)
        stock_value = (resp.timeline.stock[:, 0, :] * price).sum(axis=1)
        series = [
            {
                "month": t + 1,
                "shortfall_value": float(vr[t]),
                "shortfall_value_no_response": float(vn[t]),
                "stock_value": float(stock_value[t]),
            }
            for t in range(m)
        ]
        outcome = {
            "kind": "stress_ttx_outcome",
            "value_response": float(vr[:m].sum()),
            "value_none": float(vn[:m].sum()),
            "value_avoided": float(vn[:m].sum() - vr[:m].sum()),
            "cost": self.cost(),
            "months_short_response": int((vr[:m] > 1e-9).sum()),
            "months_short_none": int((vn[:m] > 1e-9).sum()),
        }
        events = []
        for op in self._effects(responses=True):
            msg = {"kind": f"stress_ttx_event_{op['type']}", **op}
            if op["type"] == "top_up":
                msg["cost"] = op["units"] * float(price[self.data.gidx[op["good_id"]]]) * op["surge"]
            msg.setdefault("partner", "")
            events.append({**msg, "text_ja": render(msg, "ja"), "text_en": render(msg, "en")})
        for o in (outcome,):
            o["text_ja"], o["text_en"] = render(o, "ja"), render(o, "en")
        return {
            "exercise_id": self.exercise_id,
            "scenario": self.scenario,
            "status": "complete" if self.finished else "in_progress",
            "month": m,
            "horizon": self.horizon,
            "portfolio": Portfolio.from_params(self.portfolio).label,
            "release": self.release,
            "timeline": resp.months_rows(upto=m),
            "series": series,
            "events": events,
            "decisions": self.decisions,
            "outcome": outcome,
        }


def run_ttx(case: Case, params: dict[str, Any]) -> CommandOutput:
    """``ttx`` service: replay ``params["exercise"]`` (a record) and return its outcome."""
    rec = params.get("exercise")
    if not isinstance(rec, dict):
        raise _err("exercise", None, "the ttx run needs an exercise record")
    ex = Exercise.from_record(case, rec)
    return CommandOutput(
        result=ex.result(),
        method={"model": "stress month-by-month", "exercise": ex.exercise_id, "release": ex.release},
    )


def exercise_run(case: Case, ex: Exercise, reason: str = "") -> Any:
    """The exercise as it stands as a ``ttx`` Run (the caller records one per step through the
    door, so an interruption loses nothing and the author is the signed-in account)."""
    from prioritizer.case.tiers import labelled
    from prioritizer.runs import execute

    why = reason or ex.purpose or f"TTX {ex.exercise_id} month {ex.month}"
    return labelled(execute("ttx", case, {"exercise": ex.to_record()}, reason=why), case)


def record_step(case: Case, ex: Exercise, *, actor: str, reason: str = "", db: str | None = None) -> str:
    """Record the exercise as it stands as a ``ttx`` Run (library use and tests; the app goes
    through the door with :func:`exercise_run`)."""
    from prioritizer.audit import record_run

    run = exercise_run(case, ex, reason)
    run.actor = actor or ex.facilitator or "facilitator"
    return record_run(run, db)
