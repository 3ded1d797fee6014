"""Quality of a bundle on held-out data: abuse ROC AUC per dataset and category, segmentation per label.

    .venv/bin/python benchmarks/evaluate.py [--model DIR] [--data DIR]

Abuse: the validation split (20 % by hash of the normalised text, seed 0) of every abuse dataset,
each label head scored on the rows whose dataset annotates it. Segmentation: the Dragnet benchmark's
own test split (414 pages), pages cropped from their first to their last non-boilerplate block,
per-label precision, recall and F1 on blocks of at least 40 characters, and page-level accuracy of
"this page has comments"; then the same without the test pages whose gold text counts a reader-comment
thread as article (`moderation.datasets.comment_thread_in_article`), on which finding the comments is scored wrong.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from moderation.datasets import LABELS, comment_thread_in_article, load_abuse_data, load_pages
from moderation.evaluate import auc_table, segment_report
from moderation.moderator import Moderator

log = logging.getLogger("benchmarks.evaluate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None)
    parser.add_argument("--data", default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    moderator = Moderator.load(args.model)
    frame = load_abuse_data(args.data)
    valid = frame[frame["split"] == "valid"]
    table = auc_table(moderator.predict_proba(valid["text"].tolist()), valid)
    columns = [*sorted(valid["dataset"].unique()), "all"]
    log.info(
        "Abuse ROC AUC on the validation split (%d rows); '-' where a dataset lacks the label or a class", len(valid)
    )
    log.info("%-16s %s", "label", " ".join(f"{c[:11]:>11}" for c in columns))
    for label in LABELS:
        log.info(
            "%-16s %s",
            label,
            " ".join(f"{table[label].get(c, float('nan')):>11.3f}".replace("nan", "  -") for c in columns),
        )

    pages, split = load_pages(args.data)
    test = [p for p in pages if split.get(p.id) == "test"]
    threads = [p for p in test if comment_thread_in_article(p) is not None]
    report = segment_report(moderator.segmenter, test, without=threads)
    log.info(
        "\nSegmentation, Dragnet test split: %d pages, %d blocks of >= 40 characters", report["pages"], report["blocks"]
    )
    log_segmentation(report)
    log.info(
        "\nThe same without the %d pages whose gold text counts a reader-comment thread as article (%s):",
        len(threads),
        ", ".join(p.id for p in threads),
    )
    log_segmentation(report["without"])


def log_segmentation(report: dict[str, Any]) -> None:
    """Per-label figures and "has comments" accuracy of one :func:`segment_report`."""
    for label, m in report["per_label"].items():
        log.info(
            "%-12s precision %.3f  recall %.3f  F1 %.3f  (%d blocks)",
            label,
            m["precision"],
            m["recall"],
            m["f1"],
            m["blocks"],
        )
    log.info("'has comments' page accuracy: %.3f (%d pages)", report["has_comments_accuracy"], report["pages"])


if __name__ == "__main__":
    main()
