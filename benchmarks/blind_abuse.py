"""Blind abuse suites: comments written for this project by writers who never saw its code, data or suite.

    .venv/bin/python benchmarks/blind_abuse.py [--set a|b|c|d|e|f|g|h|i|all] [--model DIR] [--flag-on LABELS]
        [--show-failures N]

Nine sets of 240 reader comments each (`benchmarks/blind/abuse_a.jsonl` to `abuse_i.jsonl`), written
separately, each as twelve groups of 20: six that a moderator must see and six that must pass. Sets a, b,
c and e share their groups: derogation, dehumanisation, threats, insults at a person, profane insults,
obfuscated abuse; identity words in neutral statements, profanity that attacks no one, rudeness about
things, negation and counter-speech, innocent substrings and violent idioms, ordinary comments. Set d
asks for slurs and disguised abuse among the first six, and for reclaimed and self-deprecating use,
harsh words about things and ideas, and lookalikes (innocent substrings, violent idioms, homonyms)
among the second. Set f asks for veiled threats, derogation without slurs, dehumanisation, insults at a
person, slurs and disguised slurs and
severe profane attacks, against counter-speech, violent idioms and lookalikes, harsh words about ideas,
identity in positive statements, untargeted profanity and ordinary comments; set g for the groups of a
to c with figurative violence, lookalikes and robust disagreement among those that must pass; set h for
veiled threats, calls for harm to groups, derogation without slurs, dehumanisation, insults and disguised
abuse against counter-speech and reporting, identity in neutral statements, violent idioms and sports
talk, harsh criticism of ideas, lookalikes, untargeted profanity and ordinary comments; set i for threats,
derogation, dehumanisation, slurs, insults and obfuscated abuse against counter-speech, reclaimed and
in-group use, identity mentions, untargeted profanity, violent idioms and robust disagreement. Unlike the
functional suite (`benchmarks/functional.py`), which the project wrote
beside its own features, no writer knew what the model looks for. Sets `a`, `c`, `d`, `f` and `h` have
since been read while the model was developed (their misses guided work on threats, claims about groups,
insults and disguises); sets `b`, `e`, `g` and `i` have not, and stay the held-out checks.

Prints, per set, the accuracy of `flagged` per group and overall, the ROC AUC of `abuse` (flag-worthy
against the rest) and up to N failures per group.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from model_options import add_model_options, load_moderator  # benchmarks/model_options.py, beside this script
from sklearn.metrics import roc_auc_score

from moderation.moderator import Moderator
from moderation.suite import Case, evaluate

log = logging.getLogger("benchmarks.blind_abuse")

SETS = {name: f"abuse_{name}.jsonl" for name in "abcdefghi"}
"""The blind sets, by the name `--set` takes."""
FOLDER = Path(__file__).parent / "blind"


def load(name: str) -> list[Case]:
    """One blind set as functional-suite cases."""
    path = FOLDER / SETS[name]
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Case(row["text"], row["group"], bool(row["flag"])) for row in rows]


def report(moderator: Moderator, name: str, show: int) -> None:
    """Print one set's figures."""
    cases = load(name)
    result = evaluate(moderator, cases)
    auc = roc_auc_score([c.expected_flagged for c in cases], result["abuse"])
    log.info(
        "\nBlind set %s (%s), model %s %s: %d comments", name, SETS[name], moderator.name, moderator.version, len(cases)
    )
    log.info("%-40s %6s %8s %9s", "group", "cases", "expected", "accuracy")
    for group, stats in sorted(result["groups"].items(), key=lambda kv: (not kv[1]["expected_flagged"], kv[0])):
        expected = "flag" if stats["expected_flagged"] else "pass"
        log.info("%-40s %6d %8s %9.3f", group, stats["cases"], expected, stats["accuracy"])
    log.info("%-40s %6d %8s %9.3f  (abuse ROC AUC %.3f)", "overall", result["cases"], "", result["accuracy"], auc)
    if show > 0:
        for group, failures in result["failures"].items():
            for failure in failures[:show]:
                got = "flagged" if failure["flagged"] else "not flagged"
                log.info("  %-38s abuse %.3f %-11s %s", group, failure["abuse"], got, failure["text"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=[*SETS, "all"], default="all", help="which blind set (default: all)")
    add_model_options(parser)
    parser.add_argument("--show-failures", type=int, default=0, metavar="N", help="failing examples per group")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    moderator = load_moderator(args)
    for name in SETS if args.set == "all" else [args.set]:
        report(moderator, name, args.show_failures)


if __name__ == "__main__":
    main()
