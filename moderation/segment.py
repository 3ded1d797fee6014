"""Page segmentation: label every block of a page `article`, `comment` or `boilerplate`.

Three parts, each usable alone: :func:`block_features` describes each block and its neighbours,
:class:`PageSegmenter` turns text and features into per-block label probabilities, and :func:`decode`
finds the best labelling under the page grammar "article blocks, then comment blocks, boilerplate
anywhere" (Viterbi over the block probabilities with transition scores fitted on training pages).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
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

_CONVERSATION = """
lol lmao haha hahaha thanks thank thx great agree disagree yes yeah yep no nope ok okay wow please sorry love hate
think thought guess hope wish article post author comment comments reply replied said says wrote read really just
oh well actually maybe totally honestly seriously like im i'm you're don't can't won't didn't doesn't isn't it's
that's there's what's i've i'd i'll you've you'll we're they're let's
"""
STYLE_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | frozenset(_CONVERSATION.split())
"""Words :func:`style_view` keeps: closed-class words (pronouns, determiners, auxiliaries, conjunctions) and the
words of conversation ("thanks", "agree", "lol", "article"), which no site owns."""
_STYLE_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+|\?+|!+|\.\.+|[:;]-?[()dp]|[^\w\s]")


@functools.lru_cache(maxsize=65_536)
def _style_token(token: str) -> str:
    """One token of :func:`style_view` (memoised: a page's words repeat, and so do a site's)."""
    if token[0].isalpha():
        return token if token in STYLE_WORDS else ("w" if len(token) < 7 else "ww")
    if token[0].isdigit():
        return "n"
    if token[0] in "?!" or token[:2] == "..":
        return token[0] * min(len(token), 2)
    return ":)" if len(token) > 1 else token


def style_view(text: str) -> str:
    """A normalised block reduced to how it is written: the :data:`STYLE_WORDS` it holds, every other word as
    its length class (``w`` or ``ww``), numbers as ``n``, and its punctuation.

    "Can I use bread flour instead?" reads ``can i w w w ww ?``. A block model on words learns the
    topics of the sites it was trained on; the same model on this view learns what a reader's reply looks
    like on any site.
    """
    return " ".join(_style_token(t) for t in _STYLE_TOKEN.findall(text)) or "empty"


class StyleView(TransformerMixin, BaseEstimator):
    """Stateless transformer applying :func:`style_view` to each (normalised) text, inside a `Pipeline`."""

    def fit(self, X: Sequence[str], y: object = None) -> StyleView:
        return self

    def transform(self, X: Sequence[str]) -> list[str]:
        return [style_view(str(x)) for x in X]


_LOGGED = [_OWN.index(name) for name in ("log_chars", "log_words", "n_sentences")]
"""Columns of :func:`_own_features` that are counts, log-scaled."""
_SENTENCE_END = re.compile(r"[.!?]+(\s|$)")


_ASCII_UPPER = bytes(range(65, 91))
_ASCII_DIGITS = b"0123456789"
_ASCII_ALNUM = _ASCII_UPPER + _ASCII_UPPER.lower() + _ASCII_DIGITS
_ASCII_SPACE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
"""The ASCII characters for which ``str.isupper``, ``isdigit``, ``isalnum`` and ``isspace`` hold."""
_TITLE_ASCII = re.compile(r"(?<!\S)[A-Z]")
_TITLE_OTHER = re.compile(r"(?<!\S)[^\x00-\x7f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _character_counts(text: str) -> tuple[int, int, int, int, int]:
    """How many of `text`'s characters are upper case, digits, letters or digits, and white space, and how many
    of its white-space separated tokens start upper case, as ``str.isupper`` and its kind count them: the
    ASCII characters by deleting byte classes, at C speed, and only the others one by one."""
    raw = text.encode("ascii", "ignore")
    n = len(raw)
    counts = [
        n - len(raw.translate(None, _ASCII_UPPER)),
        n - len(raw.translate(None, _ASCII_DIGITS)),
        n - len(raw.translate(None, _ASCII_ALNUM)),
        n - len(raw.translate(None, _ASCII_SPACE)),
        len(_TITLE_ASCII.findall(text)),
    ]
    if n < len(text):
        others = _NON_ASCII.findall(text)
        counts[0] += sum(map(str.isupper, others))
        counts[1] += sum(map(str.isdigit, others))
        counts[2] += sum(map(str.isalnum, others))
        counts[3] += sum(map(str.isspace, others))
        counts[4] += sum(map(str.isupper, _TITLE_OTHER.findall(text)))
    return counts[0], counts[1], counts[2], counts[3], counts[4]


def _own_features(text: str, norm: str, words: list[str]) -> list[float]:
    """A block's own shape features, from its text, its normalised form and that form's words."""
    n_chars = max(len(text), 1)
    n_words = len(words)
    upper, digits, alphanumeric, space, title = _character_counts(text)
    return [
        len(text),  # log1p taken in block_features, for the whole page at once
        n_words,
        sum(map(len, words)) / n_words if words else 0.0,
        upper / n_chars,
        digits / n_chars,
        (len(text) - alphanumeric - space) / n_chars,  # punctuation and symbols
        float(text.rstrip()[-1:] in ".!?\"'\u201d\u2019)" if text.strip() else 0.0),
        len(_SENTENCE_END.findall(text)),
        len(_FIRST_PERSON.findall(norm)) / max(n_words, 1),
        len(_SECOND_PERSON.findall(norm)) / max(n_words, 1),
        float("?" in text),
        float("!" in text),
        float(bool(_TIME.search(norm))),
        float(bool(_SAYS.search(norm))),
        float(bool(_URL.search(norm))),
        float(bool(_MENTION.search(text))),
        title / max(len(text.split()), 1),
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


_OVERLAP = ("seen_before", "in_lead", "no_content_word")
_LEAD_BLOCKS = 3


def block_words(normalized: Sequence[str]) -> list[list[str]]:
    """The words of each block's normalised text, as the shape and overlap features read them."""
    return [_WORD.findall(text) for text in normalized]


def overlap_features(words: Sequence[Sequence[str]]) -> np.ndarray:
    """How much of each block's vocabulary the page has used already, ``(n_blocks, 3)``, from each block's
    words (:func:`block_words`): the share of its content words (four letters or more, no
    :data:`STYLE_WORDS`) found in any block before it, the share found in the page's first blocks (headline
    and lead), and whether it has no content word at all.

    An article's closing paragraph goes on with the article's words; a reader's reply brings words of its
    own, however topical. Measured on the page itself, this holds on any site.
    """
    vocabularies = [frozenset(w for w in block if len(w) >= 4 and w not in STYLE_WORDS) for block in words]
    lead = frozenset().union(*vocabularies[:_LEAD_BLOCKS])
    seen: set[str] = set()
    rows = []
    for words in vocabularies:
        n = max(len(words), 1)
        rows.append([len(words & seen) / n, len(words & lead) / n, float(not words)])
        seen |= words
    return np.array(rows, dtype=float).reshape(len(vocabularies), len(_OVERLAP))


def block_features(texts: Sequence[str], normalized: Sequence[str] | None = None, overlap: bool = True) -> np.ndarray:
    """Shape features of every block of a page, ``(n_blocks, n_features)``.

    The block's own features (length, punctuation, person, questions, timestamps, "X says:" lines,
    links, mentions), its place in the page, the same features of the blocks around it, and, with
    `overlap`, how much of its vocabulary the page has used before (:func:`overlap_features`), with that of
    the blocks around it. `normalized` is each block's :func:`normalize` form, when the caller has it already.
    """
    n = len(texts)
    if normalized is None:
        normalized = [normalize(t) for t in texts]
    words = block_words(normalized)
    own = np.array([_own_features(*block) for block in zip(texts, normalized, words, strict=True)], dtype=float)
    own = own.reshape(n, len(_OWN))
    own[:, _LOGGED] = np.log1p(own[:, _LOGGED])
    position = np.arange(n) / max(n - 1, 1)
    place = np.column_stack([position, position**2, np.full(n, np.log1p(n))])
    columns = [own, place, *_context(own, _OWN).values()]
    if overlap:
        shared = overlap_features(words)
        columns += [shared, *_context(shared, _OVERLAP).values()]
    return np.column_stack(columns)


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

    Stage one reads each block's text alone: word n-grams, word n-grams of its :func:`style_view` when
    `style_C` is set, and character n-grams when `char_C` is set, each TF-IDF into its own logistic
    regression. Stage two sees stage one's probabilities for the
    block and its neighbours together with the shape features of :func:`block_features`, so a block's
    label depends on the page around it. Stage two trains on out-of-fold stage-one outputs, folds drawn
    per training page form: the forms of one source page fall in folds of their own, so stage one has often
    seen a held-out block in another form, and stage two learns to believe it. That is what finds bare
    reader comments, which have nothing but their words; folds grouped by source page read Dragnet's page
    structure better and bare comments far worse (README, "Measured figures"). :func:`decode` then
    enforces the page grammar.

    `fit` takes pages (each a list of block texts) and their label lists; `predict_proba` gives the
    per-block probabilities of one page, `predict` its decoded labels.

    Parameters
    ----------
    C : inverse regularisation of stage two.
    text_C : inverse regularisation of the word model of stage one.
    char_C : inverse regularisation of the character model of stage one; None (the default) leaves it
        out (``benchmarks/segment_dev.py --char-C`` compares; the README gives the figures).
    style_C : inverse regularisation of the style model of stage one (word 1-3-grams of
        :func:`style_view`, which keeps no topic word, so it reads a block as it would on any site); None
        leaves it out (``benchmarks/segment_dev.py --style-C`` compares; the README gives the figures).
    overlap : whether stage two also reads how much of each block's vocabulary the page has used before it
        (:func:`overlap_features`; a bundle from before it reads as without).
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
        style_C: float | None = 1.0,
        overlap: bool = True,
        transition_weight: float = 0.5,
        max_features: int = 100_000,
        n_folds: int = 4,
        random_state: int = 0,
        stage_two: str = "logistic",
    ) -> None:
        self.C = C
        self.text_C = text_C
        self.char_C = char_C
        self.style_C = style_C
        self.overlap = overlap
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

    def _style_model(self) -> Pipeline:
        """Stage one on style: TF-IDF word 1- to 3-grams of the block's :func:`style_view`."""
        vectorizer = CompactTfidfVectorizer(
            lowercase=False, token_pattern=r"\S+", ngram_range=(1, 3), min_df=3, sublinear_tf=True,
            dtype=np.float32,
        )  # fmt: skip
        clf = LogisticRegression(C=self.style_C, max_iter=2000)
        return Pipeline([("normalize", TextNormalizer()), ("style", StyleView()), ("tfidf", vectorizer), ("clf", clf)])

    def _stage_one(self) -> dict[str, Pipeline]:
        """Unfitted stage-one models by name (``text``, ``char``, ``style``), in the order stage two reads
        their outputs."""
        models = {"text": self._text_model()}
        if self.char_C is not None:
            models["char"] = self._char_model()
        if self.style_C is not None:
            models["style"] = self._style_model()
        return models

    def _fitted_stage_one(self) -> list[Pipeline]:
        """The fitted stage-one models, in :meth:`_stage_one` order (bundles from before the character or
        the style model have none)."""
        models = [self.text_model_, getattr(self, "char_model_", None), getattr(self, "style_model_", None)]
        return [model for model in models if model is not None]

    def __setstate__(self, state: dict[str, object]) -> None:
        # pickled before these existed: without them
        super().__setstate__({"char_C": None, "style_C": None, "overlap": False, **state})

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
            for out, model in zip(oof, self._stage_one().values(), strict=True):
                out[held] = model[1:].fit(fit_texts, y[~held]).predict_proba(held_texts)
        stage_one = self._stage_one()
        for model in stage_one.values():
            model[1:].fit(normalized, y)
        self.text_model_ = stage_one["text"]
        self.char_model_ = stage_one.get("char")
        self.style_model_ = stage_one.get("style")

        features = np.vstack(
            [
                self._stage_two(
                    block_features(p, normalized[bounds[k] : bounds[k + 1]], self.overlap),
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
        # Every stage-one model starts by normalising the text, as block_features does: do it once for all.
        normalized = [normalize(t) for t in blocks]
        text_probas = [model[1:].predict_proba(normalized) for model in self._fitted_stage_one()]
        return self.block_model_.predict_proba(
            self._stage_two(block_features(blocks, normalized, self.overlap), text_probas)
        )

    def decode_proba(self, proba: np.ndarray) -> np.ndarray:
        """Decoded label indices for one page's block probabilities."""
        log_probs = np.log(np.clip(proba, 1e-12, 1.0))
        w = self.transition_weight
        return decode(log_probs, w * self.log_trans_, w * self.log_start_)

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The decoded label of every block of one page."""
        return [SEGMENT_LABELS[i] for i in self.decode_proba(self.predict_proba(texts))]


def is_comment_header(text: str) -> bool:
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
    header = {i: is_comment_header(texts[i]) for i in positions}
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
