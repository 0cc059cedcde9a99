"""Secrets at rest: a GitHub token or App private key, encrypted before it is stored.

Fernet from `cryptography` (PyCA's, the library pip and most of Python's TLS stack rely on):
AES-128-CBC with an HMAC-SHA256 tag, so a stored value cannot be read or altered without the
key, and a wrong key is an error, never garbage. The same package lets PyJWT sign the App's
RS256 tokens. The key comes from the environment: DECIDER_SECRETS_KEY (any string; it is
stretched with HKDF), else SECRET_KEY under another label, so the two keys never coincide.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SecretUnreadable(Exception):
    """The stored secret was encrypted with another key (DECIDER_SECRETS_KEY changed)."""


def _fernet() -> Fernet:
    material = settings.DECIDER_SECRETS_KEY or f"decider-secrets:{settings.SECRET_KEY}"
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"decider github secrets"
    ).derive(material.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str) -> bytes:
    return _fernet().encrypt(secret.encode())


def decrypt(stored: bytes | memoryview) -> str:
    try:
        return _fernet().decrypt(bytes(stored)).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "The stored GitHub credentials cannot be decrypted with this server's "
            "DECIDER_SECRETS_KEY (it changed since they were saved): enter them again."
        ) from None
