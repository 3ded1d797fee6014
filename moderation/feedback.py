"""Moderators' decisions as training data: the feedback file format and its mapping onto the model's labels.

A feedback file is CSV (header row) or JSON Lines, one decision a row:

- ``text`` (required): the comment as the moderator saw it;
- ``decision`` (required): ``approve`` (the comment may stand) or ``reject`` (it must not);
- ``category`` (optional): for a rejection, the category that made it unacceptable, one of
  ``toxicity``, ``severe_toxicity``, ``identity_attack``, ``insult``, ``profanity``, ``threat``;
- ``id`` (optional): the comment system's identifier, carried through for traceability.

Mapping onto labels: a rejection is abuse and toxicity, plus its category when one is given (other
categories unknown, so masked out of their heads). An approval is a negative for abuse and every
category but profanity (a moderator may let a swear word stand: that says nothing about profanity).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .batch import read_records
from .datasets import CATEGORIES, LABELS, split_of
from .errors import InputFormatError

DECISIONS = ("approve", "reject")
FEEDBACK_DATASET = "feedback"
"""The `dataset` name feedback rows carry in the training frame."""


def read_feedback(path: str | os.PathLike[str], seed: int = 0) -> pd.DataFrame:
    """One feedback file as training rows: `text`, `dataset`, `split` and the :data:`LABELS` (NaN: unknown).

    Raises :class:`InputFormatError` naming the file and row of the first bad row: feedback is small and
    hand-made, so a typo is better fixed than skipped. The `split` is the same hash split as the base data's,
    so a fixed fifth of the feedback is held out for the champion/challenger comparison.
    """
    name = str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise InputFormatError("feedback must be .csv or .jsonl", source=name)
    header = _columns(path, suffix)
    keep = ["decision", *(c for c in ("category",) if c in header)]
    rows = []
    for record in read_records(path, keep=keep, id_column="id" if "id" in header else None):
        decision = str(record.kept[0]).strip().lower()
        category = str(record.kept[1]).strip().lower() if len(record.kept) > 1 and record.kept[1] else ""
        if decision not in DECISIONS:
            raise InputFormatError(
                f"decision {record.kept[0]!r} is not one of {', '.join(DECISIONS)}", source=name, row=record.row
            )
        if category and category not in CATEGORIES:
            raise InputFormatError(
                f"category {category!r} is not one of {', '.join(CATEGORIES)}", source=name, row=record.row
            )
        rows.append({"text": record.text, **labels_of(decision, category or None)})
    if not rows:
        raise InputFormatError("no decisions in the file", source=name)
    frame = pd.DataFrame(rows, columns=["text", *LABELS])
    frame["dataset"] = FEEDBACK_DATASET
    frame["split"] = [split_of(t, seed) for t in frame["text"]]
    return frame


def _columns(path: str | os.PathLike[str], suffix: str) -> set[str]:
    """The columns (CSV header) or the fields of the first object (JSON Lines) of a feedback file."""
    try:
        if suffix == ".csv":
            return set(pd.read_csv(path, nrows=0).columns.str.strip())
        return set(pd.read_json(path, lines=True, nrows=1).columns)
    except (OSError, ValueError) as exc:
        raise InputFormatError(f"cannot read: {exc}", source=str(path)) from None


def labels_of(decision: str, category: str | None) -> dict[str, float]:
    """The label values one decision stands for (NaN: the decision says nothing about that label)."""
    labels = dict.fromkeys(LABELS, np.nan)
    if decision == "reject":
        labels["abuse"] = labels["toxicity"] = 1.0
        if category is not None:
            labels[category] = 1.0
    else:
        labels.update(dict.fromkeys([c for c in LABELS if c != "profanity"], 0.0))
    return labels


def read_feedback_files(paths: Sequence[str | os.PathLike[str]], seed: int = 0) -> pd.DataFrame:
    """Every feedback file's rows, in order, without duplicate texts (the last decision on a text wins)."""
    frame = pd.concat([read_feedback(p, seed) for p in paths], ignore_index=True)
    return frame.drop_duplicates("text", keep="last").reset_index(drop=True)
