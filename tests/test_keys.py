"""The key index: every literal key a text holds, as testing each key with ``in`` would find."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moderation.keys import KeyIndex
from moderation.lexicon import (
    _ATTACK_INDEX,
    _COMPOUND_KEYS,
    _CONTEMPT_KEYS,
    _INSULT_PHRASE_KEYS,
    _KEYED_ATTACKS,
    _MENTION_INDEX,
    _MENTION_RULES,
)

ALPHABET = "ab '\u2018i"


@given(
    keys=st.sets(st.text(alphabet=ALPHABET, min_size=1, max_size=4), max_size=12),
    text=st.text(alphabet=ALPHABET + "xyz", max_size=40),
)
def test_present_is_every_key_in_the_text(keys: set[str], text: str) -> None:
    assert KeyIndex(keys).present(text) == {key for key in keys if key in text}


def test_overlapping_and_nested_keys_are_all_found() -> None:
    index = KeyIndex(["i'm ", "'", "m", "a lot", "lot"])
    assert index.present("i'm a lot") == {"i'm ", "'", "m", "a lot", "lot"}
    assert index.present("nothing here") == set()


def test_an_empty_index_finds_nothing_and_an_empty_key_is_refused() -> None:
    assert KeyIndex([]).present("anything") == frozenset()
    with pytest.raises(ValueError, match="empty"):
        KeyIndex(["a", ""])


def test_an_index_survives_pickling() -> None:
    index = KeyIndex(["eater", "\u2018", "only good"])
    copy = pickle.loads(pickle.dumps(index))
    assert copy.keys == index.keys
    assert copy.present("the only good \u2018eater\u2019") == {"eater", "\u2018", "only good"}


def test_the_lexicon_indexes_hold_every_rule_key() -> None:
    assert _MENTION_INDEX.keys == set().union(*(keys for keys, _ in _MENTION_RULES))
    expected = {*_COMPOUND_KEYS, *_CONTEMPT_KEYS, *_INSULT_PHRASE_KEYS}.union(*(keys for _, keys, _ in _KEYED_ATTACKS))
    assert _ATTACK_INDEX.keys == expected
