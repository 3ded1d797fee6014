"""A fitted abuse pipeline compiled for scoring: the same numbers, without scikit-learn's per-call machinery.

The fitted :func:`moderation.abuse.build_abuse_pipeline` stays the model (what training fits, the bundle
stores and evaluation reads). Scoring one comment through it, though, spends most of its time in
framework work that is right for fitting and wasted at inference: building a pandas frame, the
ColumnTransformer's dispatch and column checks, input validation in every step, stacking three sparse
blocks. :class:`CompiledAbuseModel` reads the fitted parts once and computes each feature block's share
of the decision values directly: n-gram counts, TF-IDF weighting and row norms on the count matrix's
arrays, one sparse-dense product per block. Its output equals the pipeline's to float32 rounding
(tested); a pipeline of another shape is not compiled and is scored as it is (:func:`compile_abuse_model`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

import numpy as np
from scipy import sparse
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from .abuse import MaskedLogisticHeads, TextViews, text_views
from .lexicon import AttackFeatures
from .vectorize import CompactTfidfVectorizer, WordwiseCharTfidf

log = logging.getLogger(__name__)


class AbuseModel(Protocol):
    """What scoring and explanations need of an abuse model: decision values and probabilities per label."""

    def decision_function(self, X: Sequence[str]) -> np.ndarray: ...

    def predict_proba(self, X: Sequence[str]) -> np.ndarray: ...


class _Tfidf:
    """A fitted TF-IDF vectorizer's weighting (sublinear term frequency, IDF, L2 rows) as array operations."""

    def __init__(self, vectorizer: TfidfVectorizer, weights: np.ndarray) -> None:
        self.sublinear = bool(vectorizer.sublinear_tf)
        self.idf = vectorizer.idf_.astype(np.float32) if vectorizer.use_idf else None
        self.weights = weights

    def decision(self, counts: sparse.csr_matrix) -> np.ndarray:
        """This block's share of the decision values for a count matrix with duplicates summed."""
        data = counts.data.astype(np.float32, copy=True)
        if self.sublinear:
            np.log(data, out=data)
            data += 1
        if self.idf is not None:
            data *= self.idf[counts.indices]
        rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        norms = np.sqrt(np.bincount(rows, weights=np.square(data, dtype=np.float64), minlength=counts.shape[0]))
        norms[norms == 0] = 1.0
        weighted = sparse.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)
        return np.asarray(weighted @ self.weights, dtype=np.float64) / norms[:, None]


def _as_compact(vectorizer: TfidfVectorizer) -> CompactTfidfVectorizer:
    """`vectorizer` itself, or a plain `TfidfVectorizer` read as a :class:`CompactTfidfVectorizer` (the same
    fitted attributes), so that its words are counted on token ids too."""
    if isinstance(vectorizer, CompactTfidfVectorizer):
        return vectorizer
    compact = CompactTfidfVectorizer.__new__(CompactTfidfVectorizer)
    compact.__dict__.update(vectorizer.__dict__)
    return compact


def _plain_words(vectorizer: object) -> bool:
    """Whether `vectorizer` is a word n-gram TF-IDF whose counts :meth:`CompactTfidfVectorizer.word_counts` gives."""
    return (
        type(vectorizer) in (TfidfVectorizer, CompactTfidfVectorizer)
        and vectorizer.norm == "l2"
        and CompactTfidfVectorizer.plain_words.fget(vectorizer)
    )


def _plain_chars(vectorizer: object) -> bool:
    """Whether `vectorizer` is a :class:`WordwiseCharTfidf` whose counts :meth:`WordwiseCharTfidf.counts` gives."""
    return (
        isinstance(vectorizer, WordwiseCharTfidf)
        and vectorizer.wordwise
        and vectorizer.norm == "l2"
        and not vectorizer.lowercase
        and vectorizer.strip_accents is None
        and vectorizer.preprocessor is None
    )


class CompiledAbuseModel:
    """The fitted abuse pipeline's `decision_function` and `predict_proba` on raw texts, computed directly.

    Build it with :func:`compile_abuse_model`, which checks the pipeline has the shape this reproduces.
    It holds no state of its own beyond the fitted parts (and their word caches), so it is as safe to
    share between threads as the pipeline.
    """

    def __init__(self, pipeline: Pipeline) -> None:
        features: ColumnTransformer = pipeline.named_steps["features"]
        self.heads: MaskedLogisticHeads = pipeline.named_steps["heads"]
        self.slur_masking = pipeline.named_steps["views"].slur_masking()
        self.spellings = pipeline.named_steps["views"].respellings()
        weights = self.heads.coef_by_feature()
        fitted = {name: (transformer, column) for name, transformer, column in features.transformers_}
        slices = features.output_indices_
        # A ColumnTransformer's transformer weights scale each block's features: fold them into its weights.
        scale = features.transformer_weights or {}
        block = {name: weights[slices[name]] * float(scale.get(name, 1.0)) for name in ("words", "chars", "attack")}
        words, chars = fitted["words"][0], fitted["chars"][0]
        self.attack: AttackFeatures = fitted["attack"][0]
        compact = _as_compact(words)
        compact.ngram_codes()  # now, in the process that loads the model, before any worker is forked
        self.word_counts = compact.count_matrix
        self.char_counts = chars.counts
        self.words = _Tfidf(words, block["words"])
        self.chars = _Tfidf(chars, block["chars"])
        self.attack_weights = block["attack"]

    @staticmethod
    def supports(pipeline: object) -> bool:
        """Whether `pipeline` is an abuse pipeline this class reproduces exactly."""
        if not isinstance(pipeline, Pipeline) or [name for name, _ in pipeline.steps] != ["views", "features", "heads"]:
            return False
        views, features, heads = (step for _, step in pipeline.steps)
        if not (
            isinstance(views, TextViews)
            and isinstance(heads, MaskedLogisticHeads)
            and hasattr(heads, "coef_")
            and isinstance(features, ColumnTransformer)
            and hasattr(features, "transformers_")
        ):
            return False
        fitted = {name: (transformer, column) for name, transformer, column in features.transformers_}
        expected = {"words": "masked", "chars": "masked", "attack": "text", "remainder": None}
        if set(fitted) - set(expected) or any(fitted[name][1] != column for name, column in expected.items() if column):
            return False
        remainder = fitted.get("remainder", ("drop", None))[0]
        return (
            remainder == "drop"
            and _plain_words(fitted["words"][0])
            and _plain_chars(fitted["chars"][0])
            and type(fitted["attack"][0]) is AttackFeatures
            and features.output_indices_["attack"].stop == heads.coef_.shape[1]
        )

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        """Uncalibrated decision values, ``(n_texts, n_labels)``, as the pipeline's."""
        texts, masked = text_views(X, *self.slur_masking, self.spellings)
        decision = self.words.decision(self.word_counts(masked))
        decision += self.chars.decision(self.char_counts(masked))
        decision += self.attack.counts(texts) @ self.attack_weights
        return decision + self.heads.intercept_

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, ``(n_texts, n_labels)``, as the pipeline's."""
        return self.heads.calibrate(self.decision_function(X))


def compile_abuse_model(pipeline: Pipeline) -> AbuseModel:
    """`pipeline` compiled for scoring, or `pipeline` itself when it has a shape :class:`CompiledAbuseModel`
    does not reproduce (a custom model in a bundle still scores, at the framework's speed)."""
    if CompiledAbuseModel.supports(pipeline):
        return CompiledAbuseModel(pipeline)
    log.info("abuse model %s is not the standard pipeline: scoring it through scikit-learn", type(pipeline).__name__)
    return pipeline
