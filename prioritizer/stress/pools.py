"""Joint stock pools in the stress test: the month-by-month drawing rule (docs/allies.md).

A pool (``policy.yaml`` ``pools:``, :mod:`prioritizer.case.pools`) holds one good; its total
is the allies' holdings plus our contribution. Each member *i* has a draw share ``s_i``
(Σ s_i ≤ 1) and so an **account** ``a_i = s_i · P`` of the pool *P* it may draw over the event.

Who is hit: a scenario hits the countries of its ``affects`` column (blank = home only);
an ally is hit when the scenario concerns the pooled good (its ``good_id`` is that good or
blank), inside the scenario's months. A hit ally loses ``loss × need`` per month (× the share
of the month inside the disruption, as for home); home's call on the pool is what is still
short after its own stock, added capacity and deliveries (the kernel's shortfall): own stock
is drawn first.

Each month, for each scenario (:func:`draw_month`):

1. a hit member draws from its own account, up to what it is short;
2. the accounts of members **not hit** are lent to hit members still short, pro rata to the
   borrowers' draw shares (water-filling: what one borrower does not need goes to the others),
   debited from the lenders pro rata to their balances;
3. no one draws more than it is short.

Issue 29's hand example (tests/test_pools.py): demand 10 t/month, no own stock, the pool
holds 60 t (all the ally's), the ally needs 10 t/month, shares 0.5/0.5, a six-month total stop.
Only we are hit: our account (30 t) lasts months 1–3, the ally's 30 t is lent for months 4–6:
no shortfall. Both hit: nothing is lent; our 30 t lasts three months: 30 t short from month 4.

A tabletop step may raise or lower an ally's holding from a month on (``changes``): every
account moves by its share of the change (never below 0).

Approximation, documented: the draw is settled after the kernel's month, so a drawn input
does not feed back through ``links.csv`` to the products made from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from prioritizer.case.pools import Pool, home_of, pools_of

EPS = 1e-12


def draw_month(accounts: np.ndarray, shares: np.ndarray, short: np.ndarray, hit: np.ndarray) -> np.ndarray:
    """One month of the drawing rule for one scenario; ``accounts`` (M,) is debited in place.

    ``shares`` (M,) draw shares, ``short`` (M,) what each member is short this month (units),
    ``hit`` (M,) bool. Returns the units each member draws (M,), each ≤ its ``short``.
    """
    want = np.where(hit, np.maximum(short, 0.0), 0.0)
    own = np.minimum(want, accounts)
    accounts -= own
    rest = want - own
    lenders = (~hit) & (accounts > EPS)
    avail = float(accounts[lenders].sum())
    lent = np.zeros_like(rest)
    active = rest > EPS
    while avail > EPS and active.any():
        w = np.where(active, shares, 0.0)
        if w.sum() <= EPS:  # borrowers without a share get nothing lent
            break
        offer = avail * w / w.sum()
        give = np.minimum(offer, rest)
        lent += give
        rest -= give
        avail -= float(give.sum())
        if np.all(give >= offer - EPS):  # nobody was capped: every offer taken whole
            break
        active = rest > EPS
    total = float(lent.sum())
    if total > 0:
        bal = accounts[lenders]
        accounts[lenders] = bal - total * bal / bal.sum()
    return own + lent


@dataclass
class PoolPlan:
    """One pool laid out for the simulator (members in the policy's order)."""

    pool: Pool
    good: int  # index into StressData.good_ids
    shares: np.ndarray  # (M,)
    holdings: np.ndarray  # (M,) allies' units; home's entry is our contribution
    needs: np.ndarray  # (M,) allies' units / month (home: 0, its gap comes from the kernel)
    home: int
    #: (S_all, M) the scenario hits the member (for this pool's good)
    hits: np.ndarray
    #: (S_all,) ℓ_s
    loss: np.ndarray
    #: holding changes during the event: (month index t0, member index, units ±), from a tabletop step
    changes: tuple[tuple[int, int, float], ...] = ()
    #: (M,) the allies' own stock of the good, drawn before the pool (``stress --with BUNDLE``)
    own_stock: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.own_stock is None:
            self.own_stock = np.zeros(len(self.shares))

    @property
    def total(self) -> float:
        return float(self.holdings.sum())

    def member(self, country: str) -> int:
        return [m.country for m in self.pool.members].index(country)

    def play(self, home_short: np.ndarray, act: np.ndarray, pos: np.ndarray) -> PoolPlay:
        """Every member's month for the scenarios at ``pos``; ``home_short`` (T, S) our gap after
        own stock, ``act`` (S, T) the share of each month inside the disruption. A hit ally covers
        its loss from its own stock first (``own_stock``, from its bundle), then from the pool."""
        T, S = home_short.shape
        M = len(self.shares)
        out = PoolPlay(*(np.zeros((T, S, M)) for _ in range(5)))
        for k, s in enumerate(pos):
            accounts = self.shares * self.total
            held = self.holdings.copy()
            stock = self.own_stock.copy()
            for t in range(T):
                for t0, i, units in self.changes:
                    if t0 == t:  # the pool grows or shrinks by what the ally adds or takes back
                        new = max(0.0, held[i] + units)
                        accounts = np.maximum(accounts + self.shares * (new - held[i]), 0.0)
                        held[i] = new
                on = act[k, t] > 0
                hit = self.hits[s] & on
                lost = np.where(hit, self.loss[s] * self.needs * act[k, t], 0.0)
                own = np.minimum(lost, stock)
                stock -= own
                short = lost - own
                short[self.home] = home_short[t, k]
                drawn = draw_month(accounts, self.shares, short, hit)
                out.lost[t, k], out.own[t, k], out.drawn[t, k] = lost, own, drawn
                out.short[t, k], out.account[t, k] = short - drawn, accounts
        return out


@dataclass
class PoolPlay:
    """Per month, scenario and member (T, S, M), in the good's unit."""

    lost: np.ndarray  # allies: loss × need in the disruption's months (home: 0, see the kernel)
    own: np.ndarray  # taken from the member's own stock (allies with a bundle)
    drawn: np.ndarray  # drawn from the pool
    short: np.ndarray  # still short after both
    account: np.ndarray  # what the member may still draw at the month's end


def affects(case: Any, scenario_ids: Sequence[str]) -> list[set[str]]:
    """Per scenario (in ``scenario_ids`` order) the countries it hits: its ``affects`` list, or home."""
    home = home_of(case.policy)
    sc = case.scenarios
    by: dict[str, set[str]] = {}
    if sc is not None and "affects" in sc.columns:
        for sid, lst in zip(sc["id"], sc["affects"], strict=True):
            codes = {str(c).strip().upper() for c in (lst or ()) if str(c).strip()}
            by[str(sid)] = codes
    return [by.get(s) or {home} for s in scenario_ids]


def home_hit(case: Any, scenario_ids: Sequence[str]) -> np.ndarray:
    """(S,) whether each scenario hits home (a list leaving home out does not)."""
    home = home_of(case.policy)
    return np.array([home in a for a in affects(case, scenario_ids)], dtype=bool)


def plans(
    case: Any,
    data: Any,
    allies: Sequence[dict[str, Any]] | None = None,
    contributions: dict[str, float] | None = None,
) -> list[PoolPlan]:
    """The case's pools laid out against ``data`` (a StressData); InputError for a bad pool.

    ``allies``: [{country, stock {good_id: units}}] read from allies' bundles
    (:func:`prioritizer.bundle.ally.ally_stock`); an ally's stock of a pooled good is its own
    stock in that pool's months. An ally in no pool of the case is an error naming it.
    ``contributions``: pool id -> our contribution (units), from the portfolio's allocation
    (``allocate`` JSON ``pools``); a pool not named gets none.
    """
    pools = pools_of(case.policy, case)
    own: dict[str, dict[str, float]] = {
        str(a["country"]).upper(): dict(a.get("stock") or {}) for a in allies or ()
    }
    members = {m.country for p in pools for m in p.allies}
    stray = sorted(set(own) - members)
    if stray:
        from prioritizer.errors import InputError, Issue

        raise InputError(
            [
                Issue(
                    "--with",
                    None,
                    "country",
                    c,
                    f"{c} is an ally in no pool of this case (policy.yaml pools:)",
                )
                for c in stray
            ]
        )
    if not pools:
        return []
    hit_sets = affects(case, data.scenario_ids)
    sc = case.scenarios
    goods_of = {}
    if sc is not None:
        for sid, g in zip(
            sc["id"], sc["good_id"] if "good_id" in sc.columns else [""] * len(sc), strict=True
        ):
            goods_of[str(sid)] = "" if g is None or (isinstance(g, float) and g != g) else str(g).strip()
    out = []
    gidx = data.gidx
    for p in pools:
        if p.good_id not in gidx:
            continue
        countries = [m.country for m in p.members]
        relevant = np.array([goods_of.get(s, "") in ("", p.good_id) for s in data.scenario_ids], dtype=bool)
        hits = np.array(
            [[c in hit_sets[k] for c in countries] for k in range(len(data.scenario_ids))], dtype=bool
        ).reshape(len(data.scenario_ids), len(countries))
        # a member is hit only by scenarios about the pooled good (or about every good of a
        # partner); home, besides, only when it loses some of the good
        hits &= relevant[:, None]
        hits[:, p.home_index] &= np.asarray(data.loss_rate)[:, gidx[p.good_id]] > 0
        out.append(
            PoolPlan(
                pool=p,
                good=gidx[p.good_id],
                shares=np.array([m.draw_share for m in p.members], dtype=float),
                holdings=np.array(
                    [
                        float((contributions or {}).get(p.id, 0.0)) if c == p.home else m.holding
                        for c, m in zip(countries, p.members, strict=True)
                    ]
                ),
                needs=np.array(
                    [0.0 if c == p.home else m.need for c, m in zip(countries, p.members, strict=True)]
                ),
                home=p.home_index,
                hits=hits,
                loss=np.asarray(data.loss, dtype=float),
                own_stock=np.array(
                    [0.0 if c == p.home else float(own.get(c, {}).get(p.good_id, 0.0)) for c in countries]
                ),
            )
        )
    return out


def apply(
    plans_: Sequence[PoolPlan], shortfall: np.ndarray, act: np.ndarray, pos: np.ndarray
) -> tuple[np.ndarray, list[tuple[PoolPlan, PoolPlay]]]:
    """Draw home's share of every pool month by month; ``shortfall`` (T, S, G) is reduced in
    place by what home draws. Returns home's draws (T, S, G) and each pool's months."""
    drawn = np.zeros_like(shortfall)
    detail = []
    for plan in plans_:
        g = plan.good
        played = plan.play(shortfall[:, :, g], act, pos)
        d = played.drawn[:, :, plan.home]
        shortfall[:, :, g] -= d
        drawn[:, :, g] += d
        detail.append((plan, played))
    return drawn, detail


def member_rows(
    detail: list[tuple[PoolPlan, PoolPlay]],
    scenario_ids: Sequence[str],
    pos: np.ndarray,
    good_ids: Sequence[str],
) -> list[dict[str, Any]]:
    """The allies' months (``stress`` JSON ``pool_members``): only scenarios that hit them."""
    rows = []
    for plan, pl in detail:
        T = pl.lost.shape[0]
        for k, s in enumerate(pos):
            for i, m in enumerate(plan.pool.members):
                if i == plan.home or not (pl.lost[:, k, i].any() or pl.drawn[:, k, i].any()):
                    continue
                for t in range(T):
                    rows.append(
                        {
                            "scenario": scenario_ids[s],
                            "month": t + 1,
                            "pool": plan.pool.id,
                            "country": m.country,
                            "good_id": good_ids[plan.good],
                            "lost": float(pl.lost[t, k, i]),
                            "own_stock_used": float(pl.own[t, k, i]),
                            "pool_draw": float(pl.drawn[t, k, i]),
                            "shortfall": float(pl.short[t, k, i]),
                            "account_left": float(pl.account[t, k, i]),
                        }
                    )
    return rows
