"""The service's own routes: score comments, segment a page, health check.

Routes only translate between the JSON schemas and :class:`moderation.moderator.Moderator`. The scoring
routes are plain ``def`` functions, so FastAPI runs the CPU-bound work in its thread pool, off the event loop.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from moderation.html_blocks import html_page

from .deps import ModeratorDep, ScoreBody, SegmentBody
from .schemas import (
    BlockResult,
    ErrorResponse,
    HealthResponse,
    ModelInfo,
    ScoreResponse,
    ScoreResult,
    SegmentResponse,
)

router = APIRouter()

_INPUT_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "The body is not valid JSON or not valid UTF-8."},
    413: {"model": ErrorResponse, "description": "Too many comments or a text over the configured length limit."},
    422: {"model": ErrorResponse, "description": "A field is missing, has the wrong type or an invalid value."},
    500: {"model": ErrorResponse, "description": "Internal error (logged on the server)."},
}


@router.post(
    "/v1/score",
    responses=_INPUT_ERRORS,
    response_model=ScoreResponse,
    response_model_exclude_none=True,
    summary="Score comments for abuse",
)
def score(body: ScoreBody, moderator: ModeratorDep) -> ScoreResponse:
    """Score each comment for abuse; results come back in request order with the request's ids."""
    scores = moderator.score([c.text for c in body.comments], explain=body.explain)
    return ScoreResponse(
        model=ModelInfo.of(moderator),
        results=[ScoreResult.of(c.id, s) for c, s in zip(body.comments, scores, strict=True)],
    )


@router.post(
    "/v1/segment",
    responses=_INPUT_ERRORS,
    response_model=SegmentResponse,
    response_model_exclude_none=True,
    summary="Find and score the comments on a page",
)
def segment(body: SegmentBody, moderator: ModeratorDep) -> SegmentResponse:
    """Label every non-empty line of the page (article, comment, boilerplate) and score the comments.

    The page comes as plain text (`text`) or as HTML (`html`, cut into blocks first). Only comment blocks
    carry `comment_index`, `abuse`, `flagged`, `reasons` and `categories`.
    """
    from_html = body.html is not None
    page = html_page(body.html) if body.html is not None else str(body.text)
    blocks = moderator.segment(page)
    return SegmentResponse(model=ModelInfo.of(moderator), blocks=[BlockResult.of(b, from_html) for b in blocks])


@router.get("/healthz", summary="Liveness check")
async def healthz() -> HealthResponse:
    """Answer `ok` once the app has started, which means its model is loaded.

    ``async`` on purpose: it runs on the event loop, so it still answers when scoring fills the thread pool.
    """
    return HealthResponse(status="ok")
