"""Every error the service returns, mapped to HTTP in one place.

All errors share one body, :class:`service.schemas.ErrorResponse`:
``{"error": {"code": <status>, "message": "...", "fields": [{"field": "comments.0.text", "message": "..."}]}}``,
except on the Perspective-compatible routes (under ``/v1alpha1/``), which answer in Google's shape,
``{"error": {"code": 400, "message": "...", "status": "INVALID_ARGUMENT"}}``, as Perspective clients expect.
No handler ever puts a traceback or the submitted text in a response.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from moderation.errors import InputFormatError

from .schemas import ErrorDetail, ErrorResponse, FieldError

log = logging.getLogger(__name__)

# Plain numbers: the constant names in `starlette.status` changed across the supported FastAPI range.
BAD_REQUEST = 400
UNAUTHORIZED = 401
CONFLICT = 409
TOO_LARGE = 413
UNPROCESSABLE = 422
INTERNAL_ERROR = 500

PERSPECTIVE_PREFIX = "/v1alpha1/"
"""Routes under this prefix imitate Google's Perspective API, errors included."""

GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "INVALID_ARGUMENT",
    409: "ABORTED",
    413: "INVALID_ARGUMENT",
    422: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
"""Google API status names for HTTP codes; Google answers argument errors with 400, never 413 or 422."""


class ServiceError(Exception):
    """An error with its HTTP status and a message, for conditions no other error names."""

    def __init__(self, code: int, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


class GoogleApiError(Exception):
    """An error the Perspective-compatible route reports exactly as Perspective does."""

    def __init__(self, code: int, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


class AuthError(Exception):
    """No API key, or a wrong one, on a protected route (HTTP 401)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class LimitExceededError(Exception):
    """The request is well-formed but larger than this deployment accepts (HTTP 413)."""

    def __init__(self, fields: Sequence[FieldError]) -> None:
        self.fields = list(fields)
        super().__init__("; ".join(f"{f.field}: {f.message}" for f in self.fields))


def error_response(code: int, message: str, fields: Sequence[FieldError] | None = None, path: str = "") -> JSONResponse:
    """The JSON error response every handler returns; in Google's shape for the Perspective routes."""
    if path.startswith(PERSPECTIVE_PREFIX):
        return google_error(code, message)
    body = ErrorResponse(error=ErrorDetail(code=code, message=message, fields=list(fields) if fields else None))
    return JSONResponse(status_code=code, content=body.model_dump(exclude_none=True))


def google_error(code: int, message: str) -> JSONResponse:
    """An error in Google's API shape; 413 and 422 become 400, as Google's own APIs answer them."""
    code = BAD_REQUEST if code in (TOO_LARGE, UNPROCESSABLE) else code
    content = {"error": {"code": code, "message": message, "status": GOOGLE_STATUS.get(code, "UNKNOWN")}}
    return JSONResponse(status_code=code, content=content)


def error_response_for(scope: dict[str, Any], exc: LimitExceededError) -> JSONResponse:
    """The 413 response for `exc`, for middleware that answers before any route runs."""
    return error_response(TOO_LARGE, f"request too large: {exc}", exc.fields, scope.get("path", ""))


def field_path(loc: Sequence[int | str]) -> str:
    """Dot path of a validation error location, without FastAPI's leading ``body``; ``body`` for the body itself."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "body"


def _field_error(error: dict[str, Any]) -> FieldError:
    """One pydantic/FastAPI error as a :class:`FieldError`, with clearer messages for body-level problems."""
    loc = tuple(error.get("loc", ()))
    kind = error.get("type")
    if kind == "json_invalid":
        detail = (error.get("ctx") or {}).get("error", "invalid JSON")
        position = f" at character {loc[1]}" if len(loc) > 1 else ""
        return FieldError(field="body", message=f"malformed JSON{position}: {detail}")
    if loc == ("body",):
        if kind == "missing":
            return FieldError(field="body", message="a JSON object body is required")
        if isinstance(error.get("input"), bytes):
            return FieldError(field="body", message="the body must be JSON sent with Content-Type: application/json")
        return FieldError(field="body", message=f"the body must be a JSON object: {error.get('msg', '')}")
    return FieldError(field=field_path(loc), message=str(error.get("msg", "invalid value")))


async def _on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """Invalid request: 400 when the body is not JSON at all, else 422; every offending field is named."""
    errors = list(exc.errors())
    fields = [_field_error(e) for e in errors]
    malformed = bool(errors) and all(e.get("type") == "json_invalid" for e in errors)
    code = BAD_REQUEST if malformed else UNPROCESSABLE
    summary = f"{fields[0].field}: {fields[0].message}" if fields else "invalid request"
    if len(fields) > 1:
        summary += f" (and {len(fields) - 1} more)"
    log.info("%s %s -> %d: %s", request.method, request.url.path, code, summary)
    return error_response(code, f"invalid request: {summary}", fields, request.url.path)


async def _on_limit_exceeded(request: Request, exc: LimitExceededError) -> JSONResponse:
    """Request over a configured size limit: 413 naming each field and its limit."""
    log.info("%s %s -> 413: %s", request.method, request.url.path, exc)
    return error_response(TOO_LARGE, f"request too large: {exc}", exc.fields, request.url.path)


async def _on_input_format_error(request: Request, exc: InputFormatError) -> JSONResponse:
    """Input the library refuses to score: 422, naming the field when the library knows it."""
    log.info("%s %s -> 422: %s", request.method, request.url.path, exc)
    fields = [FieldError(field=exc.source, message=exc.message)] if exc.source else None
    return error_response(UNPROCESSABLE, str(exc), fields, request.url.path)


async def _on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Routing and body-parsing errors raised by Starlette/FastAPI (404, 405, unreadable body, ...)."""
    cause = exc.__cause__
    if isinstance(cause, LimitExceededError):  # FastAPI wraps errors raised while it reads the body
        return await _on_limit_exceeded(request, cause)
    if isinstance(cause, UnicodeDecodeError):
        # FastAPI turns a body that cannot be decoded as JSON text into a bare 400; name the body.
        message = f"the body is not valid UTF-8 (byte {cause.start})"
        fields = [FieldError(field="body", message=message)]
        code, text = BAD_REQUEST, f"invalid request: body: {message}"
    elif cause is not None and exc.status_code == BAD_REQUEST:
        fields = [FieldError(field="body", message=str(exc.detail))]
        code, text = exc.status_code, f"invalid request: body: {exc.detail}"
    else:
        fields, code, text = None, exc.status_code, str(exc.detail)
    log.info("%s %s -> %d: %s", request.method, request.url.path, code, text)
    response = error_response(code, text, fields, request.url.path)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """Anything else is a bug: log it with its traceback, answer a bare 500."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(INTERNAL_ERROR, "internal error", path=request.url.path)


async def _on_service_error(request: Request, exc: ServiceError) -> JSONResponse:
    log.info("%s %s -> %d: %s", request.method, request.url.path, exc.code, exc.message)
    return error_response(exc.code, exc.message, path=request.url.path)


async def _on_google_error(request: Request, exc: GoogleApiError) -> JSONResponse:
    log.info("%s %s -> %d: %s", request.method, request.url.path, exc.code, exc.message)
    return google_error(exc.code, exc.message)


async def _on_auth_error(request: Request, exc: AuthError) -> JSONResponse:
    """401, with the challenge header; the key itself is never logged."""
    log.info("%s %s -> 401: %s", request.method, request.url.path, exc.message)
    fields = [FieldError(field="Authorization", message=exc.message)]
    response = error_response(UNAUTHORIZED, exc.message, fields, request.url.path)
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Register every handler above on `app`."""
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(LimitExceededError, _on_limit_exceeded)
    app.add_exception_handler(InputFormatError, _on_input_format_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(GoogleApiError, _on_google_error)
    app.add_exception_handler(ServiceError, _on_service_error)
    app.add_exception_handler(AuthError, _on_auth_error)
    app.add_exception_handler(Exception, _on_unexpected_error)
