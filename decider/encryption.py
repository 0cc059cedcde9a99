"""Secrets at rest (webhook secrets): encrypted with a key from the environment.

`ENCRYPTION_KEY` holds one or more Fernet keys, comma-separated, newest first: values are
encrypted with the first and decrypted with any, so a key can be rotated without losing what
was stored. Without it, the key is derived from SECRET_KEY (itself from the environment, and
required in production): then changing SECRET_KEY makes stored secrets unreadable, and the
pages say to set them again.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class UnreadableSecret(Exception):
    """A stored secret no configured key decrypts (the key changed): it must be set again."""


def _keys() -> MultiFernet:
    configured = [key.strip() for key in settings.ENCRYPTION_KEY.split(",") if key.strip()]
    if not configured:
        digest = hashlib.sha256(f"decider-encryption:{settings.SECRET_KEY}".encode()).digest()
        configured = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key) for key in configured])


def encrypt(plain: str) -> str:
    return _keys().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _keys().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret(
            "A stored secret cannot be decrypted with the configured ENCRYPTION_KEY."
        ) from None
