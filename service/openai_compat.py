"""OpenAI-compatible moderation: ``POST /v1/moderations``, so an OpenAI client (the official SDK with
``base_url`` pointed here) moderates with this service by changing one URL.

Our categories map onto OpenAI's: ``hate`` from identity_attack, ``harassment`` from the larger of
insult and toxicity, ``harassment/threatening`` and ``violence`` from threat. OpenAI's other categories
(sexual, self-harm, illicit, ...) are outside this model: always false with score 0. A category is
true when its source category reaches its own threshold (it is among the comment's `reasons`);
``flagged`` is this service's verdict under its flag policy.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, create_model
from starlette.concurrency import run_in_threadpool

from moderation.moderator import Moderator, Score

from .auth import ApiKey
from .deps import MetricsDep, ModeratorDep, SettingsDep, check_batch
from .metrics import Metrics
from .schemas import ErrorResponse
from .settings import Settings

router = APIRouter(tags=["OpenAI-compatible"])

# OpenAI category → (description, our source categories).
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "harassment": ("Harassing language towards anyone: from insult and toxicity.", ("insult", "toxicity")),
    "harassment/threatening": ("Harassment that also threatens harm: from threat.", ("threat",)),
    "hate": ("Hate based on a protected identity: from identity_attack.", ("identity_attack",)),
    "hate/threatening": ("Not scored by this model: always false, 0.", ()),
    "illicit": ("Not scored by this model: always false, 0.", ()),
    "illicit/violent": ("Not scored by this model: always false, 0.", ()),
    "self-harm": ("Not scored by this model: always false, 0.", ()),
    "self-harm/instructions": ("Not scored by this model: always false, 0.", ()),
    "self-harm/intent": ("Not scored by this model: always false, 0.", ()),
    "sexual": ("Not scored by this model: always false, 0.", ()),
    "sexual/minors": ("Not scored by this model: always false, 0.", ()),
    "violence": ("Threats or depictions of violence: from threat.", ("threat",)),
    "violence/graphic": ("Not scored by this model: always false, 0.", ()),
}


def _per_category(name: str, kind: Any, what: str) -> type[BaseModel]:
    """A response model with one field per OpenAI category (named with OpenAI's slashes and dashes)."""
    fields: dict[str, Any] = {
        category.replace("/", "_").replace("-", "_"): (kind, Field(alias=category, description=f"{what}: {desc}"))
        for category, (desc, _) in CATEGORIES.items()
    }
    config = ConfigDict(populate_by_name=True, serialize_by_alias=True)
    return create_model(name, __config__=config, **fields)


OpenAICategories = _per_category("OpenAICategories", bool, "Whether the category applies")
OpenAICategoryScores = _per_category("OpenAICategoryScores", float, "Score between 0 and 1")
OpenAIAppliedInputTypes = _per_category("OpenAIAppliedInputTypes", list[Literal["text"]], "Input types scored")


class TextInput(BaseModel):
    """One text part of a multi-modal input, in OpenAI's shape."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["text"] = Field(description="Only `text` parts are supported (no images).")
    text: str = Field(description="The text to moderate.")


class ModerationRequest(BaseModel):
    """Body of `POST /v1/moderations`, as OpenAI's API takes it."""

    model_config = ConfigDict(extra="forbid")

    input: str | Annotated[list[str], Field(min_length=1)] | Annotated[list[TextInput], Field(min_length=1)] = Field(
        description="The text to moderate, a list of texts (one result each, at most `MODERATION_MAX_BATCH`), or "
        "a list of `{type: text, text}` parts. Each at most `MODERATION_MAX_TEXT_CHARS` characters."
    )
    model: str | None = Field(
        default=None, description="Accepted for compatibility and ignored: the loaded bundle always answers."
    )


class ModerationResult(BaseModel):
    """The verdict on one input."""

    flagged: bool = Field(description="Whether a moderator should look, under this service's flag policy.")
    categories: OpenAICategories = Field(description="Which OpenAI categories apply.")  # type: ignore[valid-type]
    category_scores: OpenAICategoryScores = Field(  # type: ignore[valid-type]
        description="Each OpenAI category's score (the probability of its source category)."
    )
    category_applied_input_types: OpenAIAppliedInputTypes = Field(  # type: ignore[valid-type]
        description="The input types each category was scored on: always text."
    )


class ModerationResponse(BaseModel):
    """Body of a successful `POST /v1/moderations`."""

    id: str = Field(description="A unique identifier of this moderation request (`modr-...`).")
    model: str = Field(description="The model bundle that answered: `NAME-VERSION`.")
    results: list[ModerationResult] = Field(description="One result per input text, in input order.")


def _texts(body: ModerationRequest) -> list[str]:
    if isinstance(body.input, str):
        return [body.input]
    return [part if isinstance(part, str) else part.text for part in body.input]


def result_of(score: Score) -> ModerationResult:
    """Our score in OpenAI's categories."""
    reasons = set(score.reasons)
    values: dict[str, float] = {}
    applies: dict[str, bool] = {}
    for category, (_, sources) in CATEGORIES.items():
        values[category] = round(max((score.categories[s] for s in sources), default=0.0), 6)
        applies[category] = any(s in reasons for s in sources)
    return ModerationResult(
        flagged=score.flagged,
        categories=OpenAICategories(**applies),
        category_scores=OpenAICategoryScores(**values),
        category_applied_input_types=OpenAIAppliedInputTypes(**{c: ["text"] for c in CATEGORIES}),
    )


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": what}
    for code, what in {
        400: "The body is not JSON.",
        401: "Missing or invalid API key.",
        413: "Too many texts, or a text too long.",
        422: "The body does not match the schema.",
    }.items()
}


@router.post(
    "/v1/moderations",
    response_model=ModerationResponse,
    responses=ERRORS,
    dependencies=[ApiKey],
    summary="Moderate texts (OpenAI-compatible)",
)
async def moderations(
    body: ModerationRequest,
    request: Request,
    moderator: ModeratorDep,
    settings: SettingsDep,
    metrics: MetricsDep,
) -> ModerationResponse:
    """Score each input as OpenAI's moderation endpoint would answer it, in OpenAI's category names."""
    return await run_in_threadpool(_moderations, body, request, moderator, settings, metrics)


def _moderations(
    body: ModerationRequest,
    request: Request,
    moderator: Moderator,
    settings: Settings,
    metrics: Metrics,
) -> ModerationResponse:
    texts = _texts(body)
    check_batch(texts, settings, "input", "texts", lambda i: f"input.{i}")
    scores = moderator.score(texts)
    metrics.observe_scores(scores)
    request.state.log_count = len(texts)
    request.state.log_texts = texts
    return ModerationResponse(
        id=f"modr-{uuid.uuid4().hex}",
        model=f"{moderator.name}-{moderator.version}",
        results=[result_of(s) for s in scores],
    )
