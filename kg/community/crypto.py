"""Encryption at rest of residents' sensitive fields (phone, ID number, health notes).

Fernet (``cryptography``: AES-128-CBC with an HMAC-SHA256, a random IV per value) with the keys
from ``CEM_PERSONAL_DATA_KEY`` (or the key file generated once in the data folder): the first
key encrypts, every key decrypts (``MultiFernet``), so a key can be rotated by putting the new
key first and running ``cem community rotate-key``.  A stored value is ``fernet:<token>``; a
copied store file or a ``cem export`` holds only tokens.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from kg.errors import N_, DomainError

PREFIX = "fernet:"


class CannotDecrypt(DomainError):
    """A value was encrypted with a key that is not configured (a set-up problem, not the user's)."""

    status, code = 500, "personal_data_key"


class Cipher:
    def __init__(self, keys: list[str]):
        if not keys:
            raise ValueError("no personal-data key")
        self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in keys])

    def encrypt(self, text: str | None) -> str | None:
        if text in (None, ""):
            return None
        return PREFIX + self._fernet.encrypt(str(text).encode("utf-8")).decode("ascii")

    def decrypt(self, stored: str | None) -> str:
        if not stored:
            return ""
        if not stored.startswith(PREFIX):
            raise CannotDecrypt(N_("个人信息字段未加密或格式不对，无法读取"))
        try:
            return self._fernet.decrypt(stored[len(PREFIX):].encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise CannotDecrypt(N_("个人信息的加密密钥与数据不符（CEM_PERSONAL_DATA_KEY 是否被更换？）")) from None

    def rotate(self, stored: str | None) -> str | None:
        if not stored:
            return stored
        return PREFIX + self._fernet.rotate(stored[len(PREFIX):].encode("ascii")).decode("ascii")


@lru_cache(maxsize=8)
def _cipher(keys: tuple[str, ...]) -> Cipher:
    return Cipher(list(keys))


def cipher_for(settings) -> Cipher:
    """The cipher for these settings (``kg.settings.personal_data_keys``)."""
    from kg.settings import personal_data_keys

    return _cipher(tuple(personal_data_keys(settings)))


__all__ = ["PREFIX", "CannotDecrypt", "Cipher", "cipher_for"]
