"""The credentials a caller presents, read and checked the same way on every simulator."""

from __future__ import annotations

import hmac

from httpkit.messages import HttpRequest


def authorization(request: HttpRequest, scheme: str) -> str | None:
    """The credentials of an `Authorization: <scheme> <credentials>` header, or None when the header is
    missing or names another scheme. Schemes are case-insensitive (RFC 9110 section 11.1)."""
    name, _, credentials = (request.header("Authorization") or "").partition(" ")
    return credentials.strip() if name.lower() == scheme.lower() else None


def same_secret(given: str | None, expected: str) -> bool:
    """Whether `given` is the secret, in constant time: the time taken must not hint at how much of it
    was right."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())
