"""The abuse model: normalised text → TF-IDF word and character n-grams → one logistic head per label.

Each head learns only from rows whose dataset annotates its label (NaN labels are masked out), so a
tweet corpus that says nothing about threats never teaches the threat head that tweets are harmless.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.validation import check_is_fitted

from .normalize import TextNormalizer


def _expit(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


class MaskedLogisticHeads(ClassifierMixin, BaseEstimator):
    """One binary logistic regression per label column, each fitted on the rows where its label is known.

    `y` is an ``(n_samples, n_labels)`` array of 1.0, 0.0 or NaN (unknown: masked out of that head).
    After `fit`, the heads' weights are stacked into `coef_` and `intercept_` so `predict_proba` is one sparse
    product for all labels; it returns the positive-class probability of each label,
    ``(n_samples, n_labels)``, not scikit-learn's two-column binary layout.

    Parameters
    ----------
    C : inverse regularisation strength, one value for every head or one per label.
    class_weight, max_iter, solver, random_state : passed to each `LogisticRegression`.
    """

    def __init__(
        self,
        C: float | Sequence[float] = 4.0,
        class_weight: str | None = "balanced",
        max_iter: int = 1000,
        solver: str = "liblinear",
        random_state: int | None = 0,
    ) -> None:
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.solver = solver
        self.random_state = random_state

    def fit(self, X: sparse.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None = None) -> MaskedLogisticHeads:
        y = np.asarray(y, dtype=float)
        if y.ndim != 2:
            raise ValueError("y must be 2-D: (n_samples, n_labels) with NaN for unknown")
        n_labels = y.shape[1]
        cs = np.broadcast_to(np.asarray(self.C, dtype=float), (n_labels,))
        weights = np.ones(y.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        base = LogisticRegression(
            class_weight=self.class_weight, max_iter=self.max_iter, solver=self.solver, random_state=self.random_state
        )
        coefs, intercepts = [], []
        self.n_known_ = np.zeros(n_labels, dtype=int)
        for j in range(n_labels):
            known = ~np.isnan(y[:, j])
            yj = y[known, j]
            if len(np.unique(yj)) < 2:
                raise ValueError(f"label column {j} needs both classes among its known rows")
            est = clone(base).set_params(C=float(cs[j]))
            est.fit(X[known], yj.astype(int), sample_weight=weights[known])
            coefs.append(est.coef_[0])
            intercepts.append(est.intercept_[0])
            self.n_known_[j] = int(known.sum())
        # Only the stacked weights are kept: they are all prediction needs, at half the size in float32.
        self.coef_ = np.vstack(coefs).astype(np.float32)
        self.intercept_ = np.array(intercepts, dtype=np.float64)
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X: sparse.spmatrix) -> np.ndarray:
        check_is_fitted(self, "coef_")
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def predict_proba(self, X: sparse.spmatrix) -> np.ndarray:
        return _expit(self.decision_function(X))

    def predict(self, X: sparse.spmatrix) -> np.ndarray:
        return (self.predict_proba(X) >= 0.5).astype(int)


def build_abuse_pipeline(
    C: float | Sequence[float] = 4.0,
    word_max_features: int = 150_000,
    char_max_features: int = 200_000,
) -> Pipeline:
    """The untrained abuse pipeline: normalise, featurise (word 1-2-grams + char 2-5-grams), classify."""
    features = FeatureUnion(
        [
            (
                "word",
                TfidfVectorizer(
                    lowercase=False,
                    ngram_range=(1, 2),
                    min_df=2,
                    max_features=word_max_features,
                    sublinear_tf=True,
                    token_pattern=r"(?u)\b\w+\b",
                    dtype=np.float32,
                ),
            ),
            (
                "char",
                TfidfVectorizer(
                    lowercase=False,
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    min_df=3,
                    max_features=char_max_features,
                    sublinear_tf=True,
                    dtype=np.float32,
                ),
            ),
        ]
    )
    return Pipeline([("normalize", TextNormalizer()), ("features", features), ("heads", MaskedLogisticHeads(C=C))])
