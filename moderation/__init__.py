"""moderation: self-hosted reader-comment moderation.

One public object, :class:`Moderator`: ``Moderator.load(path).score(texts)`` scores comments for abuse
and ``.segment(page)`` labels a page's blocks and scores its comments. The CLI, the REST service and
batch scoring all go through it.
"""

__version__ = "0.1.0"

from .datasets import CATEGORIES, LABELS
from .errors import (
    BundleError,
    BundleIntegrityError,
    ConfigurationError,
    DataNotFoundError,
    InputFormatError,
    ModerationError,
    TrainingDataError,
)
from .moderator import DEFAULT_FLAG_ON, Block, Moderator, Score
from .segment import SEGMENT_LABELS

__all__ = [
    "CATEGORIES",
    "DEFAULT_FLAG_ON",
    "LABELS",
    "SEGMENT_LABELS",
    "Block",
    "BundleError",
    "BundleIntegrityError",
    "ConfigurationError",
    "DataNotFoundError",
    "InputFormatError",
    "ModerationError",
    "Moderator",
    "Score",
    "TrainingDataError",
    "__version__",
]
