"""Per-request concerns around every route: the body size limit, latency metrics and the JSON access log.

A plain ASGI middleware (no per-request task or body buffering), so it adds microseconds, not
milliseconds. Comment texts reach the access log only when `MODERATION_LOG_TEXT` is on and the route
put them in ``request.state.log_texts`` (routes never do for `doNotStore` requests).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import LimitExceededError, error_response_for
from .metrics import Metrics
from .schemas import FieldError

access_log = logging.getLogger("service.access")


def setup_access_log() -> None:
    """Send access log lines to stderr as bare JSON, one per line, at INFO (once per process: every worker)."""
    if not access_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False


def _too_large(limit: int) -> LimitExceededError:
    message = f"is larger than {limit} bytes, the limit per request"
    return LimitExceededError([FieldError(field="body", message=message, limit=limit)])


class RequestGuard:
    """Refuses over-size bodies with 413 and records every request's status and latency."""

    def __init__(self, app: ASGIApp, metrics: Metrics, max_body_bytes: int, log_text: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes
        self.log_text = log_text

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        limit = self.max_body_bytes
        status = 500
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large(limit)  # turned into a 413 JSON answer by the app's error handlers
            return message

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        declared = dict(scope.get("headers") or []).get(b"content-length")
        try:
            if declared is not None and declared.isdigit() and int(declared) > limit:
                # Refused before a byte of the body is read.
                await error_response_for(scope, _too_large(limit))(scope, receive, recording_send)
            else:
                await self.app(scope, limited_receive, recording_send)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.observe_request(route, scope["method"], status, seconds)
            self._log(scope, route, status, seconds, received)

    def _log(self, scope: Scope, route: str, status: int, seconds: float, received: int) -> None:
        if not access_log.isEnabledFor(logging.INFO):
            return
        client = scope.get("client")
        entry: dict[str, Any] = {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "event": "request",
            "method": scope["method"],
            "path": scope["path"],
            "route": route,
            "status": status,
            "ms": round(seconds * 1000, 2),
            "bytes_in": received,
            "client": client[0] if client else None,
        }
        state = scope.get("state") or {}
        if "log_count" in state:
            entry["comments"] = state["log_count"]
        if self.log_text and state.get("log_texts") is not None:
            entry["texts"] = state["log_texts"]
        access_log.info(json.dumps(entry, ensure_ascii=False))
