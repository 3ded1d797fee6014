"""Text normalisation shared by training and scoring, so both see text the same way.

Unicode NFKC (folds full-width and compatibility forms), removal of zero-width and joiner characters,
case folding, and whitespace collapsing. Used as the first step of every model pipeline.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

# Zero-width spaces and joiners, word joiner, soft hyphen, BOM, and the invisible format characters
# used to break up words so that filters miss them.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"
)
_WHITESPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Return `text` in the canonical form every model sees.

    >>> normalize("  \\uff28\\uff45llo\\u200b  WORLD ")
    'hello world'
    """
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = text.casefold()
    return _WHITESPACE.sub(" ", text).strip()


class TextNormalizer(TransformerMixin, BaseEstimator):
    """Stateless transformer applying :func:`normalize` to each text, for use inside a `Pipeline`."""

    def fit(self, X: Iterable[str], y: object = None) -> TextNormalizer:
        return self

    def transform(self, X: Iterable[str]) -> np.ndarray:
        return np.array([normalize(str(x)) for x in X], dtype=object)
