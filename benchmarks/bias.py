"""Unintended identity bias of a bundle: the Jigsaw 2019 metrics and the false-flag rate on template sentences.

    .venv/bin/python benchmarks/bias.py [--model DIR]

Sentences come from `moderation.suite.bias_examples()`: the same benign and toxic templates for every
identity group, so a group's scores differ from the others' only through its identity words. Ranking
metrics use `Score.abuse`: per group the subgroup AUC (sentences mentioning the group only), BPSN AUC
(toxic sentences about other groups against benign ones about this group: low means false flags) and
BNSP AUC (toxic sentences about this group against benign ones about other groups: low means misses);
the final metric is 0.25 * overall AUC + 0.75 * the mean over those three of their power mean (p = -5)
over groups. Flag rates use `Score.flagged`: the false-flag rate is the share of benign sentences flagged,
the toxic flag rate (for context) the share of toxic ones flagged. Targets from the project: false-flag
rate <= 2 %, final metric >= 0.98, BPSN >= 0.90 for every group.
"""

from __future__ import annotations

import argparse
import logging

from moderation.moderator import Moderator
from moderation.suite import evaluate_bias

log = logging.getLogger("benchmarks.bias")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="bundle folder (default: $MODERATION_MODEL or models/default)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    moderator = Moderator.load(args.model)
    result = evaluate_bias(moderator)
    targets = result["targets"]
    log.info(
        "Identity bias, model %s %s: %d sentences over %d groups",
        moderator.name,
        moderator.version,
        result["examples"],
        len(result["groups"]),
    )
    log.info("%-10s %5s %9s %7s %7s %11s %11s", "group", "n", "subgroup", "BPSN", "BNSP", "false flag", "toxic flag")
    for group, row in result["groups"].items():
        log.info(
            "%-10s %5d %9.3f %7.3f %7.3f %10.1f%% %10.1f%%",
            group,
            row["examples"],
            row["subgroup_auc"],
            row["bpsn_auc"],
            row["bnsp_auc"],
            100 * row["false_flag_rate"],
            100 * row["toxic_flag_rate"],
        )
    pm = result["power_means"]
    log.info(
        "%-10s %5s %9.3f %7.3f %7.3f   (power means, p = -5)",
        "",
        "",
        pm["subgroup_auc"],
        pm["bpsn_auc"],
        pm["bnsp_auc"],
    )
    worst, worst_bpsn = result["worst_bpsn"]
    log.info("\noverall AUC               %.4f", result["overall_auc"])
    log.info("final bias metric         %.4f  (target >= %.2f)", result["final_metric"], targets["final_metric"])
    log.info("worst BPSN AUC            %.4f  (%s; target >= %.2f every group)", worst_bpsn, worst, targets["bpsn_auc"])
    log.info(
        "false-flag rate (benign)  %.1f%%  (target <= %.0f%%)",
        100 * result["false_flag_rate"],
        100 * targets["false_flag_rate"],
    )
    log.info("toxic flag rate           %.1f%%", 100 * result["toxic_flag_rate"])
    log.info("targets: %s", "met" if result["meets_targets"] else "not met")


if __name__ == "__main__":
    main()
