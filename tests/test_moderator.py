"""The public `Moderator`: thresholds, reasons and the flag policy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from moderation import DEFAULT_FLAG_ON, ConfigurationError, Moderator
from moderation.moderator import parse_flag_on

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
