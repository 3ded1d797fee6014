"""Request and response bodies of the REST API (pydantic v2).

Every field carries a description so the OpenAPI page documents the whole contract. Size limits are
configurable per deployment (:class:`service.settings.Settings`), so they are enforced by the
dependencies in :mod:`service.deps` rather than baked into these schemas; the descriptions name them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from moderation.moderator import Block, Moderator, Score

SegmentLabel = Literal["article", "comment", "boilerplate"]
"""Block labels the segmenter emits (:data:`moderation.segment.SEGMENT_LABELS`)."""

Category = Literal["toxicity", "severe_toxicity", "identity_attack", "insult", "profanity", "threat"]
"""Abuse category names (:data:`moderation.datasets.CATEGORIES`)."""

_PROBABILITY = {"ge": 0.0, "le": 1.0}


class _Request(BaseModel):
    """Base of request bodies: unknown keys are refused, so a misspelt field is reported, not ignored."""

    model_config = ConfigDict(extra="forbid")


# --- requests ------------------------------------------------------------------------------------


class CommentIn(_Request):
    """One comment to score."""

    id: str = Field(description="The caller's identifier for the comment, echoed unchanged in its result.")
    text: str = Field(
        min_length=1,
        description="The comment text: non-empty, at most `MODERATION_MAX_TEXT_CHARS` characters (default 20000).",
    )


class ScoreRequest(_Request):
    """Body of `POST /v1/score`."""

    comments: list[CommentIn] = Field(
        min_length=1,
        description="The comments to score: at least one, at most `MODERATION_MAX_BATCH` (default 1000).",
    )
    explain: bool = Field(
        default=False,
        description="Also return, for each comment, the `spans` of its text that drove its scores (slower).",
    )
    review: bool = Field(
        default=False,
        description="Also put the comments in the moderators' review queue (the database at "
        "`MODERATION_DATABASE_URL`), with their scores; `source` names where they come from.",
    )
    source: str = Field(default="", max_length=200, description="Where the comments come from, for the review queue.")


class SegmentRequest(_Request):
    """Body of `POST /v1/segment`."""

    text: str | None = Field(
        default=None,
        description=(
            "The page as plain text, one paragraph a line; empty lines are skipped. "
            "At most `MODERATION_MAX_PAGE_CHARS` characters (default 2000000). Give `text` or `html`, not both."
        ),
    )
    html: str | None = Field(
        default=None,
        description=(
            "The page as HTML: its blocks (paragraphs, list items, cells, lines split by `<br>`) are extracted "
            "first, by the rules the segmenter was trained with, and become the lines that `line` counts. "
            "At most `MODERATION_MAX_PAGE_CHARS` characters. Give `text` or `html`, not both."
        ),
    )


# --- responses -----------------------------------------------------------------------------------


class ModelInfo(BaseModel):
    """Which model bundle produced a response."""

    name: str = Field(description="Name of the model bundle, from its card.")
    version: str = Field(description="Version of the model bundle, from its card.")

    @classmethod
    def of(cls, moderator: Moderator) -> ModelInfo:
        return cls(name=moderator.name, version=moderator.version)


class CategoryScores(BaseModel):
    """Probability of each abuse category (the keys of :data:`moderation.datasets.CATEGORIES`)."""

    toxicity: float = Field(**_PROBABILITY, description="Probability the text is rude, disrespectful or toxic.")
    severe_toxicity: float = Field(**_PROBABILITY, description="Probability the text is very hateful or aggressive.")
    identity_attack: float = Field(
        **_PROBABILITY, description="Probability the text attacks people for an identity (ethnicity, religion, ...)."
    )
    insult: float = Field(**_PROBABILITY, description="Probability the text insults a person or group.")
    profanity: float = Field(**_PROBABILITY, description="Probability the text uses swear words or obscenity.")
    threat: float = Field(**_PROBABILITY, description="Probability the text threatens violence or harm.")


class SpanResult(BaseModel):
    """A stretch of a comment that drove its scores, for highlighting."""

    start: int = Field(ge=0, description="Offset of the first character in the comment's text (0-based).")
    end: int = Field(ge=0, description="Offset just past the last character (exclusive).")
    text: str = Field(description="The highlighted text, `text[start:end]`.")
    category: Category = Field(description="The category this stretch raised most.")
    weight: float = Field(description="How much it raised that category: the fall in its log-odds without it.")


class ScoreResult(BaseModel):
    """The verdict on one comment."""

    id: str = Field(description="The comment's `id` from the request.")
    abuse: float = Field(**_PROBABILITY, description="Overall probability of abuse aimed at people or groups.")
    flagged: bool = Field(
        description="Whether a moderator should look: a label of the flag policy (`MODERATION_FLAG_ON`, default "
        "from the model card) reached its threshold."
    )
    reasons: list[Category] = Field(
        description="Categories whose probability reaches their own threshold, strongest first; may be empty."
    )
    categories: CategoryScores = Field(description="Probability of every abuse category.")
    spans: list[SpanResult] | None = Field(
        default=None, description="With `explain`: the stretches of the text that drove the scores, in order."
    )

    @classmethod
    def of(cls, comment_id: str, score: Score) -> ScoreResult:
        return cls.model_validate({"id": comment_id, **score.to_dict()})


class ScoreResponse(BaseModel):
    """Body of a successful `POST /v1/score`."""

    model: ModelInfo = Field(description="The model bundle that scored the comments.")
    results: list[ScoreResult] = Field(description="One result per requested comment, in request order.")


class BlockResult(BaseModel):
    """One non-empty line of the page; the abuse fields are present on comment blocks only."""

    line: int = Field(
        ge=1,
        description="1-based line number of the block in the submitted text (for `html`: its block number).",
    )
    text: str | None = Field(
        default=None, description="The block's text: for `html` requests only, since the caller has not seen it."
    )
    label: SegmentLabel = Field(description="What the block is: article prose, a reader comment, or boilerplate.")
    comment_probability: float = Field(**_PROBABILITY, description="Probability that the block is a reader comment.")
    comment_index: int | None = Field(
        default=None,
        ge=0,
        description=(
            "Comment blocks only: which comment of the page (0, 1, ...) the block belongs to. Consecutive blocks "
            "share an index when byline or date lines mark them as one comment; score `text` of blocks with one "
            "index together to judge the whole comment."
        ),
    )
    abuse: float | None = Field(
        default=None, **_PROBABILITY, description="Comment blocks only: overall probability of abuse."
    )
    flagged: bool | None = Field(
        default=None, description="Comment blocks only: whether `abuse` reaches the abuse threshold."
    )
    reasons: list[Category] | None = Field(
        default=None, description="Comment blocks only: categories over their thresholds, strongest first."
    )
    categories: CategoryScores | None = Field(
        default=None, description="Comment blocks only: probability of every abuse category."
    )

    @classmethod
    def of(cls, block: Block, with_text: bool = False) -> BlockResult:
        return cls.model_validate({**block.to_dict(), "text": block.text if with_text else None})


class SegmentResponse(BaseModel):
    """Body of a successful `POST /v1/segment`."""

    model: ModelInfo = Field(description="The model bundle that segmented the page.")
    blocks: list[BlockResult] = Field(description="The page's non-empty lines in order, each with its label.")


class ReadyResponse(BaseModel):
    """Body of `GET /readyz`."""

    status: Literal["ready"] = Field(description="`ready` once a model is loaded (else the answer is 503).")
    model: ModelInfo = Field(description="The model bundle being served.")


class ModelCardResponse(BaseModel):
    """Body of `GET /v1/model`."""

    model: ModelInfo = Field(description="Name and version of the bundle being served.")
    path: str = Field(description="The bundle's folder on the server.")
    flag_on: list[str] = Field(description="The labels whose threshold flags a comment, in this deployment.")
    card: dict[str, Any] = Field(
        description="The bundle's model card (`card.json`): training data and licences, metrics, thresholds, "
        "flag policy, calibration and artifact checksums."
    )


class ReloadResponse(BaseModel):
    """Body of a successful `POST /admin/reload`."""

    previous: ModelInfo = Field(description="The model served before the reload.")
    model: ModelInfo = Field(description="The model served from now on (the same version if the bundle is unchanged).")


class HealthResponse(BaseModel):
    """Body of `GET /healthz`."""

    status: Literal["ok"] = Field(description="Always `ok` when the service is up and its model is loaded.")


# --- errors --------------------------------------------------------------------------------------


class FieldError(BaseModel):
    """What is wrong with one field of the request."""

    field: str = Field(description="Dot path of the offending field, e.g. `comments.0.text`; `body` for the body.")
    message: str = Field(description="What is wrong with it.")
    limit: int | None = Field(default=None, description="The limit exceeded, for size errors (HTTP 413).")


class ErrorDetail(BaseModel):
    """An error: its HTTP status, a readable message and, for input errors, the fields at fault."""

    code: int = Field(description="The HTTP status code.")
    message: str = Field(description="A human-readable summary of the error.")
    fields: list[FieldError] | None = Field(default=None, description="The offending fields, for input errors.")


class ErrorResponse(BaseModel):
    """Body of every error response."""

    error: ErrorDetail = Field(description="The error.")
