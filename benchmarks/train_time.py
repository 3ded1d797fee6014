"""Time of a full training run on the base data (optionally with feedback), against a minimal baseline.

    .venv/bin/python benchmarks/train_time.py [--feedback FILE ...] [--repeats 1] [--data DIR]

Runs the real command ``moderation train --out TMP [--feedback FILE ...]`` `--repeats` times (each writes
a complete bundle into a temporary folder, deleted afterwards) and prints the median wall time against the
10-minute target on this machine. As a baseline, in the same run, it times loading the same abuse data and
fitting one word-TF-IDF logistic regression on the `abuse` label: the least a trained text classifier
costs here, so the ratio says what the full pipeline (seven calibrated heads, character n-grams, attack
features, thresholds, explanations and the segmenter) adds.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from moderation.datasets import load_abuse_data

log = logging.getLogger("benchmarks.train_time")
TARGET_SECONDS = 600


def baseline_seconds(data: str | None) -> float:
    start = time.perf_counter()
    frame = load_abuse_data(data)
    rows = frame[(frame["split"] == "train") & frame["abuse"].notna()]
    make_pipeline(TfidfVectorizer(min_df=2), LogisticRegression(max_iter=1000)).fit(rows["text"], rows["abuse"])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feedback", action="append", default=[], metavar="FILE", help="feedback file (repeat)")
    parser.add_argument("--repeats", type=int, default=1, help="training runs (each takes minutes)")
    parser.add_argument("--data", default=None, help="shared data folder")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("moderation").setLevel(logging.WARNING)

    runs = []
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as tmp:
            command = [sys.executable, "-m", "moderation.cli", "train", "--out", str(Path(tmp) / "bundle")]
            command += [arg for f in args.feedback for arg in ("--feedback", f)]
            command += ["--data", args.data] if args.data else []
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            runs.append(time.perf_counter() - start)
            log.info("training run: %.0f s", runs[-1])
    base = baseline_seconds(args.data)
    median = statistics.median(runs)
    met = "met" if median < TARGET_SECONDS else "NOT met"
    log.info("full training (median of %d): %.0f s; target < %d s: %s", len(runs), median, TARGET_SECONDS, met)
    log.info("baseline (load data + one word TF-IDF logistic head): %.0f s; ratio %.1fx", base, median / base)


if __name__ == "__main__":
    main()
