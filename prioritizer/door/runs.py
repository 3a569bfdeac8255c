"""Runs through the door: computed on what the caller may see, recorded with who asked, and
shown, compared, replayed or exported only up to the reader's clearance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prioritizer.case import Case
from prioritizer.case.tiers import labelled, tier_rank
from prioritizer.door.caller import Caller
from prioritizer.door.cases import load_case
from prioritizer.door.gate import enter, record_access


def compute(
    caller: Caller,
    command: str,
    case: str | Path | Case,
    params: dict[str, Any],
    *,
    reason: str = "",
    record: bool = True,
    action: str | None = None,
) -> Any:
    """Load (or filter) the case for ``caller``, run ``command`` and, with ``record``, record the Run.

    Returns the Run; its result carries ``tier`` (the highest tier of the rows it used) when
    that is above public. If the store cannot record, this raises and nothing is shown as if
    it had been.
    """
    from prioritizer.runs import execute

    name = action or command
    if isinstance(case, Case):
        enter(caller, name, target=command)
        from prioritizer.door.cases import visible

        seen = visible(caller, case)
    else:
        seen = load_case(caller, case, action=name)
    ident = caller.identity
    run = execute(command, seen, params, actor=ident.actor, reason=reason)
    labelled(run, seen)
    run.identity = ident.as_record()
    if record and caller.store is not None:
        caller.store.record(run)
    return run


def save(caller: Caller, run: Any, reason: str) -> str:
    """Record an already computed Run as ``caller`` (the app's 保存): role and tier checked."""
    from prioritizer.auth.services import save_run

    enter(caller, "run.save", target=run.command)
    return save_run(caller.identity, run, reason, caller.store)


def run_tier(stored: Any) -> str:
    return (stored.result or {}).get("tier") or "public"


def stored_run(caller: Caller, run_id: str, action: str = "audit.show") -> Any:
    """The stored run ``run_id`` (or 'latest'), if ``caller`` may see it; refusal recorded."""
    store = caller.store
    if store is None:
        from prioritizer.errors import InputError, Issue

        raise InputError(
            [Issue("run", None, "run_id", run_id, "no audit store exists yet: nothing is recorded")]
        )
    rid = store.resolve(run_id)
    run = store.get(rid)
    enter(caller, action, target=rid, tier=run_tier(run))
    return run


def diff(caller: Caller, a: str, b: str) -> Any:
    from prioritizer.audit.diff import diff_runs

    return diff_runs(stored_run(caller, a, "audit.diff"), stored_run(caller, b, "audit.diff"))


def replay(caller: Caller, run_id: str) -> Any:
    from prioritizer.audit.replay import replay_run

    return replay_run(stored_run(caller, run_id, "audit.replay"))


def visible_runs(caller: Caller, **filters: Any) -> list[Any]:
    """Run summaries (newest first) of the runs ``caller`` may see."""
    enter(caller, "audit.log")
    if caller.store is None:
        return []
    out = caller.store.runs(**filters)
    limit = tier_rank(caller.identity.effective_clearance)
    if limit >= tier_rank("secret"):
        return out
    tiers = caller.store.tiers([r.run_id for r in out])
    return [r for r in out if tier_rank(tiers.get(r.run_id)) <= limit]


class ClearedStore:
    """The store as a reader of ``clearance`` may read it: what a report gathers beside its run
    (related runs, the weight history, the discussion) never comes from a run above it."""

    def __init__(self, store: Any, clearance: str) -> None:
        self._store = store
        self._limit = tier_rank(clearance)
        self._tiers: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def _ok(self, run_id: str | None) -> bool:
        if run_id is None:
            return True
        if run_id not in self._tiers:
            known = self._store.tiers([run_id])
            # not a run of this store: nothing to show of it
            self._tiers[run_id] = tier_rank(known[run_id]) if run_id in known else 99
        return self._tiers[run_id] <= self._limit

    def runs(self, **filters: Any) -> list[Any]:
        out = self._store.runs(**filters)
        tiers = self._store.tiers([r.run_id for r in out if r.run_id not in self._tiers])
        self._tiers.update({rid: tier_rank(v) for rid, v in tiers.items()})
        return [r for r in out if self._ok(r.run_id)]

    def get(self, run_id: str) -> Any:
        if not self._ok(run_id):
            from prioritizer.errors import InputError, Issue

            raise InputError([Issue("run", None, "run_id", run_id, "no such run")])
        return self._store.get(run_id)

    def weight_history(self, *args: Any, **kw: Any) -> list[dict[str, Any]]:
        return [h for h in self._store.weight_history(*args, **kw) if self._ok(h.get("run_id"))]

    def diff(self, a: str, b: str) -> Any:
        from prioritizer.audit.diff import diff_runs

        return diff_runs(self.get(a), self.get(b))


def cleared(caller: Caller) -> ClearedStore:
    """The store as ``caller`` may read it (for pages that list and compare runs)."""
    enter(caller, "audit.log")
    return ClearedStore(caller.store, caller.identity.effective_clearance)


def report(caller: Caller, run_id: str, fmt: str, lang: str, out: Path, against: str | None = None) -> Path:
    """Build a report of a run (and its predecessor) the caller may see; the export is recorded.

    Everything the report gathers beside the run is read through :class:`ClearedStore`."""
    from prioritizer.reports import render
    from prioritizer.reports.content import build_document

    run = stored_run(caller, run_id, "report")
    earlier = stored_run(caller, against, "report").run_id if against else None
    cleared = ClearedStore(caller.store, caller.identity.effective_clearance)
    path = render(build_document(cleared, run.run_id, lang, earlier), fmt, out)  # type: ignore[arg-type]
    record_access(caller, "report", run.run_id, {"format": fmt, "lang": lang, "against": earlier})
    return path
