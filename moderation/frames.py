"""Scoring a table of comments: the unit of work shared by chunked batch scoring, worker processes and
Dask partitions, so every engine scores, keeps columns and rejects rows the same way.

A scored table is flat, one column per field, so it writes to CSV and Parquet as well as JSON Lines:
``id``, the kept columns, ``abuse``, ``flagged``, ``reasons`` (comma-separated categories) and one
column per category. Rows that cannot be scored (no text, text that is not a string or over the length
limit) never stop the run: they go to a rejects table with their 1-based row number and the reason.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .datasets import CATEGORIES
from .errors import ConfigurationError
from .moderator import Moderator

MAX_TEXT_CHARS = 20_000
"""Longest comment scored by default; longer ones are rejected (their scores would be slow and unreliable)."""

SCORE_COLUMNS: tuple[str, ...] = ("abuse", "flagged", "reasons", *CATEGORIES)
"""The columns scoring adds, after ``id`` and the kept columns."""

REJECT_COLUMNS: tuple[str, ...] = ("row", "id", "reason")
"""Columns of a rejects table."""


def output_schema(keep: Sequence[str] = ()) -> dict[str, str]:
    """Column → dtype of a scored table (what Dask's ``meta`` and empty outputs need)."""
    columns = {"id": "object", **dict.fromkeys(keep, "object"), "abuse": "float64", "flagged": "bool"}
    return columns | {"reasons": "object"} | dict.fromkeys(CATEGORIES, "float64")


def check_keep(keep: Sequence[str], reserved: Sequence[str] = ("id", *SCORE_COLUMNS)) -> None:
    """Refuse kept columns named like a column the output has of its own."""
    clashes = [c for c in keep if c in reserved]
    if clashes:
        raise ConfigurationError(f"cannot keep column {clashes[0]!r}: the output has its own column of that name")


def too_long(text: str, max_chars: int) -> str | None:
    """Why `text` is too long to score, or ``None``."""
    return f"text is {len(text)} characters long; the limit is {max_chars}" if len(text) > max_chars else None


def _reason(value: Any, max_chars: int) -> str | None:
    """Why a text cannot be scored, or ``None`` when it can."""
    if value is None or (not isinstance(value, str | list | dict) and pd.isna(value)):
        return "text is missing"
    if not isinstance(value, str):
        return f"text is a {type(value).__name__}, not a string"
    if not value.strip():
        return "text is empty"
    if (long := too_long(value, max_chars)) is not None:
        return long
    if "\ufffd" in value:
        return "text holds bytes that are not valid UTF-8"
    return None


def score_frame(
    moderator: Moderator,
    frame: pd.DataFrame,
    *,
    text_column: str = "text",
    id_column: str | None = None,
    keep: Sequence[str] = (),
    first_row: int = 1,
    max_chars: int = MAX_TEXT_CHARS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every row of `frame`; returns ``(scored, rejects)``.

    `first_row` is the 1-based row number of the frame's first row in its input, so rejects and default ids
    (the row number, when no `id_column` is named) refer to the whole input. `keep` names input columns
    copied to the output unchanged. Raises `KeyError` naming a column the frame lacks, and
    `ConfigurationError` for a kept column named like an output column.
    """
    check_keep(keep)
    missing = [c for c in (text_column, id_column, *keep) if c is not None and c not in frame.columns]
    if missing:
        raise KeyError(f"no column {missing[0]!r} (columns: {', '.join(map(str, frame.columns))})")
    rows = np.arange(first_row, first_row + len(frame))
    ids = frame[id_column].astype(str).to_numpy() if id_column is not None else rows.astype(object)
    reasons = [_reason(v, max_chars) for v in frame[text_column].tolist()]
    ok = np.array([r is None for r in reasons], dtype=bool)

    rejects = pd.DataFrame(
        {
            "row": rows[~ok],
            "id": pd.Series(ids[~ok], dtype=object),
            "reason": [r for r in reasons if r is not None],
        },
        columns=list(REJECT_COLUMNS),
    )
    kept = frame.loc[ok]
    scores = moderator.score(kept[text_column].tolist()) if len(kept) else []
    scored = pd.DataFrame({"id": pd.Series(ids[ok], dtype=object)})
    for column in keep:
        scored[column] = kept[column].to_numpy()
    scored["abuse"] = np.array([s.abuse for s in scores], dtype=float)
    scored["flagged"] = np.array([s.flagged for s in scores], dtype=bool)
    scored["reasons"] = pd.Series([",".join(s.reasons) for s in scores], dtype=object)
    for category in CATEGORIES:
        scored[category] = np.array([s.categories[category] for s in scores], dtype=float)
    return scored, rejects


def dumps(row: dict[str, Any]) -> str:
    """One JSON line, non-ASCII kept, NumPy scalars as plain numbers."""
    return json.dumps(row, ensure_ascii=False, default=lambda v: v.item() if hasattr(v, "item") else str(v))
