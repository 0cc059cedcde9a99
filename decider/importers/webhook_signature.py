"""GitHub's webhook signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`,
keyed with the webhook's secret. Checked on the raw bytes, before anything parses them."""

import hashlib
import hmac

PREFIX = "sha256="


def signature_for(secret: str, body: bytes) -> str:
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_matches(secret: str, body: bytes, header: str) -> bool:
    """Constant time in the signature's content, so timing tells nothing of the right one."""
    return hmac.compare_digest(signature_for(secret, body).encode(), header.strip().encode())
