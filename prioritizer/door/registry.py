"""Every action the command line and the app may take, and the right each one needs.

The door (:mod:`prioritizer.door`) refuses an action that is not registered here, so a new
command or page cannot reach case rows or the record without being named, classified and
walked by ``tests/test_door_walk.py``. ``kind``:

* ``compute`` — a read that computes on the case (rank, allocate …): allowed without a
  session, on public rows only; recorded as a Run.
* ``read``    — shows what is stored (a run, a diff, a case version): refused above the
  reader's clearance, and the refusal is recorded.
* ``export``  — writes stored material out of the product (report, case export): as ``read``,
  and the export itself is recorded.
* ``write``   — changes the record (case versions, imports, comments, approvals, weight
  adoptions, accounts): refused without a signed-in session.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    name: str
    kind: str
    #: the role right (:data:`prioritizer.auth.roles.ACTIONS`) it needs
    right: str


def _a(name: str, kind: str, right: str) -> tuple[str, Action]:
    return name, Action(name, kind, right)


ACTIONS: dict[str, Action] = dict(
    [
        _a("validate", "compute", "view"),
        _a("rank", "compute", "view"),
        _a("allocate", "compute", "view"),
        _a("frontier", "compute", "view"),
        _a("indicators", "compute", "view"),
        _a("robustness", "compute", "view"),
        _a("stress", "compute", "view"),
        _a("ttx", "compute", "view"),
        _a("study", "compute", "view"),
        _a("weights", "compute", "view"),
        _a("weights_group", "compute", "view"),
        _a("partners", "compute", "view"),
        _a("audit.log", "read", "view"),
        _a("audit.show", "read", "view"),
        _a("audit.diff", "read", "view"),
        _a("audit.replay", "read", "view"),
        _a("audit.verify", "read", "view"),
        _a("audit.anchor", "read", "view"),
        _a("case.versions", "read", "view"),
        _a("review.show", "read", "view"),
        _a("case.export", "export", "export"),
        _a("report", "export", "export"),
        _a("bundle.export", "export", "export"),
        _a("run.save", "write", "save_run"),
        _a("case.save", "write", "edit_case"),
        _a("import", "write", "edit_case"),
        _a("comment", "write", "comment"),
        _a("approve", "write", "approve"),
        _a("judgement", "write", "submit_judgement"),
        _a("weights.adopt", "write", "aggregate_weights"),
        _a("weights.round", "write", "aggregate_weights"),
        _a("users", "write", "manage_users"),
    ]
)


def action(name: str) -> Action:
    try:
        return ACTIONS[name]
    except KeyError:
        raise ValueError(f"action {name!r} is not registered with the door") from None
