"""The review queue behind `/v1/score`'s ``"review": true``: one store per app, opened (and migrated) on first use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from fastapi import FastAPI

from moderation.moderator import Moderator, Score
from moderation.review import NewItem, ReviewStore

from .schemas import ScoreRequest


def review_store(app: FastAPI) -> ReviewStore:
    """The app's review store, opened once (routes run in worker threads, hence the lock)."""
    with app.state.review_lock:
        store: ReviewStore | None = getattr(app.state, "review_store", None)
        if store is None:
            store = app.state.review_store = ReviewStore(app.state.settings.database_url)
        return store


def queue_for_review(app: FastAPI, body: ScoreRequest, scores: Sequence[Score], moderator: Moderator) -> None:
    """Put the request's comments, with their scores and spans, in the review queue."""
    items = [
        NewItem(
            comment_id=comment.id,
            text=comment.text,
            abuse=score.abuse,
            flagged=score.flagged,
            reasons=score.reasons,
            categories=score.categories,
            model_version=moderator.version,
            source=body.source,
            spans=[asdict(span) for span in score.spans] if score.spans is not None else None,
        )
        for comment, score in zip(body.comments, scores, strict=True)
    ]
    review_store(app).add(items)
