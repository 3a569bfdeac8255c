"""Local accounts in the audit store: add, list, change role or clearance, disable, enable,
reset, sign in (with lockout).

Accounts live in ``audit_users`` (argon2id hashes, see :mod:`.passwords`). The table is
mutable, so every change to it and every failed sign-in is also appended to the chain as an
event (:mod:`prioritizer.audit.events`) — without any secret. Every change to an account's
security state carries the resulting state (role, clearance, active, display name, must-reset,
SHA-256 of the password hash; :mod:`prioritizer.audit.accounts_chain`), so ``audit verify``
catches a row edited in the database.

One-time passwords: an account with ``must_reset`` (the first administrator of
:func:`bootstrap_admin`) signs in with its password once. That sign-in clears the hash
(chained ``one_time_password_used``); the session it opened must choose a new password
(:func:`reset_password` by the account itself) before anything else. If it does not, the
account has no password until an admin or the OS user owning the store runs ``users reset``.

Lockout: :data:`MAX_FAILURES` (5) wrong passwords in a row lock the account for
:data:`LOCK_MINUTES` (15); a right password resets the count. While locked even the right
password is refused. The failure counter is updated under the store's write lock, so
concurrent guesses against one account from several app servers are all counted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from prioritizer.audit import schema as t
from prioritizer.audit.accounts_chain import append_account_event_in
from prioritizer.audit.events import append_event, append_event_in
from prioritizer.auth import passwords
from prioritizer.auth.errors import AuthError
from prioritizer.auth.identity import ROLES, TIERS, Identity
from prioritizer.auth.sessions import end_sessions_in
from prioritizer.errors import InputError, Issue

MAX_FAILURES = 5
LOCK_MINUTES = 15
#: account ids: letters, digits and . _ @ + - (an e-mail address fits, for OIDC accounts)
USER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,254}$")
#: name of the account created on first start
FIRST_ADMIN = "admin"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _text(d: dt.datetime) -> str:
    return d.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _by(identity: Identity | None) -> tuple[str, dict[str, Any]]:
    if identity is None:
        return "system", {"user": "system", "method": "system"}
    return identity.actor, identity.as_record()


def _may_manage(store: Any, by: Identity, user: str) -> None:
    from prioritizer.auth.roles import authorize

    authorize(by, "manage_users", store=store, target=user)


@dataclass(frozen=True)
class SignIn:
    identity: Identity
    #: the account was given a one-time password and must choose its own now
    must_reset: bool


def _public(row: Any) -> dict[str, Any]:
    return {
        "user": row["user"],
        "role": row["role"],
        "display_name": row["display_name"],
        "clearance": row["clearance"],
        "active": bool(row["active"]),
        "password": row["password_hash"] is not None,
        "locked_until": row["locked_until"],
    }


def _check_new(
    user: str, role: str, clearance: str, password: str | None, display_name: str | None
) -> list[Issue]:
    issues = []
    if not USER_ID.match(user or ""):
        issues.append(
            Issue("users", None, "user", user, "use letters, digits and . _ @ + - (at most 255 characters)")
        )
    if role not in ROLES:
        issues.append(Issue("users", None, "role", role, f"unknown role; use one of {', '.join(ROLES)}"))
    if clearance not in TIERS:
        issues.append(
            Issue("users", None, "clearance", clearance, f"unknown clearance; use one of {', '.join(TIERS)}")
        )
    if password is not None and len(password) < passwords.MIN_LENGTH:
        issues.append(
            Issue(
                "users",
                None,
                "password",
                "(hidden)",
                f"a password needs at least {passwords.MIN_LENGTH} characters",
            )
        )
    if display_name is not None and len(display_name) > 255:
        issues.append(Issue("users", None, "display_name", display_name[:40], "at most 255 characters"))
    return issues


def add_user(
    store: Any,
    user: str,
    role: str,
    password: str | None,
    *,
    display_name: str | None = None,
    clearance: str = "public",
    by: Identity | None = None,
    must_reset: bool = False,
) -> dict[str, Any]:
    """Create an account; ``password=None`` makes an OIDC-only account (no local sign-in).

    Raises InputError listing every bad field, or naming the duplicate account.
    """
    if by is not None:
        _may_manage(store, by, user)
    issues = _check_new(user, role, clearance, password, display_name)
    if issues:
        raise InputError(issues, "cannot add the account")
    now = _text(_now())
    row = {
        "user": user,
        "display_name": (display_name or user).strip() or user,
        "role": role,
        "clearance": clearance,
        "active": True,
        "password_hash": None if password is None else passwords.hash_password(password),
        "must_reset": must_reset,
        "failures": 0,
        "locked_until": None,
        "created_at": now,
        "updated_at": now,
    }
    actor, ident = _by(by)
    duplicate = InputError(
        [
            Issue(
                "users",
                None,
                "user",
                user,
                "an account of that name exists; use `users reset` or another name",
            )
        ]
    )
    try:
        with store._write() as conn:
            if conn.execute(select(t.users.c.user).where(t.users.c.user == user)).first():
                raise duplicate
            conn.execute(t.users.insert().values(**row))
            append_account_event_in(conn, "user_added", user, actor, ident)
    except IntegrityError:
        raise duplicate from None
    return _public(row)


def list_users(store: Any) -> list[dict[str, Any]]:
    with store._read() as conn:
        rows = conn.execute(select(t.users).order_by(t.users.c.user)).mappings().all()
    return [_public(r) for r in rows]


def get_user(store: Any, user: str) -> dict[str, Any] | None:
    with store._read() as conn:
        r = conn.execute(select(t.users).where(t.users.c.user == user)).mappings().first()
    return None if r is None else _public(r)


def has_password(store: Any, user: str) -> bool:
    """Whether ``user`` exists and has a local password that can sign in (True for an unknown
    account, so that nothing is offered for it)."""
    with store._read() as conn:
        row = conn.execute(select(t.users.c.password_hash).where(t.users.c.user == user)).first()
    return row is None or row[0] is not None


def count_users(store: Any) -> int:
    with store._read() as conn:
        return int(conn.execute(select(func.count()).select_from(t.users)).scalar() or 0)


def _unknown(user: str) -> InputError:
    return InputError([Issue("users", None, "user", user, "no such account; list them with `users list`")])


def disable_user(store: Any, user: str, *, by: Identity | None = None) -> dict[str, Any]:
    if by is not None:
        _may_manage(store, by, user)
    actor, ident = _by(by)
    with store._write() as conn:
        got = conn.execute(
            update(t.users).where(t.users.c.user == user).values(active=False, updated_at=_text(_now()))
        )
        if got.rowcount == 0:
            raise _unknown(user)
        # A disabled account's open sessions (app and command line) end in the same transaction.
        ended = end_sessions_in(conn, user, "disabled")
        append_account_event_in(conn, "user_disabled", user, actor, ident, {"sessions_ended": ended})
        row = conn.execute(select(t.users).where(t.users.c.user == user)).mappings().one()
    return _public(row)


def enable_user(store: Any, user: str, *, by: Identity | None = None) -> dict[str, Any]:
    """Re-enable a disabled account (its password and lockout are left as they are)."""
    if by is not None:
        _may_manage(store, by, user)
    actor, ident = _by(by)
    with store._write() as conn:
        got = conn.execute(
            update(t.users).where(t.users.c.user == user).values(active=True, updated_at=_text(_now()))
        )
        if got.rowcount == 0:
            raise _unknown(user)
        append_account_event_in(conn, "user_enabled", user, actor, ident)
        row = conn.execute(select(t.users).where(t.users.c.user == user)).mappings().one()
    return _public(row)


def _set_field(store: Any, user: str, by: Identity, field: str, value: str, allowed: tuple[str, ...]) -> Any:
    """Set ``role`` or ``clearance`` of ``user`` (admins only); a chained ``<field>_changed`` event
    records from → to and the resulting state. Setting the value it already has writes nothing."""
    _may_manage(store, by, user)
    if value not in allowed:
        raise InputError(
            [Issue("users", None, field, value, f"unknown {field}; use one of {', '.join(allowed)}")]
        )
    actor, ident = _by(by)
    col = t.users.c[field]
    with store._write() as conn:
        old = conn.execute(select(col).where(t.users.c.user == user).with_for_update()).first()
        if old is None:
            raise _unknown(user)
        if old[0] != value:
            conn.execute(
                update(t.users)
                .where(t.users.c.user == user)
                .values({field: value, "updated_at": _text(_now())})
            )
            append_account_event_in(
                conn, f"{field}_changed", user, actor, ident, {"from": old[0], "to": value}
            )
        row = conn.execute(select(t.users).where(t.users.c.user == user)).mappings().one()
    return _public(row)


def set_role(store: Any, user: str, role: str, *, by: Identity) -> dict[str, Any]:
    """Give ``user`` the role ``role`` (admin only; recorded as ``role_changed``)."""
    return dict(_set_field(store, user, by, "role", role, ROLES))


def set_clearance(store: Any, user: str, clearance: str, *, by: Identity) -> dict[str, Any]:
    """Clear ``user`` for tier ``clearance`` (admin only; recorded as ``clearance_changed``)."""
    return dict(_set_field(store, user, by, "clearance", clearance, TIERS))


def reset_password(
    store: Any, user: str, password: str, *, by: Identity | None = None, must_reset: bool = False
) -> dict[str, Any]:
    """Set a new password and clear the account's failures and lock.

    Admins reset anyone's password, which also re-enables the account (``password_reset``).
    Any signed-in user may change its own (``password_changed``), but only while its account is
    active: a disabled account's session cannot re-enable itself this way (refused, recorded).
    """
    own = by is not None and by.user == user
    if by is not None and not own:
        _may_manage(store, by, user)
    if len(password) < passwords.MIN_LENGTH:
        raise InputError(
            [
                Issue(
                    "users",
                    None,
                    "password",
                    "(hidden)",
                    f"a password needs at least {passwords.MIN_LENGTH} characters",
                )
            ]
        )
    digest = passwords.hash_password(password)
    actor, ident = _by(by)
    values: dict[str, Any] = {
        "password_hash": digest,
        "must_reset": must_reset,
        "failures": 0,
        "locked_until": None,
        "updated_at": _text(_now()),
    }
    where = t.users.c.user == user
    if own:
        where = where & t.users.c.active.is_(True)
    else:
        values["active"] = True
    disabled = False
    with store._write() as conn:
        got = conn.execute(update(t.users).where(where).values(**values))
        if got.rowcount == 0:
            if conn.execute(select(t.users.c.user).where(t.users.c.user == user)).first() is None:
                raise _unknown(user)
            disabled = True
        else:
            # every open session of the account ends with the old password
            ended = end_sessions_in(conn, user, "password_changed" if own else "reset")
            append_account_event_in(
                conn,
                "password_changed" if own else "password_reset",
                user,
                actor,
                ident,
                {"sessions_ended": ended},
            )
            row = conn.execute(select(t.users).where(t.users.c.user == user)).mappings().one()
    if disabled:
        assert by is not None
        append_event(
            store,
            "refused",
            user,
            by.actor,
            by.as_record(),
            {"action": "change_password", "reason": "disabled"},
        )
        raise AuthError("disabled", f"the account {user} is disabled; an admin must reset its password")
    return _public(row)


def _identity(row: Any, method: str = "local") -> Identity:
    return Identity(
        user=row["user"],
        display_name=row["display_name"],
        role=row["role"],
        method=method,
        clearance=row["clearance"],
    )


BAD = "the account name or password is wrong, or the account is locked"


def authenticate(store: Any, user: str, password: str, *, now: dt.datetime | None = None) -> SignIn:
    """Check a local sign-in; raises :class:`AuthError` (recorded) on any failure.

    The password is verified outside the write lock (argon2 is deliberately slow); the
    failure count is then re-read and updated under the lock. A sign-in counts only if the
    hash it verified is still the account's under the lock, so of two sign-ins racing with the
    same one-time password exactly one gets in (the other fails with reason ``stale``).

    A one-time password (``must_reset``) is spent by the sign-in: the hash is cleared in the same
    transaction (chained ``one_time_password_used``), and the returned ``must_reset`` tells the
    caller to have the session choose its own password before anything else.
    """
    now = now or _now()
    user = (user or "").strip()[:255]
    with store._read() as conn:
        row = conn.execute(select(t.users).where(t.users.c.user == user)).mappings().first()
    ok = passwords.verify(row["password_hash"] if row is not None else None, password or "")
    locked = row is not None and row["locked_until"] is not None and row["locked_until"] > _text(now)
    fail_ident = {"user": user, "method": "local"}
    stale = False
    if row is not None and row["active"] and ok and not locked:
        ident = _identity(row)
        with store._write() as conn:
            cur = conn.execute(
                select(t.users.c.password_hash, t.users.c.active, t.users.c.must_reset)
                .where(t.users.c.user == user)
                .with_for_update()
            ).first()
            stale = cur is None or cur.password_hash != row["password_hash"] or not cur.active
            if not stale:
                values: dict[str, Any] = {"failures": 0, "locked_until": None}
                if cur.must_reset:
                    values.update(password_hash=None, updated_at=_text(now))
                conn.execute(update(t.users).where(t.users.c.user == user).values(**values))
                if cur.must_reset:
                    append_account_event_in(conn, "one_time_password_used", user, user, ident.as_record())
                append_event_in(conn, "signed_in", user, user, ident.as_record(), {})
        if not stale:
            return SignIn(ident, bool(cur.must_reset))
    until: str | None = None
    with store._write() as conn:
        if stale:
            # changed under us: another sign-in spent the one-time password, or a reset/disable won
            append_event_in(conn, "sign_in_failed", user, user, fail_ident, {"reason": "stale"})
        elif row is None or not row["active"]:
            reason = "unknown" if row is None else "disabled"
            append_event_in(conn, "sign_in_failed", user, user, fail_ident, {"reason": reason})
        elif locked:
            until = row["locked_until"]
            append_event_in(
                conn, "sign_in_failed", user, user, fail_ident, {"reason": "locked", "locked_until": until}
            )
        else:
            cur = conn.execute(select(t.users.c.failures).where(t.users.c.user == user).with_for_update())
            failures = int(cur.scalar() or 0) + 1
            values: dict[str, Any] = {"failures": failures}
            if failures >= MAX_FAILURES:
                until = _text(now + dt.timedelta(minutes=LOCK_MINUTES))
                values = {"failures": 0, "locked_until": until}
            conn.execute(update(t.users).where(t.users.c.user == user).values(**values))
            append_event_in(
                conn, "sign_in_failed", user, user, fail_ident, {"reason": "password", "failures": failures}
            )
            if until:
                append_event_in(
                    conn,
                    "account_locked",
                    user,
                    user,
                    fail_ident,
                    {"failures": failures, "minutes": LOCK_MINUTES, "locked_until": until},
                )
    raise AuthError("locked" if until else "bad_credentials", BAD, until)


def oidc_identity(store: Any, user: str, name: str, issuer: str | None) -> Identity:
    """The identity of an OIDC sign-in: the account of that id (e-mail) if one exists and is
    active, else a viewer cleared for the public tier. Records a ``signed_in`` event, so call
    it once per new session."""
    with store._read() as conn:
        row = conn.execute(select(t.users).where(t.users.c.user == user)).mappings().first()
    if row is not None and row["active"]:
        ident = _identity(row, "oidc")
        got = Identity(ident.user, ident.display_name, ident.role, "oidc", ident.clearance, issuer=issuer)
    else:
        got = Identity(user, name or user, "viewer", "oidc", "public", issuer=issuer)
    append_event(store, "signed_in", user, user, got.as_record(), {})
    return got


def bootstrap_admin(store: Any) -> str | None:
    """On first start (no account at all) create ``admin`` with a one-time password.

    Returns the password to print once on the console, or ``None`` if accounts exist (or
    another app server created the first one at the same moment).
    """
    if count_users(store):
        return None
    secret = passwords.new_one_time_password()
    try:
        add_user(
            store,
            FIRST_ADMIN,
            "admin",
            secret,
            display_name="Administrator",
            clearance="secret",
            must_reset=True,
        )
    except InputError:
        return None
    return secret
