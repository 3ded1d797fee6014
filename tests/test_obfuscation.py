"""Disguised abuse scores like plain abuse (shipped model): a property test over generated disguises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moderation.moderator import Moderator

SENTENCES = [
    "you are a stupid idiot",
    "shut up you worthless moron",
    "i will kill you and your family",
    "go back to where you came from, you filthy rat",
    "what a pathetic loser you are",
]
ABUSIVE = {"stupid", "idiot", "worthless", "moron", "kill", "filthy", "rat", "pathetic", "loser"}
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "$"}
LOOKALIKE = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "i": "\u0456"}


def _disguise_word(word: str, how: str) -> str:
    if how == "leet" and any(c in LEET for c in word[1:-1]):
        return word[0] + "".join(LEET.get(c, c) for c in word[1:-1]) + word[-1]
    if how == "spaced" and len(word) >= 3:
        return " ".join(word)
    if how == "dotted" and len(word) >= 3:
        return ".".join(word)
    if how == "lookalike":
        return "".join(LOOKALIKE.get(c, c) for c in word)
    if how == "stretched":
        vowels = [i for i, c in enumerate(word) if c in "aeiou"]
        return word if not vowels else word[: vowels[0]] + word[vowels[0]] * 4 + word[vowels[0] + 1 :]
    return word


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, str]:
    plain = draw(st.sampled_from(SENTENCES))
    words = plain.split()
    target = draw(st.sampled_from([i for i, w in enumerate(words) if w.strip(",") in ABUSIVE]))
    how = draw(st.sampled_from(["leet", "spaced", "dotted", "lookalike", "stretched"]))
    word = words[target].strip(",")
    words[target] = words[target].replace(word, _disguise_word(word, how))
    return plain, " ".join(words)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pair=disguised())
def test_disguised_sentences_score_within_a_tenth(shipped_moderator: Moderator, pair: tuple[str, str]) -> None:
    plain, variant = pair
    a, b = shipped_moderator.score([plain, variant])
    assert abs(a.abuse - b.abuse) <= 0.1, (variant, a.abuse, b.abuse)
    for category, value in a.categories.items():
        assert abs(value - b.categories[category]) <= 0.1, (variant, category)
