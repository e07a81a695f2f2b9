"""Password hashing (argon2id with the library's defaults).

Tests swap in a cheaper hasher with ``use_hasher(PasswordHasher(time_cost=1, ...))``."""

from __future__ import annotations

import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kg.accounts.model import check_password

_hasher = PasswordHasher()
_dummy_hash: str | None = None
_lock = threading.Lock()


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Replace the hasher (returns the previous one)."""
    global _hasher, _dummy_hash
    with _lock:
        previous, _hasher, _dummy_hash = _hasher, hasher, None
    return previous


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


def verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def verify_nothing(password: str) -> None:
    """Spend as long as a real check, for an unknown user (no timing difference)."""
    global _dummy_hash
    if _dummy_hash is None:
        with _lock:
            if _dummy_hash is None:
                _dummy_hash = _hasher.hash(secrets.token_hex(16))
    verify(_dummy_hash, password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def rehash(password: str) -> str:
    return _hasher.hash(password)


__all__ = ["hash_password", "needs_rehash", "rehash", "use_hasher", "verify", "verify_nothing"]
