"""The abuse model: normalised text → n-gram and attack features → one calibrated logistic head per label.

- Each head learns only from rows whose dataset annotates its label (NaN labels are masked out), so a
  tweet corpus that says nothing about threats never teaches the threat head that tweets are harmless.
- The n-gram features see the text with identity terms removed (:func:`moderation.lexicon.mask_identity`),
  so naming a group cannot raise a score, and with every slur (or misspelt slur) as one token, so a rare
  slur borrows the evidence of the common ones; the attack features
  (:class:`moderation.lexicon.AttackFeatures`) see the whole text.
- Each head's scores are calibrated (Platt scaling on out-of-fold decision values) to a stated prevalence
  of its label, so a probability means what it says in a comment stream where that share is abusive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .evaluate import at_prevalence
from .lexicon import (
    AttackFeatures,
    SortedSetState,
    english_vocabulary,
    mask_identity,
    mask_mentions,
    mask_slurs,
    near_insult_spellings,
    near_slur_spellings,
    respell,
    respellings,
)
from .normalize import normalize
from .vectorize import CompactTfidfVectorizer, WordwiseCharTfidf


def _expit(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


class TextViews(SortedSetState, TransformerMixin, BaseEstimator):
    """Raw texts → a frame of two views of the normalised text, both without mentioned words (negated,
    quoted, named as a slur): ``text`` for the attack features and ``masked``, also without identity
    terms, for the n-gram features.

    With `slur_token`, every slur in ``masked``, and every misspelling of one that is no word of
    `vocabulary` (default: an English dictionary; kept in the fitted step), is one token
    (:func:`moderation.lexicon.mask_slurs`). A bundle pickled before `slur_token` existed reads as without.
    """

    sorted_sets = ("near_slurs_",)

    def __init__(
        self, slur_token: bool = False, vocabulary: tuple[str, ...] | None = None, respell: bool = True
    ) -> None:
        self.slur_token = slur_token
        self.vocabulary = vocabulary
        self.respell = respell

    def fit(self, X: Iterable[str], y: object = None) -> TextViews:
        words = self.vocabulary if self.vocabulary is not None else english_vocabulary()
        if self.slur_token:
            self.near_slurs_ = near_slur_spellings(words)
        if self.respell:
            taken = getattr(self, "near_slurs_", frozenset())
            self.respellings_ = respellings(words, taken | near_insult_spellings(words, taken))
        return self

    def __setstate__(self, state: dict[str, object]) -> None:
        super().__setstate__({"respell": False, **state})  # pickled before respelling: none

    def transform(self, X: Iterable[str]) -> pd.DataFrame:
        texts, masked = text_views(X, *self.slur_masking(), self.respellings())
        return pd.DataFrame({"text": texts, "masked": masked})

    def slur_masking(self) -> tuple[bool, frozenset[str]]:
        """Whether slurs are one token in the masked view, and the misspellings that count as slurs."""
        return bool(getattr(self, "slur_token", False)), getattr(self, "near_slurs_", frozenset())

    def respellings(self) -> Mapping[str, str]:
        """The misspelt identity terms and words of hate read back as the words they spell (none in a bundle
        fitted before they were)."""
        return getattr(self, "respellings_", {})


def text_views(
    X: Iterable[str],
    slur_token: bool = False,
    near_slurs: frozenset[str] = frozenset(),
    spellings: Mapping[str, str] | None = None,
) -> tuple[list[str], list[str]]:
    """The two views :class:`TextViews` makes, as lists: normalised texts (with the misspellings of
    `spellings` read back, see :func:`moderation.lexicon.respellings`) without mentioned words, and those
    texts without identity terms as well (and with `slur_token`, with each slur, or misspelling of one in
    `near_slurs`, one token)."""
    texts = [mask_mentions(respell(normalize(str(x)), spellings or {})) for x in X]
    if slur_token:
        return texts, [mask_slurs(t, near_slurs, identity=True) for t in texts]
    return texts, [mask_identity(t) for t in texts]


def _platt(decision: np.ndarray, y: np.ndarray, weight: np.ndarray, prevalence: float | None) -> tuple[float, float]:
    """Slope and intercept mapping decision values to probabilities, with classes reweighted to `prevalence`."""
    w = at_prevalence(y, weight, prevalence) if prevalence is not None else weight.astype(float)
    w *= len(w) / w.sum()
    platt = LogisticRegression(C=1e4).fit(decision.reshape(-1, 1), y, sample_weight=w)
    return float(platt.coef_[0, 0]), float(platt.intercept_[0])


def _fit_head(
    base: LogisticRegression,
    X: sparse.spmatrix,
    y: np.ndarray,
    weight: np.ndarray,
    C: float,
    cv: int,
    prevalence: float | None,
    seed: int | None,
) -> tuple[np.ndarray, float, float, float]:
    """Fit one head; return its weights, intercept and Platt slope and intercept (1, 0 without calibration)."""
    if not X.data.flags.writeable:  # joblib hands large arrays to workers read-only; liblinear sorts in place
        X = X.copy()
    est = clone(base).set_params(C=C)
    slope, offset = 1.0, 0.0
    if cv >= 2:
        oof = np.zeros(len(y))
        folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=seed)
        for train, test in folds.split(np.zeros(len(y)), y):
            fold = clone(est).fit(X[train], y[train], sample_weight=weight[train])
            oof[test] = fold.decision_function(X[test])
        slope, offset = _platt(oof, y, weight, prevalence)
    est.fit(X, y, sample_weight=weight)
    return est.coef_[0], float(est.intercept_[0]), slope, offset


def masked_labels(y: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each column of a NaN-masked label matrix ``(n_samples, n_labels)``: the mask of its known rows
    and their 0/1 labels. Raises `ValueError` unless `y` is 2-D and each column has both classes."""
    y = np.asarray(y, dtype=float)
    if y.ndim != 2:
        raise ValueError("y must be 2-D: (n_samples, n_labels) with NaN for unknown")
    columns = []
    for j in range(y.shape[1]):
        known = ~np.isnan(y[:, j])
        yj = y[known, j].astype(int)
        if len(np.unique(yj)) < 2:
            raise ValueError(f"label column {j} needs both classes among its known rows")
        columns.append((known, yj))
    return columns


class MaskedLogisticHeads(ClassifierMixin, BaseEstimator):
    """One binary logistic regression per label column, each fitted on the rows where its label is known.

    `y` is an ``(n_samples, n_labels)`` array of 1.0, 0.0 or NaN (unknown: masked out of that head).
    With `calibration_cv` ≥ 2, each head's decision values are mapped to probabilities by Platt scaling
    fitted on out-of-fold decision values, with the classes reweighted to `prevalence` (``None``: as the
    weighted training rows have them). After `fit`, the heads' weights are stacked into `coef_` and
    `intercept_` and the calibration into `calibration_` (slope, intercept per label), so
    `predict_proba` is one sparse product for all labels; it returns the positive-class probability of
    each label, ``(n_samples, n_labels)``, not scikit-learn's two-column binary layout.

    Parameters
    ----------
    C : inverse regularisation strength, one value for every head or one per label.
    class_weight, max_iter, solver, random_state : passed to each `LogisticRegression`.
    calibration_cv : folds for the out-of-fold calibration (0 or 1: no calibration).
    prevalence : share of positives the calibrated probabilities assume.
    n_jobs : heads fitted in parallel (joblib).
    """

    def __init__(
        self,
        C: float | Sequence[float] = 4.0,
        class_weight: str | None = "balanced",
        max_iter: int = 1000,
        solver: str = "liblinear",
        random_state: int | None = 0,
        calibration_cv: int = 3,
        prevalence: float | None = 0.1,
        n_jobs: int | None = None,
    ) -> None:
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.solver = solver
        self.random_state = random_state
        self.calibration_cv = calibration_cv
        self.prevalence = prevalence
        self.n_jobs = n_jobs

    def fit(self, X: sparse.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None = None) -> MaskedLogisticHeads:
        columns = masked_labels(y)
        n_labels = len(columns)
        cs = np.broadcast_to(np.asarray(self.C, dtype=float), (n_labels,))
        X = sparse.csr_matrix(X)
        weights = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        base = LogisticRegression(
            class_weight=self.class_weight, max_iter=self.max_iter, solver=self.solver, random_state=self.random_state
        )
        self.n_known_ = np.array([int(known.sum()) for known, _ in columns])
        jobs = [
            delayed(_fit_head)(
                base, X[known], yj, weights[known], float(c), self.calibration_cv, self.prevalence, self.random_state
            )
            for (known, yj), c in zip(columns, cs, strict=True)
        ]
        heads = Parallel(n_jobs=self.n_jobs)(jobs)
        # Only the stacked weights are kept: they are all prediction needs, at half the size in float32.
        self.coef_ = np.vstack([h[0] for h in heads]).astype(np.float32)
        self.intercept_ = np.array([h[1] for h in heads], dtype=np.float64)
        self.calibration_ = np.array([[h[2], h[3]] for h in heads], dtype=np.float64)
        self.n_features_in_ = X.shape[1]
        self.__dict__.pop("_coef_by_feature", None)
        return self

    def __getstate__(self) -> dict[str, object]:
        state = dict(super().__getstate__())
        state.pop("_coef_by_feature", None)  # a derived copy (see decision_function), not model state
        return state

    def decision_function(self, X: sparse.spmatrix) -> np.ndarray:
        """Uncalibrated decision values, ``(n_samples, n_labels)``."""
        return np.asarray(X @ self.coef_by_feature(), dtype=np.float64) + self.intercept_

    def coef_by_feature(self) -> np.ndarray:
        """The weights laid out feature-major, ``(n_features, n_labels)``, made once.

        The sparse product needs them C-contiguous and would otherwise copy all of them (megabytes) on
        every call, which dominates scoring one comment.
        """
        check_is_fitted(self, "coef_")
        weights = self.__dict__.get("_coef_by_feature")
        if weights is None:
            weights = self._coef_by_feature = np.ascontiguousarray(self.coef_.T)
        return weights

    def calibrate(self, decision: np.ndarray) -> np.ndarray:
        """Probabilities from decision values ``(n_samples, n_labels)``."""
        return _expit(decision * self.calibration_[:, 0] + self.calibration_[:, 1])

    def predict_proba(self, X: sparse.spmatrix) -> np.ndarray:
        return self.calibrate(self.decision_function(X))

    def predict(self, X: sparse.spmatrix) -> np.ndarray:
        return (self.predict_proba(X) >= 0.5).astype(int)


ATTACK_WEIGHT = 3.0
"""Scale of the attack features against the n-gram blocks. Under one regularisation strength for all
features, scaling a block up is regularising it less: the few dense attack features (a slur, an insult for
a person) then carry weight of their own instead of sharing it with the n-grams of the words they match,
which is what lets a slur in an otherwise plain sentence count (functional suite, heads at C = 4: disguised
slurs 0.794 -> 0.817, overall 0.905 -> 0.907, validation AUC unchanged; a weight of 6 gave the same and
fitted twice as slowly)."""


DEFAULT_C = 2.0
"""Inverse regularisation of every head. 2 and 4 rank the validation rows alike (pooled abuse AUC 0.958 and
0.959); 2 read the functional suite better (0.913 against 0.908, no group lower) and fits faster."""


def build_abuse_pipeline(
    C: float | Sequence[float] = DEFAULT_C,
    word_max_features: int = 150_000,
    char_max_features: int = 200_000,
    n_jobs: int | None = None,
    attack_weight: float = ATTACK_WEIGHT,
    slur_token: bool = True,
) -> Pipeline:
    """The untrained abuse pipeline: text views, then word 1-2-grams and char 2-5-grams of the identity-masked
    view (with every slur one token, unless `slur_token` is false) with attack features of the full view
    (scaled by `attack_weight`), then the calibrated heads."""
    words = CompactTfidfVectorizer(
        lowercase=False,
        ngram_range=(1, 2),
        min_df=2,
        max_features=word_max_features,
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w+\b",
        dtype=np.float32,
    )
    chars = WordwiseCharTfidf(
        lowercase=False,
        analyzer="char_wb",
        ngram_range=(2, 5),
        min_df=3,
        max_features=char_max_features,
        sublinear_tf=True,
        dtype=np.float32,
    )
    features = ColumnTransformer(
        [("words", words, "masked"), ("chars", chars, "masked"), ("attack", AttackFeatures(), "text")],
        sparse_threshold=1.0,
        transformer_weights={"attack": attack_weight},
    )
    return Pipeline(
        [
            ("views", TextViews(slur_token=slur_token)),
            ("features", features),
            ("heads", MaskedLogisticHeads(C=C, n_jobs=n_jobs)),
        ]
    )
