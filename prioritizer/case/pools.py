"""``policy.yaml`` ``home:`` and ``pools:`` — joint stockpiles with allies (DESIGN §7, docs/allies.md).

::

    home: JPN                      # optional; the member whose contribution is decided
    pools:
      - id: minerals
        good_id: rare_earths
        max_contribution: 100      # cap on our contribution, in the good's unit
        members:
          - {country: JPN, draw_share: 0.5}
          - {country: AUS, draw_share: 0.5, holding: 60, need: 10}

Allies give ``holding`` (units in the pool) and ``need`` (units per month); home gives
neither — its contribution is a decision and its need is the good's demand. Both keys are
top-level extras of :class:`prioritizer.case.policy.Policy` (the contract allows more keys),
read here so the policy's other sections are untouched and their snapshots unchanged.

Errors name ``policy.yaml`` and the key (``pools.0.members.1.holding``), all at once:
an unknown good or country, a draw-share total above 1, a negative holding, need, share or
cap, a member named twice, a pool without home among its members, home's holding or need.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from prioritizer.errors import InputError, Issue

DEFAULT_HOME = "JPN"
_ISO3 = re.compile(r"^[A-Z]{3}$")
#: draw shares may add up to 1 within rounding of the YAML's decimals
SHARE_TOL = 1e-9


@dataclass(frozen=True)
class Member:
    country: str
    draw_share: float
    holding: float = 0.0
    need: float = 0.0


@dataclass(frozen=True)
class Pool:
    id: str
    good_id: str
    max_contribution: float
    members: tuple[Member, ...]
    home: str

    @property
    def home_index(self) -> int:
        return next(i for i, m in enumerate(self.members) if m.country == self.home)

    @property
    def allies(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.country != self.home)

    @property
    def allies_holding(self) -> float:
        return sum(m.holding for m in self.allies)


def _extra(policy: Any) -> dict[str, Any]:
    if policy is None:
        return {}
    if isinstance(policy, dict):
        return policy
    return dict(getattr(policy, "model_extra", None) or {})


def home_of(policy: Any) -> str:
    """``policy.yaml`` ``home:`` (upper-cased), JPN when absent."""
    h = _extra(policy).get("home")
    return str(h).strip().upper() if h not in (None, "") else DEFAULT_HOME


def _number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if f == f and abs(f) != float("inf") else None


def parse_pools(
    policy: Any,
    *,
    goods: Iterable[str] | None,
    countries: Iterable[str] | None,
    file: str = "policy.yaml",
) -> tuple[list[Pool], list[Issue]]:
    """The policy's pools and every problem found (nothing raised). ``goods`` / ``countries``:
    the case's ids (None: that check is skipped because the table is unusable, reported elsewhere)."""
    extra = _extra(policy)
    issues: list[Issue] = []

    def bad(key: str, value: Any, msg: str) -> None:
        issues.append(Issue(file, None, key, value if not isinstance(value, dict | list) else None, msg))

    raw_home = extra.get("home")
    home = home_of(extra)
    if raw_home is not None and not _ISO3.match(home):
        bad("home", raw_home, "home is an ISO 3166 alpha-3 code such as JPN")
    raw = extra.get("pools")
    if raw is None:
        return [], issues
    if not isinstance(raw, list):
        bad("pools", raw, "pools is a list of pools, each with id, good_id, max_contribution and members")
        return [], issues
    good_ids = None if goods is None else set(goods)
    known = None if countries is None else {str(c).upper() for c in countries} | {home}
    out: list[Pool] = []
    seen_ids: set[str] = set()
    for k, p in enumerate(raw):
        at = f"pools.{k}"
        if not isinstance(p, dict):
            bad(at, p, "a pool is a mapping with id, good_id, max_contribution and members")
            continue
        for key in sorted(set(p) - {"id", "good_id", "max_contribution", "members"}):
            bad(f"{at}.{key}", key, "unknown key; a pool has id, good_id, max_contribution and members")
        pid = str(p.get("id") or "").strip()
        if not pid:
            bad(f"{at}.id", p.get("id"), "give the pool an id")
        elif pid in seen_ids:
            bad(f"{at}.id", pid, f"pool id {pid!r} is used twice")
        seen_ids.add(pid)
        good = str(p.get("good_id") or "").strip()
        if not good:
            bad(f"{at}.good_id", p.get("good_id"), "name the pooled good (an id in goods.csv)")
        elif good_ids is not None and good not in good_ids:
            import difflib

            close = difflib.get_close_matches(good, sorted(good_ids), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            bad(f"{at}.good_id", good, f"unknown good {good!r}: not an id in goods.csv{hint}")
        cap = _number(p.get("max_contribution", 0.0))
        if cap is None or cap < 0:
            bad(
                f"{at}.max_contribution",
                p.get("max_contribution"),
                "a number ≥ 0 (our contribution's cap, in the good's unit)",
            )
        members_raw = p.get("members")
        if not isinstance(members_raw, list) or not members_raw:
            bad(f"{at}.members", members_raw, "list the members: {country, draw_share[, holding, need]}")
            continue
        members: list[Member] = []
        total = 0.0
        countries_seen: set[str] = set()
        ok = True
        for j, m in enumerate(members_raw):
            mat = f"{at}.members.{j}"
            if not isinstance(m, dict):
                bad(mat, m, "a member is a mapping {country, draw_share[, holding, need]}")
                ok = False
                continue
            for key in sorted(set(m) - {"country", "draw_share", "holding", "need"}):
                bad(f"{mat}.{key}", key, "unknown key; a member has country, draw_share, holding and need")
            c = str(m.get("country") or "").strip().upper()
            if not _ISO3.match(c):
                bad(f"{mat}.country", m.get("country"), "an ISO 3166 alpha-3 code such as AUS")
                ok = False
            elif known is not None and c not in known:
                bad(f"{mat}.country", c, f"unknown country {c!r}: add a row for it to countries.csv")
                ok = False
            elif c in countries_seen:
                bad(f"{mat}.country", c, f"{c} is a member twice")
                ok = False
            countries_seen.add(c)
            share = _number(m.get("draw_share"))
            if share is None or not 0 <= share <= 1:
                bad(f"{mat}.draw_share", m.get("draw_share"), "a share between 0 and 1")
                ok = False
                share = 0.0
            total += share
            vals = {}
            for key in ("holding", "need"):
                given = key in m and m[key] is not None
                v = _number(m.get(key, 0.0)) if given else 0.0
                if c == home and given:
                    what = (
                        "its contribution is decided by the allocation"
                        if key == "holding"
                        else "its need is the good's demand"
                    )
                    bad(f"{mat}.{key}", m[key], f"home ({home}) gives no {key}: {what}; remove the key")
                    ok = False
                elif v is None or v < 0:
                    bad(
                        f"{mat}.{key}",
                        m.get(key),
                        f"{key} is a number ≥ 0, in the good's unit"
                        + (" per month" if key == "need" else ""),
                    )
                    ok = False
                    v = 0.0
                vals[key] = float(v or 0.0)
            members.append(Member(c, float(share), vals["holding"], vals["need"]))
        if total > 1 + SHARE_TOL:
            bad(
                f"{at}.members", round(total, 12), f"the draw shares add up to {total:g}, above 1; lower them"
            )
            ok = False
        if home not in countries_seen:
            bad(
                f"{at}.members",
                None,
                f"home ({home}) is not a member; add {{country: {home}, draw_share: …}}",
            )
            ok = False
        if ok and pid and good and cap is not None and cap >= 0:
            out.append(Pool(pid, good, float(cap), tuple(members), home))
    return out, issues


def pools_of(policy: Any, case: Any, file: str = "policy.yaml") -> list[Pool]:
    """The pools of ``policy`` checked against ``case``; InputError listing every problem."""
    goods = [str(g) for g in case.goods["id"]] if case is not None else None
    cs = getattr(case, "countries", None)
    countries = [str(c) for c in cs["iso3"]] if cs is not None and len(cs) else []
    pools, issues = parse_pools(policy, goods=goods, countries=countries, file=file)
    if issues:
        raise InputError(issues, f"{len(issues)} problem(s) in {file} pools")
    return pools


def check_tables(policy: Any, tables: Any, file: str, log: Any) -> None:
    """The loader's hook: log every pool problem against the typed tables (load.py)."""
    goods = tables["goods"]
    good_ids = list(goods.df["id"]) if goods.usable("id") else None
    ct = tables.get("countries")
    countries = [] if ct is None else (list(ct.df["iso3"]) if ct.usable("iso3") else None)
    for iss in parse_pools(policy, goods=good_ids, countries=countries, file=file)[1]:
        log.add(iss.file, iss.row, iss.column, iss.value, iss.message)
