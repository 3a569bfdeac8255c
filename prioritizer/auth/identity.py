"""Who is acting, and how that was established (the author of every audit record).

An :class:`Identity` is built only by the sign-in paths — a verified local password
(:mod:`prioritizer.auth.accounts`), a Streamlit OIDC login, the CLI (the OS user plus
``--actor``) or the explicit ``--auth none`` switch — never from text a user typed into
a form. Roles and clearances are fixed vocabularies; tiers are ordered
public < restricted < secret (機密性1 < 機密性2 < 機密性3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from prioritizer.case.tiers import TIERS, highest_tier, tier_rank

__all__ = [
    "ROLES",
    "TIERS",
    "Identity",
    "anonymous",
    "highest_tier",
    "no_session",
    "sign_in_off",
    "tier_rank",
]

Role = Literal["admin", "planner", "committee", "viewer"]
Tier = Literal["public", "restricted", "secret"]
Method = Literal["local", "oidc", "cli", "none"]

ROLES: tuple[str, ...] = ("admin", "planner", "committee", "viewer")
METHODS: tuple[str, ...] = ("local", "oidc", "cli", "none")
#: the author named by records made with sign-in switched off
ANONYMOUS_ACTOR = "anonymous (sign-in off)"


@dataclass(frozen=True)
class Identity:
    """A signed-in (or explicitly anonymous) actor.

    ``method``: ``local`` (password checked against the store), ``oidc`` (the identity
    provider's ``sub``/``email``), ``cli`` (the OS account; ``actor`` is ``--actor``) or
    ``none`` (sign-in switched off). ``clearance`` is the highest tier the reader may see;
    a viewer is held to public whatever its account says.
    """

    user: str
    display_name: str
    role: str
    method: str
    clearance: str = "public"
    os_user: str | None = None
    issuer: str | None = None
    #: how the command line established it: ``session`` (signed in with ``login``),
    #: ``no session`` (a public read by the OS user) or ``sign-in off`` (a store without accounts)
    session: str | None = None
    #: the command line's ``--actor``: a free note, never an account
    note: str | None = None

    @property
    def effective_clearance(self) -> str:
        return "public" if self.role == "viewer" else self.clearance

    @property
    def actor(self) -> str:
        """The ``actor`` column of records: the account id (the CLI's ``--actor`` if given)."""
        if self.method == "none" and self.user == "anonymous":
            return ANONYMOUS_ACTOR
        return self.user

    def may_see(self, tier: str | None) -> bool:
        return tier_rank(tier) <= tier_rank(self.effective_clearance)

    def as_record(self) -> dict[str, Any]:
        """What a record stores about its author (JSON; chained with the record)."""
        out: dict[str, Any] = {
            "user": self.user,
            "display_name": self.display_name,
            "role": self.role,
            "method": self.method,
            "clearance": self.effective_clearance,
        }
        if self.os_user is not None:
            out["os_user"] = self.os_user
        if self.issuer is not None:
            out["issuer"] = self.issuer
        if self.session is not None:
            out["session"] = self.session
        if self.note:
            out["note"] = self.note
        return out


def anonymous() -> Identity:
    """The identity of a session with sign-in switched off (``--auth none``)."""
    return Identity(
        user="anonymous",
        display_name=ANONYMOUS_ACTOR,
        role="admin",
        method="none",
        clearance="secret",
    )


def os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def _os_identity(role: str, clearance: str, session: str, note: str) -> Identity:
    who = os_user()
    return Identity(
        user=who,
        display_name=who,
        role=role,
        method="none",
        clearance=clearance,
        os_user=who,
        session=session,
        note=note.strip() or None,
    )


def no_session(note: str = "") -> Identity:
    """The command line without a session on a store that has accounts: the OS user, as a viewer
    of public rows; it may compute (a read) but never write."""
    return _os_identity("viewer", "public", "no session", note)


def sign_in_off(note: str = "") -> Identity:
    """The command line on a store without accounts (one person): the OS user, with every right."""
    return _os_identity("admin", "secret", "sign-in off", note)
