"""`Moderator`: the one public object the CLI, the service and batch scoring all call.

It wraps a loaded bundle and turns model probabilities into decisions with the card's thresholds,
so every caller scores the same way.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn import config_context

from .bundle import Bundle, load_bundle
from .compiled import AbuseModel, compile_abuse_model
from .datasets import CATEGORIES, LABELS
from .errors import BundleError, ConfigurationError
from .explain import DEFAULT_SPAN_CUTOFF, Span, explain
from .normalize import prepare
from .segment import SEGMENT_LABELS, PageSegmenter, group_comments

DEFAULT_FLAG_ON: tuple[str, ...] = ("identity_attack", "insult", "threat", "severe_toxicity", "abuse")
"""Labels that flag a comment by default: abuse aimed at people or groups, that is the four attack
categories and `abuse` (toxicity aimed at people). `toxicity` itself is not among them: in the public data
it also covers profanity and rudeness about things, which should not flag. Profanity that attacks no one
raises `profanity` and `toxicity` and shows in `reasons`, but flags only where a site adds those labels."""
ATTACK_CATEGORIES: tuple[str, ...] = ("identity_attack", "insult", "threat", "severe_toxicity")
"""The categories that make a comment abuse of a person (the `abuse` label is positive wherever one is):
they flag only where `abuse` agrees, above the card's floor. Toxicity and profanity, which a site may
add to the flag policy, are not held to it."""


SCORING_MODELS: tuple[str, ...] = ("abuse",)
"""The bundle models :meth:`Moderator.score` needs without explanations: what a scoring-only job loads
(``Moderator.load(path, models=SCORING_MODELS)``) to leave the segmenter and the span tagger on disk."""


def parse_flag_on(value: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """A flag policy from a comma-separated string or a list (``None`` stays ``None``: the card's default)."""
    if value is None:
        return None
    names = [v.strip() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()]
    unknown = [n for n in names if n not in LABELS]
    if unknown or not names:
        raise ConfigurationError(
            f"flag-on: unknown label(s) {', '.join(unknown) or '(none given)'}; choose from {', '.join(LABELS)}"
        )
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class Score:
    """The abuse verdict on one comment.

    `abuse` is the overall probability of abuse aimed at people, `flagged` whether a moderator should
    look (a flag-on label reached its threshold), `reasons` the categories whose score reaches that
    category's own threshold (strongest first), `categories` every category's probability, and `spans`,
    when asked for, the stretches of the original text that drove the scores.
    """

    abuse: float
    flagged: bool
    reasons: list[str]
    categories: dict[str, float]
    spans: list[Span] | None = None

    @property
    def toxic(self) -> bool:
        """Whether the comment is flagged or has a reason: what explanations highlight at least one word of."""
        return self.flagged or bool(self.reasons)

    def to_dict(self) -> dict[str, Any]:
        """The score as the CLI and the service emit it; `spans` only when an explanation was asked for."""
        out = asdict(self)
        if self.spans is None:
            del out["spans"]
        return out


@dataclass(frozen=True)
class Block:
    """One non-empty line of a page with its label; comments carry their abuse `score` and the
    `comment_index` of the comment they belong to (see :func:`moderation.segment.group_comments`)."""

    line: int
    text: str
    label: str
    comment_probability: float
    score: Score | None = field(default=None)
    comment_index: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The block as the CLI and the service emit it (without its text)."""
        out: dict[str, Any] = {
            "line": self.line,
            "label": self.label,
            "comment_probability": self.comment_probability,
        }
        if self.comment_index is not None:
            out["comment_index"] = self.comment_index
        if self.score is not None:
            out.update(self.score.to_dict())
        return out


def decide(
    proba: np.ndarray,
    thresholds: Mapping[str, float],
    flag_on: Sequence[str],
    flag_thresholds: Mapping[str, float],
    abuse_floor: float = 0.0,
) -> list[Score]:
    """Verdicts on probability rows ``(n, len(LABELS))``: `reasons` are the categories at or above their
    `thresholds`, `flagged` whether a `flag_on` label reaches its flag threshold; an attack category
    (:data:`ATTACK_CATEGORIES`) flags only where `abuse` is at least `abuse_floor` too (a threat head alone
    reading "my feet are killing me" as a threat, against an abuse head that sees no abuse, shows as a
    reason but does not flag)."""
    out = []
    for row, flagged in zip(proba, flag_mask(proba, flag_on, flag_thresholds, abuse_floor), strict=True):
        cats = {c: round(float(p), 6) for c, p in zip(CATEGORIES, row[1:], strict=True)}
        reasons = sorted((c for c in CATEGORIES if cats[c] >= thresholds[c]), key=lambda c: -cats[c])
        out.append(Score(abuse=round(float(row[0]), 6), flagged=bool(flagged), reasons=reasons, categories=cats))
    return out


def flag_mask(
    proba: np.ndarray, flag_on: Sequence[str], flag_thresholds: Mapping[str, float], abuse_floor: float = 0.0
) -> np.ndarray:
    """The `flagged` verdict of :func:`decide` for every row of `proba`, as one boolean array: the flag rule
    in one place, for serving and for training's choice of the floor."""
    proba = np.asarray(proba, dtype=float).reshape(-1, len(LABELS))
    flag_columns = [LABELS.index(label) for label in flag_on]
    reached = proba[:, flag_columns] >= np.array([flag_thresholds[label] for label in flag_on])
    unfloored = np.array([label not in ATTACK_CATEGORIES for label in flag_on], dtype=bool)
    return (reached & (unfloored | (proba[:, [0]] >= abuse_floor))).any(axis=1)


def page_lines(page: str) -> list[tuple[int, str]]:
    """The non-empty lines of a page as (1-based line number, text)."""
    return [(i, line.strip()) for i, line in enumerate(page.splitlines(), start=1) if line.strip()]


class Moderator:
    """Scores comments and segments pages with one verified model bundle.

    >>> mod = Moderator.load()                              # doctest: +SKIP
    >>> mod.score(["you are a fine writer"])[0].flagged     # doctest: +SKIP
    False
    """

    def __init__(self, bundle: Bundle, flag_on: str | Sequence[str] | None = None) -> None:
        for name in ("abuse", "segmenter"):
            if name not in bundle.card.get("artifacts", {}):
                raise BundleError(f"bundle {bundle.path} has no {name} model")
        if "abuse" not in bundle.models:
            raise BundleError(f"bundle {bundle.path}: the abuse model was not loaded")
        self.bundle = bundle
        self.abuse_model = bundle.models["abuse"]
        self.scorer: AbuseModel = compile_abuse_model(self.abuse_model)
        prepare()  # the normaliser's character tables, with the model, before any worker is forked
        thresholds = bundle.card.get("thresholds", {})
        missing = [label for label in LABELS if label not in thresholds]
        if missing:
            raise BundleError(f"bundle {bundle.path}: card has no threshold for {', '.join(missing)}")
        self.thresholds: dict[str, float] = {label: float(thresholds[label]) for label in LABELS}
        policy = bundle.card.get("flag_policy", {})
        self.flag_on: tuple[str, ...] = parse_flag_on(flag_on) or parse_flag_on(policy.get("flag_on")) or ("abuse",)
        self.flag_thresholds: dict[str, float] = {**self.thresholds, **policy.get("thresholds", {})}
        self.abuse_floor = float(policy.get("abuse_floor", 0.0))

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str] | None = None,
        flag_on: str | Sequence[str] | None = None,
        models: Collection[str] | None = None,
    ) -> Moderator:
        """Verify and load a bundle (default: `$MODERATION_MODEL` or the shipped one).

        `flag_on` overrides the card's flag policy: the labels whose threshold flags a comment. `models`
        names the bundle models to load (default all; :data:`SCORING_MODELS` for scoring alone): a method
        that needs one left on disk raises :class:`~moderation.errors.BundleError`.
        """
        return cls(load_bundle(path, models), flag_on)

    def _model(self, name: str) -> Any:
        """The bundle's `name` model, ``None`` when the bundle has none; an error when it has one that was
        not loaded (never a silent fallback to scoring without it)."""
        if name in self.bundle.models:
            return self.bundle.models[name]
        if name in self.bundle.card.get("artifacts", {}):
            raise BundleError(f"bundle {self.path}: the {name} model was not loaded (see Moderator.load's models)")
        return None

    @property
    def segmenter(self) -> PageSegmenter:
        """The page segmenter."""
        segmenter: PageSegmenter = self._model("segmenter")
        return segmenter

    @property
    def card(self) -> dict[str, Any]:
        return self.bundle.card

    @property
    def path(self) -> Path:
        return self.bundle.path

    @property
    def name(self) -> str:
        return str(self.card.get("name", self.path.name))

    @property
    def version(self) -> str:
        return str(self.card.get("version", "unknown"))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Raw probabilities ``(n, len(LABELS))`` in :data:`LABELS` order."""
        if len(texts) == 0:
            return np.zeros((0, len(LABELS)))
        # A pipeline that is not compiled still skips scikit-learn's per-call checks: its own inputs are
        # known good. Thread-local, so nothing leaks out.
        with config_context(skip_parameter_validation=True, assume_finite=True):
            return self.scorer.predict_proba(list(texts))

    def decide(self, proba: np.ndarray) -> list[Score]:
        """Turn probability rows into verdicts with the card's thresholds."""
        return decide(proba, self.thresholds, self.flag_on, self.flag_thresholds, self.abuse_floor)

    @property
    def span_cutoff(self) -> float:
        """What a word needs to be highlighted, chosen on the Toxic Spans trial split: the span tagger's
        probability where the bundle has a tagger, else the fall in logits its removal causes."""
        return float(self.card.get("explanations", {}).get("cutoff", DEFAULT_SPAN_CUTOFF))

    def explain(self, text: str, score: Score | None = None) -> list[Span]:
        """The spans of `text` a moderator should see highlighted, with offsets into `text`: at least one when
        the comment is flagged or has a reason (a category at or above its threshold), and with a span tagger
        none otherwise. `score` is the text's own, if known."""
        if score is None:
            [score] = self.decide(self.predict_proba([text]))
        return explain(self.scorer, text, self.span_cutoff, self._model("spans"), toxic=score.toxic)

    def score(self, texts: Sequence[str], explain: bool = False) -> list[Score]:
        """Score comments for abuse, one :class:`Score` per text, in order; with `explain`, add their spans."""
        scores = self.decide(self.predict_proba(texts))
        if explain:
            scores = [replace(s, spans=self.explain(t, s)) for s, t in zip(scores, texts, strict=True)]
        return scores

    def segment(self, page: str) -> list[Block]:
        """Label every non-empty line of a plain-text page and score the comments."""
        lines = page_lines(page)
        texts = [text for _, text in lines]
        proba = self.segmenter.predict_proba(texts)
        labels = self.segmenter.decode_proba(proba)
        names = [SEGMENT_LABELS[lab] for lab in labels]
        comment_idx = [i for i, name in enumerate(names) if name == "comment"]
        scores = dict(zip(comment_idx, self.score([texts[i] for i in comment_idx]), strict=True))
        grouping = group_comments(texts, names)
        return [
            Block(
                line=line,
                text=text,
                label=names[i],
                comment_probability=round(float(proba[i, 1]), 6),
                score=scores.get(i),
                comment_index=grouping[i],
            )
            for i, (line, text) in enumerate(lines)
        ]
