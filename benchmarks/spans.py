"""Explanation spans against the SemEval-2021 Toxic Spans trial split (690 news comments).

    .venv/bin/python benchmarks/spans.py [--model DIR] [--data DIR] [--show N]

Prints the mean character-offset F1 of the spans `Moderator.explain` highlights (the task's own metric:
per comment F1 over character offsets, 1.0 when both gold and prediction are empty), with the bundle's
cutoff, and N example comments with gold and predicted spans. The cutoff itself was chosen on this split
by `moderation train`, as the issue asks, so the figure is an in-sample one for that single parameter.
"""

from __future__ import annotations

import argparse
import json
import logging

import numpy as np

from moderation.datasets import data_dir, read_toxic_spans
from moderation.explain import offsets_of, span_f1
from moderation.moderator import Moderator

log = logging.getLogger("benchmarks.spans")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None)
    parser.add_argument("--data", default=None)
    parser.add_argument("--show", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    moderator = Moderator.load(args.model)
    trial = read_toxic_spans(data_dir(args.data) / "toxicity", split="trial")
    scores = []
    for i, (text, gold_json) in enumerate(zip(trial["text"], trial["spans"], strict=True)):
        gold = set(json.loads(gold_json))
        spans = moderator.explain(text)
        scores.append(span_f1(offsets_of(spans), gold))
        if i < args.show:
            log.info(
                "%s\n  gold: %s\n  ours: %s", text[:200], [text[a] for a in sorted(gold)][:40], [s.text for s in spans]
            )
    log.info(
        "Toxic Spans trial: %d comments, mean character F1 %.4f (cutoff %.2f)",
        len(scores),
        float(np.mean(scores)),
        moderator.span_cutoff,
    )


if __name__ == "__main__":
    main()
