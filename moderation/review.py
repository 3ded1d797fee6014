"""The review store: comments sent for a moderator's decision, and the decisions, in a real database.

SQLite by default (one file), PostgreSQL or any SQLAlchemy URL when ``MODERATION_DATABASE_URL`` names one;
the schema is created and upgraded by Alembic migrations (``moderation/migrations``), never by
``create_all``, so an existing database is upgraded in place. Decisions export as exactly the feedback
format ``moderation train --feedback`` reads (:mod:`moderation.feedback`).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, String, Text, create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from .datasets import CATEGORIES
from .errors import InputFormatError, ModerationError
from .feedback import DECISIONS

DATABASE_URL_ENV = "MODERATION_DATABASE_URL"
DEFAULT_DATABASE = "sqlite:///moderation-review.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    """Declarative base of the review store's tables."""


class ReviewItem(Base):
    """One comment sent for review, with its scores and, once decided, the moderator's decision."""

    __tablename__ = "review_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    comment_id: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    abuse: Mapped[float] = mapped_column(Float)
    flagged: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[str] = mapped_column(String(200), default="")
    categories: Mapped[dict[str, float]] = mapped_column(JSON)
    spans: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    model_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decision: Mapped[str | None] = mapped_column(String(16), nullable=True)
    category: Mapped[str | None] = mapped_column(String(32), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ReviewError(ModerationError):
    """A review operation that cannot be done (unknown item, invalid decision)."""


@dataclass(frozen=True)
class NewItem:
    """A scored comment to put in the queue."""

    comment_id: str
    text: str
    abuse: float
    flagged: bool
    reasons: Sequence[str]
    categories: dict[str, float]
    model_version: str
    source: str = ""
    spans: list[dict[str, Any]] | None = None


def database_url(url: str | None = None) -> str:
    """`url`, else ``$MODERATION_DATABASE_URL``, else a SQLite file in the working folder."""
    return url or os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE


class ReviewStore:
    """The review queue in the database at `url` (see :func:`database_url`), migrated on opening."""

    def __init__(self, url: str | None = None) -> None:
        self.url = database_url(url)
        self.engine: Engine = create_engine(self.url)
        self.migrate()

    def migrate(self) -> None:
        """Bring the schema to the newest migration (Alembic ``upgrade head``)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def add(self, items: Iterable[NewItem]) -> int:
        """Queue scored comments; returns how many."""
        now = datetime.now(UTC)
        rows = [
            ReviewItem(
                comment_id=i.comment_id,
                source=i.source,
                text=i.text,
                abuse=i.abuse,
                flagged=i.flagged,
                reasons=",".join(i.reasons),
                categories=i.categories,
                spans=i.spans,
                model_version=i.model_version,
                created_at=now,
            )
            for i in items
        ]
        with Session(self.engine) as session, session.begin():
            session.add_all(rows)
        return len(rows)

    def queue(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        pending: bool = True,
        category: str | None = None,
        min_score: float = 0.0,
        max_score: float = 1.0,
        source: str | None = None,
    ) -> list[ReviewItem]:
        """A page of the queue, highest abuse first (indexed: fast with many stored comments)."""
        query = select(ReviewItem).where(ReviewItem.abuse >= min_score, ReviewItem.abuse <= max_score)
        if pending:
            query = query.where(ReviewItem.decision.is_(None))
        if category is not None:
            query = query.where(ReviewItem.reasons.contains(category))
        if source is not None:
            query = query.where(ReviewItem.source == source)
        query = query.order_by(ReviewItem.abuse.desc(), ReviewItem.id).limit(limit).offset(offset)
        with Session(self.engine, expire_on_commit=False) as session:
            return list(session.scalars(query))

    def count(self, pending: bool = True) -> int:
        query = select(func.count()).select_from(ReviewItem)
        if pending:
            query = query.where(ReviewItem.decision.is_(None))
        with Session(self.engine) as session:
            return int(session.scalar(query) or 0)

    def decide(self, item_id: int, decision: str, who: str, category: str | None = None) -> ReviewItem:
        """Record a moderator's decision on one item (a later decision replaces an earlier one)."""
        if decision not in DECISIONS:
            raise ReviewError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
        if category is not None and category not in CATEGORIES:
            raise ReviewError(f"category {category!r} is not one of {', '.join(CATEGORIES)}")
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            item = session.get(ReviewItem, item_id)
            if item is None:
                raise ReviewError(f"no review item {item_id}")
            item.decision, item.category, item.decided_by = decision, category, who
            item.decided_at = datetime.now(UTC)
            return item

    def export(self, path: str | os.PathLike[str]) -> int:
        """Write every decision as a feedback CSV (``id,text,decision,category``), atomically; returns rows."""
        target = Path(path)
        tmp = target.with_name(f".{target.name}.tmp")
        query = (
            select(ReviewItem).where(ReviewItem.decision.is_not(None)).order_by(ReviewItem.decided_at, ReviewItem.id)
        )
        n = 0
        with Session(self.engine) as session, open(tmp, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["id", "text", "decision", "category"])
            for item in session.scalars(query):
                writer.writerow([item.comment_id, item.text, item.decision, item.category or ""])
                n += 1
        os.replace(tmp, target)
        return n


def import_scored(
    store: ReviewStore,
    path: str | os.PathLike[str],
    model_version: str,
    source: str = "",
    flagged_only: bool = True,
) -> int:
    """Queue the comments of a `moderation score -o OUT.jsonl --keep text` output (the flagged ones, unless
    `flagged_only` is false), scored by the bundle `model_version`; returns how many were queued."""
    name = str(path)
    items = []
    with open(path, encoding="utf-8") as fh:
        for row_number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                item = NewItem(
                    comment_id=str(row["id"]),
                    text=row["text"],
                    abuse=float(row["abuse"]),
                    flagged=bool(row["flagged"]),
                    reasons=list(row["reasons"]),
                    categories=dict(row["categories"]),
                    model_version=model_version,
                    source=source,
                    spans=row.get("spans"),
                )
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                detail = f"no field {exc}" if isinstance(exc, KeyError) else str(exc)
                raise InputFormatError(
                    f"not a scored row with its text ({detail}); score with --keep text", source=name, row=row_number
                ) from None
            if item.flagged or not flagged_only:
                items.append(item)
    return store.add(items)
