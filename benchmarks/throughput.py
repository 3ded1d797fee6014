"""Scoring throughput of the shipped model on 10,000 comments, against alt-profanity-check in the same run.

    .venv/bin/python benchmarks/throughput.py [--n 10000] [--repeats 5] [--model DIR]

Comments are the held-out validation texts of the shared data (cycled to --n), or, without the data
folder, sentences the script assembles. Prints the median comments/s over the repeats for the
shipped model (`Moderator.score`, in chunks of 1,000 as batch scoring does), the time each stage of the
compiled model takes alone (median over the repeats, all comments in one call) and, when the
`alt-profanity-check` package is installed (`pip install -e ".[bench]"`), the median comments/s of that
package on the same comments, with the ratio of the two.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import statistics
import time
from collections.abc import Callable, Sequence

from moderation.abuse import text_views
from moderation.compiled import CompiledAbuseModel
from moderation.datasets import load_abuse_data
from moderation.errors import DataNotFoundError
from moderation.moderator import Moderator

log = logging.getLogger("benchmarks.throughput")


def comments(n: int) -> list[str]:
    """`n` realistic comments: validation texts of the shared data, else assembled sentences."""
    try:
        frame = load_abuse_data()
        texts = frame.loc[frame["split"] == "valid", "text"].tolist()
    except DataNotFoundError:
        log.warning("shared data not found: using assembled sentences")
        words = [
            "the",
            "council",
            "budget",
            "vote",
            "you",
            "are",
            "wrong",
            "about",
            "this",
            "thanks",
            "for",
            "the",
            "article",
            "idiot",
        ]
        texts = [" ".join(words[(i + j) % len(words)] for j in range(8 + i % 30)) for i in range(1000)]
    return list(itertools.islice(itertools.cycle(texts), n))


def median_rate(fn: Callable[[Sequence[str]], object], texts: list[str], repeats: int, chunk: int = 1000) -> float:
    """Median comments/s of `fn` over `repeats` passes through `texts` in chunks."""
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(0, len(texts), chunk):
            fn(texts[i : i + chunk])
        rates.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(rates)


def stages(moderator: Moderator, texts: list[str], repeats: int) -> None:
    """Where the time goes: each stage of the compiled model alone, in microseconds per comment."""
    scorer = moderator.scorer
    if not isinstance(scorer, CompiledAbuseModel):
        log.info("stages: the bundle's abuse model is not compiled; no breakdown")
        return
    views, masked = text_views(texts, *scorer.slur_masking)
    proba = scorer.predict_proba(texts)
    parts: dict[str, Callable[[], object]] = {
        "text views (normalise, mask mentions, identity terms, slurs)": lambda: text_views(texts, *scorer.slur_masking),
        "word n-grams (count, weigh, score)": lambda: scorer.words.decision(scorer.word_counts(masked)),
        "character n-grams (count, weigh, score)": lambda: scorer.chars.decision(scorer.char_counts(masked)),
        "attack features": lambda: scorer.attack.counts(views),
        "verdicts (thresholds, reasons)": lambda: moderator.decide(proba),
    }
    for name, run in parts.items():
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        log.info("  %-58s %6.1f us/comment", name, statistics.median(times) / len(texts) * 1e6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    texts = comments(args.n)
    moderator = Moderator.load(args.model)
    moderator.score(texts[:100])  # warm-up
    ours = median_rate(moderator.score, texts, args.repeats)
    log.info(
        "moderation (%s): %.0f comments/s (median of %d passes over %d comments, 1 process)",
        moderator.name,
        ours,
        args.repeats,
        len(texts),
    )
    stages(moderator, texts, args.repeats)
    try:
        from profanity_check import predict_prob
    except ImportError:
        log.info("alt-profanity-check not installed: no baseline (pip install -e '.[bench]')")
        return
    predict_prob(texts[:100])
    base = median_rate(predict_prob, texts, args.repeats)
    log.info("alt-profanity-check: %.0f comments/s (same comments, same passes)", base)
    log.info("ratio moderation / alt-profanity-check: %.2f", ours / base)


if __name__ == "__main__":
    main()
