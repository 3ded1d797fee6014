"""TF-IDF vectorizers that score at lookup speed, with scikit-learn's output exactly.

Word n-grams are counted on token ids (:class:`CompactTfidfVectorizer`): no n-gram string is built. Character
n-grams of ``analyzer="char_wb"`` never cross a word boundary, so a text's counts are the sum of its words'
counts, and each distinct word's counts are worked out once and remembered (:class:`WordwiseCharTfidf`):
scoring cost then grows with the number of *new* words rather than with every character of every text,
which is what makes character n-grams affordable in a comment stream (most words repeat).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any, ClassVar, NamedTuple

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

_ROW = np.dtype([("index", "<i4"), ("count", "<f4")])
"""One n-gram of a remembered word: its column and its count, packed (8 bytes)."""

_SEPARATOR = "\n"
"""Between the terms of a packed vocabulary; no term of a fitted vocabulary holds it (checked when packing)."""


class _NgramCodes(NamedTuple):
    """A fitted word n-gram vocabulary as numbers: each known token's id (from 1), and every term's code
    (its tokens' ids as digits in base ``base``), sorted, with the term's column."""

    token_ids: dict[str, int]
    base: int
    codes: np.ndarray
    columns: np.ndarray


class CompactTfidfVectorizer(TfidfVectorizer):
    """A `TfidfVectorizer` whose fitted vocabulary pickles as one string of its terms in column order, and
    whose word n-grams are counted on token ids.

    A vocabulary of some 300,000 terms pickled as a dict of NumPy integers takes a second and over 130 MB
    of memory to load (the unpickler builds and drops an object per value); packed, a tenth of a second
    and 50 MB, after which it is the same dict, with plain integers. Fitting is scikit-learn's own.

    Transforming with the word analyzer (and no stop words, custom analyzer or tokenizer) counts n-grams
    without building their strings: each token becomes an id, each n-gram a number made of its ids, found
    in the vocabulary's sorted numbers (:meth:`word_counts`). The output is scikit-learn's, exactly (tested); any
    other setting is transformed by scikit-learn.
    """

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("_ngram_codes", None)  # derived from the vocabulary when first needed, never pickled
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

    @property
    def plain_words(self) -> bool:
        """Whether :meth:`word_counts` applies: word n-grams from strings by the token pattern, counted."""
        return (
            self.analyzer == "word"
            and self.input == "content"
            and self.tokenizer is None
            and self.stop_words is None
            and not self.binary
            and isinstance(self.token_pattern, str)
        )

    def ngram_codes(self) -> _NgramCodes | None:
        """The vocabulary as :class:`_NgramCodes`, worked out once; None when its numbers would not fit an int64.

        Work it out before forking workers: it reads every vocabulary term, and a worker that did so itself
        would copy the pages of the vocabulary it shares with its parent (each read writes a reference count).
        """
        if "_ngram_codes" not in self.__dict__:
            # Term by term, twice, rather than keeping every term's split: the splits of a large
            # vocabulary would take tens of megabytes that a process keeps once allocated.
            token_ids: dict[str, int] = {}
            for term in self.vocabulary_:
                for token in term.split(" "):
                    token_ids.setdefault(token, len(token_ids) + 1)
            base = len(token_ids) + 1
            max_n = self.ngram_range[1]
            table = None
            if base**max_n < 2**62:
                codes = np.full(len(self.vocabulary_), -1, np.int64)
                for term, j in self.vocabulary_.items():
                    parts = term.split(" ")
                    if len(parts) <= max_n:
                        code = 0
                        for token in reversed(parts):
                            code = code * base + token_ids[token]
                        codes[j] = code
                order = np.argsort(codes, kind="stable")
                table = _NgramCodes(token_ids, base, codes[order], order.astype(np.int64))
            self.__dict__["_ngram_codes"] = table
        return self.__dict__["_ngram_codes"]

    def word_counts(self, raw_documents: Iterable[str]) -> sparse.csr_matrix | None:
        """The n-gram count matrix `transform` weighs, with sorted indices; None when a token holds a space (a
        custom token pattern can match one), which would break the numbering, for scikit-learn to count."""
        table = self.ngram_codes()
        if table is None:
            return None
        preprocess, tokenize = self.build_preprocessor(), self.build_tokenizer()
        lookup, unknown = table.token_ids.get, itertools.repeat(0)
        ids: list[int] = []
        indptr = [0]
        for doc in raw_documents:
            tokens = tokenize(preprocess(self.decode(doc)))
            start = len(ids)
            ids.extend(map(lookup, tokens, unknown))
            if 0 in ids[start:] and any(" " in token for token in tokens):
                return None
            indptr.append(len(ids))
        token = np.asarray(ids, np.int64)
        lengths = np.diff(indptr)
        doc_of = np.repeat(np.arange(len(lengths)), lengths)
        # Tokens from each one to its document's end: an n-gram starting there must fit in them.
        room = np.repeat(np.asarray(indptr[1:]), lengths) - np.arange(len(token))
        rows, cols = [], []
        code = np.zeros(len(token), np.int64)
        known = np.ones(len(token), bool)
        scale = 1
        min_n, max_n = self.ngram_range
        for n in range(1, max_n + 1):
            m = max(len(token) - n + 1, 0)  # places an n-gram can start
            # code[i] becomes the number of the n tokens from i: token i as the lowest digit.
            code[:m] += token[n - 1 :] * scale
            known[:m] &= token[n - 1 :] > 0
            scale *= table.base
            if n < min_n:
                continue
            starts = np.flatnonzero(known[:m] & (room[:m] >= n))
            at = np.searchsorted(table.codes, code[starts])
            at[at == len(table.codes)] = 0
            hit = table.codes[at] == code[starts]
            rows.append(doc_of[starts[hit]])
            cols.append(table.columns[at[hit]])
        row = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        col = np.concatenate(cols) if cols else np.zeros(0, np.int64)
        counts = sparse.csr_matrix(
            (np.ones(len(row), self.dtype), (row, col)), shape=(len(indptr) - 1, len(self.vocabulary_))
        )
        counts.sum_duplicates()
        return counts

    def _own_counts(self, documents: list[str]) -> sparse.csr_matrix | None:
        """The count matrix by this class's own counting, or None where scikit-learn counts."""
        return self.word_counts(documents) if self.plain_words else None

    def count_matrix(self, documents: Iterable[str]) -> sparse.csr_matrix:
        """The n-gram count matrix `transform` weighs: by this class's own counting where it applies, else
        scikit-learn's."""
        documents = list(documents)
        counts = self._own_counts(documents)
        return counts if counts is not None else CountVectorizer.transform(self, documents)

    def transform(self, raw_documents: Iterable[str]) -> sparse.csr_matrix:
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        check_is_fitted(self, msg="The TF-IDF vectorizer is not fitted")
        return self._tfidf.transform(self.count_matrix(raw_documents), copy=False)


class WordwiseCharTfidf(CompactTfidfVectorizer):
    """A `TfidfVectorizer` whose `transform`, for ``analyzer="char_wb"``, sums remembered per-word counts.

    Fitting is scikit-learn's own. The per-word memory holds at most :attr:`max_cached_words` words, the
    first it meets (in a comment stream mostly its common words: starting afresh when full lost them all,
    and a rare word costs little to work out again), each as one packed bytes object (about 200 bytes a
    word with its key). It is never pickled, and is safe to share between threads: a word missing from it
    is simply worked out again. Any other analyzer is counted as the parent counts it.
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

    def _own_counts(self, documents: list[str]) -> sparse.csr_matrix | None:
        return self.counts(documents) if self.wordwise else super()._own_counts(documents)

    @property
    def wordwise(self) -> bool:
        """Whether :meth:`counts` applies: character n-grams within words, counted, from strings."""
        return self.analyzer == "char_wb" and self.input == "content" and not self.binary
