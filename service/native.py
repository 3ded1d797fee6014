"""The service's own routes: score comments, segment a page, the model card, health, readiness, metrics
and the admin reload.

Routes only translate between the JSON schemas and :class:`moderation.moderator.Moderator`. CPU-bound
work runs in the thread pool, off the event loop: `/v1/score` (like the OpenAI and Perspective routes) hands
all of it over in one hop and serialises the answer on the loop; `/v1/segment` is a plain ``def`` route,
which FastAPI runs in the pool.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from moderation.html_blocks import html_page
from moderation.moderator import Moderator

from .auth import ApiKey
from .deps import MetricsDep, ModeratorDep, ScoreBody, SegmentBody
from .metrics import Metrics
from .reload import reload_model
from .review_queue import queue_for_review
from .schemas import (
    BlockResult,
    ErrorResponse,
    HealthResponse,
    ModelCardResponse,
    ModelInfo,
    ReadyResponse,
    ReloadResponse,
    ScoreRequest,
    ScoreResponse,
    ScoreResult,
    SegmentResponse,
)

router = APIRouter()

_INPUT_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "The body is not valid JSON or not valid UTF-8."},
    401: {"model": ErrorResponse, "description": "Missing or invalid API key (when keys are configured)."},
    413: {"model": ErrorResponse, "description": "Too many comments or a text over the configured length limit."},
    422: {"model": ErrorResponse, "description": "A field is missing, has the wrong type or an invalid value."},
    500: {"model": ErrorResponse, "description": "Internal error (logged on the server)."},
}


@router.post(
    "/v1/score",
    responses=_INPUT_ERRORS,
    response_model=ScoreResponse,
    response_model_exclude_none=True,
    dependencies=[ApiKey],
    summary="Score comments for abuse",
)
async def score(body: ScoreBody, request: Request, moderator: ModeratorDep, metrics: MetricsDep) -> ScoreResponse:
    """Score each comment for abuse; results come back in request order with the request's ids."""
    # One hop to the thread pool for all the blocking work (the model, the review store); the answer is
    # then serialised on the event loop, where a plain `def` route would take a second hop.
    return await run_in_threadpool(_score, body, request, moderator, metrics)


def _score(body: ScoreRequest, request: Request, moderator: Moderator, metrics: Metrics) -> ScoreResponse:
    texts = [c.text for c in body.comments]
    scores = moderator.score(texts, explain=body.explain)
    metrics.observe_scores(scores)
    if body.review:
        queue_for_review(request.app, body, scores, moderator)
    request.state.log_count = len(texts)
    request.state.log_texts = texts
    return ScoreResponse(
        model=ModelInfo.of(moderator),
        results=[ScoreResult.of(c.id, s) for c, s in zip(body.comments, scores, strict=True)],
    )


@router.post(
    "/v1/segment",
    responses=_INPUT_ERRORS,
    response_model=SegmentResponse,
    response_model_exclude_none=True,
    dependencies=[ApiKey],
    summary="Find and score the comments on a page",
)
def segment(body: SegmentBody, moderator: ModeratorDep, metrics: MetricsDep) -> SegmentResponse:
    """Label every non-empty line of the page (article, comment, boilerplate) and score the comments.

    The page comes as plain text (`text`) or as HTML (`html`, cut into blocks first). Only comment blocks
    carry `comment_index`, `abuse`, `flagged`, `reasons` and `categories`.
    """
    from_html = body.html is not None
    page = html_page(body.html) if body.html is not None else str(body.text)
    blocks = moderator.segment(page)
    metrics.observe_scores(b.score for b in blocks if b.score is not None)
    return SegmentResponse(model=ModelInfo.of(moderator), blocks=[BlockResult.of(b, from_html) for b in blocks])


@router.get("/healthz", summary="Liveness check")
async def healthz() -> HealthResponse:
    """Answer `ok` once the app has started, which means its model is loaded.

    ``async`` on purpose: it runs on the event loop, so it still answers when scoring fills the thread pool.
    """
    return HealthResponse(status="ok")


@router.get(
    "/readyz",
    summary="Readiness check",
    responses={503: {"model": ErrorResponse, "description": "No model loaded yet."}},
)
async def readyz(request: Request) -> ReadyResponse:
    """Answer `ready` with the model being served once a model is loaded; 503 before."""
    moderator = getattr(request.app.state, "moderator", None)
    if moderator is None:
        raise StarletteHTTPException(503, "no model loaded yet")
    return ReadyResponse(status="ready", model=ModelInfo.of(moderator))


@router.get(
    "/v1/model",
    dependencies=[ApiKey],
    responses={401: _INPUT_ERRORS[401]},
    summary="The loaded model bundle and its card",
)
def model(moderator: ModeratorDep) -> ModelCardResponse:
    """The bundle being served: name, version, folder, flag policy and its whole model card."""
    return ModelCardResponse(
        model=ModelInfo.of(moderator),
        path=str(moderator.path),
        flag_on=list(moderator.flag_on),
        card=moderator.card,
    )


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    summary="Prometheus metrics",
    responses={200: {"content": {"text/plain": {}}, "description": "Metrics in Prometheus' text format."}},
)
def metrics_endpoint(metrics: MetricsDep) -> PlainTextResponse:
    """Request counts and latency per route, comments scored and flagged per category, the model served."""
    return PlainTextResponse(metrics.exposition(), media_type=metrics.content_type)


@router.post(
    "/admin/reload",
    dependencies=[ApiKey],
    responses={
        401: _INPUT_ERRORS[401],
        409: {"model": ErrorResponse, "description": "The bundle failed verification; the old model keeps serving."},
    },
    summary="Load the model bundle again",
)
async def reload(request: Request) -> ReloadResponse:
    """Verify and load the bundle again from its folder, then serve it; requests in flight finish on the old one.

    A bundle that fails its checksums (or cannot be loaded) is refused with 409 and the old model keeps serving.
    """
    old, new = await reload_model(request.app)
    return ReloadResponse(previous=ModelInfo.of(old), model=ModelInfo.of(new))
