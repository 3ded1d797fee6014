"""Explanations: the spans of a comment that drove its scores, as character offsets into the original text.

Attribution is by occlusion: each word of the comment (a word of the *normalised* text, so a disguised
word such as ``f u c k`` is one word) is removed in turn and the comment re-scored; the fall in a label's
decision value is that word's weight for the label. Occlusion sees every feature the model uses (n-grams,
attack patterns, masking of identity terms and mentioned words) without bookkeeping, and costs one
extra scoring per word, paid only when an explanation is asked for.

Which words are highlighted is decided, where the bundle has one, by a :class:`SpanTagger`: a logistic
regression over each word's occlusion weights, the word itself, its character n-grams and its
neighbours, trained on the spans people marked in the Toxic Spans training comments, then gradient-boosted
trees that read that probability against the rest of the comment, and a decoder that highlights the few
words with the best expected F1. Occlusion says what moved the model; the tagger learns which of those
words people mark as the toxic part. A bundle without a tagger highlights the words whose toxicity weight
reaches a cutoff.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.utils.validation import check_is_fitted

from .compiled import AbuseModel
from .datasets import CATEGORIES, LABELS
from .lexicon import WORD_CLASSES, word_classes
from .normalize import normalize, normalize_with_offsets

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
    strength: np.ndarray | None = None,
) -> list[Span]:
    """Words whose weight for a `select` label (or whose `strength`, given one per word) reaches `cutoff`,
    adjacent ones merged into one span.

    `weights` is ``(n_words, len(LABELS))``. Each span is labelled with the category among `labels` its
    words raise most, and that category's weight (for a merged span, its strongest word's).
    """
    chosen = weights[:, [LABELS.index(label) for label in select]].max(axis=1) if strength is None else strength
    by_label = weights[:, [LABELS.index(label) for label in labels]]
    out: list[Span] = []
    for (start, end), value, row in zip(spans, chosen, by_label, strict=True):
        if value < cutoff:
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


@dataclass(frozen=True)
class Words:
    """One comment's highlightable words: offsets into the text, normalised forms, occlusion weights."""

    spans: list[tuple[int, int]]
    forms: list[str]
    weights: np.ndarray


def comment_words(model: AbuseModel, text: str) -> Words:
    """The words of `text` with their occlusion weights for every label (see :func:`word_weights`)."""
    spans, weights = word_weights(model, text)
    return Words(spans, [normalize(text[a:b]).strip() for a, b in spans], weights)


def _words_of(model: AbuseModel, texts: Sequence[str]) -> list[Words]:
    """:func:`comment_words` of each of `texts`, in order (one process's share of :func:`comments_words`)."""
    return [comment_words(model, text) for text in texts]


def comments_words(model: AbuseModel, texts: Sequence[str], n_jobs: int | None = None) -> list[Words]:
    """:func:`comment_words` of every text, in `n_jobs` processes (joblib's meaning; ``None`` is one): the
    occlusion of a training set's comments is minutes of one core's work. The same words and weights
    whatever `n_jobs` is."""
    jobs = effective_n_jobs(n_jobs)
    if jobs == 1 or len(texts) < 100:
        return _words_of(model, texts)
    chunks = [list(chunk) for chunk in np.array_split(np.asarray(texts, dtype=object), 4 * jobs) if len(chunk)]
    parts = Parallel(n_jobs=jobs)(delayed(_words_of)(model, chunk) for chunk in chunks)
    return [words for part in parts for words in part]


def word_features(words: Words) -> list[dict[str, Any]]:
    """What the tagger reads of each word: its form, its neighbours' forms and its occlusion weights (as
    they are and their positive parts, so a word that lowers a score is not simply a weak one)."""
    forms = words.forms
    out = []
    for i, form in enumerate(forms):
        row: dict[str, Any] = {
            "word": form,
            f"w={form}": 1.0,
            f"prev={forms[i - 1] if i else '^'}": 1.0,
            f"next={forms[i + 1] if i + 1 < len(forms) else '$'}": 1.0,
        }
        for label, weight in zip(LABELS, words.weights[i], strict=True):
            row[f"occ_{label}"] = float(weight)
            row[f"occ+_{label}"] = max(float(weight), 0.0)
        out.append(row)
    return out


class SpanTagger(ClassifierMixin, BaseEstimator):
    """Probability that a word belongs to what a person would mark as the toxic part of a comment.

    `fit` takes rows of :func:`word_features` and 0/1 labels (the word lies mostly inside a marked span);
    the word's form feeds a character n-gram TF-IDF, everything else a one-hot and numeric encoding, and a
    logistic regression with inverse regularisation `C` reads both: the first stage, which `predict_proba`
    gives. :func:`fit_tagger` adds a second stage, ``refiner_`` (read by :func:`tag_words`), and the
    ``decoder_`` parameters of :func:`expected_f1_choice`; a tagger pickled before them has neither.
    """

    def __init__(self, C: float = 0.3) -> None:
        self.C = C

    def _matrix(self, rows: Sequence[dict[str, Any]]) -> sparse.csr_matrix:
        plain = [{k: v for k, v in row.items() if k != "word"} for row in rows]
        chars = self.chars_.transform([row["word"] for row in rows])
        return sparse.hstack([self.encoder_.transform(plain), chars]).tocsr()

    def fit(self, rows: Sequence[dict[str, Any]], y: Sequence[int]) -> SpanTagger:
        self.encoder_ = DictVectorizer().fit([{k: v for k, v in row.items() if k != "word"} for row in rows])
        self.chars_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=2, sublinear_tf=True)
        self.chars_.fit([row["word"] for row in rows])
        self.model_ = LogisticRegression(C=self.C, solver="liblinear", max_iter=2000).fit(self._matrix(rows), y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, rows: Sequence[dict[str, Any]]) -> np.ndarray:
        check_is_fitted(self, "model_")
        if not rows:
            return np.zeros((0, 2))
        return self.model_.predict_proba(self._matrix(rows))


TAGGER_FOLDS = 5
"""Folds for the out-of-fold first-stage probabilities the second stage learns from, and for the out-of-fold
second-stage probabilities the decoder is chosen on (all within the training comments)."""

DECODER_GRID: tuple[tuple[float, float], ...] = tuple(
    (alpha, power) for alpha in (0.6, 0.8, 1.0, 1.5, 2.0, 3.0) for power in (1.0, 1.5, 2.0, 3.0)
)
"""The (alpha, power) pairs of :func:`expected_f1_choice` that training chooses from."""

_RANK_COLUMNS = 15
"""Columns of :func:`comment_features` before the occlusion weights and the lexicon classes."""


def comment_features(words: Words, proba: np.ndarray) -> np.ndarray:
    """What the second stage reads of each word of a comment, ``(n_words, n_columns)``: its first-stage
    probability and where that stands in the comment (share of the comment's highest, rank, the neighbours'
    up to two words away, the two highest, how many reach 0.3), the comment's length, the word's toxicity
    weight as a share of the comment's highest, its highest weight, its length and position, then its
    occlusion weight for every label and its lexicon classes. A word is marked or not against the rest of
    its comment: people mark the worst words of a comment, not every word that is somewhat rude."""
    n = len(proba)
    if n == 0:
        return np.zeros((0, _RANK_COLUMNS + len(LABELS) + len(WORD_CLASSES)))
    weights = words.weights
    toxicity = weights[:, LABELS.index("toxicity")]
    top = np.sort(proba)[::-1]
    padded = np.concatenate([[0.0, 0.0], proba, [0.0, 0.0]])
    columns = [
        proba,
        proba / max(float(top[0]), 1e-6),
        np.argsort(np.argsort(-proba, kind="stable"), kind="stable") / max(1, n - 1),
        padded[1 : n + 1],
        padded[3 : n + 3],
        padded[:n],
        padded[4 : n + 4],
        np.full(n, top[0]),
        np.full(n, top[1] if n > 1 else 0.0),
        np.full(n, float((proba >= 0.3).sum())),
        np.full(n, np.log1p(n)),
        toxicity / max(float(toxicity.max()), 1e-6),
        weights.max(axis=1),
        np.array([end - start for start, end in words.spans], dtype=float),
        np.arange(n) / n,
    ]
    classes = np.array([word_classes(form) for form in words.forms], dtype=float).reshape(n, len(WORD_CLASSES))
    return np.column_stack([*columns, weights, classes])


def expected_f1_choice(words: Words, proba: np.ndarray, alpha: float, power: float) -> np.ndarray:
    """Which of a comment's words to highlight, as a mask: the k most probable, k chosen for the best expected
    character F1 were each word marked with probability ``proba ** power``, the expected marked characters
    counted `alpha` times (above 1, fewer words). A cutoff shared by every comment highlights too much of a
    comment full of middling words and too little of one with several strong ones; this picks per comment.
    At least one word is chosen where there is one."""
    chosen = np.zeros(len(proba), dtype=bool)
    if not len(proba):
        return chosen
    lengths = np.array([end - start for start, end in words.spans], dtype=float)
    sharpened = np.clip(proba, 0.0, 1.0) ** power
    order = np.argsort(-sharpened, kind="stable")
    expected = np.cumsum(sharpened[order] * lengths[order])
    f1 = 2 * expected / (np.cumsum(lengths[order]) + alpha * float((sharpened * lengths).sum()))
    chosen[order[: int(np.argmax(f1)) + 1]] = True
    return chosen


def tag_words(tagger: SpanTagger, words: Words) -> np.ndarray:
    """What the tagger says of each of a comment's words: with a second stage, its probability for the words
    its decoder chooses and 0 for the rest; without one (taggers pickled before it), the first stage's
    probability of every word."""
    if not words.spans:
        return np.zeros(0)
    proba = tagger.predict_proba(word_features(words))[:, 1]
    refiner = getattr(tagger, "refiner_", None)
    if refiner is None:
        return proba
    proba = refiner.predict_proba(comment_features(words, proba))[:, 1]
    return np.where(expected_f1_choice(words, proba, *tagger.decoder_), proba, 0.0)


def highlight(text: str, words: Words, strength: np.ndarray | None, cutoff: float, toxic: bool = False) -> list[Span]:
    """The spans to highlight among `words`: those whose `strength` (the tagger's probabilities, or without
    them the toxicity weights) reaches `cutoff`. In a comment the model finds `toxic`, at least its strongest
    word is highlighted even below the cutoff: a moderator shown an abusive comment should see why. The
    tagger learnt from toxic comments only, so it knows which of a toxic comment's words are the toxic part
    but not whether a comment is toxic: with its probabilities, a comment that is not `toxic` shows none."""
    if strength is not None and not toxic:
        return []
    spans = merge_spans(text, words.spans, words.weights, cutoff, strength=strength)
    if spans or not toxic or not words.spans:
        return spans
    chosen = strength if strength is not None else words.weights[:, LABELS.index(SELECT[0])]
    return merge_spans(text, words.spans, words.weights, float(np.max(chosen)), strength=chosen)


def explain(
    model: AbuseModel, text: str, cutoff: float, tagger: SpanTagger | None = None, toxic: bool = False
) -> list[Span]:
    """The spans of `text` a moderator should see highlighted: by the bundle's tagger where it has one, else
    by occlusion weight; at least one when the comment is `toxic` (see :func:`highlight`)."""
    if tagger is not None and not toxic:
        return []  # what highlight() would say, without the occlusion it would not use
    words = comment_words(model, text)
    return highlight(text, words, tag_words(tagger, words) if tagger is not None else None, cutoff, toxic)


def word_labels(words: Words, gold: set[int]) -> list[int]:
    """1 for each word at least half of whose characters are marked in `gold`, else 0."""
    return [int(2 * sum(c in gold for c in range(a, b)) >= b - a) for a, b in words.spans]


def _fit_first(words: Sequence[Words], labels: Sequence[np.ndarray], C: float) -> SpanTagger:
    """The first stage on the words of `words`, labelled per comment."""
    return SpanTagger(C=C).fit([row for w in words for row in word_features(w)], np.concatenate(labels))


REFINER_GRID: tuple[dict[str, Any], ...] = (
    {"max_iter": 400, "learning_rate": 0.05, "max_leaf_nodes": 31},
    {"max_iter": 400, "learning_rate": 0.05, "max_leaf_nodes": 15, "l2_regularization": 1.0},
    {"max_iter": 600, "learning_rate": 0.03, "max_leaf_nodes": 15, "l2_regularization": 1.0, "min_samples_leaf": 40},
)
"""The second stage's tree settings training chooses from (with the decoder, on the training comments'
out-of-fold F1): larger trees, then two smaller, regularised ones. Which wins moves with the occlusion weights
of the abuse model underneath, by a few thousandths of F1 (README, "Measured figures")."""


def _fit_second(
    features: Sequence[np.ndarray], labels: Sequence[np.ndarray], params: dict[str, Any] = REFINER_GRID[0]
) -> HistGradientBoostingClassifier:
    """The second stage on :func:`comment_features` rows, labelled per comment, with tree settings `params`."""
    trees = HistGradientBoostingClassifier(random_state=0, **params)
    return trees.fit(np.vstack(features), np.concatenate(labels))


def _first_fold(
    train: Sequence[Words], labels: Sequence[np.ndarray], test: Sequence[Words], C: float
) -> list[np.ndarray]:
    """First-stage probabilities of the words of `test` by a first stage fitted on `train` alone."""
    model = _fit_first(train, labels, C)
    return [model.predict_proba(word_features(w))[:, 1] if w.spans else np.zeros(0) for w in test]


def fit_tagger(
    texts: Sequence[str],
    words: Sequence[Words],
    gold: Sequence[set[int]],
    C: float = 0.3,
    folds: int = TAGGER_FOLDS,
    n_jobs: int | None = None,
) -> SpanTagger:
    """A :class:`SpanTagger` fitted on comments' words and the character offsets people marked in them.

    The first stage learns from every word. With `folds` of at least 2 (and both classes in every fold),
    the second stage learns from each word's first-stage probability given by a model that did not see its
    comment, read with the rest of the comment (:func:`comment_features`), and the decoder's parameters are
    the :data:`DECODER_GRID` pair with the best mean F1 over the training comments' out-of-fold second-stage
    probabilities, and so are the second stage's tree settings (:data:`REFINER_GRID`, recorded as
    ``refiner_params_``): nothing here looks at the split the cutoff is later chosen on. The first stage's
    folds are fitted in `n_jobs` processes; a process of its own computes with one BLAS thread, which moves
    the probabilities in the seventh decimal, so the fitted trees depend on `n_jobs` (the same `n_jobs` on
    the same machine gives the same bytes).
    """
    labels = [np.array(word_labels(w, g), dtype=int) for w, g in zip(words, gold, strict=True)]
    tagger = _fit_first(words, labels, C)
    splits = list(KFold(folds, shuffle=True, random_state=0).split(np.zeros(len(words)))) if folds >= 2 else []
    if not splits or any(len(np.unique(np.concatenate([labels[i] for i in train]))) < 2 for train, _ in splits):
        return tagger

    first: list[np.ndarray] = [np.zeros(0)] * len(words)
    parts = Parallel(n_jobs=n_jobs)(
        delayed(_first_fold)([words[i] for i in train], [labels[i] for i in train], [words[i] for i in test], C)
        for train, test in splits
    )
    for (_, test), part in zip(splits, parts, strict=True):
        for i, proba in zip(test, part, strict=True):
            first[i] = proba
    features = [comment_features(w, p) for w, p in zip(words, first, strict=True)]

    def mean_f1(second: Sequence[np.ndarray], decoder: tuple[float, float]) -> float:
        return float(
            np.mean(
                [
                    span_f1(offsets_of(highlight(t, w, expected_f1_choice(w, p, *decoder) * 1.0, 0.5, True)), g)
                    for t, w, p, g in zip(texts, words, second, gold, strict=True)
                ]
            )
        )

    best: tuple[float, int, tuple[float, float]] = (-1.0, 0, DECODER_GRID[0])
    for k, params in enumerate(REFINER_GRID):
        second: list[np.ndarray] = [np.zeros(0)] * len(words)
        for train, test in splits:
            trees = _fit_second([features[i] for i in train], [labels[i] for i in train], params)
            for i in test:
                second[i] = trees.predict_proba(features[i])[:, 1] if words[i].spans else np.zeros(0)
        decoder = max(DECODER_GRID, key=lambda d, second=second: mean_f1(second, d))
        best = max(best, (mean_f1(second, decoder), -k, decoder))  # ties: the earlier setting
    tagger.refiner_params_ = dict(REFINER_GRID[-best[1]])
    tagger.refiner_ = _fit_second(features, labels, tagger.refiner_params_)
    tagger.decoder_ = best[2]
    return tagger


def choose_tagger_cutoff(
    tagger: SpanTagger,
    texts: Sequence[str],
    words: Sequence[Words],
    gold: Sequence[set[int]],
    toxic: Sequence[bool],
    grid: Sequence[float] | None = None,
) -> tuple[float, float]:
    """The probability cutoff in `grid` with the best mean Toxic Spans F1, and that F1; `toxic` says which
    comments count as toxic (see :func:`highlight`)."""
    proba = [tag_words(tagger, w) for w in words]
    best = (0.5, -1.0)
    for cutoff in grid if grid is not None else np.round(np.arange(0.05, 0.951, 0.05), 2):
        f1 = float(
            np.mean(
                [
                    span_f1(offsets_of(highlight(text, w, p, float(cutoff), t)), g)
                    for text, w, p, g, t in zip(texts, words, proba, gold, toxic, strict=True)
                ]
            )
        )
        if f1 > best[1]:
            best = (float(cutoff), f1)
    return best


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
