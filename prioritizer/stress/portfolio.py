"""The portfolio a disruption is played against: stock held and projects funded.

Three sources: a recorded ``allocate`` run (its ``stockpiles[].quantity`` and
``projects[].funded_fraction``), the optimal allocation of the current case under the
current what-if parameters (solved now, through the ``allocate`` service), or nothing
(no stock, no project). The resolved numbers travel in the stress run's parameters
(:meth:`Portfolio.to_params`), so a replay needs neither the store nor a re-solve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from prioritizer.case.types import Case
from prioritizer.errors import InputError, Issue

NOTHING = "nothing"
OPTIMAL = "optimal"
RUN = "run"


@dataclass
class Portfolio:
    source: str  # nothing | optimal | run
    run_id: str | None = None
    stock: dict[str, float] = field(default_factory=dict)  # good id -> units
    funded: dict[str, float] = field(default_factory=dict)  # project id -> fraction funded
    status: str | None = None  # the allocation's solver status, when known
    #: pool id -> our contribution (units of its good), from the allocation's ``pools``
    pools: dict[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """What DESIGN §6 calls ``portfolio``: the run id used, else ``optimal`` / ``nothing``."""
        return self.run_id if self.source == RUN and self.run_id else self.source

    def to_params(self) -> dict[str, Any]:
        out = {
            "source": self.source,
            "run_id": self.run_id,
            "stock": dict(sorted(self.stock.items())),
            "funded": dict(sorted(self.funded.items())),
            "status": self.status,
        }
        if self.pools:  # only then: the parameters of runs without pools stay as they were
            out["pools"] = dict(sorted(self.pools.items()))
        return out

    @classmethod
    def from_params(cls, p: dict[str, Any]) -> Portfolio:
        return cls(
            source=str(p.get("source") or NOTHING),
            run_id=p.get("run_id"),
            stock={str(k): float(v) for k, v in (p.get("stock") or {}).items()},
            funded={str(k): float(v) for k, v in (p.get("funded") or {}).items()},
            status=p.get("status"),
            pools={str(k): float(v) for k, v in (p.get("pools") or {}).items()},
        )

    def arrays(self, good_ids: list[str], project_ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(initial stock per good, funded fraction per project); names not in the case are errors."""
        gidx = {g: i for i, g in enumerate(good_ids)}
        pidx = {p: i for i, p in enumerate(project_ids)}
        where = f"run {self.run_id}" if self.run_id else f"portfolio {self.source}"
        issues = [
            Issue(
                where,
                None,
                "stockpiles.good_id",
                g,
                f"good {g!r} of the portfolio is not in this case's goods.csv",
            )
            for g in self.stock
            if g not in gidx
        ] + [
            Issue(
                where,
                None,
                "projects.id",
                p,
                f"project {p!r} of the portfolio is not in this case's projects.csv",
            )
            for p in self.funded
            if p not in pidx
        ]
        if issues:
            raise InputError(issues)
        stock = np.zeros(len(good_ids))
        for g, q in self.stock.items():
            stock[gidx[g]] = q
        funded = np.zeros(len(project_ids))
        for p, x in self.funded.items():
            funded[pidx[p]] = x
        return stock, funded


def from_allocation(result: dict[str, Any], *, source: str, run_id: str | None = None) -> Portfolio:
    """The portfolio of an ``allocate`` result (DESIGN §5 JSON)."""
    return Portfolio(
        source=source,
        run_id=run_id,
        stock={s["good_id"]: float(s.get("quantity") or 0.0) for s in result.get("stockpiles", [])},
        funded={
            p["id"]: float(p.get("funded_fraction") or 0.0)
            for p in result.get("projects", [])
            if (p.get("funded_fraction") or 0.0) > 0
        },
        status=result.get("status"),
        pools={
            str(j["id"]): float(j.get("our_contribution") or 0.0)
            for j in result.get("pools") or []
            if (j.get("our_contribution") or 0.0) > 0
        },
    )


def optimal(case: Case, params: dict[str, Any] | None = None) -> Portfolio:
    """Solve the allocation of ``case`` now (what-if ``params`` as the ``allocate`` service takes them)."""
    from prioritizer.allocation.service import run_allocate

    p = dict(params or {})
    p["explain"] = False  # only the solution is needed
    p.pop("frontier", None)
    out = run_allocate(case, p)
    return from_allocation(out.result, source=OPTIMAL)


def from_store(run_id: str, db: str | None = None) -> Portfolio:
    """The portfolio of recorded run ``run_id`` (``latest`` = the newest ``allocate`` run)."""
    from prioritizer.audit import open_store

    store = open_store(db)
    if run_id == "latest":
        newest = store.latest("allocate")
        if newest is None:
            raise InputError([Issue("--run", None, "run", run_id, "the audit store has no allocate run yet")])
        run_id = newest.run_id
    stored = store.get(run_id)  # UnknownRunError names the run
    if stored.command != "allocate":
        raise InputError(
            [
                Issue(
                    "--run",
                    None,
                    "run",
                    run_id,
                    f"run {run_id} is a {stored.command!r} run; give an allocate run (its stock and funded projects)",
                )
            ]
        )
    return from_allocation(stored.result, source=RUN, run_id=run_id)


def resolve(
    case: Case, ref: str | None, *, db: str | None = None, what_if: dict[str, Any] | None = None
) -> Portfolio:
    """``ref``: ``nothing`` / ``none``, ``optimal`` (default), ``latest`` or a run id."""
    r = (ref or OPTIMAL).strip()
    if r.lower() in (NOTHING, "none"):
        return Portfolio(source=NOTHING)
    if r.lower() == OPTIMAL:
        return optimal(case, what_if)
    return from_store(r, db)
