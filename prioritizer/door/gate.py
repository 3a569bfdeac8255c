"""The one check every action passes: registered, signed in when it writes, role and clearance."""

from __future__ import annotations

from typing import Any

from prioritizer.auth.roles import authorize, record_refusal
from prioritizer.door.caller import SIGN_IN_HINT, Caller, SignInRequired
from prioritizer.door.registry import Action, action


def enter(caller: Caller, name: str, *, target: str = "", tier: str | None = None) -> Action:
    """Let ``caller`` take action ``name`` on ``target`` (of ``tier``) or raise Forbidden (recorded).

    A write needs a session when the store has accounts; every refusal is appended to the chain
    (when a store exists) naming who asked, what, and why not.
    """
    act = action(name)
    ident = caller.identity
    if act.kind == "write" and caller.established == "no session":
        if caller.store is not None:
            record_refusal(caller.store, ident, act.right, target or name)
        why = _why(caller.session_problem)
        raise SignInRequired(
            act.right, f"{name} changes the record and needs a signed-in account{why}: " + SIGN_IN_HINT
        )
    authorize(ident, act.right, store=caller.store, target=target or name, tier=tier)
    return act


def _why(problem: str | None) -> str:
    """Why the session file was not honoured, in words (never whether another account exists)."""
    if problem is None or problem == "unknown":
        return ""
    if problem == "expired":
        return " (your session expired)"
    if problem == "inactive":
        return " (the account is disabled)"
    if problem == "store unreachable":
        return " (the audit store cannot be reached, so no account can be checked)"
    reason = problem.removeprefix("ended:")
    words = {
        "logout": "you signed out",
        "disabled": "an administrator disabled the account",
        "reset": "an administrator reset the password",
        "password_changed": "the password was changed",
        "expired": "it expired",
    }
    return f" (your session ended: {words.get(reason, reason)})"


def record_access(caller: Caller, name: str, target: str, detail: dict[str, Any] | None = None) -> None:
    """Append an ``exported`` event: material left the product (report, case export, bundle)."""
    if caller.store is None:
        return
    from prioritizer.audit.events import append_event

    append_event(
        caller.store,
        "exported",
        target,
        caller.identity.actor,
        caller.identity.as_record(),
        {"action": name, **(detail or {})},
    )


__all__ = ["SIGN_IN_HINT", "enter", "record_access"]
