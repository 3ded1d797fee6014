"""The word-wise character TF-IDF: scikit-learn's output, exactly, at word-lookup speed."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from moderation.vectorize import CompactTfidfVectorizer, WordwiseCharTfidf

CORPUS = [
    "the council voted on the budget",
    "you are an idiot and a liar",
    "thanks for the article, well written",
    "café owners  say\tthe new rules hurt trade",
    "stuuupid f*ck   this",
    "",
]
SETTINGS = dict(lowercase=False, analyzer="char_wb", ngram_range=(2, 5), min_df=1, sublinear_tf=True, dtype=np.float32)

pieces = st.sampled_from([*"abcdeflrstu *'é\t\n", "  ", "the ", "idiot ", "council "])
texts = st.lists(st.lists(pieces, max_size=30).map("".join), min_size=1, max_size=8)


def _pair(**overrides: object) -> tuple[TfidfVectorizer, WordwiseCharTfidf]:
    params = {**SETTINGS, **overrides}
    return TfidfVectorizer(**params).fit(CORPUS), WordwiseCharTfidf(**params).fit(CORPUS)


@settings(max_examples=60, deadline=None)
@given(batch=texts)
def test_transform_equals_scikit_learn(batch: list[str]) -> None:
    reference, wordwise = _pair()
    expected = reference.transform(batch).toarray()
    np.testing.assert_array_equal(wordwise.transform(batch).toarray(), expected)
    # A second pass answers from the per-word memory: still the same.
    np.testing.assert_array_equal(wordwise.transform(batch).toarray(), expected)


@pytest.mark.parametrize("overrides", [{"lowercase": True, "strip_accents": "unicode"}, {"sublinear_tf": False}])
def test_preprocessing_and_weighting_options_are_honoured(overrides: dict[str, object]) -> None:
    reference, wordwise = _pair(**overrides)
    batch = ["CAFÉ Owners say", "You ARE an idiot"]
    np.testing.assert_allclose(wordwise.transform(batch).toarray(), reference.transform(batch).toarray())


def test_other_analyzers_fall_back_to_scikit_learn() -> None:
    reference, wordwise = _pair(analyzer="word", ngram_range=(1, 2))
    np.testing.assert_array_equal(wordwise.transform(CORPUS).toarray(), reference.transform(CORPUS).toarray())


def test_the_memory_is_bounded_and_never_pickled(monkeypatch: pytest.MonkeyPatch) -> None:
    _, wordwise = _pair()
    monkeypatch.setattr(WordwiseCharTfidf, "max_cached_words", 5)
    wordwise.transform(["one two three four", "five six seven"])
    assert len(wordwise._word_counts) <= 5
    first = set(wordwise._word_counts)
    assert first and wordwise.transform(["eight nine ten eleven"]).nnz > 0
    assert set(wordwise._word_counts) == first  # full: the words met first stay, later ones are worked out
    restored = pickle.loads(pickle.dumps(wordwise))
    assert not hasattr(restored, "_word_counts")
    np.testing.assert_array_equal(restored.transform(CORPUS).toarray(), wordwise.transform(CORPUS).toarray())


def test_a_single_string_is_refused() -> None:
    _, wordwise = _pair()
    with pytest.raises(ValueError, match="Iterable over raw text documents"):
        wordwise.transform("one comment")


@pytest.mark.parametrize("settings", [SETTINGS, {"ngram_range": (1, 2), "token_pattern": r"(?u)\b\w+\b"}])
def test_a_packed_vocabulary_loads_as_the_same_vocabulary(settings: dict[str, object]) -> None:
    fitted = CompactTfidfVectorizer(**settings).fit(CORPUS)
    state = fitted.__getstate__()
    assert "vocabulary_" not in state and isinstance(state["_packed_vocabulary"], str)
    restored = pickle.loads(pickle.dumps(fitted))
    assert restored.vocabulary_ == fitted.vocabulary_
    assert all(type(j) is int for j in restored.vocabulary_.values())
    np.testing.assert_array_equal(restored.transform(CORPUS).toarray(), fitted.transform(CORPUS).toarray())
    # The packing is deterministic: the same fit gives the same bytes (bundle digests depend on it).
    assert pickle.dumps(restored) == pickle.dumps(CompactTfidfVectorizer(**settings).fit(CORPUS))


def test_a_vocabulary_that_cannot_be_packed_pickles_as_it_is() -> None:
    # A term holding the separator (possible with a custom token pattern) keeps the plain dict.
    fitted = CompactTfidfVectorizer(token_pattern=r"[^ ]+").fit(["a\nb c", "c d"])
    assert "a\nb" in fitted.vocabulary_
    assert "vocabulary_" in fitted.__getstate__()
    assert pickle.loads(pickle.dumps(fitted)).vocabulary_ == fitted.vocabulary_
    unfitted = CompactTfidfVectorizer()
    assert pickle.loads(pickle.dumps(unfitted)).get_params() == unfitted.get_params()


words = st.sampled_from(["the", "cat", "idiot", "council", "?", "!", "w", "ww", "n", "Thé", "zzz", " ", "\t"])
word_texts = st.lists(st.lists(words, max_size=25).map(" ".join), min_size=1, max_size=8)
WORD_SETTINGS = [
    {"ngram_range": (1, 3), "token_pattern": r"\S+", "lowercase": False, "min_df": 1, "dtype": np.float32},
    {"ngram_range": (1, 2), "lowercase": False, "min_df": 1, "max_features": 12, "sublinear_tf": True},
    {"ngram_range": (2, 3), "token_pattern": r"\S+"},
    {"ngram_range": (1, 1), "lowercase": True, "strip_accents": "unicode", "token_pattern": r"(?u)\b\w+\b"},
    {"ngram_range": (1, 2), "token_pattern": r"\w*"},  # empty tokens too: terms like " cat"
    {"ngram_range": (1, 4), "token_pattern": r"\S+"},  # n-grams longer than some texts
]
WORD_CORPUS = ["the cat the idiot ?", "council the cat !", "w ww n the cat", "Thé council ? ! w", "the the cat"]


@settings(max_examples=40, deadline=None)
@given(batch=word_texts, which=st.integers(0, len(WORD_SETTINGS) - 1))
def test_word_ngrams_counted_on_token_ids_equal_scikit_learn(batch: list[str], which: int) -> None:
    params = WORD_SETTINGS[which]
    reference = TfidfVectorizer(**params).fit(WORD_CORPUS)
    compact = CompactTfidfVectorizer(**params).fit(WORD_CORPUS)
    assert compact.plain_words
    expected = reference.transform(batch)
    got = compact.transform(batch)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got.toarray(), expected.toarray())


@pytest.mark.parametrize("batch", [["the cat"], ["the"], [""], ["the cat", ""], ["the cat idiot"]])
def test_batches_shorter_than_the_longest_n_gram(batch: list[str]) -> None:
    params = {"ngram_range": (1, 4), "token_pattern": r"\S+"}
    reference, compact = TfidfVectorizer(**params).fit(WORD_CORPUS), CompactTfidfVectorizer(**params).fit(WORD_CORPUS)
    np.testing.assert_array_equal(compact.transform(batch).toarray(), reference.transform(batch).toarray())


def test_tokens_that_would_break_the_numbering_are_counted_by_scikit_learn() -> None:
    # A token pattern that matches spaces makes terms whose parts are not tokens: scikit-learn counts those.
    params = {"ngram_range": (1, 2), "token_pattern": r"[a-z][a-z ]*[a-z]"}
    corpus = ["ab cd, ef", "ab, cd ef", "ab cd"]
    reference, compact = TfidfVectorizer(**params).fit(corpus), CompactTfidfVectorizer(**params).fit(corpus)
    assert compact.word_counts(["ab cd, ef"]) is None
    np.testing.assert_array_equal(compact.transform(corpus).toarray(), reference.transform(corpus).toarray())
    # Any iterable, a one-pass generator too, whichever counting takes it.
    expected = CountVectorizer(**params).fit(corpus).transform(corpus).toarray()
    np.testing.assert_array_equal(compact.count_matrix(t for t in corpus).toarray(), expected)
    np.testing.assert_array_equal(compact.transform(t for t in corpus).toarray(), reference.transform(corpus).toarray())


def test_the_token_numbering_is_never_pickled() -> None:
    fitted = CompactTfidfVectorizer(ngram_range=(1, 2)).fit(WORD_CORPUS)
    before = pickle.dumps(fitted)
    fitted.transform(WORD_CORPUS)
    assert "_ngram_codes" in fitted.__dict__
    assert pickle.dumps(fitted) == before
