"""Encryption of secrets at rest (Xero tokens, PKCE verifiers).

Fernet (AES-128-CBC + HMAC-SHA256) through MultiFernet so keys can rotate: the first key
in ``settings.FIELD_ENCRYPTION_KEY`` encrypts, every key decrypts, and
:func:`reencrypt` moves a value onto the newest key.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(Exception):
    """A stored secret could not be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEY))


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    if not ciphertext:
        return ""
    try:
        return _current().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("Stored secret could not be decrypted with the configured keys.") from exc


def reencrypt(ciphertext: str) -> str:
    """Re-encrypt with the newest key (for key rotation)."""
    if not ciphertext:
        return ""
    return _current().rotate(ciphertext.encode()).decode()
