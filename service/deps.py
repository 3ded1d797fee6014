"""Dependencies injected into the routes: the loaded `Moderator`, the settings, and size-checked bodies.

The moderator and settings live on ``app.state`` (set up by :func:`service.app.create_app` and its
lifespan), so each app has its own and nothing is loaded at import time. The dependencies are ``async``
because none of them blocks: FastAPI would run a plain ``def`` one in its thread pool, and those hops
cost more than scoring a comment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError

from moderation.moderator import Moderator

from .errors import LimitExceededError
from .metrics import Metrics
from .schemas import FieldError, ScoreRequest, SegmentRequest
from .settings import Settings


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings


async def get_metrics(request: Request) -> Metrics:
    """The app's Prometheus metrics."""
    return request.app.state.metrics


async def get_moderator(request: Request) -> Moderator:
    """The moderator loaded once at start-up."""
    moderator: Moderator | None = getattr(request.app.state, "moderator", None)
    if moderator is None:
        raise RuntimeError("no model loaded: the app's lifespan has not run (use create_app and start it)")
    return moderator


SettingsDep = Annotated[Settings, Depends(get_settings)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
ModeratorDep = Annotated[Moderator, Depends(get_moderator)]


def _too_long(field: str, length: int, limit: int) -> FieldError:
    return FieldError(field=field, message=f"is {length} characters long; the limit is {limit}", limit=limit)


def check_batch(
    texts: Sequence[str], settings: Settings, field: str, noun: str, text_field: Callable[[int], str]
) -> None:
    """Refuse with 413 a batch of more than `max_batch` texts (naming `field`), or texts over `max_text_chars`
    (each named by `text_field` of its index)."""
    if len(texts) > settings.max_batch:
        limit = settings.max_batch
        message = f"has {len(texts)} {noun}; the limit is {limit} per request"
        raise LimitExceededError([FieldError(field=field, message=message, limit=limit)])
    too_long = [
        _too_long(text_field(i), len(t), settings.max_text_chars)
        for i, t in enumerate(texts)
        if len(t) > settings.max_text_chars
    ]
    if too_long:
        raise LimitExceededError(too_long)


async def checked_score_request(body: ScoreRequest, settings: SettingsDep) -> ScoreRequest:
    """The `/v1/score` body, refused with 413 if it has too many comments or an over-long text."""
    check_batch([c.text for c in body.comments], settings, "comments", "comments", lambda i: f"comments.{i}.text")
    return body


async def checked_segment_request(body: SegmentRequest, settings: SettingsDep) -> SegmentRequest:
    """The `/v1/segment` body, refused with 422 unless it holds exactly one of `text` and `html`, and with
    413 if the page is over-long."""
    if (body.text is None) == (body.html is None):
        field, message = ("text", "Field required: the page as `text` or as `html`")
        if body.text is not None:
            field, message = ("html", "give the page as `text` or as `html`, not both")
        raise RequestValidationError([{"type": "missing", "loc": ("body", field), "msg": message, "input": None}])
    field, page = ("html", body.html) if body.html is not None else ("text", body.text or "")
    if len(page) > settings.max_page_chars:
        raise LimitExceededError([_too_long(field, len(page), settings.max_page_chars)])
    return body


ScoreBody = Annotated[ScoreRequest, Depends(checked_score_request)]
SegmentBody = Annotated[SegmentRequest, Depends(checked_segment_request)]
