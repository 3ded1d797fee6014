"""False flags on real reader comments, and what the card's abuse floor trades for them.

    .venv/bin/python benchmarks/false_flags.py [--model DIR] [--flag-on LABELS] [--data DIR] [--examples N]

The held-out fifth of the Dragnet reader comments (blog and news comments, nearly all benign; a few are
abusive, so the figure is an upper bound on false flags) is scored with the bundle's flag policy. Prints
the share flagged, which flag-on label flagged each (the first of the attack categories among its
reasons, else `abuse`), and `--examples` of them. Then the policy again at other abuse floors (the
`abuse` probability an attack category must also see to flag, `flag_policy.abuse_floor` in the card):
recall, precision and F1 of the flag on the validation rows annotating `abuse` (datasets weighted and
classes rescaled to the 10 % prevalence the thresholds assume, as training chooses the floor), and the
share of the Dragnet comments flagged. A higher floor trades threats the abuse head reads as mild for
fewer false threat flags.
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter

import numpy as np
from model_options import add_model_options, load_moderator  # benchmarks/model_options.py, beside this script

from moderation.datasets import data_dir, load_abuse_data
from moderation.moderator import ATTACK_CATEGORIES, flag_mask
from moderation.train import ASSUMED_PREVALENCE, _validation_rows, row_weights

log = logging.getLogger("benchmarks.false_flags")

FLOORS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)
"""The abuse floors the trade-off table shows."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_model_options(parser)
    parser.add_argument("--data", default=None, help="shared data folder (default: $MODERATION_DATA or ../shared/data)")
    parser.add_argument("--examples", type=int, default=10, help="flagged comments to print")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    moderator = load_moderator(args)
    frame = load_abuse_data(data_dir(args.data))
    valid = frame[frame["split"] == "valid"].reset_index(drop=True)
    proba = moderator.predict_proba(valid["text"].tolist())
    comments = (valid["dataset"] == "dragnet_comments").to_numpy()

    scores = moderator.decide(proba[comments])
    texts = valid.loc[comments, "text"].tolist()
    flagged = [(text, score) for text, score in zip(texts, scores, strict=True) if score.flagged]
    by_label = Counter(next((r for r in score.reasons if r in ATTACK_CATEGORIES), "abuse") for _, score in flagged)
    log.info(
        "Dragnet reader comments (validation fifth), model %s %s: %d of %d flagged (%.2f %%); by label: %s",
        moderator.name,
        moderator.version,
        len(flagged),
        len(texts),
        100 * len(flagged) / max(len(texts), 1),
        ", ".join(f"{label} {n}" for label, n in by_label.most_common()) or "none",
    )
    for text, score in flagged[: args.examples]:
        log.info("  abuse %.2f %-30s %s", score.abuse, ",".join(score.reasons), " ".join(text.split())[:100])

    card_floor = moderator.abuse_floor
    known, y, w = _validation_rows(valid, "abuse", row_weights(valid), ASSUMED_PREVALENCE)
    log.info("")
    log.info("%-8s %8s %10s %6s %16s", "floor", "recall", "precision", "F1", "Dragnet flagged")
    for floor in sorted({*FLOORS, card_floor}):
        mask = flag_mask(proba, moderator.flag_on, moderator.flag_thresholds, floor)
        hits = mask[known]
        recall = float((w * y * hits).sum() / (w * y).sum())
        precision = float((w * y * hits).sum() / max((w * hits).sum(), 1e-12))
        f1 = 2 * precision * recall / max(precision + recall, 1e-12)
        log.info(
            "%-8s %8.4f %10.4f %6.4f %15.2f%%%s",
            f"{floor:.2f}",
            recall,
            precision,
            f1,
            100 * float(np.mean(mask[comments])),
            "  (the card's)" if floor == card_floor else "",
        )


if __name__ == "__main__":
    main()
