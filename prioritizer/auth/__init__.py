"""Sign-in, roles and information tiers (issue 17; DESIGN §6 ``users``, ``PRIORITIZER_AUTH``).

* :mod:`.identity`  :class:`Identity` — who acts and how it was established (local, oidc, cli, none)
* :mod:`.passwords` argon2id hashing, constant-time checks
* :mod:`.accounts`  local accounts in the audit store; sign-in with lockout (5 failures → 15 min)
* :mod:`.sessions`  session expiry (idle and absolute limits)
* :mod:`.roles`     :func:`authorize` ``(identity, action)`` — admin / planner / committee / viewer
* :mod:`.services`  record-changing services that check rights first (save, comment, approve, export)
* :mod:`.tiers`     row tiers public < restricted < secret; what a clearance may see
* :mod:`.config`    the ``--auth`` / ``PRIORITIZER_AUTH`` switch and the OIDC settings check

Nothing here imports streamlit; the app's sign-in gate is ``prioritizer/app/auth_gate.py``.
"""

from __future__ import annotations

from prioritizer.auth.errors import AuthError, Forbidden
from prioritizer.auth.identity import ROLES, TIERS, Identity, anonymous, no_session, sign_in_off
from prioritizer.auth.roles import ACTIONS, RIGHTS, allowed, authorize

__all__ = [
    "ACTIONS",
    "RIGHTS",
    "ROLES",
    "TIERS",
    "AuthError",
    "Forbidden",
    "Identity",
    "allowed",
    "anonymous",
    "authorize",
    "no_session",
    "sign_in_off",
]
