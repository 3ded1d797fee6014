"""Page segmentation: label every block of a page `article`, `comment` or `boilerplate`.

Three parts, each usable alone: :func:`block_features` describes each block and its neighbours,
:class:`PageSegmenter` turns text and features into per-block label probabilities, and :func:`decode`
finds the best labelling under the page grammar "article blocks, then comment blocks, boilerplate
anywhere" (Viterbi over the block probabilities with transition scores fitted on training pages).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from .normalize import TextNormalizer, normalize
from .vectorize import CompactTfidfVectorizer, WordwiseCharTfidf

SEGMENT_LABELS: tuple[str, ...] = ("article", "comment", "boilerplate")
"""Block labels, in the column order of every probability array."""

ARTICLE, COMMENT, BOILERPLATE = range(3)

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|me|my|mine|we|us|our)\b")
_SECOND_PERSON = re.compile(r"\b(you|your|you're|yours|u)\b")
_TIME = re.compile(
    r"\b(\d{1,2}:\d{2}\s*(am|pm)?|\d{1,2}(st|nd|rd|th)?,? \d{4}"
    r"|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}"
    r"|\d+ (minutes?|hours?|days?|weeks?|months?|years?) ago|yesterday|today)\b"
)
_SAYS = re.compile(r"\b(says|said|wrote|writes|replied)\s*:?\s*$")
_BYLINE = re.compile(r"^(?:(?:posted|written|submitted|comment(?:ed)?|reply|replied)\s+(?:by|from)|by)\s+\w")
_URL = re.compile(r"https?://|www\.|\.com\b")
_MENTION = re.compile(r"(^|\s)@\w")

_OWN = (
    "log_chars",
    "log_words",
    "mean_word_len",
    "upper_ratio",
    "digit_ratio",
    "punct_ratio",
    "ends_sentence",
    "n_sentences",
    "first_person",
    "second_person",
    "question",
    "exclaim",
    "time_like",
    "says_line",
    "url_like",
    "mention",
    "title_case",
)
_CONTEXT_OFFSETS = (-2, -1, 1, 2)


def _own_features(text: str, norm: str) -> list[float]:
    n_chars = max(len(text), 1)
    words = _WORD.findall(norm)
    n_words = len(words)
    tokens = text.split()
    return [
        np.log1p(len(text)),
        np.log1p(n_words),
        float(np.mean([len(w) for w in words])) if words else 0.0,
        sum(c.isupper() for c in text) / n_chars,
        sum(c.isdigit() for c in text) / n_chars,
        sum((not c.isalnum()) and not c.isspace() for c in text) / n_chars,
        float(text.rstrip()[-1:] in ".!?\"'\u201d\u2019)" if text.strip() else 0.0),
        float(np.log1p(len(re.findall(r"[.!?]+(\s|$)", text)))),
        len(_FIRST_PERSON.findall(norm)) / max(n_words, 1),
        len(_SECOND_PERSON.findall(norm)) / max(n_words, 1),
        float("?" in text),
        float("!" in text),
        float(bool(_TIME.search(norm))),
        float(bool(_SAYS.search(norm))),
        float(bool(_URL.search(norm))),
        float(bool(_MENTION.search(text))),
        sum(t[:1].isupper() for t in tokens) / max(len(tokens), 1),
    ]


def _shift(values: np.ndarray, offset: int) -> np.ndarray:
    """`values` moved by `offset` rows (row i gets row i+offset), zeros beyond the page's ends."""
    n = values.shape[0]
    out = np.zeros_like(values)
    if abs(offset) >= n:
        return out
    if offset < 0:
        out[-offset:] = values[: n + offset]
    else:
        out[: n - offset] = values[offset:]
    return out


def _context(values: np.ndarray, names: Sequence[str]) -> dict[str, np.ndarray]:
    """Neighbour copies of per-block `values` (2 and 1 before, 1 and 2 after) and the means over the 5
    blocks before and the 5 after, so a classifier sees each block in its surroundings."""
    out: dict[str, np.ndarray] = {}
    n = values.shape[0]
    csum = np.vstack([np.zeros((1, values.shape[1])), np.cumsum(values, axis=0)])
    idx = np.arange(n)
    lo, hi = np.maximum(idx - 5, 0), np.minimum(idx + 6, n)
    before = (csum[idx] - csum[lo]) / np.maximum(idx - lo, 1)[:, None]
    after = (csum[hi] - csum[idx + 1]) / np.maximum(hi - idx - 1, 1)[:, None]
    for j, name in enumerate(names):
        for off in _CONTEXT_OFFSETS:
            out[f"{name}@{off:+d}"] = _shift(values[:, j], off)
        out[f"{name}@before"] = before[:, j]
        out[f"{name}@after"] = after[:, j]
    return out


def block_features(texts: Sequence[str], normalized: Sequence[str] | None = None) -> np.ndarray:
    """Shape features of every block of a page, ``(n_blocks, n_features)``.

    The block's own features (length, punctuation, person, questions, timestamps, "X says:" lines,
    links, mentions), its place in the page, and the same features of the blocks around it.
    `normalized` is each block's :func:`normalize` form, when the caller has it already.
    """
    n = len(texts)
    if normalized is None:
        normalized = [normalize(t) for t in texts]
    own = np.array([_own_features(t, m) for t, m in zip(texts, normalized, strict=True)], dtype=float)
    own = own.reshape(n, len(_OWN))
    position = np.arange(n) / max(n - 1, 1)
    place = np.column_stack([position, position**2, np.full(n, np.log1p(n))])
    return np.column_stack([own, place, *_context(own, _OWN).values()])


def decode(log_probs: np.ndarray, log_trans: np.ndarray, log_start: np.ndarray) -> np.ndarray:
    """Best labelling of a page under the grammar: boilerplate/article*, then comment/boilerplate*.

    Four hidden states: 0 boilerplate before the comments, 1 article, 2 boilerplate among the
    comments, 3 comment. Moves from the comment states (2, 3) back to the article states (0, 1) are
    forbidden, so no article block ever follows a comment. `log_probs` is ``(n_blocks, 3)`` in
    :data:`SEGMENT_LABELS` order; `log_trans` ``(4, 4)`` and `log_start` ``(4,)`` score the moves.
    Returns the label index of each block.
    """
    n = log_probs.shape[0]
    if n == 0:
        return np.zeros(0, dtype=int)
    emit_label = np.array([BOILERPLATE, ARTICLE, BOILERPLATE, COMMENT])
    trans = log_trans.copy()
    trans[2:, :2] = -np.inf
    emissions = log_probs[:, emit_label]
    score = log_start + emissions[0]
    back = np.zeros((n, 4), dtype=int)
    for i in range(1, n):
        cand = score[:, None] + trans
        back[i] = np.argmax(cand, axis=0)
        score = cand[back[i], np.arange(4)] + emissions[i]
    states = np.zeros(n, dtype=int)
    states[-1] = int(np.argmax(score))
    for i in range(n - 1, 0, -1):
        states[i - 1] = back[i, states[i]]
    return emit_label[states]


def _states(labels: Sequence[int]) -> list[int]:
    """The hidden-state path of a labelled page (see :func:`decode`)."""
    out, in_comments = [], False
    for label in labels:
        in_comments = in_comments or label == COMMENT
        out.append({ARTICLE: 1, COMMENT: 3}.get(label, 2 if in_comments else 0))
    return out


def grammar_scores(labels: Sequence[Sequence[str]], weights: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Log transition ``(4, 4)`` and start ``(4,)`` scores of :func:`decode`'s hidden states, counted over
    labelled pages (each counting `weights` times, with one pseudo-count per move), forbidden moves at -inf."""
    counts, starts = np.ones((4, 4)), np.ones(4)
    for page_labels, weight in zip(labels, weights, strict=True):
        if not page_labels:
            continue
        path = _states([SEGMENT_LABELS.index(lab) for lab in page_labels])
        starts[path[0]] += weight
        for a, b in itertools.pairwise(path):
            counts[a, b] += weight
    counts[2:, :2] = 0
    with np.errstate(divide="ignore"):
        log_trans = np.log(counts / counts.sum(axis=1, keepdims=True))
    return log_trans, np.log(starts / starts.sum())


class PageSegmenter(ClassifierMixin, BaseEstimator):
    """Two-stage block classifier plus grammar decoder over whole pages.

    Stage one reads each block's text alone: word n-grams and, when `char_C` is set, character n-grams
    too, each TF-IDF into its own logistic regression. Stage two sees stage one's probabilities for the
    block and its neighbours together with the shape features of :func:`block_features`, so a block's
    label depends on the page around it. Stage two trains on out-of-fold stage-one outputs (folds by
    page), so it learns how far to trust stage one on text it has not seen. :func:`decode` then enforces
    the page grammar.

    `fit` takes pages (each a list of block texts) and their label lists; `predict_proba` gives the
    per-block probabilities of one page, `predict` its decoded labels.

    Parameters
    ----------
    C : inverse regularisation of stage two.
    text_C : inverse regularisation of the word model of stage one.
    char_C : inverse regularisation of the character model of stage one; None (the default) leaves it
        out (``benchmarks/segment_dev.py --char-C`` compares; the README gives the figures).
    transition_weight : how strongly the fitted transition scores weigh against block evidence (see
        ``benchmarks/segment_dev.py``: stronger weights find fewer comments on pages without any, and miss
        more on pages made of an article and its comments alone).
    max_features : size of each block text vocabulary.
    n_folds : folds for the out-of-fold stage-one outputs.
    random_state : seed of the fold assignment.
    stage_two : ``logistic`` (logistic regression) or ``boosting`` (histogram gradient boosting).
    """

    def __init__(
        self,
        C: float = 1.0,
        text_C: float = 4.0,
        char_C: float | None = None,
        transition_weight: float = 0.5,
        max_features: int = 100_000,
        n_folds: int = 4,
        random_state: int = 0,
        stage_two: str = "logistic",
    ) -> None:
        self.C = C
        self.text_C = text_C
        self.char_C = char_C
        self.transition_weight = transition_weight
        self.max_features = max_features
        self.n_folds = n_folds
        self.random_state = random_state
        self.stage_two = stage_two

    def _reader(self, vectorizer: CompactTfidfVectorizer, C: float) -> Pipeline:
        """A stage-one model: normalised block text, `vectorizer`, logistic regression with `C`."""
        clf = LogisticRegression(C=C, max_iter=2000)
        return Pipeline([("normalize", TextNormalizer()), ("tfidf", vectorizer), ("clf", clf)])

    def _text_model(self) -> Pipeline:
        """Stage one on words: TF-IDF word uni- and bigrams."""
        vectorizer = CompactTfidfVectorizer(
            lowercase=False, ngram_range=(1, 2), min_df=2, max_features=self.max_features, sublinear_tf=True,
            dtype=np.float32,
        )  # fmt: skip
        return self._reader(vectorizer, self.text_C)

    def _char_model(self) -> Pipeline:
        """Stage one on characters: TF-IDF character 2- to 4-grams within words, counted word by word with
        each word's counts remembered (:class:`WordwiseCharTfidf`)."""
        vectorizer = WordwiseCharTfidf(
            lowercase=False, analyzer="char_wb", ngram_range=(2, 4), min_df=3, max_features=self.max_features,
            sublinear_tf=True, dtype=np.float32,
        )  # fmt: skip
        return self._reader(vectorizer, self.char_C)

    def _stage_one(self) -> list[Pipeline]:
        """Unfitted stage-one models, in the order stage two reads their outputs."""
        return [self._text_model()] + ([self._char_model()] if self.char_C is not None else [])

    @staticmethod
    def _stage_two(shape: np.ndarray, text_probas: Sequence[np.ndarray]) -> np.ndarray:
        columns = [shape]
        for k, text_proba in enumerate(text_probas):
            logp = np.log(np.clip(text_proba, 1e-6, 1.0))
            context = _context(logp, [f"text{k}_{label}" for label in SEGMENT_LABELS])
            columns += [logp, *context.values()]
        return np.column_stack(columns)

    def fit(self, pages: Sequence[Sequence[str]], labels: Sequence[Sequence[str]]) -> PageSegmenter:
        kept = [(list(p), list(lab)) for p, lab in zip(pages, labels, strict=True) if len(p)]
        sizes = [len(p) for p, _ in kept]
        bounds = np.r_[0, np.cumsum(sizes)]
        texts = [t for p, _ in kept for t in p]
        y = np.array([SEGMENT_LABELS.index(lab) for _, page_labels in kept for lab in page_labels])

        # Every stage-one model starts by normalising the text, a stateless step: normalise once, and fit
        # and apply each model's later steps to the normalised blocks.
        normalized = [normalize(t) for t in texts]
        fold_of_page = np.random.default_rng(self.random_state).integers(0, self.n_folds, len(kept))
        fold = np.repeat(fold_of_page, sizes)
        oof = [np.zeros((len(texts), len(SEGMENT_LABELS))) for _ in self._stage_one()]
        for k in range(self.n_folds):
            held = fold == k
            fit_texts = [t for t, h in zip(normalized, held, strict=True) if not h]
            held_texts = [t for t, h in zip(normalized, held, strict=True) if h]
            for out, model in zip(oof, self._stage_one(), strict=True):
                out[held] = model[1:].fit(fit_texts, y[~held]).predict_proba(held_texts)
        self.text_model_, *chars = self._stage_one()
        for model in [self.text_model_, *chars]:
            model[1:].fit(normalized, y)
        self.char_model_ = chars[0] if chars else None

        features = np.vstack(
            [
                self._stage_two(
                    block_features(p, normalized[bounds[k] : bounds[k + 1]]),
                    [out[bounds[k] : bounds[k + 1]] for out in oof],
                )
                for k, (p, _) in enumerate(kept)
            ]
        )
        if self.stage_two == "boosting":
            clf = HistGradientBoostingClassifier(
                max_iter=300, learning_rate=0.1, l2_regularization=1.0, random_state=self.random_state
            )
        else:
            clf = LogisticRegression(C=self.C, max_iter=3000)
        self.block_model_ = Pipeline([("scale", StandardScaler()), ("clf", clf)]).fit(features, y)

        self.log_trans_, self.log_start_ = grammar_scores([lab for _, lab in kept], [1.0] * len(kept))
        self.classes_ = np.array(SEGMENT_LABELS)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Per-block probabilities ``(n_blocks, 3)`` in :data:`SEGMENT_LABELS` order, before decoding."""
        check_is_fitted(self, "block_model_")
        if len(texts) == 0:
            return np.zeros((0, len(SEGMENT_LABELS)))
        blocks = list(texts)
        # Bundles from before the character model have no `char_model_`.
        models = [self.text_model_, getattr(self, "char_model_", None)]
        # Every stage-one model starts by normalising the text, as block_features does: do it once for all.
        normalized = [normalize(t) for t in blocks]
        text_probas = [model[1:].predict_proba(normalized) for model in models if model is not None]
        return self.block_model_.predict_proba(self._stage_two(block_features(blocks, normalized), text_probas))

    def decode_proba(self, proba: np.ndarray) -> np.ndarray:
        """Decoded label indices for one page's block probabilities."""
        log_probs = np.log(np.clip(proba, 1e-12, 1.0))
        w = self.transition_weight
        return decode(log_probs, w * self.log_trans_, w * self.log_start_)

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The decoded label of every block of one page."""
        return [SEGMENT_LABELS[i] for i in self.decode_proba(self.predict_proba(texts))]


def _is_comment_header(text: str) -> bool:
    """A short line that marks where a comment starts: a date or time, "X says:", "Posted by X"."""
    norm = normalize(text)
    if len(norm) > 100 or len(norm.split()) > 15:
        return False
    return bool(_TIME.search(norm) or _SAYS.search(norm) or _BYLINE.search(norm))


def _is_name_like(text: str) -> bool:
    """A short line that could be a commenter's name: a few words, no sentence punctuation."""
    stripped = text.strip()
    return 0 < len(stripped.split()) <= 5 and len(stripped) <= 40 and stripped[-1:] not in ".!?,;"


def group_comments(texts: Sequence[str], labels: Sequence[str]) -> list[int | None]:
    """Which comment each block belongs to: ``0, 1, ...`` for comment blocks, ``None`` for the rest.

    A comment starts at each run of header lines (dates, times, "X says:", "Posted by X") among the
    comment blocks, together with a name-like line just before the run ("Jack Friday" above "November 6th,
    2012"); the lines up to the next header belong to it. A page whose comments carry no header lines
    gives every comment block a comment of its own, since nothing tells where one ends.
    """
    positions = [i for i, label in enumerate(labels) if label == "comment"]
    header = {i: _is_comment_header(texts[i]) for i in positions}
    starts: set[int] = set()
    previous: int | None = None
    for i in positions:
        if header[i] and (previous is None or not header[previous]):
            named = previous == i - 1 and not header[i - 1] and _is_name_like(texts[i - 1])
            starts.add(i - 1 if named else i)
        previous = i
    out: list[int | None] = [None] * len(labels)
    index = -1
    for i in positions:
        if not starts or i in starts or index < 0:
            index += 1
        out[i] = index
    return out
