"""What each role may do, enforced where the work is done (not only by hidden buttons).

=====================  =====  =======  =========  ======
action                 admin  planner  committee  viewer
=====================  =====  =======  =========  ======
view                   ✓      ✓        ✓          ✓ (public tier only)
edit_case              ✓      ✓
run_whatif             ✓      ✓
save_run               ✓      ✓
aggregate_weights      ✓      ✓
submit_judgement       ✓      ✓        ✓
comment                ✓      ✓        ✓
approve                ✓               ✓
export                 ✓      ✓        ✓          ✓ (public tier only)
manage_users           ✓
=====================  =====  =======  =========  ======

A planner convenes and proposes; approving is the committee's (and an admin's) job, so a
planner cannot approve its own scenario. :func:`authorize` raises :class:`Forbidden` and,
given a store, appends a ``refused`` event naming the actor, the action and the target.
"""

from __future__ import annotations

from typing import Any

from prioritizer.auth.errors import Forbidden
from prioritizer.auth.identity import Identity, tier_rank

ACTIONS: tuple[str, ...] = (
    "view",
    "edit_case",
    "run_whatif",
    "save_run",
    "aggregate_weights",
    "submit_judgement",
    "comment",
    "approve",
    "export",
    "manage_users",
)

RIGHTS: dict[str, frozenset[str]] = {
    "admin": frozenset(ACTIONS),
    "planner": frozenset(
        {
            "view",
            "edit_case",
            "run_whatif",
            "save_run",
            "aggregate_weights",
            "submit_judgement",
            "comment",
            "export",
        }
    ),
    "committee": frozenset({"view", "submit_judgement", "comment", "approve", "export"}),
    "viewer": frozenset({"view", "export"}),
}


def allowed(identity: Identity, action: str) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; known: {', '.join(ACTIONS)}")
    return action in RIGHTS.get(identity.role, frozenset())


def record_refusal(store: Any, identity: Identity, action: str, target: str, tier: str | None = None) -> None:
    from prioritizer.audit.events import append_event

    detail: dict[str, Any] = {"action": action, "role": identity.role}
    if tier is not None:
        detail.update(tier=tier, clearance=identity.effective_clearance)
    append_event(store, "refused", target or action, identity.actor, identity.as_record(), detail)


def authorize(
    identity: Identity, action: str, *, store: Any = None, target: str = "", tier: str | None = None
) -> None:
    """Allow ``action`` on ``target`` (of ``tier``) or raise :class:`Forbidden` (recorded in ``store``)."""
    ok = allowed(identity, action)
    if ok and tier is not None and tier_rank(tier) > tier_rank(identity.effective_clearance):
        ok = False
    if ok:
        return
    if store is not None:
        record_refusal(store, identity, action, target, tier)
    if tier is not None and allowed(identity, action):
        msg = (
            f"{identity.actor} ({identity.role}, cleared for {identity.effective_clearance}) may not "
            f"{action.replace('_', ' ')} {target or 'this'}: it is {tier}"
        )
    else:
        msg = f"{identity.actor} ({identity.role}) may not {action.replace('_', ' ')}" + (
            f" {target}" if target else ""
        )
    raise Forbidden(action, identity.role, msg, tier)
