"""Optional API keys (`MODERATION_API_KEYS`): ``Authorization: Bearer KEY`` on every protected route, and
Perspective's ``?key=KEY`` query parameter on the Perspective-compatible one.

Keys are compared in constant time, against every configured key, so neither the time taken nor which
key matched tells a caller anything. With no keys configured, every route is open.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Query, Request

from .deps import SettingsDep
from .errors import AuthError


def _matches(candidate: str | None, keys: list[bytes]) -> bool:
    if candidate is None:
        return False
    given = candidate.encode()
    found = False
    for key in keys:
        found |= hmac.compare_digest(given, key)
    return found


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def require_api_key(request: Request, settings: SettingsDep) -> None:
    """Refuse the request with 401 unless it carries a configured key as a bearer token."""
    keys = settings.keys()
    if keys and not _matches(_bearer(request), keys):
        raise AuthError("missing or invalid API key: send 'Authorization: Bearer KEY'")


async def require_perspective_key(
    request: Request,
    settings: SettingsDep,
    key: Annotated[
        str | None, Query(description="API key, as Perspective clients send it (or `Authorization: Bearer`).")
    ] = None,
) -> None:
    """As :func:`require_api_key`, but the key may also come as Perspective's ``?key=`` parameter."""
    keys = settings.keys()
    if keys and not (_matches(key, keys) or _matches(_bearer(request), keys)):
        raise AuthError("The request is missing a valid API key.")


ApiKey = Depends(require_api_key)
PerspectiveKey = Depends(require_perspective_key)
