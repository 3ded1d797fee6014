"""The functional test suite (CheckList/HateCheck style): accuracy of a bundle's `flagged` verdict per behaviour.

    .venv/bin/python benchmarks/functional.py [--model DIR] [--flag-on LABELS] [--show-failures N]

Cases come from `moderation.suite.cases()`: template sentences, one group per behaviour (slurs and their
disguises, dehumanisation, threats and insults should be flagged; profanity that attacks no one, identity
words in neutral or positive statements, negations, counter-speech, reclaimed use, innocent substrings,
abuse of objects and threat words in harmless use should not). Prints a per-group table (cases, expected
verdict, accuracy), the overall accuracy against the project's targets (0.95 overall, 0.80 in every
group), and up to N failing examples per group with their abuse score.
"""

from __future__ import annotations

import argparse
import logging

from model_options import add_model_options, load_moderator  # benchmarks/model_options.py, beside this script

from moderation.suite import evaluate

log = logging.getLogger("benchmarks.functional")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_model_options(parser)
    parser.add_argument("--show-failures", type=int, default=3, metavar="N", help="failing examples per group")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    moderator = load_moderator(args)
    result = evaluate(moderator)
    targets = result["targets"]
    log.info("Functional suite, model %s %s: %d cases", moderator.name, moderator.version, result["cases"])
    log.info("%-20s %6s %8s %9s", "group", "cases", "expected", "accuracy")
    for group, stats in result["groups"].items():
        expected = "flag" if stats["expected_flagged"] else "pass"
        low = "  < target" if stats["accuracy"] < targets["group"] else ""
        log.info("%-20s %6d %8s %9.3f%s", group, stats["cases"], expected, stats["accuracy"], low)
    log.info(
        "%-20s %6d %8s %9.3f  (targets: %.2f overall, %.2f every group: %s)",
        "overall",
        result["cases"],
        "",
        result["accuracy"],
        targets["overall"],
        targets["group"],
        "met" if result["meets_targets"] else "not met",
    )
    if args.show_failures > 0:
        for group, failures in result["failures"].items():
            if not failures:
                continue
            log.info("\n%s: %d failing, first %d", group, len(failures), min(args.show_failures, len(failures)))
            for failure in failures[: args.show_failures]:
                got = "flagged" if failure["flagged"] else "not flagged"
                log.info("  abuse %.3f %-11s %s", failure["abuse"], got, failure["text"])


if __name__ == "__main__":
    main()
