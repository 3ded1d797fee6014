"""Explanations: the spans of a comment that drove its scores, as character offsets into the original text.

Attribution is by occlusion: each word of the comment (a word of the *normalised* text, so a disguised
word such as ``f u c k`` is one word) is removed in turn and the comment re-scored; the fall in a label's
decision value is that word's weight for the label. Occlusion sees every feature the model uses (n-grams,
attack patterns, masking of identity terms and mentioned words) without bookkeeping, and costs one
extra scoring per word, paid only when an explanation is asked for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .compiled import AbuseModel
from .datasets import CATEGORIES, LABELS
from .normalize import normalize_with_offsets

DEFAULT_SPAN_CUTOFF = 1.0
"""Cutoff for bundles whose card records none."""

MAX_WORDS = 300
"""Words attributed per comment; beyond them a long comment's tail is not explained."""

_WORD = re.compile(r"[^\s.,;:!?()\[\]{}\"\u201c\u201d]+")
_FUNCTION_WORDS = frozenset(
    """
    you your yours you're youre u ur he she they them him her his hers their i me my we us our it its a an the
    this that these those is are was were be and or of to in
    """.split()  # noqa: SIM905 - a word list reads best as words
)
"""Words never highlighted: pronouns, articles and the like carry no abuse of their own, and a moderator
gains nothing from seeing them marked (they also lowered the Toxic Spans F1 from 0.612 to 0.588)."""


@dataclass(frozen=True)
class Span:
    """A highlighted stretch of the original text: [start, end), its text, its strongest category and weight
    (the fall in that category's decision value, in logits, when the words are removed)."""

    start: int
    end: int
    text: str
    category: str
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def word_spans(text: str) -> list[tuple[int, int]]:
    """The words of `text` that may be highlighted, as [start, end) offsets into `text`, found on its
    normalised form (function words are left out)."""
    normal = normalize_with_offsets(text)
    spans = []
    for m in _WORD.finditer(normal.text):
        if m.group().strip("'") in _FUNCTION_WORDS:
            continue
        start, end = normal.to_original(m.start(), m.end())
        if not spans or start >= spans[-1][1]:
            spans.append((start, end))
    return spans[:MAX_WORDS]


def word_weights(model: AbuseModel, text: str) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Each word's weight for every label, ``(n_words, len(LABELS))``: the fall in decision value without it."""
    spans = word_spans(text)
    if not spans:
        return spans, np.zeros((0, len(LABELS)))
    variants = [text] + [text[:start] + " " + text[end:] for start, end in spans]
    decision = model.decision_function(variants)
    return spans, decision[0] - decision[1:]


SELECT: tuple[str, ...] = ("toxicity",)
"""Labels whose weights decide what is highlighted: toxicity, the broadest, matched the Toxic Spans
annotations best on the trial split (0.588 against 0.555 with every category)."""


def merge_spans(
    text: str,
    spans: Sequence[tuple[int, int]],
    weights: np.ndarray,
    cutoff: float,
    select: Sequence[str] = SELECT,
    labels: Sequence[str] = CATEGORIES,
) -> list[Span]:
    """Words whose weight for a `select` label reaches `cutoff`, adjacent ones merged into one span.

    `weights` is ``(n_words, len(LABELS))``. Each span is labelled with the category among `labels` its
    words raise most, and that category's weight (for a merged span, its strongest word's).
    """
    chosen = weights[:, [LABELS.index(label) for label in select]].max(axis=1)
    by_label = weights[:, [LABELS.index(label) for label in labels]]
    out: list[Span] = []
    for (start, end), strength, row in zip(spans, chosen, by_label, strict=True):
        if strength < cutoff:
            continue
        best = int(np.argmax(row))
        word = Span(start, end, text[start:end], labels[best], round(float(row[best]), 4))
        if out and not text[out[-1].end : start].strip(" -'*\u2019"):
            last = out[-1]
            strongest = word if word.weight > last.weight else last
            out[-1] = Span(last.start, end, text[last.start : end], strongest.category, strongest.weight)
        else:
            out.append(word)
    return out


def explain(model: AbuseModel, text: str, cutoff: float) -> list[Span]:
    """The spans of `text` a moderator should see highlighted."""
    spans, weights = word_weights(model, text)
    return merge_spans(text, spans, weights, cutoff)


def span_f1(predicted: set[int], gold: set[int]) -> float:
    """SemEval-2021 Toxic Spans F1 of one post: character-offset F1, 1.0 when both sets are empty."""
    if not gold and not predicted:
        return 1.0
    if not gold or not predicted:
        return 0.0
    overlap = len(predicted & gold)
    if overlap == 0:
        return 0.0
    precision, recall = overlap / len(predicted), overlap / len(gold)
    return 2 * precision * recall / (precision + recall)


def offsets_of(spans: Sequence[Span]) -> set[int]:
    """The character offsets covered by `spans`."""
    return {i for span in spans for i in range(span.start, span.end)}


def choose_cutoff(
    model: AbuseModel, texts: Sequence[str], gold: Sequence[set[int]], grid: Sequence[float] | None = None
) -> tuple[float, float]:
    """The cutoff with the best mean Toxic Spans F1 on `texts` with gold offsets `gold`, and that F1."""
    attributions = [word_weights(model, text) for text in texts]
    best = (0.0, -1.0)
    for cutoff in grid if grid is not None else np.round(np.arange(0.1, 3.01, 0.1), 2):
        f1 = float(
            np.mean(
                [
                    span_f1(offsets_of(merge_spans(text, spans, weights, float(cutoff))), g)
                    for text, (spans, weights), g in zip(texts, attributions, gold, strict=True)
                ]
            )
        )
        if f1 > best[1]:
            best = (float(cutoff), f1)
    return best
