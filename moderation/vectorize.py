"""Character n-gram TF-IDF that scores at word-lookup speed: the n-grams of ``analyzer="char_wb"`` never
cross a word boundary, so a text's counts are the sum of its words' counts, and each distinct word's
counts are worked out once and remembered.

Scoring cost then grows with the number of *new* words rather than with every character of every text,
which is what makes character n-grams affordable in a comment stream (most words repeat). The output is
exactly scikit-learn's `TfidfVectorizer` output for the same fitted vocabulary and weights.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

_ROW = np.dtype([("index", "<i4"), ("count", "<f4")])
"""One n-gram of a remembered word: its column and its count, packed (8 bytes)."""

_SEPARATOR = "\n"
"""Between the terms of a packed vocabulary; no term of a fitted vocabulary holds it (checked when packing)."""


class CompactTfidfVectorizer(TfidfVectorizer):
    """A `TfidfVectorizer` whose fitted vocabulary pickles as one string of its terms in column order.

    A vocabulary of some 300,000 terms pickled as a dict of NumPy integers takes a second and over 130 MB
    of memory to load (the unpickler builds and drops an object per value); packed, a tenth of a second
    and 50 MB, after which it is the same dict, with plain integers. Fitting and transforming are
    scikit-learn's own.
    """

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        vocabulary = state.get("vocabulary_")
        if isinstance(vocabulary, dict) and vocabulary:
            terms = sorted(vocabulary, key=vocabulary.__getitem__)
            ordered = all(int(vocabulary[term]) == j for j, term in enumerate(terms))
            if ordered and not any(_SEPARATOR in term for term in terms):
                del state["vocabulary_"]
                state["_packed_vocabulary"] = _SEPARATOR.join(terms)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        packed = state.pop("_packed_vocabulary", None)
        if packed is not None:
            terms = packed.split(_SEPARATOR)
            state["vocabulary_"] = dict(zip(terms, range(len(terms)), strict=True))
        super().__setstate__(state)


class WordwiseCharTfidf(CompactTfidfVectorizer):
    """A `TfidfVectorizer` whose `transform`, for ``analyzer="char_wb"``, sums remembered per-word counts.

    Fitting is scikit-learn's own. The per-word memory holds at most :attr:`max_cached_words` words, the
    first it meets (in a comment stream mostly its common words: starting afresh when full lost them all,
    and a rare word costs little to work out again), each as one packed bytes object (about 200 bytes a
    word with its key). It is never pickled, and is safe to share between threads: a word missing from it
    is simply worked out again. Any other analyzer falls back to the parent's `transform`.
    """

    max_cached_words: ClassVar[int] = 50_000

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("_word_counts", None)  # a cache, not model state: bundles stay small and reproducible
        return state

    def _word_rows(self, words: list[str]) -> sparse.csr_matrix:
        """The n-gram counts of each word, ``(len(words), n_features)``."""
        cache: dict[str, bytes] = self.__dict__.setdefault("_word_counts", {})
        room = self.max_cached_words - len(cache)
        vocabulary = self.vocabulary_
        rows = []
        for word in words:
            row = cache.get(word)
            if row is None:
                found: dict[int, int] = {}
                for gram in self._char_wb_ngrams(word):
                    j = vocabulary.get(gram)
                    if j is not None:
                        found[j] = found.get(j, 0) + 1
                packed = np.empty(len(found), _ROW)
                packed["index"] = list(found)
                packed["count"] = list(found.values())
                row = packed.tobytes()
                if room > 0:
                    cache[word] = row
                    room -= 1
            rows.append(row)
        packed = np.frombuffer(b"".join(rows), _ROW)
        indptr = np.zeros(len(rows) + 1, np.int64)
        np.cumsum([len(row) // _ROW.itemsize for row in rows], out=indptr[1:])
        return sparse.csr_matrix((packed["count"], packed["index"], indptr), shape=(len(words), len(vocabulary)))

    def counts(self, raw_documents: Iterable[str]) -> sparse.csr_matrix:
        """The n-gram count matrix `transform` weighs, with sorted indices, for the ``char_wb`` analyzer."""
        preprocess = self.build_preprocessor()
        ids: dict[str, int] = {}
        occurrences: list[int] = []
        indptr = [0]
        for doc in raw_documents:
            for word in preprocess(self.decode(doc)).split():
                occurrences.append(ids.setdefault(word, len(ids)))
            indptr.append(len(occurrences))
        per_text = sparse.csr_matrix(
            (np.ones(len(occurrences), np.float32), np.asarray(occurrences, np.int64), np.asarray(indptr)),
            shape=(len(indptr) - 1, len(ids)),
        )
        counts = (per_text @ self._word_rows(list(ids))).astype(self.dtype)
        counts.sort_indices()
        return counts

    def transform(self, raw_documents: Iterable[str]) -> sparse.csr_matrix:
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        check_is_fitted(self, msg="The TF-IDF vectorizer is not fitted")
        if not self.wordwise:
            return super().transform(raw_documents)
        return self._tfidf.transform(self.counts(raw_documents), copy=False)

    @property
    def wordwise(self) -> bool:
        """Whether :meth:`counts` applies: character n-grams within words, counted, from strings."""
        return self.analyzer == "char_wb" and self.input == "content" and not self.binary
