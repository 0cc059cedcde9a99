"""Secrets at rest: a GitHub token or App private key, encrypted before it is stored.

The same keys as every other secret decider keeps (`decider.encryption`: Fernet from
`cryptography`, keys from `ENCRYPTION_KEY` with rotation, else derived from SECRET_KEY): a
stored value cannot be read or altered without the key, and a wrong key is an error, never
garbage. What this module adds is the column's type (bytes) and a sentence that says what to
do about GitHub credentials the server can no longer read.
"""

from __future__ import annotations

from decider import encryption


class SecretUnreadable(Exception):
    """The stored secret was encrypted with another key (ENCRYPTION_KEY changed)."""


def encrypt(secret: str) -> bytes:
    return encryption.encrypt(secret).encode()


def decrypt(stored: bytes | memoryview) -> str:
    try:
        return encryption.decrypt(bytes(stored).decode())
    except (encryption.UnreadableSecret, UnicodeDecodeError):
        raise SecretUnreadable(
            "The stored GitHub credentials cannot be decrypted with this server's "
            "ENCRYPTION_KEY (it changed since they were saved): enter them again."
        ) from None
