"""Explanation spans against the SemEval-2021 Toxic Spans trial split (690 news comments).

    .venv/bin/python benchmarks/spans.py [--model DIR] [--data DIR] [--show N]

Prints the mean character-offset F1 (the task's own metric: per comment F1 over character offsets, 1.0
when both gold and prediction are empty) of the spans the bundle highlights, two ways:

- under the task's premise, that every comment is toxic and the question is which part
  (`moderation.explain.explain(..., toxic=True)`): the figure comparable with the SemEval-2021 systems;
- as `Moderator.explain` highlights in service, where the model's own verdict decides: a comment it
  neither flags nor gives a reason shows no spans (with a span tagger) or only words past the cutoff.

Then N example comments with gold and predicted spans. The cutoff was chosen on this split by
`moderation train`, as the issue asks, so the figures are in-sample for that single parameter.
"""

from __future__ import annotations

import argparse
import json
import logging

import numpy as np

from moderation.datasets import data_dir, read_toxic_spans
from moderation.explain import explain, offsets_of, span_f1
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
    tagger = moderator.bundle.models.get("spans")
    trial = read_toxic_spans(data_dir(args.data) / "toxicity", split="trial")
    premise, verdict = [], []
    for i, (text, gold_json) in enumerate(zip(trial["text"], trial["spans"], strict=True)):
        gold = set(json.loads(gold_json))
        spans = explain(moderator.scorer, text, moderator.span_cutoff, tagger, toxic=True)
        premise.append(span_f1(offsets_of(spans), gold))
        verdict.append(span_f1(offsets_of(moderator.explain(text)), gold))
        if i < args.show:
            log.info(
                "%s\n  gold: %s\n  ours: %s", text[:200], [text[a] for a in sorted(gold)][:40], [s.text for s in spans]
            )
    log.info(
        "Toxic Spans trial: %d comments, %s, cutoff %.2f: mean character F1 %.4f with every comment taken as "
        "toxic (the task's premise), %.4f where the model's own verdict decides",
        len(premise),
        "span tagger" if tagger is not None else "occlusion only",
        moderator.span_cutoff,
        float(np.mean(premise)),
        float(np.mean(verdict)),
    )


if __name__ == "__main__":
    main()
