"""The library's exceptions: one small hierarchy the CLI and the service map to exit codes and HTTP statuses."""

from __future__ import annotations


class ModerationError(Exception):
    """Base class of every error the library raises on purpose."""


class BundleError(ModerationError):
    """A model bundle is missing, incomplete or unreadable."""


class BundleIntegrityError(BundleError):
    """A bundle artifact does not match the sha256 recorded in its card: it is refused before unpickling."""


class InputFormatError(ModerationError):
    """Input that cannot be scored: names the source and, where known, the row and field.

    `source` is a file path or a field name, `row` the 1-based row number (``None`` when not row-bound).
    """

    def __init__(self, message: str, *, source: str | None = None, row: int | None = None) -> None:
        self.message = message
        self.source = source
        self.row = row
        where = ""
        if source is not None:
            where = f"{source}"
            if row is not None:
                where += f", row {row}"
            where += ": "
        super().__init__(where + message)


class DataNotFoundError(ModerationError):
    """The shared training data folder (or one of its files) is absent."""


class TrainingDataError(ModerationError):
    """The chosen training data cannot fit every head (a label with no positive or no negative rows)."""


class ConfigurationError(ModerationError):
    """A setting names something that does not exist (an unknown category in a flag policy, for example)."""
