"""Evaluation of fitted models: per-dataset ROC AUC of the abuse heads, block-level segmentation scores,
and threshold choice at a stated precision. Pure functions of models and data, shared by training,
the card and the benchmarks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_fscore_support, roc_auc_score

from .datasets import LABELS, Page
from .segment import SEGMENT_LABELS, PageSegmenter

MIN_EVAL_CHARS = 40
"""Segmentation is scored on blocks of at least this many characters (short menu items and bylines
say little about a segmenter's quality and would swamp the figures)."""


def dataset_weights(datasets: pd.Series, cap: int) -> np.ndarray:
    """Per-row weights so that no dataset contributes more than `cap` rows' worth of weight."""
    counts = datasets.value_counts()
    return datasets.map(lambda name: min(1.0, cap / counts[name])).to_numpy(dtype=float)


def auc_table(proba: np.ndarray, frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    """ROC AUC of each label head, per dataset and pooled (``all``), where both classes are present."""
    table: dict[str, dict[str, float]] = {}
    for j, label in enumerate(LABELS):
        known = frame[label].notna().to_numpy()
        row = {}
        for name in [*sorted(frame["dataset"].unique()), "all"]:
            mask = known if name == "all" else known & (frame["dataset"] == name).to_numpy()
            y = frame[label].to_numpy()[mask]
            if len(np.unique(y)) == 2:
                row[name] = round(float(roc_auc_score(y, proba[mask, j])), 4)
        table[label] = row
    return table


def expected_calibration_error(
    y: np.ndarray, proba: np.ndarray, sample_weight: np.ndarray | None = None, bins: int = 10
) -> float:
    """Weighted mean gap between predicted probability and observed frequency over equal-width bins."""
    w = np.ones_like(proba, dtype=float) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    which = np.minimum((proba * bins).astype(int), bins - 1)
    total, gap = w.sum(), 0.0
    for b in range(bins):
        in_bin = which == b
        if in_bin.any():
            wb = w[in_bin]
            gap += wb.sum() / total * abs(np.average(proba[in_bin], weights=wb) - np.average(y[in_bin], weights=wb))
    return float(gap)


def at_prevalence(y: np.ndarray, weights: np.ndarray, prevalence: float) -> np.ndarray:
    """A copy of `weights` with the positives of `y` rescaled to `prevalence` of the total and the negatives
    to the rest: the population thresholds and calibration are stated for. Unchanged when a class is absent."""
    w = np.asarray(weights, dtype=float).copy()
    if 0 < y.sum() < len(y):
        w[y == 1] *= prevalence / w[y == 1].sum()
        w[y == 0] *= (1 - prevalence) / w[y == 0].sum()
    return w


def calibration_table(
    proba: np.ndarray, frame: pd.DataFrame, weights: np.ndarray, prevalence: float
) -> dict[str, float]:
    """Expected calibration error of each label head on the rows annotating it, rows weighted by `weights`
    and classes rescaled to `prevalence` (the population the probabilities are calibrated for)."""
    out = {}
    for j, label in enumerate(LABELS):
        known = frame[label].notna().to_numpy()
        y = frame[label].to_numpy()[known]
        if 0 < y.sum() < len(y):
            w = at_prevalence(y, weights[known], prevalence)
            out[label] = round(expected_calibration_error(y, proba[known, j], w), 4)
    return out


def threshold_at_precision(
    y: np.ndarray, score: np.ndarray, precision: float, sample_weight: np.ndarray | None = None
) -> float:
    """The lowest threshold whose (weighted) precision on `y` reaches `precision`.

    Falls back to the highest score when no threshold reaches it, so nothing is flagged rather than
    everything.
    """
    w = np.ones_like(score, dtype=float) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    order = np.argsort(-score, kind="stable")
    s, yy, ww = score[order], y[order].astype(float), w[order]
    tp, fp = np.cumsum(ww * yy), np.cumsum(ww * (1 - yy))
    prec = tp / np.maximum(tp + fp, 1e-12)
    # Only cut between distinct scores: a threshold keeps every row scoring at least that much.
    last_of_run = np.r_[s[1:] != s[:-1], True]
    ok = np.flatnonzero((prec >= precision) & last_of_run)
    if len(ok) == 0:
        return float(s[0]) if len(s) else 1.0
    return float(s[ok[-1]])


def crop(page: Page, after: int = 0) -> tuple[list[str], list[str]]:
    """A page cut to the span from its first to its last non-boilerplate block, as the product gets pages,
    and up to `after` blocks past that (the site's footer, as whole scraped pages have it)."""
    keep = [i for i, label in enumerate(page.labels) if label != "boilerplate"]
    if not keep:
        return [], []
    lo, hi = keep[0], min(len(page.texts), keep[-1] + 1 + after)
    return page.texts[lo:hi], page.labels[lo:hi]


def segment_report(segmenter: PageSegmenter, pages: Sequence[Page], without: Sequence[Page] = ()) -> dict[str, object]:
    """Per-label precision/recall/F1 on cropped pages (blocks ≥ 40 characters) and page-level
    accuracy of "this page has comments"; the same figures without the pages of `without` (each page is
    segmented once) under ``"without"``, when given."""
    left_out = {id(page) for page in without}
    decoded = []
    for page in pages:
        texts, labels = crop(page)
        if texts:
            decoded.append((id(page) in left_out, texts, labels, segmenter.predict(texts)))
    report = _segment_scores([(texts, labels, said) for _, texts, labels, said in decoded])
    if without:
        report["without"] = _segment_scores([(t, labels, said) for out, t, labels, said in decoded if not out])
    return report


def _segment_scores(pages: Sequence[tuple[list[str], list[str], list[str]]]) -> dict[str, object]:
    """The figures of :func:`segment_report` for (texts, gold labels, decoded labels) of each page."""
    truth, pred, has = [], [], []
    for texts, labels, decoded in pages:
        has.append(("comment" in labels) == ("comment" in decoded))
        for text, t, p in zip(texts, labels, decoded, strict=True):
            if len(text) >= MIN_EVAL_CHARS:
                truth.append(t)
                pred.append(p)
    p, r, f, n = precision_recall_fscore_support(truth, pred, labels=list(SEGMENT_LABELS), zero_division=0)
    per_label = {
        label: {
            "precision": round(float(p[i]), 4),
            "recall": round(float(r[i]), 4),
            "f1": round(float(f[i]), 4),
            "blocks": int(n[i]),
        }
        for i, label in enumerate(SEGMENT_LABELS)
    }
    return {
        "pages": len(has),
        "blocks": len(truth),
        "per_label": per_label,
        "has_comments_accuracy": round(float(np.mean(has)), 4) if has else None,
    }
