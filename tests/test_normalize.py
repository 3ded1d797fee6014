"""Normalisation: the same canonical text for training and scoring."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from moderation.normalize import TextNormalizer, normalize


def test_case_whitespace_and_width_fold() -> None:
    assert normalize("  Hello\t\n  WORLD  ") == "hello world"
    assert normalize("\uff28\uff45\uff4c\uff4c\uff4f") == "hello"  # full-width letters


def test_zero_width_and_joiners_removed() -> None:
    assert normalize("id\u200biot") == "idiot"
    assert normalize("st\u200dup\u2060id\ufeff") == "stupid"
    assert normalize("soft\u00adhyphen") == "softhyphen"


def test_compatibility_forms_fold() -> None:
    assert normalize("\ufb01ne") == "fine"  # the "fi" ligature
    assert normalize("\u2460") == "1"  # circled digit one


def test_transformer_matches_function() -> None:
    texts = ["A  B", "\uff21", "x\u200by"]
    out = TextNormalizer().fit(texts).transform(texts)
    assert isinstance(out, np.ndarray)
    assert list(out) == [normalize(t) for t in texts]


@given(st.text())
def test_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(st.text())
def test_no_surrounding_or_repeated_whitespace(text: str) -> None:
    out = normalize(text)
    assert out == out.strip()
    assert "  " not in out
