"""Password hashing: argon2id (RFC 9106) through argon2-cffi.

``PasswordHasher`` defaults to the argon2id variant with RFC 9106's low-memory profile
(t=3, m=64 MiB, p=4). Verification recomputes the hash and compares it in constant time
inside libargon2; for an unknown account :func:`verify` still runs one full verification
against a fixed dummy hash, so the answer time does not reveal which accounts exist.
"""

from __future__ import annotations

import functools
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

#: shortest password accepted for a local account
MIN_LENGTH = 10


@functools.cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(24))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``; same work when there is no hash."""
    try:
        return _hasher().verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


def new_one_time_password() -> str:
    """A random password for the first administrator (printed once on the console)."""
    return secrets.token_urlsafe(18)


def same(a: str, b: str) -> bool:
    """Constant-time string comparison (tokens, never passwords: those go through argon2)."""
    return hmac.compare_digest(a.encode(), b.encode())
