"""Perspective-compatible analysis: ``POST /v1alpha1/comments:analyze``, so a comment system that calls
Google's Perspective API (Coral Talk, for one) moderates with this service by changing its endpoint.

The six Perspective attributes are this model's six categories (``TOXICITY`` is `toxicity`, ...), as
calibrated probabilities. Requests and answers follow Perspective's shapes, errors included (Google's
``{"error": {"code", "message", "status"}}`` with Perspective's messages). Unknown request fields
(`sessionId`, `communityId`, `context`, ...) are accepted and ignored, as clients send them.
"""

from __future__ import annotations

import re
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from moderation.html_blocks import html_page
from moderation.moderator import Moderator

from .auth import PerspectiveKey
from .deps import MetricsDep, ModeratorDep, SettingsDep
from .errors import GoogleApiError
from .metrics import Metrics
from .settings import Settings

router = APIRouter(tags=["Perspective-compatible"])

ATTRIBUTES: dict[str, str] = {
    "TOXICITY": "toxicity",
    "SEVERE_TOXICITY": "severe_toxicity",
    "IDENTITY_ATTACK": "identity_attack",
    "INSULT": "insult",
    "PROFANITY": "profanity",
    "THREAT": "threat",
}
"""Perspective attribute → this model's category."""

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)", re.MULTILINE)


class TextEntry(BaseModel):
    """The comment, as Perspective takes it."""

    text: str = Field(default="", description="The comment text: non-empty, at most `MODERATION_MAX_TEXT_CHARS`.")
    type: Literal["PLAIN_TEXT", "HTML"] = Field(
        default="PLAIN_TEXT", description="`PLAIN_TEXT`, or `HTML` (its text is extracted first)."
    )


class AttributeParameters(BaseModel):
    """Options of one requested attribute."""

    scoreType: Literal["PROBABILITY"] = Field(default="PROBABILITY", description="Only `PROBABILITY` is supported.")
    scoreThreshold: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Leave the attribute out of the answer when it scores below this."
    )


class AnalyzeRequest(BaseModel):
    """Body of `POST /v1alpha1/comments:analyze`, as Perspective takes it."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "comment": {"text": "You are an idiot and everyone knows it."},
                    "languages": ["en"],
                    "doNotStore": True,
                    "requestedAttributes": {"TOXICITY": {}, "INSULT": {"scoreThreshold": 0.5}},
                    "clientToken": "comment-1234",
                }
            ]
        },
    )

    comment: TextEntry = Field(description="The comment to analyse.")
    requestedAttributes: dict[str, AttributeParameters] = Field(
        description=f"The attributes to score, each with its options (`{{}}` for none): {', '.join(ATTRIBUTES)}."
    )
    spanAnnotations: bool = Field(
        default=False, description="Also score each sentence (`spanScores`); otherwise one span covers the text."
    )
    languages: list[str] | None = Field(
        default=None, description="Languages of the comment; English (`en`, `en-US`, ...) must be among them."
    )
    doNotStore: bool = Field(
        default=False, description="Honoured: the comment never reaches the logs (it is never stored anyway)."
    )
    clientToken: str | None = Field(default=None, description="Echoed unchanged in the answer.")


class ScoreValue(BaseModel):
    """A probability."""

    value: float = Field(ge=0.0, le=1.0, description="The probability of the attribute.")
    type: Literal["PROBABILITY"] = Field(default="PROBABILITY", description="Always `PROBABILITY`.")


class SpanScore(BaseModel):
    """The score of one stretch of the comment."""

    begin: int = Field(ge=0, description="Start offset of the span in the comment text (characters).")
    end: int = Field(ge=0, description="End offset (exclusive).")
    score: ScoreValue = Field(description="The attribute's probability on this span alone.")


class AttributeScores(BaseModel):
    """One attribute's scores."""

    summaryScore: ScoreValue = Field(description="The attribute's probability on the whole comment.")
    spanScores: list[SpanScore] = Field(
        description="Per sentence with `spanAnnotations`, else one span over the whole text."
    )


class AnalyzeResponse(BaseModel):
    """Body of a successful analysis, as Perspective answers it."""

    attributeScores: dict[str, AttributeScores] = Field(
        description="The requested attributes (those at or over their `scoreThreshold`)."
    )
    languages: list[str] = Field(description="The languages the comment was scored in: always `en`.")
    detectedLanguages: list[str] = Field(description="Always `en`: the model reads English.")
    clientToken: str | None = Field(default=None, description="The request's `clientToken`.")


class GoogleErrorDetail(BaseModel):
    code: int = Field(description="HTTP status code.")
    message: str = Field(description="What is wrong, in Perspective's words.")
    status: str = Field(description="Google's status name, e.g. `INVALID_ARGUMENT`, `UNAUTHENTICATED`.")


class GoogleError(BaseModel):
    """An error in Google's API shape."""

    error: GoogleErrorDetail = Field(description="The error.")


def sentences(text: str) -> list[tuple[int, int]]:
    """Offsets of the sentences of `text`, without surrounding whitespace; the whole text if it has none."""
    spans = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans or [(0, len(text))]


def _english(languages: list[str] | None) -> bool:
    return not languages or any(lang.lower().split("-")[0] == "en" for lang in languages)


@router.post(
    "/v1alpha1/comments:analyze",
    response_model=AnalyzeResponse,
    response_model_exclude_none=True,
    responses={
        400: {"model": GoogleError, "description": "Bad request: empty or over-long comment, unknown attribute."},
        401: {"model": GoogleError, "description": "Missing or invalid API key (`?key=` or bearer)."},
        413: {"model": GoogleError, "description": "The body is over `MODERATION_MAX_BODY_BYTES` (as 400)."},
        422: {"model": GoogleError, "description": "Not sent: like Google, invalid bodies get 400."},
    },
    dependencies=[PerspectiveKey],
    summary="Analyse a comment (Perspective-compatible)",
)
async def analyze(
    body: AnalyzeRequest,
    request: Request,
    moderator: ModeratorDep,
    settings: SettingsDep,
    metrics: MetricsDep,
) -> AnalyzeResponse:
    """Score the requested attributes of one comment, as Perspective's `comments:analyze` does."""
    return await run_in_threadpool(_analyze, body, request, moderator, settings, metrics)


def _analyze(
    body: AnalyzeRequest,
    request: Request,
    moderator: Moderator,
    settings: Settings,
    metrics: Metrics,
) -> AnalyzeResponse:
    text = html_page(body.comment.text).replace("\n", " ") if body.comment.type == "HTML" else body.comment.text
    if not text.strip():
        raise GoogleApiError(400, "Comment must be non-empty.")
    if len(text) > settings.max_text_chars:
        raise GoogleApiError(400, "Comment text too long.")
    if not body.requestedAttributes:
        raise GoogleApiError(400, "Must request at least one attribute.")
    languages = ",".join(body.languages or ["en"])
    for name in body.requestedAttributes:
        if name not in ATTRIBUTES or not _english(body.languages):
            raise GoogleApiError(400, f"Attribute {name} does not support request languages: {languages}")

    spans = sentences(text) if body.spanAnnotations else [(0, len(text))]
    per_span = len(spans) > 1
    scores = moderator.score([text, *(text[a:b] for a, b in spans)] if per_span else [text])
    metrics.observe_scores(scores[:1])
    request.state.log_count = 1
    if not body.doNotStore:
        request.state.log_texts = [text]

    answer: dict[str, AttributeScores] = {}
    for name, params in body.requestedAttributes.items():
        category = ATTRIBUTES[name]
        value = round(scores[0].categories[category], 6)
        if params.scoreThreshold is not None and value < params.scoreThreshold:
            continue
        span_values = [round(s.categories[category], 6) for s in scores[1:]] if per_span else [value]
        answer[name] = AttributeScores(
            summaryScore=ScoreValue(value=value),
            spanScores=[
                SpanScore(begin=a, end=b, score=ScoreValue(value=v))
                for (a, b), v in zip(spans, span_values, strict=True)
            ],
        )
    return AnalyzeResponse(
        attributeScores=answer, languages=["en"], detectedLanguages=["en"], clientToken=body.clientToken
    )
