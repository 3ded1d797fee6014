"""The public `Moderator`: thresholds, reasons and the flag policy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from moderation import DEFAULT_FLAG_ON, ConfigurationError, Moderator
from moderation.datasets import LABELS
from moderation.moderator import decide, parse_flag_on

PROFANE = "fuck this damn thing 3"
NICE = "thanks for the thoughtful article 7"


def test_parse_flag_on() -> None:
    assert parse_flag_on(None) is None
    assert parse_flag_on("insult, threat,insult") == ("insult", "threat")
    assert parse_flag_on(["profanity"]) == ("profanity",)
    with pytest.raises(ConfigurationError, match="swearing"):
        parse_flag_on("insult,swearing")
    with pytest.raises(ConfigurationError):
        parse_flag_on(" , ")


def test_default_policy_comes_from_the_card(tiny_bundle: Path, shipped_moderator: Moderator) -> None:
    assert Moderator.load(tiny_bundle).flag_on == ("abuse",)  # a card without a flag policy
    assert shipped_moderator.flag_on == DEFAULT_FLAG_ON
    assert "profanity" not in DEFAULT_FLAG_ON


def test_flag_policy_decides_flagged(tiny_bundle: Path) -> None:
    swearing = Moderator.load(tiny_bundle, flag_on="profanity")
    threats = Moderator.load(tiny_bundle, flag_on=["threat"])
    profane, nice = swearing.score([PROFANE, NICE])
    assert "profanity" in profane.reasons
    assert profane.flagged and not nice.flagged
    [profane_for_threats] = threats.score([PROFANE])
    assert not profane_for_threats.flagged
    assert profane_for_threats.categories == profane.categories  # the policy changes decisions, not scores


def test_a_category_flags_only_where_abuse_reaches_the_floor() -> None:
    thresholds = dict.fromkeys(LABELS, 0.5)
    # abuse, toxicity, severe_toxicity, identity_attack, insult, profanity, threat
    threat_alone = [0.02, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9]
    abuse_alone = [0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]
    both = [0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9]
    proba = np.array([threat_alone, abuse_alone, both])
    flags = [s.flagged for s in decide(proba, thresholds, DEFAULT_FLAG_ON, thresholds, abuse_floor=0.05)]
    assert flags == [False, True, True]
    assert decide(proba, thresholds, DEFAULT_FLAG_ON, thresholds, abuse_floor=0.05)[0].reasons == ["threat"]
    assert all(s.flagged for s in decide(proba, thresholds, DEFAULT_FLAG_ON, thresholds))  # no floor
    swearing = np.array([[0.01, 0.9, 0.1, 0.1, 0.1, 0.9, 0.1]])  # "this is f***ing brilliant"
    [profane] = decide(swearing, thresholds, ("profanity",), thresholds, abuse_floor=0.05)
    assert profane.flagged  # a site that flags profanity gets it, whatever the abuse head says


def test_the_shipped_card_records_its_abuse_floor(shipped_moderator: Moderator) -> None:
    assert shipped_moderator.abuse_floor == shipped_moderator.card["flag_policy"]["abuse_floor"]


def test_reasons_are_sorted_strongest_first(tiny_moderator: Moderator) -> None:
    [score] = tiny_moderator.score(["i will kill you 1"])
    values = [score.categories[c] for c in score.reasons]
    assert values == sorted(values, reverse=True)
    assert all(score.categories[c] >= tiny_moderator.thresholds[c] for c in score.reasons)


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "moderation.cli", *args], capture_output=True, text=True, env=env, input=PROFANE
    )


def test_cli_flag_on_option_and_environment(tiny_bundle: Path) -> None:
    import os

    plain = _cli("score", "--model", str(tiny_bundle), "--flag-on", "threat")
    assert plain.returncode == 0 and json.loads(plain.stdout)["flagged"] is False
    swearing = _cli("score", "--model", str(tiny_bundle), env={**os.environ, "MODERATION_FLAG_ON": "profanity"})
    assert swearing.returncode == 0 and json.loads(swearing.stdout)["flagged"] is True
    bad = _cli("score", "--model", str(tiny_bundle), "--flag-on", "swearing")
    assert bad.returncode == 2
    assert bad.stderr.strip().startswith("moderation: error: flag-on: unknown label(s) swearing")
    assert "Traceback" not in bad.stderr
