"""Errors of the sign-in and rights layer (clean CLI messages, never tracebacks)."""

from __future__ import annotations

from prioritizer.errors import PrioritizerError


class AuthError(PrioritizerError):
    """Sign-in failed. The message never says whether the account exists."""

    exit_code = 5

    def __init__(self, reason: str, message: str, locked_until: str | None = None) -> None:
        #: ``bad_credentials`` | ``locked`` | ``expired`` | ``disabled`` (only ever shown as bad_credentials)
        self.reason = reason
        self.locked_until = locked_until
        super().__init__(message)


class Forbidden(PrioritizerError):
    """The signed-in role or clearance does not allow the action (the refusal is recorded)."""

    exit_code = 6

    def __init__(self, action: str, role: str, message: str, tier: str | None = None) -> None:
        self.action = action
        self.role = role
        self.tier = tier
        #: structured message for the text layer (``prioritizer.text.render``)
        from prioritizer.text import vocab

        self.msg: dict[str, object] = {"kind": "auth.refused_tier" if tier else "auth.refused"}
        for key, value in (("action", action), ("role", role), ("tier", tier)):
            self.msg[f"{key}_ja"] = vocab(key, value, "ja")
            self.msg[f"{key}_en"] = vocab(key, value, "en")
        super().__init__(message)
