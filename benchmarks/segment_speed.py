"""Segmentation latency of one 200-block page on one core, against a plain block classifier in the same run.

    .venv/bin/python benchmarks/segment_speed.py [--model DIR] [--blocks 200] [--pages 20] [--repeats 7]

Pages are Dragnet test pages with at least `--blocks` blocks, cut to that many (or, without the data
folder, pages the script assembles). For each page the script times, median over the repeats:

- ``segmenter``: the shipped segmenter's labels (`PageSegmenter.predict`: both stages and the decoder);
- ``text only``: its first stage alone (block TF-IDF into logistic regression, no context, no decoding),
  the baseline the ratio is against;
- ``segment + score``: `Moderator.segment`, which also scores every comment block for abuse.

Prints the median over pages of each, in milliseconds, the ratio segmenter / text only, and whether the
segmenter meets the 20 ms target. BLAS and OpenMP are held to one thread, so the figures are one core's.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402 - the thread limits must be set before numpy loads
import logging  # noqa: E402
import statistics  # noqa: E402

from timing import median_ms  # noqa: E402 - benchmarks/timing.py, beside this script

from moderation.datasets import load_pages  # noqa: E402
from moderation.errors import DataNotFoundError  # noqa: E402
from moderation.moderator import Moderator  # noqa: E402

log = logging.getLogger("benchmarks.segment_speed")
TARGET_MS = 20.0


def pages(n_blocks: int, n_pages: int) -> list[list[str]]:
    """`n_pages` pages of exactly `n_blocks` blocks: long Dragnet test pages, else assembled ones."""
    try:
        found, split = load_pages()
        long_pages = [p.texts for p in found if split.get(p.id) == "test" and len(p.texts) >= n_blocks]
        if long_pages:
            return [p[:n_blocks] for p in long_pages[:n_pages]]
    except DataNotFoundError:
        log.warning("shared data not found: using assembled pages")
    parts = ["Home", "News", "The council approved the budget on Tuesday after a long debate.", "Reply"]
    parts += ["Ann says:", "I think they got this one right, for once.", "Share on Twitter"]
    return [[f"{parts[(i + k) % len(parts)]} {i}" for i in range(n_blocks)] for k in range(n_pages)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="bundle folder (default: $MODERATION_MODEL or models/default)")
    parser.add_argument("--blocks", type=int, default=200, help="blocks per page")
    parser.add_argument("--pages", type=int, default=20, help="pages to time")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per page")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    moderator = Moderator.load(args.model)
    segmenter = moderator.segmenter
    rows = {"segmenter": [], "text only": [], "segment + score": []}
    for page in pages(args.blocks, args.pages):
        text = "\n".join(page)
        rows["segmenter"].append(median_ms(lambda page=page: segmenter.predict(page), args.repeats))
        rows["text only"].append(median_ms(lambda page=page: segmenter.text_model_.predict(page), args.repeats))
        rows["segment + score"].append(median_ms(lambda text=text: moderator.segment(text), args.repeats))

    log.info(
        "Segmentation of a %d-block page, one core, model %s %s: median over %d pages of the median of %d runs",
        args.blocks,
        moderator.name,
        moderator.version,
        len(rows["segmenter"]),
        args.repeats,
    )
    medians = {name: statistics.median(values) for name, values in rows.items()}
    for name, value in medians.items():
        log.info("%-16s %8.2f ms", name, value)
    ratio = medians["segmenter"] / medians["text only"]
    met = "met" if medians["segmenter"] < TARGET_MS else "NOT met"
    log.info("segmenter / text only: %.2fx; target %.0f ms for the segmenter: %s", ratio, TARGET_MS, met)


if __name__ == "__main__":
    main()
