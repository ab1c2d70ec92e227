"""Keys the processes share, kept in the database, and the signatures made with them.

Each purpose has its own key (a login link's signature must never open a photo, nor the other
way round); the first process to need a key makes it, and every process behind the load
balancer then signs and checks with the same one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import Secret

LOGIN_LINKS = "login_link_key"
MEDIA_LINKS = "media_link_key"


def shared_key(*, session: Session, name: str) -> bytes:
    """The key named `name`, made now if no process made it yet."""
    found = session.get(Secret, name)
    if found is None:
        try:
            with session.begin_nested():
                session.add(Secret(name=name, value=secrets.token_hex(32)))
        except IntegrityError:
            pass  # another process made it a moment ago
        found = session.get(Secret, name)
    return bytes.fromhex(found.value)


def sign(key: bytes, payload: str) -> str:
    """HMAC-SHA256 of `payload`, cut to 144 bits and URL-safe: 24 characters in a link."""
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode()


def signed(key: bytes, payload: str, signature: str) -> bool:
    """Whether `signature` is `payload`'s, compared in constant time."""
    return hmac.compare_digest(signature.encode(), sign(key, payload).encode())
