"""Head variants of the abuse model on the fixed split: pooled validation ROC AUC per label and fit time.

    nice -n 19 .venv/bin/python benchmarks/compare_models.py [--variants current,nb-lr,cv-c] [--grid 1,4,16]
        [--folds 3] [--nb-alpha 1,0.1] [--n-jobs N] [--data DIR] [--seed N]

The pipeline's feature extraction (text views, TF-IDF word 1-2-grams + char_wb 2-5-grams of the
identity-masked text, attack features) is fitted once on the training rows (80 % by hash, seed 0) and
shared; each variant then fits its heads on that matrix, rows weighted as in training
(`moderation.train.row_weights`), and scores the validation rows:

- ``current``: the shipped heads (`MaskedLogisticHeads`, one `C` for every label).
- ``nb-lr``: NB-LR (Wang & Manning 2012): per head, the features are scaled by the naive-Bayes
  log-count ratio r = log((p/|p|1)/(q/|q|1)), p and q being `alpha` plus the (row-weighted) feature sums
  of that head's known positive and negative training rows, then a logistic regression is fitted on them.
  With several `--nb-alpha` values, one column ``nb-lr/ALPHA`` each (alpha 1 is Wang & Manning's, for
  binary counts; TF-IDF values are far smaller, so lighter smoothing is worth a look).
- ``cv-c``: the shipped heads with one `C` per label, each chosen from `--grid` by the mean ROC AUC of
  `--folds`-fold cross-validation on the training rows.

All heads are fitted with ``calibration_cv=0``: Platt scaling is monotone, so it cannot change an AUC.
Prints a table label x variant of the pooled validation ROC AUC (rows annotating the label, every dataset
together, as `moderation.evaluate.auc_table` computes it), the mean over labels and the seconds each
variant took (for ``cv-c`` the cross-validation, then the final fit), and the `C` chosen per label.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Sequence

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from moderation.abuse import MaskedLogisticHeads, build_abuse_pipeline, masked_labels
from moderation.datasets import LABELS, load_abuse_data
from moderation.evaluate import auc_table
from moderation.train import ASSUMED_PREVALENCE, row_weights

log = logging.getLogger("benchmarks.compare_models")

VARIANTS = ("current", "nb-lr", "cv-c")


def nb_ratio(X: sparse.csr_matrix, y: np.ndarray, weight: np.ndarray, alpha: float) -> np.ndarray:
    """The naive-Bayes log-count ratio of each feature between the positive and negative rows."""
    p = alpha + np.asarray(X[y == 1].T @ weight[y == 1]).ravel()
    q = alpha + np.asarray(X[y == 0].T @ weight[y == 0]).ravel()
    return np.log(p / p.sum()) - np.log(q / q.sum())


def _fit_nb_head(
    base: LogisticRegression, X: sparse.csr_matrix, y: np.ndarray, weight: np.ndarray, C: float, alpha: float
) -> tuple[np.ndarray, float, np.ndarray]:
    """Fit one NB-LR head; return its weights on the unscaled features (coef * r), intercept and r."""
    r = nb_ratio(X, y, weight, alpha)
    est = clone(base).set_params(C=C).fit(X @ sparse.diags(r.astype(X.dtype)), y, sample_weight=weight)
    return est.coef_[0] * r, float(est.intercept_[0]), r


class NBLogisticHeads(ClassifierMixin, BaseEstimator):
    """NB-LR, one head per label column, each fitted on the rows where its label is known.

    `y` is ``(n_samples, n_labels)`` of 1.0, 0.0 or NaN (unknown: masked out of that head), as for
    `MaskedLogisticHeads`. Each head has its own ratio vector r (kept in `ratio_`), computed on its known
    rows; since the head's model is linear in the scaled features, its weights on the raw features are
    coef * r, stacked into `coef_`, so prediction is one sparse product. `predict_proba` returns the
    positive-class probability of each label, ``(n_samples, n_labels)``; features must be non-negative.

    Parameters
    ----------
    C : inverse regularisation strength, one value for every head or one per label.
    alpha : additive smoothing of the feature sums.
    class_weight, max_iter, solver, random_state : passed to each `LogisticRegression`.
    n_jobs : heads fitted in parallel (joblib).
    """

    def __init__(
        self,
        C: float | Sequence[float] = 4.0,
        alpha: float = 1.0,
        class_weight: str | None = "balanced",
        max_iter: int = 1000,
        solver: str = "liblinear",
        random_state: int | None = 0,
        n_jobs: int | None = None,
    ) -> None:
        self.C = C
        self.alpha = alpha
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.solver = solver
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X: sparse.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None = None) -> NBLogisticHeads:
        columns = masked_labels(y)
        X = sparse.csr_matrix(X)
        if X.nnz and X.data.min() < 0:
            raise ValueError("NB-LR needs non-negative features")
        cs = np.broadcast_to(np.asarray(self.C, dtype=float), (len(columns),))
        weights = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        base = LogisticRegression(
            class_weight=self.class_weight, max_iter=self.max_iter, solver=self.solver, random_state=self.random_state
        )
        jobs = [
            delayed(_fit_nb_head)(base, X[known], yj, weights[known], float(c), self.alpha)
            for (known, yj), c in zip(columns, cs, strict=True)
        ]
        heads = Parallel(n_jobs=self.n_jobs)(jobs)
        self.coef_ = np.vstack([h[0] for h in heads]).astype(np.float32)
        self.intercept_ = np.array([h[1] for h in heads], dtype=np.float64)
        self.ratio_ = np.vstack([h[2] for h in heads]).astype(np.float32)
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X: sparse.spmatrix) -> np.ndarray:
        """Decision values, ``(n_samples, n_labels)``."""
        check_is_fitted(self, "coef_")
        return np.asarray(X @ self.coef_.T, dtype=np.float64) + self.intercept_

    def predict_proba(self, X: sparse.spmatrix) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.decision_function(X)))

    def predict(self, X: sparse.spmatrix) -> np.ndarray:
        return (self.predict_proba(X) >= 0.5).astype(int)


def choose_c(
    heads: MaskedLogisticHeads,
    X: sparse.csr_matrix,
    y: np.ndarray,
    weight: np.ndarray,
    grid: Sequence[float],
    folds: int,
    seed: int,
) -> tuple[list[float], np.ndarray]:
    """Per label, the `C` of `grid` with the best mean ROC AUC over `folds` cross-validation folds of the
    rows (each fold's AUC on its held-out rows annotating the label); also the ``(len(grid), n_labels)``
    mean AUCs."""
    scores = np.zeros((len(grid), y.shape[1]))
    for k, (train, test) in enumerate(KFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(y)))):
        for i, c in enumerate(grid):
            started = time.monotonic()
            model = clone(heads).set_params(C=c).fit(X[train], y[train], sample_weight=weight[train])
            decision = model.decision_function(X[test])
            for j in range(y.shape[1]):
                known = ~np.isnan(y[test, j])
                scores[i, j] += roc_auc_score(y[test, j][known], decision[known, j]) / folds
            log.info("  fold %d, C=%g: %.0f s", k + 1, c, time.monotonic() - started)
    return [float(grid[i]) for i in scores.argmax(axis=0)], scores


def floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated, of {', '.join(VARIANTS)}")
    parser.add_argument("--grid", type=floats, default=[1.0, 4.0, 16.0], help="C values for cv-c (default 1,4,16)")
    parser.add_argument("--folds", type=int, default=3, help="cross-validation folds for cv-c")
    parser.add_argument("--nb-alpha", type=floats, default=[1.0], help="NB-LR smoothing value(s) (default 1)")
    parser.add_argument("--n-jobs", type=int, default=-1, help="heads fitted in parallel (default: all cores)")
    parser.add_argument("--data", default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    names = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = sorted(set(names) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variant(s): {', '.join(unknown)}; known: {', '.join(VARIANTS)}")
    # (column name, variant, NB-LR alpha)
    variants: list[tuple[str, str, float]] = []
    for name in names:
        if name == "nb-lr" and len(args.nb_alpha) > 1:
            variants += [(f"nb-lr/{alpha:g}", name, alpha) for alpha in args.nb_alpha]
        else:
            variants.append((name, name, args.nb_alpha[0]))

    frame = load_abuse_data(args.data, seed=args.seed)
    train, valid = frame[frame["split"] == "train"], frame[frame["split"] == "valid"]
    y, weight = train[list(LABELS)].to_numpy(dtype=float), row_weights(train)

    pipeline = build_abuse_pipeline(n_jobs=args.n_jobs)
    pipeline.set_params(heads__random_state=args.seed, heads__prevalence=ASSUMED_PREVALENCE, heads__calibration_cv=0)
    heads = pipeline.named_steps["heads"]
    started = time.monotonic()
    extract = Pipeline(pipeline.steps[:-1])
    X_train = sparse.csr_matrix(extract.fit_transform(train["text"].tolist()))
    X_valid = sparse.csr_matrix(extract.transform(valid["text"].tolist()))
    log.info(
        "features: %d training rows, %d validation rows, %d features (%.0f s, shared by every variant)",
        len(train),
        len(valid),
        X_train.shape[1],
        time.monotonic() - started,
    )

    aucs: dict[str, dict[str, float]] = {}
    seconds: dict[str, float] = {}
    chosen: list[float] = []
    cv_scores = np.zeros((0, len(LABELS)))
    for column, variant, alpha in variants:
        log.info("fitting %s", column)
        started = time.monotonic()
        if variant == "current":
            model = clone(heads)
        elif variant == "nb-lr":
            model = NBLogisticHeads(
                C=heads.C,
                alpha=alpha,
                class_weight=heads.class_weight,
                max_iter=heads.max_iter,
                solver=heads.solver,
                random_state=args.seed,
                n_jobs=args.n_jobs,
            )
        else:
            chosen, cv_scores = choose_c(heads, X_train, y, weight, args.grid, args.folds, args.seed)
            model = clone(heads).set_params(C=chosen)
        model.fit(X_train, y, sample_weight=weight)
        seconds[column] = time.monotonic() - started
        table = auc_table(model.predict_proba(X_valid), valid)
        aucs[column] = {label: table[label].get("all", float("nan")) for label in LABELS}
        log.info("  %.0f s, mean AUC %.4f", seconds[column], np.mean(list(aucs[column].values())))
    columns = [column for column, _, _ in variants]

    log.info(
        "\nPooled validation ROC AUC per label (%d validation rows; each label on the rows annotating it)", len(valid)
    )
    log.info("%-16s %13s %s", "label", "valid n/pos", " ".join(f"{v:>9}" for v in columns))
    for label in LABELS:
        known = valid[label].dropna()
        log.info(
            "%-16s %13s %s",
            label,
            f"{len(known)}/{int(known.sum())}",
            " ".join(f"{aucs[v][label]:>9.4f}" for v in columns),
        )
    log.info("%-16s %13s %s", "mean", "", " ".join(f"{np.mean(list(aucs[v].values())):>9.4f}" for v in columns))
    log.info("%-16s %13s %s", "fit seconds", "", " ".join(f"{seconds[v]:>9.0f}" for v in columns))
    if chosen:
        log.info("\ncv-c: mean %d-fold ROC AUC on the training rows per C, and the C chosen", args.folds)
        log.info("%-16s %s %7s", "label", " ".join(f"{'C=' + format(c, 'g'):>8}" for c in args.grid), "chosen")
        for j, label in enumerate(LABELS):
            row = " ".join(f"{cv_scores[i, j]:>8.4f}" for i in range(len(args.grid)))
            log.info("%-16s %s %7g", label, row, chosen[j])


if __name__ == "__main__":
    main()
